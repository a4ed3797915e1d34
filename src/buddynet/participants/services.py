"""Writes for participants: referral, self-registration, intake, consent, the waiting
list. Every service validates, saves inside a transaction and writes an audit entry."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buddynet.core.errors import ServiceError
from buddynet.core.forms import postcode_problem, town_for
from buddynet.core.models import AuditEntry

from . import consent, tasks
from .models import (
    ConsentRecord,
    ContactMoment,
    HouseholdMember,
    Offer,
    Participant,
    require_phone_or_email,
)
from .selectors import consent_holds

# Who the person is and how to reach them: asked on every way onto the list.
CONTACT_FIELDS = ("first_name", "last_name", "phone", "email", "postcode", "town")
REFERRAL_FIELDS = (
    *CONTACT_FIELDS,
    "household_size",
    "languages",
    "help_request",
    "referral_context",
    "urgency",
    "phase",
    "referrer_organisation",
    "referrer_role",
)
SELF_REGISTRATION_FIELDS = (*CONTACT_FIELDS, "languages", "help_request")
INTAKE_FIELDS = (
    *CONTACT_FIELDS,
    "birth_year",
    "household_size",
    "languages",
    "request_in_own_words",
    "needs",
    "expectations",
    "buddy_will_not",
    "availability",
    "interests",
    "buddy_preferences",
    "accessibility_needs",
    "phase",
    "urgency",
)
SPECIAL_CATEGORY_FIELDS = Participant.SPECIAL_CATEGORY_FIELDS
WAITING_FIELDS = ("urgency", "waiting_reason")


R = TypeVar("R", ContactMoment, Offer)


class ParticipantError(ServiceError):
    """A rule about participants was broken; the message is safe to show."""


def _full_clean(participant: Participant) -> None:
    """The model's own rules, as this app's error (on the field it names)."""
    ParticipantError.clean(participant)


def _require_contact(data: dict[str, Any]) -> None:
    try:
        require_phone_or_email(data.get("phone", ""), data.get("email", ""))
    except ValidationError as exc:
        raise ParticipantError.from_validation_error(exc) from exc


def _locked(participant: Participant) -> Participant:
    """Lock the row and re-read it (inside ``transaction.atomic``), so two identical
    requests cannot both act on the same old state."""
    fresh = Participant.objects.select_for_update().get(pk=participant.pk)
    participant.refresh_from_db()
    return fresh


def _today() -> date:
    return timezone.localdate()


def _with_town(data: dict[str, Any]) -> dict[str, Any]:
    """A postcode is checked and gives the town (the one rule, for pages and API)."""
    if "postcode" not in data:
        return data
    postcode = (data["postcode"] or "").strip()
    problem = postcode_problem(postcode) if postcode else None
    if problem:
        raise ParticipantError(problem, field="postcode", code="postcode")
    return {**data, "postcode": postcode, "town": town_for(postcode)}


def _apply(participant: Participant, data: dict[str, Any], allowed: tuple[str, ...]) -> list:
    data = _with_town(data)
    ParticipantError.refuse_unknown(
        data, allowed, _("These fields cannot be changed here: %(fields)s")
    )
    changed = []
    for name, value in data.items():
        if getattr(participant, name) != value:
            setattr(participant, name, value)
            changed.append(name)
    return changed


def _same_new_file(participant: Participant, *, referred_by) -> Participant | None:
    """The file this same person or referrer created today for the same person, if any
    (a repeated submit must not make a second file)."""
    return (
        Participant.objects.filter(
            project=participant.project,
            source=participant.source,
            referred_by=referred_by,
            referred_on=participant.referred_on,
            first_name__iexact=participant.first_name,
            last_name__iexact=participant.last_name,
            postcode=participant.postcode,
            status=Participant.Status.REFERRED,
        )
        .order_by("pk")
        .first()
    )


def _new_file(
    participant: Participant,
    data: dict[str, Any],
    fields: tuple[str, ...],
    *,
    action: str,
    consents: tuple[str, ...] = (),
    consent_note: str = "",
) -> Participant:
    """Save a new `participant` (its project, source and referrer set) as referred today,
    with `data` and the consents given along with it. A repeated submit gives back the
    file it just made (see `_same_new_file`)."""
    participant.referred_on = _today()
    participant.status = Participant.Status.REFERRED
    referred_by = participant.referred_by
    _apply(participant, data, fields)
    _require_contact(data)
    same = _same_new_file(participant, referred_by=referred_by)
    if same is not None:
        return same  # a double click, or sent twice: the file that was just made
    with transaction.atomic():
        _full_clean(participant)
        participant.save()
        participant.log_action(action, user=referred_by)
        for purpose in consents:
            _record_consent(participant, purpose, given=True, by=None, note=consent_note)
        tasks.announce_new_file(participant)
    return participant


def participant_refer(*, project, referred_by, data: dict[str, Any]) -> Participant:
    """A professional refers a person or family to the project."""
    return _new_file(
        Participant(project=project, referred_by=referred_by, source=Participant.Source.REFERRAL),
        data,
        REFERRAL_FIELDS,
        action="participant.referred",
    )


def participant_self_register(*, project, data: dict[str, Any]) -> Participant:
    """Someone signs up themselves through the public page.

    The public form's box says exactly this: "the project keeps these details to contact
    me". That is the purpose "contact" and nothing more; consent for support by a buddy
    is asked and recorded at the intake (the waiting list requires it)."""
    return _new_file(
        Participant(project=project, source=Participant.Source.SELF),
        data,
        SELF_REGISTRATION_FIELDS,
        action="participant.self_registered",
        consents=SIGNUP_CONSENT_PURPOSES,
        consent_note="public sign-up form",
    )


# What the public sign-up's consent box covers (its words: "I agree that the project
# keeps these details to contact me").
SIGNUP_CONSENT_PURPOSES = (consent.KEEP_IN_TOUCH,)


def participant_intake(
    *,
    participant: Participant,
    by,
    data: dict[str, Any],
    household: list[dict[str, Any]] | None = None,
) -> Participant:
    """Save the intake conversation. Special-category fields only with that consent."""
    special = {k: v for k, v in data.items() if k in SPECIAL_CATEGORY_FIELDS}
    plain = {k: v for k, v in data.items() if k not in SPECIAL_CATEGORY_FIELDS}
    if any(special.values()) and not consent_given(participant, consent.SPECIAL_CATEGORY):
        raise ParticipantError(
            _("Health and origin can only be recorded with the participant's explicit consent.")
        )
    with transaction.atomic():
        changed = _apply(participant, plain, INTAKE_FIELDS)
        changed += _apply(participant, special, SPECIAL_CATEGORY_FIELDS)
        if participant.status == Participant.Status.REFERRED:
            participant.status = Participant.Status.INTAKE
            changed.append("status")
        if participant.intake_on is None:
            participant.intake_on = _today()
            participant.intake_by = by
            changed += ["intake_on", "intake_by"]
        _full_clean(participant)
        participant.save()
        if household is not None:
            participant.household_members.all().delete()
            HouseholdMember.objects.bulk_create(
                HouseholdMember(project=participant.project, participant=participant, **member)
                for member in household
            )
            changed.append("household_members")
        # Field names only: the audit log never copies what was said at intake.
        participant.log_action("participant.intake.saved", user=by, data={"fields": changed})
    return participant


def consent_given(participant: Participant, purpose: str) -> bool:
    return consent_holds(participant, purpose)


def _record_consent(participant, purpose, *, given, by, given_by="participant", **extra):
    record = ConsentRecord.objects.create(
        participant=participant,
        purpose=purpose,
        given=given,
        given_by=given_by,
        recorded_by=by if by is not None and by.is_authenticated else None,
        **extra,
    )
    participant.log_action(
        "participant.consent.given" if given else "participant.consent.withdrawn",
        user=by,
        data={"purpose": purpose, "given_by": given_by},
    )
    return record


def consent_record(
    *,
    participant: Participant,
    purpose: str,
    given: bool,
    by,
    given_by: str = ConsentRecord.GivenBy.PARTICIPANT,
    representative_name: str = "",
    note: str = "",
) -> ConsentRecord:
    """Record a decision. A withdrawal stops the processing the purpose covered."""
    if purpose not in consent.BY_KEY:
        raise ParticipantError(_("Unknown purpose."))
    if given_by == ConsentRecord.GivenBy.REPRESENTATIVE and not representative_name.strip():
        raise ParticipantError(_("Give the name of the legal representative."))
    with transaction.atomic():
        _locked(participant)
        latest = (
            participant.consent_records.filter(purpose=purpose)
            .order_by("-created_at", "-id")
            .first()
        )
        if (
            latest is not None
            and latest.given == given
            and latest.given_by == given_by
            and latest.representative_name == representative_name.strip()
        ):
            return latest  # the same decision again (a double click): nothing changes
        record = _record_consent(
            participant,
            purpose,
            given=given,
            by=by,
            given_by=given_by,
            representative_name=representative_name.strip(),
            note=note[:500],
        )
        if not given:
            # Every app that registered an effect for this purpose stops what it covers
            # (this app's own effects are below; matching, trajectories, followup
            # register theirs in their ``consent_effects`` modules).
            consent.apply_withdrawal(participant=participant, purpose=purpose, by=by)
    return record


@consent.register_effect(
    consent.SPECIAL_CATEGORY, app="participants", describes=_("Health and origin notes are erased.")
)
def _erase_special_category(*, participant: Participant, by, via: str = "web") -> None:
    for name in SPECIAL_CATEGORY_FIELDS:
        setattr(participant, name, "")
    participant.save(update_fields=[*SPECIAL_CATEGORY_FIELDS, "updated_at"])
    participant.log_action("participant.special_category.erased", user=by, via=via)


@consent.register_effect(
    consent.KEEP_IN_TOUCH, app="participants", describes=_("No more keep-warm calls are planned.")
)
def _stop_keep_warm(*, participant: Participant, by, via: str = "web") -> None:
    participant.next_contact_due = None
    participant.save(update_fields=["next_contact_due", "updated_at"])


@consent.register_effect(
    consent.SUPPORT, app="participants", describes=_("The file is closed and leaves the list.")
)
def _close_file(*, participant: Participant, by, via: str = "web") -> None:
    if participant.status != Participant.Status.CLOSED:
        participant_withdraw(
            participant=participant,
            by=by,
            reason=Participant.WithdrawalReason.CONSENT,
            note="",
        )


@consent.register_effect(
    consent.SHARE_WITH_REFERRER,
    app="participants",
    describes=_("The referrer no longer sees the status of the file."),
)
def _stop_sharing_status(*, participant: Participant, by, via: str = "web") -> None:
    # The selectors annotate ``shares_with_referrer`` from the latest record; nothing
    # to change in the data, but the withdrawal is on the file's history.
    participant.log_action("participant.consent.sharing_stopped", user=by, via=via)


def _schedule_next_contact(participant: Participant, after: date) -> None:
    if consent_given(participant, consent.KEEP_IN_TOUCH):
        interval = participant.project.keep_warm_interval_days
        participant.next_contact_due = after + timedelta(days=interval)
    else:
        participant.next_contact_due = None


def participant_put_on_waiting_list(
    *, participant: Participant, by, urgency: str | None = None, reason: str | None = None
) -> Participant:
    today = _today()
    with transaction.atomic():
        _locked(participant)
        if participant.status == Participant.Status.WAITING:
            raise ParticipantError(
                _("This person is already on the waiting list."),
                code="already_waiting",
                status=409,
            )
        if participant.status not in (Participant.Status.REFERRED, Participant.Status.INTAKE):
            raise ParticipantError(_("Only someone after referral or intake can join the list."))
        if not consent_given(participant, consent.SUPPORT):
            raise ParticipantError(
                _("Record the participant's consent for support by a buddy first."),
                code="no_support_consent",
            )
        participant.status = Participant.Status.WAITING
        participant.waiting_since = today
        if urgency:
            participant.urgency = urgency
        if reason:
            participant.waiting_reason = reason
        _schedule_next_contact(participant, today)
        _full_clean(participant)
        participant.save()
        participant.log_action(
            "participant.waiting_list.joined",
            user=by,
            data={"urgency": participant.urgency, "reason": participant.waiting_reason},
        )
    return participant


def participant_update_waiting(*, participant: Participant, by, data: dict) -> Participant:
    with transaction.atomic():
        _locked(participant)
        if participant.status != Participant.Status.WAITING:
            raise ParticipantError(_("This person is not on the waiting list."))
        changed = _apply(participant, data, WAITING_FIELDS)
        if changed:
            _full_clean(participant)
            participant.save()
            participant.log_action(
                "participant.waiting_list.changed",
                user=by,
                data={name: getattr(participant, name) for name in changed},
            )
    return participant


def _require_open_waiting_list(participant: Participant) -> None:
    """Keep-warm contacts and offers belong to the time before a match."""
    if not participant.waiting_list_open:
        raise ParticipantError(
            _("This is for people before a match; this file is %(status)s.")
            % {"status": participant.status_label},
            code="not_waiting",
        )


def _on_the_list(
    participant: Participant, model: type[R], *, by, data: dict[str, Any]
) -> tuple[R, bool]:
    """Lock the participant, check they are on the list, and write a `model` record
    (a contact, an offer) about them, unless the same one is there already: (the record,
    whether it is new). Call inside ``transaction.atomic``."""
    _locked(participant)
    _require_open_waiting_list(participant)
    same = model.objects.filter(participant=participant, by=by, **data).first()
    if same is not None:
        return same, False
    return model.objects.create(
        project=participant.project, participant=participant, by=by, **data
    ), True


def contact_log(*, participant: Participant, by, data: dict[str, Any]) -> ContactMoment:
    """Log a keep-warm contact; the next one is planned from the project's cadence."""
    contacted_on = data["contacted_on"]
    if contacted_on > _today():
        raise ParticipantError(_("A contact cannot be in the future."), field="contacted_on")
    with transaction.atomic():
        moment, new = _on_the_list(participant, ContactMoment, by=by, data=data)
        if not new:
            return moment  # the same contact sent twice
        fields = ["updated_at"]
        if participant.last_contact_on is None or contacted_on > participant.last_contact_on:
            participant.last_contact_on = contacted_on
            fields.append("last_contact_on")
        if participant.status == Participant.Status.WAITING:
            _schedule_next_contact(participant, max(contacted_on, participant.last_contact_on))
            fields.append("next_contact_due")
        participant.save(update_fields=fields)
        participant.log_action(
            "participant.contact.logged",
            user=by,
            data={"kind": moment.kind, "outcome": moment.outcome, "on": str(contacted_on)},
        )
    return moment


