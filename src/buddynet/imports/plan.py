"""The dry run: what each row of a mapped spreadsheet will do — create, update, leave
unchanged or be refused, and why. The commit runs the same plan again (under a lock) and
writes only what it says, so the dry run shows exactly what the commit will do.

Each kind (``KINDS``) declares its columns and how its rows are matched to what is
there. A person is matched by the e-mail address (case folded) or, without one, by first
name, last name and phone number; a running trajectory by its buddy, participant and
start date; a service on the social map by its name and organisation: importing the same
file twice finds every row "unchanged". An empty cell leaves what is recorded as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buddynet.community import services as community_services
from buddynet.community.models import Service
from buddynet.core import clock
from buddynet.core.choices import LANGUAGES
from buddynet.core.errors import ServiceError
from buddynet.core.forms import postcode_problem
from buddynet.matching.models import PairExclusion
from buddynet.participants import consent
from buddynet.participants.models import ConsentRecord, Participant
from buddynet.tenancy.models import Membership, Role
from buddynet.trajectories import services as trajectory_services
from buddynet.trajectories.models import OPEN_STATUSES, Trajectory
from buddynet.volunteers.models import Buddy

from .models import Kind
from .reading import cell_text, parse_date

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"


@dataclass(frozen=True)
class Column:
    """A field a spreadsheet column can fill, with the header names (Dutch and English,
    folded) that propose it."""

    name: str
    label: Promise
    kind: str = "text"  # text, email, postcode, year, languages, urgency, date, number
    required: bool = False
    words: tuple[str, ...] = ()


_PERSON = (
    Column(
        "first_name",
        gettext_lazy("first name"),
        required=True,
        words=("voornaam", "first name", "firstname", "given name", "roepnaam"),
    ),
    Column(
        "last_name",
        gettext_lazy("last name"),
        required=True,
        words=("achternaam", "familienaam", "naam", "last name", "lastname", "surname"),
    ),
    Column(
        "email",
        gettext_lazy("e-mail address"),
        kind="email",
        words=("e-mail", "email", "e-mailadres", "emailadres", "mail", "email address"),
    ),
    Column(
        "phone",
        gettext_lazy("phone"),
        words=("telefoon", "telefoonnummer", "gsm", "tel", "phone", "mobile", "phone number"),
    ),
    Column(
        "postcode",
        gettext_lazy("postcode"),
        kind="postcode",
        words=("postcode", "postnummer", "post code", "zip", "postal code"),
    ),
    Column(
        "birth_year",
        gettext_lazy("year of birth"),
        kind="year",
        words=("geboortejaar", "year of birth", "birth year", "born"),
    ),
    Column(
        "languages",
        gettext_lazy("languages"),
        kind="languages",
        words=("talen", "taal", "gesproken talen", "languages", "language"),
    ),
)

_PEOPLE_COLUMNS: dict[str, tuple[Column, ...]] = {
    Kind.PARTICIPANTS: (
        *_PERSON,
        Column(
            "help_request",
            gettext_lazy("help request"),
            words=("hulpvraag", "vraag", "help request", "request"),
        ),
        Column(
            "urgency",
            gettext_lazy("urgency"),
            kind="urgency",
            words=("urgentie", "dringendheid", "urgency", "priority", "prioriteit"),
        ),
        Column(
            "referred_on",
            gettext_lazy("referred on"),
            kind="date",
            words=(
                "aangemeld op",
                "aanmelddatum",
                "datum aanmelding",
                "referred on",
                "referral date",
            ),
        ),
        Column(
            "waiting_since",
            gettext_lazy("on the waiting list since"),
            kind="date",
            words=(
                "wachtlijst sinds",
                "op wachtlijst sinds",
                "op de wachtlijst sinds",
                "wacht sinds",
                "datum wachtlijst",
                "waiting since",
                "on waiting list since",
                "on the waiting list since",
            ),
        ),
    ),
    Kind.BUDDIES: (
        *_PERSON,
        Column(
            "capacity",
            gettext_lazy("how many people at once"),
            kind="number",
            words=("capaciteit", "aantal tegelijk", "hoeveel tegelijk", "capacity"),
        ),
        Column(
            "applied_on",
            gettext_lazy("applied on"),
            kind="date",
            words=(
                "kandidaat sinds",
                "kandidatuur",
                "aangemeld op",
                "applied on",
                "application date",
            ),
        ),
    ),
}


_TRAJECTORY_COLUMNS = (
    Column(
        "buddy",
        gettext_lazy("buddy (e-mail address or code)"),
        required=True,
        words=("buddy", "vrijwilliger", "e-mail buddy", "buddy e-mail", "buddy email"),
    ),
    Column(
        "participant",
        gettext_lazy("participant (e-mail address, phone or code)"),
        required=True,
        words=(
            "deelnemer",
            "participant",
            "e-mail deelnemer",
            "deelnemer e-mail",
            "participant email",
        ),
    ),
    Column(
        "started_on",
        gettext_lazy("started on"),
        kind="date",
        required=True,
        words=("startdatum", "gestart op", "begonnen op", "start", "started on", "start date"),
    ),
    Column(
        "status",
        gettext_lazy("status"),
        kind="trajectory_status",
        words=("status", "stand van zaken", "toestand", "state"),
    ),
    Column(
        "professional",
        gettext_lazy("professional (e-mail address)"),
        kind="email",
        words=("professional", "hulpverlener", "verwijzer", "begeleider", "coördinator"),
    ),
    Column(
        "agreed_on",
        gettext_lazy("agreement signed on"),
        kind="date",
        words=(
            "overeenkomst",
            "datum overeenkomst",
            "overeenkomst getekend",
            "overeenkomst ondertekend op",
            "agreement",
            "agreement date",
            "agreement signed on",
        ),
    ),
)


def _service_column(name: str, *words: str, kind: str = "text", required=False) -> Column:
    """A column of the social map, labelled as the map's own field."""
    label = Service._meta.get_field(name).verbose_name  # type: ignore[union-attr]
    return Column(name, label, kind=kind, required=required, words=words)  # type: ignore[arg-type]


