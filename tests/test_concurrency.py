"""Every write survives a double click and a race.

For every form page that accepts a POST and every API endpoint that writes, two
independent worlds are built in the same database. In the first, the write is sent
once; in the second, the same write is sent twice **at the same moment** (two threads
against the live server, released by a barrier). The test asserts:

- no answer is a 5xx (a race must give the existing result or a clear 4xx), and an API
  answer is always JSON;
- the second world gained exactly the rows the first one did: no duplicate record.

The lists of forms and endpoints are not hand-kept: they are read from the resolver
(views with a ``post`` method) and from the OpenAPI schema, and a form or endpoint
without a case fails ``test_every_write_has_a_case``. Form data is read from the page
itself (what a person would submit by pressing the button without changing anything,
with required empty fields filled in plainly); ``FORM_DATA`` gives the few values a
person would have to type or choose.

Only on PostgreSQL: the live server's threads need their own connections, which the
in-memory SQLite test database cannot give (CI runs the suite on both databases).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from http.cookies import SimpleCookie

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from tests.community import race as community_race
from tests.conftest import World, build_world
from tests.contact import race as contact_race
from tests.expenses import race as expenses_race
from tests.plans import race as plans_race
from tests.test_access_matrix import ENDPOINTS, PAGES, all_url_names

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a database that gives each live-server thread its own connection",
    ),
]

# Rows that are not counted: the audit log (a refused repeat may still be audited),
# sessions, the cache and the queue's own tables, and the version rows (core.versions:
# bookkeeping, folded now and then).
NOT_COUNTED = {"core.auditentry", "core.projectchange", "sessions.session"}

ROLE_ORDER = (
    "project_coordinator",
    "buddy",
    "participant",
    "professional",
    # The learning network's curating (library, intervision) is theirs alone.
    "network_coordinator",
    # The figures of the law (expenses' ceilings and rates) are platform staff's.
    "superuser",
    "anonymous",
)

# Forms that are not writes of domain data, with the reason.
NOT_WRITES = {
    "set_language": "sets a cookie",
}
# Forms whose required field is a file: this harness posts url-encoded pairs only. An
# upload twice gives two import runs to choose columns for; the write that matters, the
# commit of a run, is raced below like every button (imports_commit).
UPLOAD_FORMS = {
    "imports_start": "a spreadsheet upload (multipart)",
}
# Writes whose page, for the access matrix's objects, would not show its form: the
# case's setup brings the object there (after the matrix's row made it), as people would
# have before opening the page. Such a case must do its real write (add a row).


def _buddy_without_login(w) -> None:
    """The coordinator gives a login to a buddy who has none (with a new address)."""
    from buddynet.volunteers.models import Buddy

    Buddy.objects.filter(pk=w.buddy.pk).update(user=None, email=f"nieuw-{w.buddy.code}@example.be")


def _volunteer_terms(w) -> None:
    """The project filled in its information note: there is a note to sign."""
    from tests.volunteers.factories import VolunteerTermsFactory

    VolunteerTermsFactory(project=w.project)


def _proposal_approved(w) -> None:
    """The coordinator approved the proposal: its introduction can be planned."""
    from buddynet.matching.models import Proposal
    from tests.matching.access_rows import _proposal

    Proposal.objects.filter(pk=_proposal(w, w.project).pk).update(status=Proposal.Status.APPROVED)


def _agreement_written(w) -> None:
    """The trajectory's agreement is written: a version waits for signatures."""
    from tests.trajectories.factories import own_trajectory, with_agreement

    with_agreement(w, own_trajectory(w), w.coord)


def _trajectory_active(w) -> None:
    """Everyone signed: the trajectory is active, so it can be paused."""
    from buddynet.trajectories.models import Trajectory
    from buddynet.trajectories.services import trajectory_set_status
    from tests.trajectories.factories import own_trajectory

    trajectory_set_status(
        trajectory=own_trajectory(w), to_status=Trajectory.Status.ACTIVE, by=w.coord
    )


def _intervision_held(w) -> None:
    """The intervision took place, and the invited buddy has a trajectory whose next
    supervision it counts as."""
    from tests.followup.factories import trajectory
    from tests.network.access_rows import intervision
    from tests.network.factories import past

    trajectory(w)
    past(intervision(w, "network"))


def _buddy_invitation(w) -> dict:
    from buddynet.network.models import Invitation

    return {"attended": [Invitation.objects.get(user=w.buddy_user).pk]}


SETUP: dict[str, Callable[[World], None]] = {
    "buddy_login": _buddy_without_login,
    "buddy_me_note": _volunteer_terms,
    "buddy_note_sign": _volunteer_terms,
    "matching_introduction_plan": _proposal_approved,
    "trajectory_agreement": _agreement_written,
    "trajectory_status": _trajectory_active,
    **expenses_race.SETUP,
    **contact_race.SETUP,
    "network_intervision_attendance": _intervision_held,
    **plans_race.SETUP,
}

