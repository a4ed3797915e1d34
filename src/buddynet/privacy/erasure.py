"""Erasure as anonymisation (GDPR art. 17): what identifies a person goes, everywhere;
what the reports count and what the law makes us keep stays.

Every app declares in its ``personal.py`` what it keeps about a person and, per
text-like field, what erasing does to it (``core.personal.Part.erase``/``kept``/``keep``
and the defaults by field type in ``core.personal.erase_rule``). ``plan_erasure`` is the
dry run: per section, per record, per field what it becomes, and what is kept and why;
it writes nothing. ``erase_person`` carries the same plan out in one transaction, the
person's row locked first, and then also:

- removes the person's files through the storage API (attachments, CV, message photos
  and documents, exports) — a field ruled ``FILE``;
- replaces the person's name, e-mail address, phone number and postcode in the audit
  log's details and its ``actor_email`` (the entries themselves stay: who did what when);
- empties and deactivates the person's own account, unless it is also another
  (not erased) person's;
- closes the person's conversations and marks the record ``erased_at``: pages say
  "erased person", matching and messages leave them out, there is no address to mail.

Kept: the expenses' named list (its own copy of the name, seven years: the law), the
signed agreements and information notes (proof of what was agreed and that the
volunteer was informed): ``privacy.retention`` anonymises them when their own term
ends (``RECORD_KINDS``), after the person's erasure or with it; and every count,
status, date, amount and score, so the reports' totals stay the same. It cannot be
undone. Erasing twice changes nothing the second time and does not fail.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from buddynet.contact.models import Conversation, Notification, NotificationProfile
from buddynet.core import personal
from buddynet.core.models import AuditEntry
from buddynet.participants.models import Participant
from buddynet.volunteers.models import Buddy

from .services import PrivacyError

BECOMES = {
    personal.BLANK: lambda: _("empty"),
    personal.MARK: lambda: _("the mark “%(mark)s”") % {"mark": personal.ERASED},
    personal.EMPTY: lambda: _("empty"),
    personal.NONE: lambda: _("empty"),
    personal.FILE: lambda: _("the file is removed"),
}


@dataclass
class FieldChange:
    name: str
    label: str
    becomes: str


@dataclass
class RecordChange:
    code: str
    changes: list[FieldChange]


@dataclass
class ErasureSection:
    """One declared part: the records that change, and what is kept and why."""

    key: str
    title: str
    count: int  # the person's records in this part
    records: list[RecordChange] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (label, why)
    kept_whole: str = ""  # the records are kept unchanged, and why


@dataclass
class ErasurePlan:
    """What erasing a person does (the dry run), or did (after ``erase_person``)."""

    kind: str  # "participant" or "buddy"
    code: str
    erased_at: datetime.datetime | None
    sections: list[ErasureSection]
    files: list[str]  # the files removed (storage names, or "field of record")
    audit_entries: int  # audit entries whose details name the person
    account: str  # what happens to the person's own account ("" without one)

    @property
    def changes(self) -> int:
        return sum(len(r.changes) for s in self.sections for r in s.records)

    @property
    def changing(self) -> list[ErasureSection]:
        return [s for s in self.sections if s.records]

    @property
    def keeping(self) -> list[ErasureSection]:
        return [s for s in self.sections if s.kept_whole and s.count]

    @property
    def nothing_left(self) -> bool:
        return not (self.changes or self.files or self.audit_entries or self.account)


def _kind(person) -> str:
    if isinstance(person, Participant):
        return "participant"
    if isinstance(person, Buddy):
        return "buddy"
    raise PrivacyError(_("Only a participant or a buddy can be erased."))


def _target(model_field: models.Field, rule: str) -> Any:
    """The value a field gets under ``rule``."""
    if rule == personal.MARK:
        length = getattr(model_field, "max_length", None) or len(personal.ERASED)
        return personal.ERASED if length >= len(personal.ERASED) else ""
    if rule == personal.EMPTY:
        return [] if model_field.default is list else {}
    if rule == personal.NONE:
        return None
    if isinstance(model_field, models.BinaryField):
        return None if model_field.null else b""
    if model_field.null and not model_field.blank:
        return None
    return ""


def _empty(value: Any) -> bool:
    if isinstance(value, FieldFile):
        return not value.name
    if isinstance(value, memoryview):
        return not len(value)
    return value is None or value == "" or value == b"" or value == [] or value == {}


def _rules(part: personal.Part, parts: list[personal.Part]) -> list[tuple[models.Field, str]]:
    """The fields of the part's model that erasure changes, with their rule."""
    changing = []
    for model_field in personal.text_fields(part.model):
        decided = personal.erase_rule(part.model, model_field.name, parts)
        if decided is not None and decided[0] != personal.KEEP:
            changing.append((model_field, decided[0]))
    return changing