def offer_record(*, participant: Participant, by, data: dict[str, Any]) -> Offer:
    with transaction.atomic():
        offer, new = _on_the_list(participant, Offer, by=by, data=data)
        if not new:
            return offer  # the same offer sent twice
        participant.log_action("participant.offer.recorded", user=by, data={"kind": offer.kind})
    return offer


def participant_withdraw(
    *, participant: Participant, by, reason: str, note: str = ""
) -> Participant:
    if reason not in Participant.WithdrawalReason.values:
        raise ParticipantError(_("Choose a reason."), field="reason")
    with transaction.atomic():
        _locked(participant)
        if participant.status == Participant.Status.CLOSED:
            raise ParticipantError(
                _("This file is already closed."), code="already_closed", status=409
            )
        participant.status = Participant.Status.CLOSED
        participant.closed_on = _today()
        participant.withdrawal_reason = reason
        participant.withdrawal_note = note
        participant.next_contact_due = None
        participant.save()
        participant.log_action("participant.withdrawn", user=by, data={"reason": reason})
    return participant


# --- Import from a spreadsheet (called by the imports app, one row at a time) ----------

IMPORT_FIELDS = (
    *CONTACT_FIELDS,
    "birth_year",
    "languages",
    "help_request",
    "urgency",
)
IMPORT_CONSENT_NOTE = "recorded in the previous system; imported from a spreadsheet"