# Values a person would type or choose where the page offers no default.


def _module(world) -> dict:
    from tests.volunteers.factories import TrainingModuleFactory

    with scopes_disabled():
        return {"module": TrainingModuleFactory(project=world.project).pk}


FORM_DATA: dict[str, Callable[[object], dict]] = {
    "public_signup": lambda w: {"phone": "0470123456"},
    "referral_create": lambda w: {"phone": "0470123456"},
    "vacancy_public": lambda w: {"languages": ["nl"]},
    "buddy_training": _module,
    "training_session_create": _module,
    "closure_exit": lambda w: {"rating": "3", "what_helped": "Het wandelen."},
    # The buddy types their own name to sign the information note.
    "buddy_me_note": lambda w: {"signed_name": w.buddy.full_name},
    "buddy_note_sign": lambda w: {"signed_name": w.buddy.full_name},
    # The coordinator ticks who attended the session.
    "training_session": lambda w: {"buddies": [w.buddy.pk]},
    # One answer in each questionnaire the measurement can ask (the form ignores the rest).
    "impact_enter": lambda w: {"djg11_3": "ja", "djg6_3": "ja", "who5_1": "3"},
    **expenses_race.FORM_DATA,
    **contact_race.FORM_DATA,
    # The learning network: what a curator or coordinator types and ticks.
    "network_item_add": lambda w: {"kind": "article", "themes": ["recruitment"]},
    "network_intervision_add": lambda w: {
        "day": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "time": "18:00",
        "place": "Gent",
    },
    "network_intervision_invite": lambda w: {"people": [f"{w.coord.pk}:{w.project.pk}"]},
    "network_intervision_case": lambda w: {"case_text": "Een buddy die te veel vroeg."},
    "network_intervision_attendance": _buddy_invitation,
    "network_playbook_publish": lambda w: {"guide": "Stap 1: werven."},
    "network_project_start": lambda w: {"organisation": w.project.organisation.pk},
    "network_event_add": lambda w: {
        "day": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "time": "09:30",
        "place": "Brussel",
    },
    # A new own questionnaire, a new question of it (a yes/no needs nothing more).
    "impact_own_create": lambda w: {"name": "Zelfredzaamheid thuis"},
    "impact_own_question_add": lambda w: {"text_nl": "Had u deze week bezoek?", "kind": "yesno"},
    **plans_race.FORM_DATA,
    **community_race.FORM_DATA,
    # A new person for the team, their own in each world (one world's account would be
    # found, not made, by the other).
    "team": lambda w: {"email": f"nieuw.{w.project.code.hex[:8]}@example.be"},
}


# --- A small HTTP client against the live server ------------------------------------


