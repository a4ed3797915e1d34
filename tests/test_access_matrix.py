"""The access matrix: every URL and API endpoint x every role x an object of the user's
own project, of another project, and (for nested objects) of another project under the
user's own project code → the expected status.

The list of URLs is not hand-kept: it is read from Django's resolver and the OpenAPI
schema, and the test fails when a URL or endpoint has no row here. Expected statuses are
written out per role (not derived from the policy module), so a change in the policy
shows up as a failing row.
"""

from __future__ import annotations

import importlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from buddynet.api import api
from tests.conftest import ROLES, World

A, N, C, P, B, PT, OC, SU, PO = ROLES  # short names for the columns

# What a page answers to an anonymous visitor: the login page.
LOGIN = 302
ALLOWED = {200, 201, 204, 302}


@dataclass
class Row:
    """Expected status per role for the user's own objects; ``other`` for objects of a
    project the user has no role in (404 for everyone logged in, unless stated)."""

    own: dict[str, int]
    kwargs: callable  # (world, variant) -> kwargs for reverse / path formatting
    method: str = "get"
    other: dict[str, int] = field(default_factory=dict)
    variants: tuple[str, ...] = ("own", "other")
    # For writes: a valid JSON body (API) or form data (pages), made from the world.
    data: Callable | None = None
    json: bool = False
    # Variants with statuses of their own (a link-only page's expired or used link):
    # variant name -> status per role.
    by_variant: dict[str, dict[str, int]] = field(default_factory=dict)


def statuses(anon, netco, coord, prof, buddy, part, other_coord=None, superuser=None, officer=None):
    """The statuses per role. The privacy officer of project A (who oversees, and does
    not read files) is written out where it differs from its rule: what every member of
    the project gets when they all get the same, else 403 where the coordinator gets in
    (a member without the permission), else what the coordinator gets."""
    if officer is None:
        alike = len({netco, coord, prof, buddy, part}) == 1
        officer = coord if alike or coord not in ALLOWED else 403
    return {
        A: anon,
        N: netco,
        C: coord,
        P: prof,
        B: buddy,
        PT: part,
        # A coordinator of another project is an outsider to project A.
        OC: other_coord if other_coord is not None else 404,
        SU: superuser if superuser is not None else 404,
        PO: officer,
    }


def project_kw(w: World, variant: str):
    return {"project": (w.project if variant == "own" else w.other).code}


def nested_kw(own, other):
    """The kwargs of a page about one record (``project``, ``code``): ``own(w)`` is a
    record of project A, ``other(w)`` one of project B; the "mixed" variant asks for B's
    record under A's code (it must be a 404). Every app's ``access_rows`` builds its
    record kwargs with this."""

    def kwargs(w: World, variant: str):
        record = own(w) if variant == "own" else other(w)
        project = w.other if variant == "other" else w.project
        return {"project": project.code, "code": record.code}

    return kwargs


def api_kw(kwargs, **names):
    """An endpoint's path parameters from a page's kwargs: the project as ``code``, and
    each of ``names`` from the page kwarg it names (``trajectory="code"``)."""

    def path(w: World, variant: str):
        found = kwargs(w, variant)
        return {"code": found["project"], **{name: found[key] for name, key in names.items()}}

    return path


buddy_kw = nested_kw(lambda w: w.buddy, lambda w: w.other_buddy)
participant_kw = nested_kw(lambda w: w.participant, lambda w: w.other_participant)


def network_kw(w: World, variant: str):
    return {"network": (w.network if variant == "own" else w.other_network).code}


def _team_member(w: World, project):
    """A referrer of ``project`` only there to be removed (removing stays possible: a
    second removal finds it removed)."""
    from tests import factories

    return w.once(
        f"team-member-{project.pk}",
        lambda w: factories.member(
            project, "professional", email=f"weg.{project.code.hex[:8]}@example.be"
        ).memberships.get(project=project),
    )


NESTED = ("own", "other", "mixed")
ALL_200 = statuses(LOGIN, 200, 200, 200, 200, 200, 200, 200)