_SERVICE_COLUMNS = (
    _service_column("name", "naam", "naam van de dienst", "dienst", "service", required=True),
    _service_column("organisation", "organisatie", "organisation", "organization"),
    _service_column("kind", "soort", "type", "kind"),
    _service_column("offer", "aanbod", "wat ze bieden", "offer"),
    _service_column("topics", "noden", "hulpvragen", "thema's", "needs", "topics"),
    _service_column("for_whom", "voor wie", "doelgroep", "for whom", "target group"),
    _service_column("languages", "talen", "taal", "languages", "language"),
    _service_column(
        "municipalities", "gemeenten", "gemeente", "postcodes", "towns", "municipalities"
    ),
    _service_column("contact_name", "contactpersoon", "contact", "contact person"),
    _service_column(
        "contact_email", "e-mail", "email", "e-mailadres", "contact e-mail", kind="email"
    ),
    _service_column("contact_phone", "telefoon", "tel", "phone", "contact phone"),
    _service_column("how_to_refer", "hoe doorverwijzen", "doorverwijzen", "how to refer"),
    _service_column("website", "website", "site", "url"),
    _service_column("checked_on", "nagekeken op", "laatst nagekeken", "last checked", kind="date"),
)


def fold(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", str(text).casefold())


def guess(kind: str, headers: list[str], remembered: dict[str, str] | None = None) -> dict:
    """Field → header: the project's last mapping where its header is in this file,
    else the header whose name (Dutch or English) proposes the field."""
    remembered = remembered or {}
    by_fold = {fold(h): h for h in headers if h}
    chosen: dict[str, str] = {}
    for column in COLUMNS[kind]:
        header = remembered.get(column.name)
        if header and header in headers:
            chosen[column.name] = header
            continue
        for word in (column.name, *column.words, str(column.label)):
            if fold(word) in by_fold:
                chosen[column.name] = by_fold[fold(word)]
                break
    return chosen


def _words(pairs) -> dict[str, str]:
    found: dict[str, str] = {}
    for code, label in pairs:
        found[fold(code)] = code
        for language in ("nl", "en"):
            with translation.override(language):
                found[fold(str(label))] = code
    return found


_URGENCY_EXTRA = {
    "hoog": "high",
    "high": "high",
    "dringend": "high",
    "urgent": "high",
    "laag": "low",
    "low": "low",
    "normaal": "normal",
    "gewoon": "normal",
}


# Running trajectories as people write their status.
_STATUS_EXTRA = {
    "lopend": "active",
    "loopt": "active",
    "running": "active",
    "actief": "active",
    "gepauzeerd": "paused",
    "pauze": "paused",
    "onhold": "paused",
    "opstart": "starting",
    "opstartend": "starting",
    "nieuw": "starting",
}


@dataclass
class RowPlan:
    number: int
    name: str
    action: str = CREATE
    reasons: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    dates: dict[str, date] = field(default_factory=dict)
    existing_id: int | None = None

    def refuse(self, reason: str) -> None:
        self.action = REFUSED
        self.reasons.append(reason)


@dataclass
class Plan:
    rows: list[RowPlan]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in (CREATE, UPDATE, UNCHANGED, REFUSED)}