class Browser:
    """Cookies and CSRF like a browser, over plain urllib (thread-safe per call)."""

    def __init__(self, base: str, user=None):
        self.base = base
        self.cookies: dict[str, str] = {}
        if user is not None:
            client = Client()
            client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
            self.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[
                settings.SESSION_COOKIE_NAME
            ].value

    def _open(
        self, method: str, path: str, body: bytes | None, headers: dict
    ) -> tuple[int, str, dict]:
        request = urllib.request.Request(self.base + path, data=body, method=method)  # noqa: S310
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if cookie:
            request.add_header("Cookie", cookie)
        for name, value in headers.items():
            request.add_header(name, value)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=60)
            status, text, got = (
                response.status,
                response.read().decode(errors="replace"),
                response.headers,
            )
        except urllib.error.HTTPError as exc:
            status, text, got = exc.code, exc.read().decode(errors="replace"), exc.headers
        for header in got.get_all("Set-Cookie") or []:
            parsed = SimpleCookie(header)
            for key, morsel in parsed.items():
                self.cookies[key] = morsel.value
        return status, text, dict(got)

    def get(self, path: str) -> tuple[int, str]:
        status, text, _headers = self._open("GET", path, None, {})
        return status, text

    def post_form(self, path: str, pairs: list[tuple[str, str]]) -> tuple[int, str, dict]:
        token = self.cookies.get(settings.CSRF_COOKIE_NAME, "")
        body = urllib.parse.urlencode([*pairs, ("csrfmiddlewaretoken", token)]).encode()
        return self._open("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_json(self, path: str, payload, token: str) -> tuple[int, str, dict]:
        return self._open(
            "POST",
            path,
            json.dumps(payload, default=str).encode(),
            {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def at_once(send: Callable[[], tuple]) -> list[tuple]:
    """Call ``send`` in two threads released together; both results."""
    barrier = threading.Barrier(2)
    results: list[tuple] = [(), ()]

    def run(i):
        barrier.wait()
        results[i] = send()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


# --- Reading a form the way a browser submits it ------------------------------------


@dataclass
class Form:
    action: str
    fields: list[dict] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)


class FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(action=a.get("action", ""))
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image"):
                if a.get("name"):
                    self._form.buttons.append((a["name"], a.get("value", "")))
                return
            self._form.fields.append({"tag": "input", **a, "type": kind})
        elif tag == "button" and a.get("type", "submit") == "submit" and a.get("name"):
            self._form.buttons.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = {"tag": "select", **a, "options": []}
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea = {"tag": "textarea", **a, "value": ""}
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _plain_value(f: dict) -> str:
    """What a person types in a required field the page left empty."""
    name = f.get("name", "")
    kind = f.get("type", "text")
    soon = timezone.localdate() + timedelta(days=3)
    while soon.weekday() >= 5:
        soon += timedelta(days=1)
    if kind == "email" or "email" in name:
        return "iemand@example.be"
    if kind in ("date", "datetime-local"):
        latest = f.get("max", "")[:10]
        day = min(soon.isoformat(), latest) if latest else soon.isoformat()
        return day if kind == "date" else f"{day}T10:00"
    if kind == "time":
        return "10:00"
    if kind == "number":
        return f.get("min") or "1"
    if kind == "tel" or "phone" in name:
        return "0470123456"
    if "postcode" in name:
        return "9000"
    if "year" in name:
        return "1980"
    return "Proef"


def form_pairs(html: str, path: str, overrides: dict) -> tuple[str, list[tuple[str, str]]]:
    """Where the page's form posts, and what pressing its button sends."""
    reader = FormReader()
    reader.feed(html)
    own = [f for f in reader.forms if f.action in ("", path, "?") or f.action.startswith(path)]
    others = [
        f
        for f in reader.forms
        if f not in own and not any(x in f.action for x in ("setlang", "logout", "/i18n/"))
    ]
    candidates = own or others
    assert candidates, f"no form on {path}"
    form = candidates[0]
    pairs: list[tuple[str, str]] = []
    radios_done: set[str] = set()
    for f in form.fields:
        name = f.get("name")
        if not name or name == "csrfmiddlewaretoken" or name in overrides:
            continue
        if "disabled" in f:
            continue
        if f["tag"] == "select":
            options = [v for v, _sel in f["options"]]
            chosen = [v for v, sel in f["options"] if sel]
            if "multiple" in f:
                pairs += [(name, v) for v in chosen]
                if not chosen and "required" in f and options:
                    pairs.append((name, next(v for v in options if v)))
            else:
                value = chosen[0] if chosen else (options[0] if options else "")
                if not value and "required" in f:
                    value = next((v for v in options if v), "")
                pairs.append((name, value))
        elif f["tag"] == "textarea":
            pairs.append((name, f["value"].strip("\n") or ("Proef" if "required" in f else "")))
        elif f["type"] in ("checkbox",):
            if "checked" in f or "required" in f:
                pairs.append((name, f.get("value") or "on"))
        elif f["type"] == "radio":
            if "checked" in f:
                pairs.append((name, f.get("value", "")))
                radios_done.add(name)
        elif f["type"] == "file":
            continue
        else:
            value = f.get("value", "")
            if not value and "required" in f:
                value = _plain_value(f)
            pairs.append((name, value))
    # A required radio group with nothing chosen: the first choice.
    for f in form.fields:
        name = f.get("name")
        if f.get("type") == "radio" and name not in radios_done | set(overrides):  # noqa: SIM102
            if "required" in f:
                pairs.append((name, f.get("value", "")))
                radios_done.add(name)
    for name, value in overrides.items():
        values = value if isinstance(value, list) else [value]
        pairs += [(name, str(v)) for v in values]
    if form.buttons:
        pairs.append(form.buttons[0])
    action = form.action if form.action not in ("", "?") else path
    return action, pairs


# --- Counting rows ------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    counts = {}
    with scopes_disabled():
        for model in apps.get_models():
            label = model._meta.label_lower
            if label in NOT_COUNTED or model._meta.proxy:
                continue
            if not (model.__module__.startswith("buddynet.") or label.startswith("account.")):
                continue
            counts[label] = model._base_manager.count()
    return counts


def delta(before: dict, after: dict) -> dict:
    return {k: after[k] - before[k] for k in after if after[k] != before.get(k, 0)}


# --- The cases ----------------------------------------------------------------------


def _view_posts(name: str) -> bool:
    from django.urls import get_resolver

    for pattern in _patterns(get_resolver().url_patterns):
        if pattern.name == name:
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class is not None:
                return hasattr(view_class, "post")
            return name in FUNCTION_FORMS
    return False


def _patterns(patterns):
    from django.urls import URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns)
        else:
            yield p


# Function views that take a POST (class-based views are found by their ``post``).
FUNCTION_FORMS = {
    "public_signup",
    "calendar_settings",
    "api_tokens",
    "api_token_revoke",
    "community_answer",
}


def form_names() -> list[str]:
    return [
        n
        for n in sorted(all_url_names())
        if n in PAGES and n not in NOT_WRITES and n not in UPLOAD_FORMS and _view_posts(n)
    ]


def write_endpoints() -> list[tuple[str, str]]:
    return sorted(k for k in ENDPOINTS if k[0] in ("post", "put", "patch", "delete"))


def test_every_write_has_a_case():
    """The forms and endpoints below are read from the resolver and the schema: a new
    write is covered without anyone adding it by hand, and one with no data fails."""
    assert len(write_endpoints()) >= 15, write_endpoints()
    assert len(form_names()) >= 40, form_names()
    for name in SETUP:
        assert _view_posts(name), f"{name} is no longer a form: remove its setup"


def _acting_role(own: dict, *, button: bool = False) -> str:
    """The first persona the matrix lets use this write (a button answers 302)."""
    allowed = (200, 201, 302) if button else (200, 201)
    for role in ROLE_ORDER:
        if role != "anonymous" and own.get(role) in allowed:
            return role
    if own.get("anonymous") in (200, 201):
        return "anonymous"
    raise AssertionError(f"no role may use this write: {own}")


@pytest.mark.parametrize("name", form_names())
def test_form_double_submit(name, live_server):
    row = PAGES[name]
    role = _acting_role(row.own, button=row.method == "post")
    sent: list[dict] = []

    def prepare(tag: str):
        world = build_world(tag)
        browser = Browser(live_server.url, world.user(role))
        path = reverse(name, kwargs=row.kwargs(world, "own"))
        if name in SETUP:
            with scopes_disabled():
                SETUP[name](world)
        if row.method == "post":
            # A button, not a page: its matrix row holds the data it sends.
            browser.get(reverse("dashboard"))  # the CSRF cookie, as any page gives it
            data = row.data(world) if row.data else {}
            pairs = [
                (k, str(v))
                for k, values in data.items()
                for v in (values if isinstance(values, list | tuple) else [values])
            ]
            return browser, path, pairs
        status, html = browser.get(path)
        assert status == 200, f"GET {path} as {role} → {status}"
        overrides = FORM_DATA[name](world) if name in FORM_DATA else {}
        action, pairs = form_pairs(html, path, overrides)
        return browser, action, pairs

    # World 1: one submit.
    browser, path, pairs = prepare("1")
    before = row_counts()
    status, body, _ = browser.post_form(path, pairs)
    once = delta(before, row_counts())
    sent.append({"status": status})
    assert status < 500, f"{name}: one submit gave {status}"
    assert status in (200, 201, 204, 302, 303), (
        f"{name}: the page's own form, submitted as is, was refused ({status}); give its "
        f"values in FORM_DATA.\n{pairs}\n{body[:3000]}"
    )
    if name in SETUP:
        assert once, f"{name}: the submit wrote nothing; its setup no longer reaches the form"

    # World 2: the same submit twice at the same moment.
    browser, path, pairs = prepare("2")
    before = row_counts()
    results = at_once(lambda: browser.post_form(path, pairs))
    twice = delta(before, row_counts())
    statuses = [r[0] for r in results]
    assert all(s < 500 for s in statuses), f"{name}: a double submit gave {statuses}"
    assert twice == once, f"{name}: one submit added {once}, two at once added {twice}"


@pytest.mark.parametrize("key", write_endpoints(), ids=lambda k: f"{k[0]} {k[1]}")
def test_endpoint_double_submit(key, live_server):
    from buddynet.accounts.services import api_token_create

    _method, template = key
    row = ENDPOINTS[key]
    role = _acting_role(row.own)

    def prepare(tag: str):
        world = build_world(tag)
        user = world.user(role)
        with scopes_disabled():
            _token, secret = api_token_create(user=user, name=f"race {tag}")
        path = template.format(**row.kwargs(world, "own"))
        return Browser(live_server.url), path, row.data(world) if row.data else {}, secret

    browser, path, payload, secret = prepare("1")
    before = row_counts()
    status, body, headers = browser.post_json(path, payload, secret)
    once = delta(before, row_counts())
    assert status in (200, 201, 204), f"{key}: one call gave {status}: {body[:500]}"

    browser, path, payload, secret = prepare("2")
    before = row_counts()
    results = at_once(lambda: browser.post_json(path, payload, secret))
    twice = delta(before, row_counts())
    for status, body, headers in results:
        assert status < 500, f"{key}: a simultaneous repeat gave {status}: {body[:500]}"
        assert headers.get("Content-Type", "").startswith("application/json"), (
            f"{key}: answered {headers.get('Content-Type')} instead of JSON"
        )
    assert twice == once, f"{key}: one call added {once}, two at once added {twice}"
