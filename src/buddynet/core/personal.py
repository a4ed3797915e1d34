"""What each app keeps about a person (a participant or a buddy), declared by the app
itself, so the right of access (GDPR art. 15) and portability (art. 20) have one way.

Each feature app that holds personal data has a ``personal.py`` with ``PARTS``: a tuple
of ``Part`` — one model, the lookup from it to the person, why it is kept, the fields
given in the export and the fields deliberately left out (with the reason; the
internal ``id`` is left out of every part)::

    PARTS = (
        Part(Claim, person="buddy", why=_("..."),
             fields=(*personal.OWNED, "buddy", "on", "amount", ...)),
    )

``collect(person)`` finds those modules (``core.plugins.feature_modules``, like Django
admin's autodiscovery: no app imports another) and gives the person's sections. Every
field of a model that points at a person must be in ``fields`` or ``left_out`` of a
part: ``undeclared_fields()`` lists the gaps and a test fails on any.

A part also says what erasing the person does to each text-like field (``erase``:
field → ``BLANK``, ``MARK``, ``EMPTY``, ``NONE`` or ``FILE``), which fields are kept and
why (``kept``: field → reason), or that its records are kept whole (``keep``: the
reason, e.g. a signed agreement kept as proof). Most fields need no word: a field with
choices is a code and is kept, a free text or short text becomes empty (or the ``ERASED``
mark where it may not be empty), a file is removed; numbers, dates and keys are kept so
the reports' totals stay the same. A JSON field has no default (it may hold codes that
reports count, or a person's own answers): ``undecided_fields()`` lists every text-like
field without a rule and a test fails on any. ``privacy.erasure`` carries it out.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from . import choices
from .models import PersonRecord
from .plugins import feature_modules

# Reasons shared by many parts.
INTERNAL_ID = _("the database's internal number, which says nothing about the person")
GENERATED = _("worked out from another field that is in the export")
# The columns a project-owned record starts with (``core.models.ProjectOwnedModel``),
# the first fields of most parts' exports.
OWNED = ("code", "created_at", "updated_at", "project")
# The columns of a person's own record (``core.models.PersonRecord``) with its project
# and account, the first fields of that record's export.
PERSON = ("code", "created_at", "updated_at", *PersonRecord.FIELDS, "project", "user")

# What erasing a person does to a field (``Part.erase``).
BLANK = "blank"  # empty text
MARK = "mark"  # the ERASED mark (a field that may not be empty)
EMPTY = "empty"  # a JSON field: an empty list or mapping, like its default
NONE = "none"  # NULL
FILE = "file"  # the file is removed through the storage; the field emptied
KEEP = "keep"  # unchanged (the reason is in ``Part.kept``)
ERASED = "[x]"  # language-neutral: the page says "erased" in the reader's language
RULES = (BLANK, MARK, EMPTY, NONE, FILE)

# Reasons shared by many parts for keeping a field on erasure.
CODE = _("a code from a fixed list or a checksum, which does not say who the person is")
SECRET = _("a checksum of the link's secret, which does not say who you are")
FIGURES = _("codes and scores the reports count; they do not say who the person is")
# A person's record (``PersonRecord``): the lists of codes reports count are kept.
PERSON_KEPT = dict.fromkeys(("languages", "availability", "interests"), CODE)
# The words the export shows for fields without a label of their own (a key named
# after its role, a time stamp, a code): a person reads "recorded by", not the field's
# name. A key to a record not named here shows the name of that kind of record.
LABELS = {
    "added_by": _("added by"),
    "answered_by": _("answered by"),
    "at": _("when"),
    "attachment_kind": _("kind of attachment"),
    "attachment_name": _("name of the attachment"),
    "attachment_size": _("size of the attachment (bytes)"),
    "attachment_type": _("type of the attachment"),
    "author": _("written by"),
    "amount": _("amount"),
    "batch": _("payment batch"),
    "batch_number": _("number of the payment"),
    "by": _("by"),
    "by_service": _("by the service"),
    "content_type": _("type of file"),
    "corrects": _("corrects the claim"),
    "created_by": _("created by"),
    "decided_at": _("decided on"),
    "detail": _("details"),
    "document_hash": _("checksum of the document"),
    "entered_by_user": _("entered by"),
    "from_status": _("from status"),
    "keep_until": _("kept until"),
    "kilometres": _("kilometres"),
    "kind": _("kind"),
    "km_rate": _("rate per kilometre"),
    "language": _("language"),
    "last_message_at": _("last message on"),
    "last_read_at": _("last read on"),
    "latitude": _("latitude"),
    "level": _("level"),
    "longitude": _("longitude"),
    "new_participant": _("new file in the other project"),
    "note": _("note"),
    "on": _("date"),
    "on_device_of": _("signed on the device of"),
    "organisation_name": _("organisation"),
    "part": _("taking part as"),
    "parties": _("who signs"),
    "planned_by": _("planned by"),
    "reason": _("reason"),
    "receipt_name": _("name of the receipt"),
    "receipt_type": _("type of the receipt"),
    "recorded_by": _("recorded by"),
    "recorded_by_coordinator": _("recorded by the coordinator"),
    "request_code": _("code of the request"),
    "signed_at": _("signed on"),
    "signed_by": _("signed by"),
    "size": _("size (bytes)"),
    "source_goal": _("from the goal"),
    "source_journal": _("from the journal entry"),
    "started_by": _("started by"),
    "status_before_pause": _("status before the pause"),
    "text": _("text"),
    "to_status": _("to status"),
    "user": _("user account"),
    "volunteer_name": _("volunteer's name"),
    "volunteer_ref": _("volunteer's code"),
    "withdrawn_at": _("withdrawn on"),
    "year": _("year"),
}
TEXT_FIELDS = (
    models.CharField,
    models.TextField,
    models.JSONField,
    models.FileField,
    models.BinaryField,
)


@dataclass(frozen=True)
class Part:
    """One model's records about a person. ``person`` is the lookup from the model to
    the person's record (``"participant"``, ``"buddy"``, ``"trajectory__participant"``);
    ``""`` means the model is the person's own record; a tuple gives lookups any of
    which reaches the person (a pair's conversation: ``("participant",
    "trajectory__participant")``). ``files`` maps a binary or file field to the field
    holding its file name: the file goes into the ZIP beside the data. The internal
    ``id`` is left out of every part (``INTERNAL_ID``) unless it is in ``fields``."""

    model: type[models.Model]
    person: str | tuple[str, ...]
    why: Promise | str
    fields: tuple[str, ...] = ()  # all concrete fields but ``left_out`` and ``files``
    title: Promise | str | None = None  # the model's plural name unless given
    left_out: Mapping[str, Promise | str] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)
    purpose: str = ""  # a consent purpose key (participants' registry), if one covers it
    since: str = "created_at"
    erase: Mapping[str, str] = field(default_factory=dict)  # field → a rule of RULES
    kept: Mapping[str, Promise | str] = field(default_factory=dict)  # field → why kept
    keep: Promise | str = ""  # the records are kept whole on erasure, and why
    # How a person reads a field whose value is a code without choices (a consent
    # purpose's key → its title): field → function of the value. The JSON keeps the code.
    shown: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if "id" not in self.fields:
            object.__setattr__(self, "left_out", {"id": INTERNAL_ID, **self.left_out})

    @property
    def exported(self) -> tuple[str, ...]:
        """The fields in the export: ``fields``, or every concrete field of the model
        but those left out and the files (which go into the ZIP beside the data)."""
        if self.fields:
            return self.fields
        out = set(self.left_out) | set(self.files)
        return tuple(f.name for f in self.model._meta.concrete_fields if f.name not in out)

    @property
    def lookups(self) -> tuple[str, ...]:
        return (self.person,) if isinstance(self.person, str) else self.person

    def person_model(self) -> type[models.Model]:
        model = self.model
        for step in filter(None, self.lookups[0].split("__")):
            model = model._meta.get_field(step).related_model  # type: ignore[assignment]
        return model

    def records(self, person: models.Model) -> models.QuerySet:
        query = models.Q()
        for lookup in self.lookups:
            query |= models.Q(**{f"{lookup}__pk" if lookup else "pk": person.pk})
        manager = self.model._default_manager
        return manager.filter(query).distinct().order_by("pk")


def each_person(
    model: type[models.Model], persons: tuple[str, ...], **declared
) -> tuple[Part, ...]:
    """The same declaration of ``model`` once per key to a person (a proposal belongs
    to its buddy and to its participant: each sees it in their own export)."""
    return tuple(Part(model, person=person, **declared) for person in persons)


PAIR = ("buddy", "participant")


def of_pair(model: type[models.Model], *fields: str, **declared) -> tuple[Part, ...]:
    """A record of a buddy and a participant together (a trajectory, a hand raised): in
    each one's export, with ``fields`` after the project-owned columns and the pair."""
    return each_person(model, PAIR, fields=(*OWNED, *PAIR, *fields), **declared)