def _checker(kind: str) -> Callable[[Column, str, RowPlan], Any]:
    languages = _words(LANGUAGES)
    urgencies = {**_words(Participant.Urgency.choices), **_URGENCY_EXTRA}
    statuses = {
        **_words((s.value, s.label) for s in trajectory_services.IMPORTABLE_STATUSES),
        **_STATUS_EXTRA,
    }
    today = clock.today()

    def check(column: Column, text: str, row: RowPlan) -> Any:
        # The label is translated only for a refusal (not for each of 10,000 cells).
        def label() -> str:
            return capfirst(str(column.label))

        if column.kind == "email":
            try:
                validate_email(text)
            except ValidationError:
                row.refuse(_("“%(value)s” is not an e-mail address.") % {"value": text})
            return text.lower()
        if column.kind == "postcode":
            problem = postcode_problem(text)
            if problem:
                row.refuse(problem)
            return text
        if column.kind in ("year", "number"):
            try:
                number = int(float(text.replace(",", ".")))
            except ValueError:
                number = -1
            low, high = (1900, today.year) if column.kind == "year" else (1, 10)
            if not low <= number <= high:
                row.refuse(
                    _("%(column)s: “%(value)s” is not a number from %(low)s to %(high)s.")
                    % {"column": label(), "value": text, "low": low, "high": high}
                )
            return number
        if column.kind == "languages":
            codes = []
            for word in re.split(r"[,;/]| en | and ", text):
                if not word.strip():
                    continue
                code = languages.get(fold(word))
                if code is None:
                    row.refuse(_("Unknown language: “%(value)s”.") % {"value": word.strip()})
                elif code not in codes:
                    codes.append(code)
            return codes
        if column.kind == "urgency":
            code = urgencies.get(fold(text))
            if code is None:
                row.refuse(_("Unknown urgency: “%(value)s”.") % {"value": text})
            return code
        if column.kind == "trajectory_status":
            code = statuses.get(fold(text))
            if code is None:
                row.refuse(
                    _("Status “%(value)s”: write starting, active or paused.") % {"value": text}
                )
            return code
        if column.kind == "date":
            return None  # read from the cell itself (see plan)
        if len(text) > 100 and column.name in ("first_name", "last_name"):
            row.refuse(_("%(column)s is longer than 100 characters.") % {"column": label()})
        return text

    return check


def _existing(kind: str, project) -> list[dict[str, Any]]:
    model = Participant if kind == Kind.PARTICIPANTS else Buddy
    names = [c.name for c in _PEOPLE_COLUMNS[kind] if c.name not in ("referred_on",)]
    values = ["pk", "status", *names]
    return list(model.objects.filter(project=project).values(*values))


def _key(first: str, last: str, phone: str) -> str:
    return "|".join((fold(first), fold(last), re.sub(r"\D", "", phone)))


def _person_name(texts: dict[str, str]) -> str:
    return " ".join(t for t in (texts.get("first_name"), texts.get("last_name")) if t)


