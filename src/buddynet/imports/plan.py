"""The dry run: what each row of a mapped spreadsheet will do — create, update, leave
unchanged or be refused, and why. The commit runs the same plan again (under a lock) and
writes only what it says, so the dry run shows exactly what the commit will do.

A row is matched to a person already in the project by the e-mail address (case
folded) or, without one, by first name, last name and phone number: importing the same
file twice finds every row "unchanged". An empty cell leaves what is recorded as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buddynet.core import clock
from buddynet.core.choices import LANGUAGES
from buddynet.core.forms import postcode_problem
from buddynet.participants.models import Participant
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

COLUMNS: dict[str, tuple[Column, ...]] = {
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
# Dates are not fields of the person's file: the services take them apart.
DATE_FIELDS = ("referred_on", "waiting_since", "applied_on")


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
        if column.kind == "date":
            return None  # read from the cell itself (see plan)
        if len(text) > 100 and column.name in ("first_name", "last_name"):
            row.refuse(_("%(column)s is longer than 100 characters.") % {"column": label()})
        return text

    return check


def _existing(kind: str, project) -> list[dict[str, Any]]:
    model = Participant if kind == Kind.PARTICIPANTS else Buddy
    names = [c.name for c in COLUMNS[kind] if c.name not in ("referred_on",)]
    values = ["pk", "status", *names]
    return list(model.objects.filter(project=project).values(*values))


def _key(first: str, last: str, phone: str) -> str:
    return "|".join((fold(first), fold(last), re.sub(r"\D", "", phone)))


def make_plan(
    *, kind: str, project, headers: list[str], rows: list[tuple[int, list]], mapping: dict
) -> Plan:
    """Check every row and match it to the project's people (one query)."""
    columns = [c for c in COLUMNS[kind] if mapping.get(c.name) in headers]
    index = {c.name: headers.index(mapping[c.name]) for c in columns}
    check = _checker(kind)
    today = clock.today()
    people = _existing(kind, project)
    by_email = {p["email"].casefold(): p for p in people if p["email"]}
    by_key = {_key(p["first_name"], p["last_name"], p["phone"]): p for p in people}
    labels = {c.name: str(c.label) for c in COLUMNS[kind]}
    seen: dict[str, int] = {}
    plans = []
    for number, cells in rows:
        raw = {name: (cells[i] if i < len(cells) else None) for name, i in index.items()}
        texts = {name: cell_text(value) for name, value in raw.items()}
        row = RowPlan(
            number=number,
            name=" ".join(t for t in (texts.get("first_name"), texts.get("last_name")) if t),
        )
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
        for required in (c for c in COLUMNS[kind] if c.required and c not in columns):
            row.refuse(_("%(column)s is empty.") % {"column": capfirst(str(required.label))})
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
    return Plan(plans)