def _kept(part: personal.Part, parts: list[personal.Part]) -> list[tuple[str, str]]:
    """The fields kept on purpose (an explicit reason in the declaration)."""
    mine = [p for p in parts if p.model is part.model]
    reasons: dict[str, str] = {}
    for p in mine:
        for name, why in p.kept.items():
            reasons.setdefault(name, str(why))
    return [(_label(part.model, n), why) for n, why in reasons.items()]


def _label(model: type[models.Model], name: str) -> str:
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _section(part: personal.Part, person, parts: list[personal.Part], *, lock: bool):
    """The part's section of the plan, and per record the values to write."""
    model = part.model
    key = model._meta.label_lower.replace(".", "-")
    if part.lookups[0]:
        key += "-" + part.lookups[0].split("__")[-1]
    pks = list(part.records(person).values_list("pk", flat=True))
    rows = model._default_manager.filter(pk__in=pks).order_by("pk")
    if lock and pks:
        rows = rows.select_for_update()
    section = ErasureSection(
        key=key,
        title=str(part.title or model._meta.verbose_name_plural),
        count=len(pks),
        kept=_kept(part, parts),
        kept_whole=str(part.keep),
    )
    writes: list[tuple[models.Model, dict[str, Any]]] = []
    codes: set[str] = set()
    if any(f.name == "code" for f in model._meta.concrete_fields):
        codes = {
            str(c) for c in model._default_manager.filter(pk__in=pks).values_list("code", flat=True)
        }
    if part.keep or not pks:
        return section, writes, codes
    rules = _rules(part, parts)
    for row in rows:
        changes, values = [], {}
        for model_field, rule in rules:
            current = getattr(row, model_field.name)
            target = _target(model_field, rule)
            if _empty(current) or current == target:
                continue
            values[model_field.name] = target
            becomes = (
                BECOMES[rule]() if not isinstance(current, FieldFile) else BECOMES[personal.FILE]()
            )
            changes.append(FieldChange(model_field.name, str(model_field.verbose_name), becomes))
        if changes:
            section.records.append(RecordChange(str(getattr(row, "code", row.pk)), changes))
            writes.append((row, values))
    return section, writes, codes


def _words(*values: str) -> list[str]:
    return sorted(
        {v.strip() for v in values if v and len(v.strip()) > 2 and v.strip() != personal.ERASED},
        key=len,
        reverse=True,
    )


def _identifiers(person) -> tuple[list[str], list[str]]:
    """What names the person in free data: (anywhere in the project: the full name,
    the e-mail address, the phone number, the account's address; in entries about the
    person's own records also the first and the last name alone)."""
    user = getattr(person, "user", None)
    full = f"{person.first_name} {person.last_name}"
    anywhere = [full, person.email, person.phone, user.email if user is not None else ""]
    own = [person.first_name, person.last_name]
    if user is not None:
        own += [user.first_name, user.last_name]
    return _words(*anywhere), _words(*anywhere, *own)


def _scrub(value: Any, words: list[str], postcode: str) -> Any:
    """``value`` (audit details) with every word that names the person replaced."""
    if isinstance(value, dict):
        return {k: _scrub(v, words, postcode) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, words, postcode) for v in value]
    if isinstance(value, str):
        if postcode and value.strip() == postcode:
            return personal.ERASED
        lowered = value.lower()
        for word in words:
            start = lowered.find(word.lower())
            while start != -1:
                value = value[:start] + personal.ERASED + value[start + len(word) :]
                lowered = value.lower()
                start = lowered.find(word.lower(), start + len(personal.ERASED))
        return value
    return value


@dataclass
class Candidates:
    """What one read for a whole batch of people found that may name one of them,
    outside the records about them: audit entries and notifications (their ids)."""

    audit: set[int]
    notifications: set[int]