def _decide_people(kind: str, project, plans: list[RowPlan]) -> None:
    """A person is matched on the e-mail address (case folded), else on first name, last
    name and phone number (one query)."""
    people = _existing(kind, project)
    by_email = {p["email"].casefold(): p for p in people if p["email"]}
    by_key = {_key(p["first_name"], p["last_name"], p["phone"]): p for p in people}
    labels = {c.name: str(c.label) for c in _PEOPLE_COLUMNS[kind]}
    seen: dict[str, int] = {}
    for row in plans:
        number = row.number
        email = row.data.get("email", "")
        if kind == Kind.PARTICIPANTS and not email and not row.data.get("phone"):
            row.refuse(_("Give a phone number or an e-mail address."))
        key = (
            email.casefold()
            if email
            else _key(
                row.data.get("first_name", ""),
                row.data.get("last_name", ""),
                row.data.get("phone", ""),
            )
        )
        if key in seen:
            row.refuse(
                (
                    _("The same e-mail address as row %(row)s.")
                    if email
                    else _("The same person as row %(row)s.")
                )
                % {"row": seen[key]}
            )
        else:
            seen[key] = number
        found = by_email.get(key) if email else by_key.get(key)
        if found is not None and email:
            same_person = fold(found["first_name"]) == fold(
                row.data.get("first_name", "")
            ) and fold(found["last_name"]) == fold(row.data.get("last_name", ""))
            if not same_person:
                row.refuse(
                    _("The e-mail address %(email)s already belongs to %(name)s in this project.")
                    % {"email": email, "name": f"{found['first_name']} {found['last_name']}"}
                )
        if row.action == REFUSED or found is None:
            continue
        row.existing_id = found["pk"]
        changed = [name for name, value in row.data.items() if found.get(name) != value]
        waiting = row.dates.get("waiting_since")
        if (
            waiting
            and found["status"] == Participant.Status.WAITING
            and found["waiting_since"] != waiting
        ):
            changed.append("waiting_since")
        applied = row.dates.get("applied_on")
        if applied and found.get("applied_on") != applied:
            changed.append("applied_on")
        row.changes = [labels[name] for name in changed]
        row.action = UPDATE if changed else UNCHANGED


# --- Running trajectories ------------------------------------------------------------


def _decide_trajectories(kind: str, project, plans: list[RowPlan]) -> None:
    """The buddy and the participant must be in the project (e-mail address, code, or
    for a participant a phone number), in a state that allows a trajectory, not already
    together in a running one, nor an excluded pair. The same pair and start date as a
    trajectory already there is "unchanged" (a few queries, whatever the rows)."""
    buddies = list(
        Buddy.objects.filter(project=project).values(
            "pk", "code", "email", "status", "first_name", "last_name"
        )
    )
    participants = list(
        Participant.objects.filter(project=project).values(
            "pk", "code", "email", "phone", "status", "first_name", "last_name"
        )
    )
    buddy_by = _references(buddies, phones=False)
    participant_by = _references(participants, phones=True)
    trajectories = Trajectory.objects.filter(project=project).values_list(
        "pk", "buddy_id", "participant_id", "started_on", "status"
    )
    same_start = {(b, p, on): pk for pk, b, p, on, _s in trajectories}
    open_since = {(b, p): on for _pk, b, p, on, st in trajectories if st in OPEN_STATUSES}
    excluded = set(
        PairExclusion.objects.filter(project=project).values_list("buddy_id", "participant_id")
    )
    withdrawn = _support_withdrawn(project)
    professionals = {
        email.casefold(): pk
        for pk, email in Membership.objects.filter(
            project=project, role__in=(Role.PROFESSIONAL, Role.PROJECT_COORDINATOR)
        ).values_list("user_id", "user__email")
    }
    seen: dict[tuple[int, int], int] = {}
    for row in plans:
        buddy = _find(buddy_by, row.data.get("buddy", ""))
        participant = _find(participant_by, row.data.get("participant", ""))
        if row.data.get("buddy") and buddy is None:
            row.refuse(
                _("Unknown buddy: “%(value)s” is not a buddy of this project.")
                % {"value": row.data["buddy"]}
            )
        if row.data.get("participant") and participant is None:
            row.refuse(
                _("Unknown participant: “%(value)s” is not a participant of this project.")
                % {"value": row.data["participant"]}
            )
        if buddy is None or participant is None:
            continue
        row.name = " & ".join(_full_name(p) for p in (buddy, participant))
        pair = (buddy["pk"], participant["pk"])
        started = row.dates.get("started_on")
        agreed = row.dates.get("agreed_on")
        status = row.data.get("status") or ("active" if agreed else "starting")
        if pair in seen:
            row.refuse(_("The same pair as row %(row)s.") % {"row": seen[pair]})
            continue
        seen[pair] = row.number
        if started is not None and (*pair, started) in same_start:
            if row.action != REFUSED:
                row.existing_id = same_start[(*pair, started)]
                row.action = UNCHANGED
            continue
        if pair in open_since:
            row.refuse(
                _("%(buddy)s and %(participant)s are in a trajectory together since %(date)s.")
                % {
                    "buddy": _full_name(buddy),
                    "participant": _full_name(participant),
                    "date": open_since[pair].strftime("%d/%m/%Y"),
                }
            )
        if pair in excluded:
            row.refuse(_("This pair is excluded from matching."))
        if buddy["status"] not in trajectory_services.MATCHABLE_BUDDY_STATUSES:
            row.refuse(
                _("The buddy is “%(status)s”: not ready to be matched.")
                % {"status": Buddy.Status(buddy["status"]).label}
            )
        if participant["status"] == Participant.Status.CLOSED:
            row.refuse(_("The participant's file is closed."))
        if participant["pk"] in withdrawn:
            row.refuse(_("The participant withdrew their consent to support."))
        if status != "starting" and agreed is None:
            row.refuse(_("An active or paused trajectory needs the date its agreement was signed."))
        if agreed is not None and started is not None and agreed < started:
            row.refuse(_("The agreement cannot be signed before the trajectory started."))
        professional = row.data.get("professional")
        professional_id = professionals.get(professional) if professional else None
        if professional and professional_id is None:
            row.refuse(
                _("%(email)s is not a professional or coordinator of this project.")
                % {"email": professional}
            )
        if row.action == REFUSED:
            continue
        row.data = {
            "buddy_id": buddy["pk"],
            "participant_id": participant["pk"],
            "status": status,
            "professional_id": professional_id,
        }
        row.action = CREATE