def participant_import(
    *,
    project,
    by,
    data: dict[str, Any],
    existing: Participant | None = None,
    referred_on: date | None = None,
    waiting_since: date | None = None,
) -> tuple[Participant, str]:
    """One spreadsheet row: a new file (added by the coordinator, referred on the
    original date; on the waiting list since ``waiting_since`` when given, so they keep
    their place, with the support consent the previous system recorded), or the changes
    to ``existing``. Gives the file and "created", "updated" or "unchanged"; the audit
    log gets field names, never values. Call inside the import's transaction."""
    data = {k: v for k, v in data.items() if k in IMPORT_FIELDS}
    if existing is None:
        participant = _imported_file(project, data, referred_on, waiting_since)
        _full_clean(participant)
        participant.save()
        participant.log_action("participant.imported", user=by, data={"fields": sorted(data)})
        if waiting_since is not None:
            _record_consent(
                participant, consent.SUPPORT, given=True, by=by, note=IMPORT_CONSENT_NOTE
            )
        return participant, "created"
    participant = _locked(existing)
    changed = _apply(participant, data, IMPORT_FIELDS)
    if (
        waiting_since is not None
        and participant.status == Participant.Status.WAITING
        and participant.waiting_since != waiting_since
    ):
        participant.waiting_since = waiting_since
        changed.append("waiting_since")
    if not changed:
        return participant, "unchanged"
    _require_contact({"phone": participant.phone, "email": participant.email})
    _full_clean(participant)
    participant.save()
    participant.log_action("participant.import_changed", user=by, data={"fields": changed})
    return participant, "updated"