@functools.cache
def _other_models() -> tuple[type[models.Model], ...]:
    about_people = set(personal.reachable_models([Participant, Buddy]))
    return tuple(m for m in apps.get_models() if m not in about_people and not m._meta.proxy)


def _other_types() -> list[int]:
    """The content types of the records that are not about one person (a project, a
    setting, an account, an import): entries about a person's records are found by
    their codes; only these are searched for a name in their details."""
    return sorted(t.pk for t in ContentType.objects.get_for_models(*_other_models()).values())


def candidates_for(people) -> Candidates:
    """One read of the audit log and one of the notifications for a whole batch of
    people (the daily job passes it to ``erase_person`` for each of them), instead of
    one scan per person and word over the whole log. Entries about a person's own
    records are found by their codes in ``_audit_entries`` (an index); here: the
    entries written by their accounts (an index), and, of the entries of their
    projects (or of none) about records that are not about one person (content types:
    an index), those whose details hold a person's full name, e-mail address or phone
    number or whose actor's address is one; and the notifications whose text holds a
    person's name."""
    audit, notices = models.Q(), models.Q()
    projects: set[int] = set()
    accounts: set[int] = set()
    for person in people:
        projects.add(person.project_id)
        if person.user_id is not None:
            accounts.add(person.user_id)
        anywhere, own = _identifiers(person)
        for word in anywhere:
            audit |= models.Q(data__icontains=word) | models.Q(actor_email__iexact=word)
        for word in own:
            notices |= models.Q(about__icontains=word)
    found = Candidates(set(), set())
    if audit or accounts:
        named = (
            models.Q(content_type__in=_other_types()) | models.Q(content_type__isnull=True)
        ) & audit
        found.audit = set(
            AuditEntry.unscoped.filter(
                models.Q(project_id__in=projects) | models.Q(project__isnull=True),
                named | models.Q(actor_id__in=sorted(accounts)),
            ).values_list("pk", flat=True)
        )
    if notices:
        found.notifications = set(Notification.objects.filter(notices).values_list("pk", flat=True))
    return found


def _audit_entries(
    person, codes: set[str], postcode: str, candidates: set[int]
) -> list[tuple[AuditEntry, dict, str]]:
    """The audit entries of the person's project whose details or actor's address name
    the person, with their details and address scrubbed: those about the person's
    records (by their codes, an index) and the ``candidates`` (``candidates_for``)."""
    anywhere, own = _identifiers(person)
    uuids = []
    for code in codes:
        try:
            uuids.append(uuid.UUID(code))
        except ValueError:
            continue
    entries = AuditEntry.unscoped.filter(
        models.Q(project_id=person.project_id) | models.Q(project__isnull=True),
        models.Q(object_code__in=uuids) | models.Q(pk__in=sorted(candidates)),
    ).order_by("pk")
    found = []
    for entry in entries:
        mine = str(entry.object_code) in codes
        words = own if mine else anywhere
        data = _scrub(entry.data, words, postcode if mine else "")
        actor_email = _scrub(entry.actor_email, words, "")
        if data != entry.data or actor_email != entry.actor_email:
            found.append((entry, data, actor_email))
    return found


def _notifications(person, codes: set[str], candidates: set[int]) -> list[tuple[int, str]]:
    """Notifications to others that name the person ("Bram, your buddy"), about one of
    the person's records (their link holds its code): (id, the words scrubbed), among
    the ``candidates`` (``candidates_for``)."""
    _anywhere, own = _identifiers(person)
    if not candidates:
        return []
    found = []
    rows = Notification.objects.filter(pk__in=sorted(candidates))
    for pk, about, link in rows.values_list("pk", "about", "link"):
        mine = any(code in link for code in codes) or (person.user_id is not None and link == "")
        scrubbed = _scrub(about, own, "")
        if mine and scrubbed != about:
            found.append((pk, scrubbed))
    return found


def _account(person) -> tuple[str, bool]:
    """What happens to the person's own account, and whether it is emptied."""
    user = getattr(person, "user", None)
    if user is None:
        return "", False
    shared = any(
        model._default_manager.filter(user=user, erased_at__isnull=True)
        .exclude(pk=person.pk if isinstance(person, model) else 0)
        .exists()
        for model in (Participant, Buddy)
    )
    if shared:
        return _("The account is also another file's: it stays as it is."), False
    if not user.is_active and not user.first_name and user.email.endswith(".invalid"):
        return "", False
    return (
        _("The account's name and e-mail address are removed and it can no longer log in."),
        True,
    )