def _references(people: list[Any], *, phones: bool) -> dict[str, dict | None]:
    """A person by e-mail address, opaque code and (participants) phone number; a phone
    number two people share finds nobody."""
    found: dict[str, dict | None] = {}
    for person in people:
        found[str(person["code"])] = person
        if person["email"]:
            found[person["email"].casefold()] = person
        digits = re.sub(r"\D", "", person.get("phone") or "")
        if phones and len(digits) >= 6:
            key = f"tel:{digits}"
            found[key] = None if key in found else person
    return found


def _find(references: dict[str, dict | None], text: str) -> dict | None:
    text = text.strip()
    if not text:
        return None
    person = references.get(text.casefold())
    if person is None and "@" not in text:
        digits = re.sub(r"\D", "", text)
        person = references.get(f"tel:{digits}") if len(digits) >= 6 else None
    return person


def _full_name(person: dict[str, Any]) -> str:
    return f"{person['first_name']} {person['last_name']}".strip()


def _support_withdrawn(project) -> set[int]:
    """The participants whose latest word on support is "no" (one query)."""
    latest: dict[int, bool] = {}
    for participant_id, given in (
        ConsentRecord.objects.filter(participant__project=project, purpose=consent.SUPPORT)
        .order_by("participant_id", "created_at", "id")
        .values_list("participant_id", "given")
    ):
        latest[participant_id] = given
    return {pk for pk, given in latest.items() if given is False}


# --- The social map ------------------------------------------------------------------


def _service_name(texts: dict[str, str]) -> str:
    return " · ".join(t for t in (texts.get("name"), texts.get("organisation")) if t)