# --- Web pages ----------------------------------------------------------------------
PAGES: dict[str, Row] = {
    "dashboard": Row(own=ALL_200, kwargs=lambda w, v: {}, variants=("own",)),
    "healthz": Row(own={role: 200 for role in ROLES}, kwargs=lambda w, v: {}, variants=("own",)),
    "api_tokens": Row(own=ALL_200, kwargs=lambda w, v: {}, variants=("own",)),
    "project_detail": Row(own=statuses(LOGIN, 200, 200, 200, 200, 200), kwargs=project_kw),
    "project_settings": Row(own=statuses(LOGIN, 403, 200, 403, 403, 403), kwargs=project_kw),
    "project_history": Row(own=statuses(LOGIN, 403, 200, 403, 403, 403), kwargs=project_kw),
    "buddy_list": Row(own=statuses(LOGIN, 403, 200, 403, 403, 403), kwargs=project_kw),
    "buddy_detail": Row(
        own=statuses(LOGIN, 403, 200, 403, 403, 403), kwargs=buddy_kw, variants=NESTED
    ),
    "participant_list": Row(own=statuses(LOGIN, 403, 200, 200, 403, 403), kwargs=project_kw),
    "participant_detail": Row(
        own=statuses(LOGIN, 403, 200, 200, 403, 403), kwargs=participant_kw, variants=NESTED
    ),
    "network_detail": Row(own=statuses(LOGIN, 200, 404, 404, 404, 404), kwargs=network_kw),
    # The project's team (accounts): its coordinators only.
    "team": Row(own=statuses(LOGIN, 403, 200, 403, 403, 403), kwargs=project_kw),
    "team_member_remove": Row(
        own=statuses(LOGIN, 403, 302, 403, 403, 403),
        kwargs=nested_kw(lambda w: _team_member(w, w.project), lambda w: _team_member(w, w.other)),
        variants=NESTED,
        method="post",
    ),
}

# URL names that belong to libraries, tested by their own rows below.
LIBRARY_PREFIXES = ("account_", "mfa_", "admin:", "set_language", "api-1.0.0:")

# --- API endpoints ------------------------------------------------------------------
API_401 = 401
ENDPOINTS: dict[tuple[str, str], Row] = {
    ("get", "/api/v1/me"): Row(
        own=statuses(API_401, 200, 200, 200, 200, 200, 200, 200),
        kwargs=lambda w, v: {},
        variants=("own",),
    ),
    ("get", "/api/v1/projects"): Row(
        own=statuses(API_401, 200, 200, 200, 200, 200, 200, 200),
        kwargs=lambda w, v: {},
        variants=("own",),
    ),
    ("get", "/api/v1/projects/{code}"): Row(
        own=statuses(API_401, 200, 200, 200, 200, 200),
        kwargs=lambda w, v: {"code": project_kw(w, v)["project"]},
    ),
    ("get", "/api/v1/projects/{code}/history"): Row(
        own=statuses(API_401, 403, 200, 403, 403, 403),
        kwargs=lambda w, v: {"code": project_kw(w, v)["project"]},
    ),
    ("get", "/api/v1/networks/{code}/overview"): Row(
        own=statuses(API_401, 200, 404, 404, 404, 404),
        kwargs=lambda w, v: {"code": network_kw(w, v)["network"]},
    ),
    ("get", "/api/v1/projects/{code}/buddies"): Row(
        own=statuses(API_401, 403, 200, 403, 403, 403),
        kwargs=lambda w, v: {"code": project_kw(w, v)["project"]},
    ),
    ("get", "/api/v1/projects/{code}/buddies/{buddy}"): Row(
        own=statuses(API_401, 403, 200, 403, 403, 403),
        kwargs=lambda w, v: {
            "code": buddy_kw(w, v)["project"],
            "buddy": buddy_kw(w, v)["code"],
        },
        variants=NESTED,
    ),
    ("get", "/api/v1/projects/{code}/participants"): Row(
        own=statuses(API_401, 403, 200, 200, 403, 403),
        kwargs=lambda w, v: {"code": project_kw(w, v)["project"]},
    ),
    ("get", "/api/v1/projects/{code}/participants/{participant}"): Row(
        own=statuses(API_401, 403, 200, 200, 403, 403),
        kwargs=lambda w, v: {
            "code": participant_kw(w, v)["project"],
            "participant": participant_kw(w, v)["code"],
        },
        variants=NESTED,
    ),
}


# Each app may keep its rows beside its tests, in tests/<app>/access_rows.py, defining
# PAGES and/or ENDPOINTS in the same shape as above.
for _module_name in settings.BUDDYNET_FEATURE_APPS:
    try:
        _rows = importlib.import_module(f"tests.{_module_name}.access_rows")
    except ModuleNotFoundError as exc:
        if exc.name != f"tests.{_module_name}.access_rows" and exc.name != f"tests.{_module_name}":
            raise
        continue
    PAGES.update(getattr(_rows, "PAGES", {}))
    ENDPOINTS.update(getattr(_rows, "ENDPOINTS", {}))


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{p.namespace}:" if p.namespace else ""
            yield from _walk(p.url_patterns, prefix + ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name


def all_url_names() -> set[str]:
    return set(_walk(get_resolver().url_patterns))


def all_endpoints() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method, path.rstrip("/")) for path, ops in schema["paths"].items() for method in ops}


def test_every_url_has_a_row():
    names = {n for n in all_url_names() if not n.startswith(LIBRARY_PREFIXES)}
    names -= {"api_token_revoke"}  # a POST with its own test below
    missing = names - set(PAGES)
    assert not missing, f"URLs without a row in the access matrix: {sorted(missing)}"


def test_every_endpoint_has_a_row():
    missing = all_endpoints() - set(ENDPOINTS)
    assert not missing, f"API endpoints without a row in the access matrix: {sorted(missing)}"