def _plan(
    person, *, lock: bool, candidates: Candidates | None = None
) -> tuple[ErasurePlan, tuple[list, list, bool, set[str], Candidates]]:
    kind = _kind(person)
    parts = personal.parts_for(type(person))
    everything = personal.all_parts()
    sections, writes = [], []
    codes = {str(person.code)}
    for part in parts:
        section, rows, found = _section(part, person, everything, lock=lock)
        sections.append(section)
        writes.extend(rows)
        codes |= found
    files = [
        getattr(row, name).name
        for row, values in writes
        for name in values
        if isinstance(getattr(row, name), FieldFile)
    ]
    postcode = "" if person.postcode == personal.ERASED else person.postcode
    if candidates is None:
        candidates = candidates_for([person])
    entries = _audit_entries(person, codes, postcode, candidates.audit)
    account, account_erased = _account(person)
    plan = ErasurePlan(
        kind=kind,
        code=str(person.code),
        erased_at=person.erased_at,
        sections=sections,
        files=files,
        audit_entries=len(entries),
        account=account,
    )
    return plan, (writes, entries, account_erased, codes, candidates)


def plan_erasure(person) -> ErasurePlan:
    """The dry run: what erasing ``person`` would change and what it keeps. Writes
    nothing."""
    with scopes_disabled():
        return _plan(person, lock=False)[0]


def erase_person(person, *, by, reason: str, candidates: Candidates | None = None) -> ErasurePlan:
    """Erase ``person`` (a participant or a buddy): one transaction, the person's row
    locked first; returns the plan that was carried out (empty when it was already
    erased). ``by`` is None for a system job; ``candidates`` the batch's read of
    the audit log and the notifications (``candidates_for``), when a job erases many.
    It cannot be undone."""
    model = type(person)
    _kind(person)
    with scopes_disabled(), transaction.atomic():
        person = model._default_manager.select_for_update().get(pk=person.pk)
        words = _identifiers(person)[1]
        postcode = "" if person.postcode == personal.ERASED else person.postcode
        plan, (writes, entries, account_erased, codes, found) = _plan(
            person, lock=True, candidates=candidates
        )
        for row, values in writes:
            for name in list(values):
                stored = getattr(row, name)
                if isinstance(stored, FieldFile) and stored.name:
                    stored.delete(save=False)
            type(row)._default_manager.filter(pk=row.pk).update(**values)
        for pk, about in _notifications(person, codes, found.notifications):
            Notification.objects.filter(pk=pk).update(about=about)
        for entry, data, actor_email in entries:
            AuditEntry.unscoped.filter(pk=entry.pk).update(data=data, actor_email=actor_email)
        if account_erased:
            _erase_account(person)
        _close_conversations(person)
        first = person.erased_at is None
        if first:
            person.erased_at = timezone.now()
            model._default_manager.filter(pk=person.pk).update(erased_at=person.erased_at)
        if first or not plan.nothing_left:
            person.log_action(
                "privacy.erased",
                user=by,
                via="web" if by is not None else "system",
                data={
                    "reason": _scrub(reason, words, postcode),
                    "changes": plan.changes,
                    "files": len(plan.files),
                },
            )
        plan.erased_at = person.erased_at
    return plan


def _erase_account(person) -> None:
    user = get_user_model()._default_manager.select_for_update().get(pk=person.user_id)
    user.first_name = ""
    user.last_name = ""
    user.email = f"erased-{person.code}@erased.invalid"
    user.is_active = False
    user.set_unusable_password()
    user.save()
    # What the account's other records hold about how to reach the person.

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    NotificationProfile.objects.filter(user=user).update(sms_number="")
    Notification.objects.filter(user=user).update(about="", link="")


def _close_conversations(person) -> None:
    """No one writes to an erased person: their open conversations close."""
    key = "participant" if isinstance(person, Participant) else "buddy"
    Conversation.objects.filter(
        models.Q(**{key: person}) | models.Q(**{f"trajectory__{key}": person}),
        closed_at__isnull=True,
    ).update(closed_at=timezone.now())