def _decide_services(kind: str, project, plans: list[RowPlan]) -> None:
    """A service of the project's network is the same one by name and organisation
    (case folded): the row changes it; else it is added. Needs, languages and towns
    (names or postcodes) are checked by the map's own rules (one query)."""
    network_id = project.organisation.network_id
    fields = community_services.SERVICE_FIELDS
    existing = {
        (s["name"].casefold(), s["organisation"].casefold()): s
        for s in Service.objects.filter(network_id=network_id).values("pk", "checked_on", *fields)
    }
    labels = {c.name: str(c.label) for c in _SERVICE_COLUMNS}
    seen: dict[tuple[str, str], int] = {}
    for row in plans:
        given = {name: value for name, value in row.data.items() if value}
        if not given.get("name"):
            continue  # refused already: the name is empty
        if given.get("website"):
            try:
                URLValidator()(given["website"])
            except ValidationError:
                row.refuse(_("“%(value)s” is not a web address.") % {"value": given["website"]})
        try:
            data = community_services.row_to_data(given)
        except ServiceError as exc:
            row.refuse(exc.message)
            continue
        key = (data["name"].casefold(), data["organisation"].casefold())
        if key in seen:
            row.refuse(_("The same service as row %(row)s.") % {"row": seen[key]})
            continue
        seen[key] = row.number
        found = existing.get(key)
        if found is not None:
            # An empty cell (or a column not in the file) leaves what the map says.
            data = {name: value for name, value in data.items() if name in given}
        try:
            data = community_services.service_data_check(data)
        except ServiceError as exc:
            row.refuse(exc.message)
        if row.action == REFUSED:
            continue
        row.data = data
        if found is None:
            continue
        row.existing_id = found["pk"]
        changed = [name for name, value in row.data.items() if found[name] != value]
        checked = row.dates.get("checked_on")
        if checked and found["checked_on"] != checked:
            changed.append("checked_on")
        row.changes = [labels[name] for name in changed]
        row.action = UPDATE if changed else UNCHANGED


# --- The kinds -------------------------------------------------------------------------


@dataclass(frozen=True)
class KindPlan:
    """What a kind of import reads and how its rows are matched to what is there:
    ``columns`` (checked cell by cell), ``name`` (a row's name in the dry run, from its
    cells) and ``decide`` (create / update / unchanged / refused, for all the rows at
    once: a few queries, whatever their number)."""

    columns: tuple[Column, ...]
    name: Callable[[dict[str, str]], str]
    decide: Callable[[str, Any, list[RowPlan]], None]


KINDS: dict[str, KindPlan] = {
    Kind.PARTICIPANTS: KindPlan(_PEOPLE_COLUMNS[Kind.PARTICIPANTS], _person_name, _decide_people),
    Kind.BUDDIES: KindPlan(_PEOPLE_COLUMNS[Kind.BUDDIES], _person_name, _decide_people),
    Kind.TRAJECTORIES: KindPlan(
        _TRAJECTORY_COLUMNS,
        lambda texts: " & ".join(t for t in (texts.get("buddy"), texts.get("participant")) if t),
        _decide_trajectories,
    ),
    Kind.SERVICES: KindPlan(_SERVICE_COLUMNS, _service_name, _decide_services),
}
COLUMNS: dict[str, tuple[Column, ...]] = {kind: spec.columns for kind, spec in KINDS.items()}


def make_plan(
    *, kind: str, project, headers: list[str], rows: list[tuple[int, list]], mapping: dict
) -> Plan:
    """Check every row, then let the kind match them to what the project has."""
    spec = KINDS[kind]
    columns = [c for c in spec.columns if mapping.get(c.name) in headers]
    index = {c.name: headers.index(mapping[c.name]) for c in columns}
    check = _checker(kind)
    today = clock.today()
    plans = []
    for number, cells in rows:
        raw = {name: (cells[i] if i < len(cells) else None) for name, i in index.items()}
        texts = {name: cell_text(value) for name, value in raw.items()}
        row = RowPlan(number=number, name=spec.name(texts))
        plans.append(row)
        for column in columns:
            text = texts[column.name]
            if not text:
                if column.required:
                    row.refuse(_("%(column)s is empty.") % {"column": capfirst(str(column.label))})
                continue
            if column.kind == "date":
                try:
                    when = parse_date(raw[column.name])
                except (ValueError, OverflowError):
                    row.refuse(
                        _("%(column)s: “%(value)s” is not a date (write 31/12/2025).")
                        % {"column": capfirst(str(column.label)), "value": text}
                    )
                    continue
                if when > today or when.year < 1990:
                    row.refuse(
                        _("%(column)s: %(value)s is not a date in the past.")
                        % {
                            "column": capfirst(str(column.label)),
                            "value": when.strftime("%d/%m/%Y"),
                        }
                    )
                    continue
                row.dates[column.name] = when
                continue
            row.data[column.name] = check(column, text, row)
        for required in (c for c in spec.columns if c.required and c not in columns):
            row.refuse(_("%(column)s is empty.") % {"column": capfirst(str(required.label))})
    spec.decide(kind, project, plans)
    return Plan(plans)