def _imported_file(project, data, referred_on, waiting_since) -> Participant:
    """The new file of one row (added by the coordinator, referred on the original date,
    waiting since ``waiting_since`` when given), not checked against the model yet."""
    participant = Participant(
        project=project,
        source=Participant.Source.COORDINATOR,
        status=Participant.Status.REFERRED,
        referred_on=referred_on or waiting_since or _today(),
    )
    _apply(participant, data, IMPORT_FIELDS)
    _require_contact({"phone": participant.phone, "email": participant.email})
    if waiting_since is not None:
        participant.status = Participant.Status.WAITING
        participant.waiting_since = waiting_since
    return participant


def _new_imported(project, data, referred_on, waiting_since) -> Participant:
    """The new file of one row, checked as ``participant_import`` checks it (not saved)."""
    participant = _imported_file(project, data, referred_on, waiting_since)
    # No query per row: the code is a fresh random UUID (the database's unique index
    # still checks it) and the project is the one the import runs in.
    ParticipantError.clean(participant, exclude=["project"], validate_unique=False)
    return participant


def participants_import_new(
    *, project, by, rows: list[tuple[dict[str, Any], date | None, date | None]]
) -> list[Participant]:
    """Many spreadsheet rows of new people at once (``data``, ``referred_on``,
    ``waiting_since`` each): the same files, audit entries and support consents as
    ``participant_import`` makes one by one, written a few statements per batch rather
    than a few per row (``bulk_create``; the project's data version moves once). The
    first row that breaks a rule raises (its place in ``rows`` as ``row_index``) before
    anything of the batch is written. Call inside the import's transaction."""
    made: list[tuple[Participant, list[str], bool]] = []
    for index, (data, referred_on, waiting_since) in enumerate(rows):
        data = {k: v for k, v in data.items() if k in IMPORT_FIELDS}
        try:
            participant = _new_imported(project, data, referred_on, waiting_since)
        except ParticipantError as exc:
            exc.row_index = index  # type: ignore[attr-defined]  # which row (the import)
            raise
        made.append((participant, sorted(data), waiting_since is not None))
    if not made:
        return []
    created = Participant.objects.bulk_create([p for p, _fields, _waiting in made])
    for participant, (_made, _fields, _waiting) in zip(created, made, strict=True):
        participant._state.adding = False
    recorded_by = by if by is not None and by.is_authenticated else None
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                participant=participant,
                purpose=consent.SUPPORT,
                given=True,
                given_by=ConsentRecord.GivenBy.PARTICIPANT,
                recorded_by=recorded_by,
                note=IMPORT_CONSENT_NOTE,
            )
            for participant, _fields, waiting in made
            if waiting
        ]
    )
    entries = []
    for participant, fields, waiting in made:
        entries.append(
            AuditEntry.build(
                "participant.imported", obj=participant, user=by, data={"fields": fields}
            )
        )
        if waiting:
            entries.append(
                AuditEntry.build(
                    "participant.consent.given",
                    obj=participant,
                    user=by,
                    data={
                        "purpose": consent.SUPPORT,
                        "given_by": ConsentRecord.GivenBy.PARTICIPANT,
                    },
                )
            )
    AuditEntry.unscoped.bulk_create(entries)
    return [p for p, _fields, _waiting in made]