def expected(row: Row, role: str, variant: str) -> int:
    if variant in row.by_variant:
        return row.by_variant[variant][role]
    own = row.own[role]
    if variant == "own" or role == A:
        return own
    if variant == "other":
        if role == OC:
            # The other project is the other coordinator's own project.
            return row.own[C]
        return row.other.get(role, 404)
    # mixed: the user's own project, another project's object. Without the permission
    # the user is stopped first (403); with it, the object is simply not there (404).
    return 404 if own in ALLOWED else own


def _check(world, client_for, request):
    failures = []
    for role in ROLES:
        client = client_for(world.user(role))
        for variant, url, row in request:
            if variant not in row.variants:
                continue
            if row.data is None:
                response = getattr(client, row.method)(url(variant))
            elif row.json:
                response = getattr(client, row.method)(
                    url(variant), data=row.data(world), content_type="application/json"
                )
            else:
                response = getattr(client, row.method)(url(variant), data=row.data(world))
            want = expected(row, role, variant)
            if response.status_code != want:
                got = response.status_code
                failures.append(f"{role:<20} {variant:<6} {url(variant)} → {got}, want {want}")
    return failures


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_access(name, world, client_for):
    from django.urls import reverse

    row = PAGES[name]
    failures = _check(
        world,
        client_for,
        [(v, lambda v: reverse(name, kwargs=row.kwargs(world, v)), row) for v in row.variants],
    )
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("key", sorted(ENDPOINTS), ids=lambda k: f"{k[0]} {k[1]}")
def test_endpoint_access(key, world, client_for):
    _method, template = key  # the row's method is the one requested
    row = ENDPOINTS[key]

    def url(variant):
        return template.format(**row.kwargs(world, variant))

    failures = _check(world, client_for, [(v, url, row) for v in row.variants])
    assert not failures, "\n".join(failures)


def test_network_coordinator_never_sees_an_identity(world, client_for):
    """Every page and endpoint a network coordinator can open, none names a person."""
    from django.urls import reverse

    client = client_for(world.netco)
    names = []
    for obj in (world.participant, world.own_participant, world.other_participant):
        names += [obj.first_name, obj.last_name]
    for obj in (world.buddy, world.other_buddy):
        names += [obj.first_name, obj.last_name]
    seen = 0
    for name, row in PAGES.items():
        for variant in row.variants:
            response = client.get(reverse(name, kwargs=row.kwargs(world, variant)))
            if response.status_code == 200:
                seen += 1
                raw = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                body = raw.decode(errors="replace")
                leaked = [n for n in names if re.search(rf"\b{re.escape(n)}\b", body)]
                assert not leaked, f"{name} shows {leaked} to a network coordinator"
    for (_method, template), row in ENDPOINTS.items():
        for variant in row.variants:
            response = client.get(template.format(**row.kwargs(world, variant)))
            if response.status_code == 200:
                seen += 1
                leaked = [n for n in names if n in response.content.decode()]
                assert not leaked, f"{template} shows {leaked} to a network coordinator"
    assert seen >= 8  # the network coordinator really did see pages


def test_library_pages(world, client_for):
    """allauth, the language switch, the admin and the API docs: reachable as expected."""
    anon = client_for(None)
    assert anon.get("/accounts/login/").status_code == 200
    assert anon.get("/accounts/password/reset/").status_code == 200
    assert anon.get("/accounts/signup/").status_code in (200, 302)  # closed sign-up page
    assert anon.get("/api/v1/docs").status_code == 200
    assert anon.get("/api/v1/openapi.json").status_code == 200
    assert anon.get("/admin/").status_code == 302
    for role in ROLES:
        client = client_for(world.user(role))
        admin = client.get("/admin/")
        assert admin.status_code == (200 if role == "superuser" else 302), role
        assert client.get("/accounts/2fa/").status_code in (200, 302), role
        assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302


def test_api_token_revoke_only_own(world, client_for):
    from buddynet.accounts.services import api_token_create

    token, _raw = api_token_create(user=world.coord, name="rapport")
    url = f"/me/tokens/{token.code}/revoke/"
    assert client_for(world.other_coord).post(url).status_code == 404
    assert client_for(world.coord).get(url).status_code == 405
    assert client_for(None).post(url).status_code == 302
    assert client_for(world.coord).post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize("bad", ["not-a-code", "12", str(uuid.uuid4())])
def test_wrong_codes_are_404_not_500(bad, world, client_for):
    client = client_for(world.coord)
    for url in (
        f"/p/{bad}/",
        f"/p/{world.project.code}/participants/{bad}/",
        f"/p/{world.project.code}/buddies/{bad}/",
        f"/network/{bad}/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/api/v1/projects/{bad}",
        f"/api/v1/projects/{world.project.code}/participants/{bad}",
    ):
        status = client.get(url).status_code
        assert status in (404, 422), (url, status)