@dataclass
class Section:
    """One part's records for one person, ready for the JSON and the PDF."""

    key: str
    title: str
    why: str
    purpose: str
    since: datetime.datetime | datetime.date | None
    fields: list[tuple[str, str]]  # (field name, its label)
    records: list[dict[str, Any]]
    shown: list[list[tuple[str, str]]]  # per record: (label, value as a person reads it)
    files: list[tuple[str, bytes]]  # (path in the ZIP, content)


def all_parts() -> list[Part]:
    """Every app's declared parts (apps in ``BUDDYNET_FEATURE_APPS`` order)."""
    parts: list[Part] = []
    for _app, module in feature_modules("personal"):
        parts.extend(getattr(module, "PARTS", ()))
    return parts


def parts_for(person_model: type[models.Model]) -> list[Part]:
    return [part for part in all_parts() if part.person_model() is person_model]


def json_value(value: Any) -> Any:
    """A field's value as JSON: dates ISO, decimals and codes as text, records as their
    name (a person's name, a record's kind and opaque code)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, bytes | memoryview):
        return None
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    if isinstance(value, AbstractBaseUser):
        return user_name(value)
    return str(value)


def user_name(user: AbstractBaseUser) -> str:
    """Another person's account as the export names it: their name, never their e-mail
    address (a user's own text falls back to it; a buddy's export must not show the
    participant's, nor the other way round)."""
    return str(user.get_full_name() or _("someone without a name in buddynet"))  # type: ignore[attr-defined]


def _shown(record: models.Model, name: str, part: Part | None = None) -> str:
    """A field's value as a person reads it in the PDF: a code's label, a date and time
    in words of the active language, yes or no."""
    model_field = record._meta.get_field(name)
    if getattr(model_field, "choices", None):
        return str(getattr(record, f"get_{name}_display")())
    raw = getattr(record, name)
    if part is not None and name in part.shown and raw not in (None, ""):
        return str(part.shown[name](raw))
    if isinstance(raw, datetime.datetime):
        return formats.date_format(timezone.localtime(raw), "j F Y, H:i")
    if isinstance(raw, datetime.date):
        return formats.date_format(raw, "j F Y")
    value = json_value(raw)
    if value is None or value == "" or value == [] or value == {}:
        return "-"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _read(stored: FieldFile) -> bytes:
    if not stored:
        return b""
    try:
        with stored.open("rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return b""


def field_label(model: type[models.Model], name: str) -> str:
    """A field's label in the active language: its own (a translated ``verbose_name``),
    else the export's word for it (``LABELS``), else for a key the name of the kind
    of record it points at."""
    model_field = model._meta.get_field(name)
    own = getattr(model_field, "verbose_name", name)
    if isinstance(own, Promise):
        return str(own)
    if name in LABELS:
        return str(LABELS[name])
    related = model_field.related_model if model_field.is_relation else None
    if isinstance(related, type) and issubclass(related, models.Model):
        return str(related._meta.verbose_name)
    return str(own)


def _since(row: models.Model, path: str) -> Any:
    """The date a record is kept since: a field, or one on a related record
    (``"conversation__created_at"``)."""
    value: Any = row
    for step in path.split("__"):
        value = getattr(value, step, None)
    return value


def codes_shown(choices: Iterable[tuple[str, Any]]) -> Callable[[Any], str]:
    """For ``Part.shown``: a list of codes (``["djg6", "who5"]``) as their labels."""
    labels = dict(choices)
    return lambda codes: ", ".join(str(labels.get(code, code)) for code in codes)


def fields_shown(model: type[models.Model]) -> Callable[[Any], str]:
    """For ``Part.shown``: a list of ``model``'s field names as their labels."""
    return lambda names: ", ".join(field_label(model, name) for name in names)


# A person's record (``PersonRecord``): the codes of its languages and week slots as
# a person reads them.
PERSON_SHOWN = {
    "languages": codes_shown(choices.LANGUAGES),
    "availability": codes_shown(choices.SLOTS),
}


def section_of(part: Part, person: models.Model) -> Section:
    model = part.model
    related = [
        name
        for name in part.exported
        if isinstance(model._meta.get_field(name), models.ForeignKey | models.OneToOneField)
    ]
    records, shown, files = [], [], []
    rows = list(part.records(person).select_related(*related))
    key = model._meta.label_lower.replace(".", "-")
    if part.lookups[0]:
        key += "-" + part.lookups[0].split("__")[-1]
    for row in rows:
        data = {name: json_value(getattr(row, name)) for name in part.exported}
        for binary, name_field in part.files.items():
            content = getattr(row, binary)
            if isinstance(content, FieldFile):
                content = _read(content)
            if content:
                name = str(getattr(row, name_field) or binary).replace("/", "_")
                path = f"files/{key}/{getattr(row, 'code', row.pk)}-{name}"
                files.append((path, bytes(content)))
                data[binary] = path
        records.append(data)
        shown.append(
            [(field_label(model, name), _shown(row, name, part)) for name in part.exported]
        )
    dates = [d for d in (_since(row, part.since) for row in rows) if d]
    return Section(
        key=key,
        title=str(part.title or model._meta.verbose_name_plural),
        why=str(part.why),
        purpose=part.purpose,
        since=min(dates) if dates else None,
        fields=[(name, field_label(model, name)) for name in part.exported],
        records=records,
        shown=shown,
        files=files,
    )


def collect(person: models.Model) -> list[Section]:
    """Everything the apps keep about ``person`` (a participant or a buddy), one section
    per declared part, across the person's projects."""
    with scopes_disabled():
        return [section_of(part, person) for part in parts_for(type(person))]


def personal_models(person_models: Iterable[type[models.Model]]) -> list[type[models.Model]]:
    """The concrete models that are a person's record or point at one (a key)."""
    from django.apps import apps

    targets = tuple(person_models)
    found = []
    for model in apps.get_models():
        if model._meta.abstract or model._meta.proxy:
            continue
        points = any(
            f.is_relation and f.related_model in targets for f in model._meta.concrete_fields
        )
        if model in targets or points:
            found.append(model)
    return found


def undeclared_fields(
    person_models: Iterable[type[models.Model]], parts: Iterable[Part] | None = None
) -> dict[str, list[str]]:
    """Per model (``app.Model``), the fields no part exports or leaves out with a
    reason. Empty when every personal field is declared."""
    parts = list(all_parts() if parts is None else parts)
    gaps: dict[str, list[str]] = {}
    for model in reachable_models(person_models):
        declared: set[str] = set()
        for part in parts:
            if part.model is model:
                declared |= set(part.exported) | set(part.left_out) | set(part.files)
        missing = [f.name for f in model._meta.concrete_fields if f.name not in declared]
        if missing:
            gaps[model._meta.label] = missing
    return gaps


# --- Erasure rules --------------------------------------------------------------------


def text_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields of ``model`` that can hold words that identify a person."""
    return [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]


def erase_rule(
    model: type[models.Model], name: str, parts: Iterable[Part] | None = None
) -> tuple[str, Promise | str] | None:
    """What erasing a person does to ``model.name``: ``(rule, reason)``; ``(KEEP,
    reason)`` for a field kept; None when nothing decides it (a JSON field without a
    word in any part of the model)."""
    mine = [p for p in (all_parts() if parts is None else parts) if p.model is model]
    for part in mine:
        if name in part.erase:
            return part.erase[name], ""
        if name in part.kept:
            return KEEP, part.kept[name]
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, TEXT_FIELDS):
        return KEEP, FIGURES
    if getattr(model_field, "choices", None):
        return KEEP, CODE
    if isinstance(model_field, models.FileField | models.BinaryField):
        return FILE, ""
    if isinstance(model_field, models.JSONField):
        return None
    if model_field.blank or model_field.null:
        return BLANK, ""
    return MARK, ""


def reachable_models(
    person_models: Iterable[type[models.Model]], *, skip: Iterable[type[models.Model]] = ()
) -> list[type[models.Model]]:
    """The concrete models that are a person's record or reach one through their keys
    (a journal entry through its trajectory, a signature through its agreement)."""
    from django.apps import apps

    found: list[type[models.Model]] = list(person_models)
    skipped = tuple(skip)
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model in found or model in skipped or model._meta.proxy:
                continue
            if any(
                f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model in found
                for f in model._meta.concrete_fields
            ):
                found.append(model)
                grew = True
    return found


def undecided_fields(
    models_: Iterable[type[models.Model]], parts: Iterable[Part] | None = None
) -> dict[str, list[str]]:
    """Per model, the text-like fields no rule decides on erasure, and the explicit
    rules that are not known rules or name no field. Empty when all is decided."""
    parts = list(all_parts() if parts is None else parts)
    gaps: dict[str, list[str]] = {}
    for model in models_:
        mine = [p for p in parts if p.model is model]
        if any(p.keep for p in mine):
            continue
        names = {f.name for f in model._meta.concrete_fields}
        wrong = [
            f"{name}={rule}"
            for p in mine
            for name, rule in p.erase.items()
            if rule not in RULES or name not in names
        ] + [f"{name} (kept)" for p in mine for name in p.kept if name not in names]
        missing = [f.name for f in text_fields(model) if erase_rule(model, f.name, mine) is None]
        if missing or wrong:
            gaps[model._meta.label] = missing + wrong
    return gaps
