"""Writes of the expenses app: validate, save in one transaction, audit.

The figures of the law are read from the dated reference rows (``AllowanceCeiling``,
``KilometreRate``); the decisions are in ``rules``. Each claim locks its volunteer's
row, so two claims at once are checked one after the other.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from buddynet.core.errors import Conflict, NotAllowed
from buddynet.core.models import AuditEntry
from buddynet.volunteers.models import Buddy

from . import rules
from .models import (
    AllowanceCeiling,
    Claim,
    ExpenseSettings,
    ExpenseSystem,
    Incident,
    IncidentStep,
    InsurancePolicy,
    KilometreRate,
    NamedListEntry,
    OtherAllowance,
    PayeeAccount,
    PaymentBatch,
    Vehicle,
)
from .rules import ExpenseError

KEEP_YEARS = 7
COUNTING = (Claim.Status.SUBMITTED, Claim.Status.APPROVED, Claim.Status.PAID)
KIND_VEHICLE: dict[str, str] = {
    Claim.Kind.KM_CAR: Vehicle.CAR,
    Claim.Kind.KM_BICYCLE: Vehicle.BICYCLE,
}


# --- Reference data ----------------------------------------------------------------------


def ceiling_row(on: date) -> AllowanceCeiling:
    row = AllowanceCeiling.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    if row is None or row.valid_from.year != on.year:
        raise ExpenseError(
            _("No ceilings are known for %(year)s yet: the platform's staff add them first.")
            % {"year": on.year},
            field="on",
        )
    return row


def ceilings_for(on: date) -> rules.Ceilings:
    row = ceiling_row(on)
    return rules.Ceilings(
        year=on.year,
        per_day=row.per_day,
        per_year=row.per_year,
        raised_per_year=row.raised_per_year,
        max_km=row.max_km_per_year,
    )


def km_rate_for(vehicle: str, on: date) -> Decimal:
    """The rate of the claim's quarter: the newest row valid on that date."""
    row = (
        KilometreRate.objects.filter(vehicle=vehicle, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )
    if row is None or row.valid_from.year != on.year:
        raise ExpenseError(
            _("No kilometre rate is known for %(date)s yet: a coordinator adds it first.")
            % {"date": on.isoformat()},
            field="on",
        )
    return row.per_km


def ceiling_add(*, by, data: dict[str, Any]) -> AllowanceCeiling:
    """Add the next year's ceilings (never change a year that has them). Platform staff
    only: the figures are national, shared by every project."""
    _platform_staff_only(by)
    with transaction.atomic():
        if AllowanceCeiling.objects.filter(valid_from__year=data["valid_from"].year).exists():
            raise Conflict(
                _("The ceilings of %(year)s are already there.")
                % {"year": data["valid_from"].year},
                field="valid_from",
            )
        row = AllowanceCeiling.objects.create(added_by=by, **data)
    _audit_reference("expenses.ceiling_added", row, by, str(row))
    return row


def km_rate_add(*, by, data: dict[str, Any]) -> KilometreRate:
    """Add the next quarter's kilometre rate for a vehicle (only after the newest one).
    Platform staff only, as the ceilings."""
    _platform_staff_only(by)
    with transaction.atomic():
        newest = (
            KilometreRate.objects.select_for_update()
            .filter(vehicle=data["vehicle"])
            .aggregate(m=Max("valid_from"))["m"]
        )
        if newest is not None and data["valid_from"] <= newest:
            raise Conflict(
                _("A rate from %(date)s on is already there: add one after it.")
                % {"date": newest.isoformat()},
                field="valid_from",
            )
        row = KilometreRate.objects.create(added_by=by, **data)
    _audit_reference("expenses.km_rate_added", row, by, str(row))
    return row


def _platform_staff_only(by) -> None:
    """``by`` None is the system (a data migration, a seed); a person must be staff."""
    if by is not None and not by.is_superuser:
        raise NotAllowed(_("Only the platform's staff add the figures of the law."))


def _audit_reference(action: str, row, by, text: str) -> None:
    AuditEntry.record(action, obj=None, user=by, data={"row": text})


# --- The system per year, the account, other organisations ---------------------------


def on_benefits(buddy: Buddy) -> bool:
    return bool(buddy.benefit_status)


def _terms_system(buddy: Buddy) -> str:
    from buddynet.volunteers.models import VolunteerTerms

    terms = VolunteerTerms.objects.filter(project=buddy.project_id).first()
    return terms.expense_system if terms is not None else ExpenseSystem.System.FLAT


def system_for(buddy: Buddy, year: int) -> ExpenseSystem | None:
    return ExpenseSystem.objects.filter(buddy=buddy, year=year).first()


def system_set(
    *, buddy: Buddy, year: int, system: str, raised_ceiling: bool, by, via: str = "web"
) -> ExpenseSystem:
    """Record the system the organisation chose for the volunteer in a year. Once claims
    of that year count, it cannot change (one system per year)."""
    with transaction.atomic():
        Buddy.objects.select_for_update().filter(pk=buddy.pk).first()
        if raised_ceiling:
            rules.check_raised_allowed(
                ceilings_for(date(year, 12, 31)), on_benefits=on_benefits(buddy)
            )
        current = system_for(buddy, year)
        if (
            current is not None
            and current.system != system
            and Claim.objects.filter(buddy=buddy, on__year=year, status__in=COUNTING).exists()
        ):
            raise Conflict(
                _("There are already claims in %(year)s under the %(system)s: one system per year.")
                % {"year": year, "system": current.get_system_display()},
                field="system",
            )
        values = {
            "system": system,
            "raised_ceiling": raised_ceiling,
            "chosen_on": timezone.localdate(),
            "chosen_by": by,
        }
        row, _created = ExpenseSystem.objects.update_or_create(
            buddy=buddy, year=year, defaults={"project": buddy.project, **values}
        )
        row.log_action(
            "expenses.system_set",
            user=by,
            via=via,
            data={"year": year, "system": system, "raised": raised_ceiling},
        )
    return row


def _system_now(buddy: Buddy, year: int, by) -> ExpenseSystem:
    """The year's system; the first claim of a year takes the project's stated system."""
    row = system_for(buddy, year)
    if row is not None:
        return row
    stated = _terms_system(buddy)
    if stated not in ExpenseSystem.System.values:
        raise ExpenseError(_("This project pays no expenses."), field="kind")
    return ExpenseSystem.objects.create(
        project=buddy.project,
        buddy=buddy,
        year=year,
        system=stated,
        chosen_on=timezone.localdate(),
        chosen_by=by,
    )


def payee_account_set(*, buddy: Buddy, holder: str, iban: str, by, via: str = "web"):
    """The volunteer's account for their allowances (a valid IBAN)."""
    iban = clean_iban(iban, field="iban")
    with transaction.atomic():
        row, _created = PayeeAccount.objects.update_or_create(
            buddy=buddy, defaults={"project": buddy.project, "holder": holder, "iban": iban}
        )
        row.log_action("expenses.account_set", user=by, via=via)
    return row


def clean_iban(value: str, *, field: str) -> str:
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        return str(IBAN(value).compact)
    except SchwiftyException:
        raise ExpenseError(_("This is not a valid IBAN: check the number."), field=field) from None


def settings_save(*, project, by, data: dict[str, Any]) -> ExpenseSettings:
    data = {**data, "iban": clean_iban(data["iban"], field="iban")}
    with transaction.atomic():
        row, _created = ExpenseSettings.objects.update_or_create(project=project, defaults=data)
        row.log_action("expenses.settings_changed", user=by)
    return row


def other_allowance_declare(
    *, buddy: Buddy, year: int, organisation: str, amount: Decimal, kilometres: Decimal, by
) -> OtherAllowance:
    with transaction.atomic():
        Buddy.objects.select_for_update().filter(pk=buddy.pk).first()
        row = OtherAllowance.objects.create(
            project=buddy.project,
            buddy=buddy,
            year=year,
            organisation=organisation,
            amount=amount,
            kilometres=kilometres,
            declared_by=by,
        )
        row.log_action("expenses.other_declared", user=by, data={"year": year})
    return row


# --- Claims ------------------------------------------------------------------------------


def so_far(buddy: Buddy, on: date, *, exclude_pk: int | None = None) -> rules.SoFar:
    """What counts in the claim's year: claims not returned, and what was declared from
    other organisations."""
    claims = Claim.objects.filter(buddy=buddy, on__year=on.year, status__in=COUNTING)
    if exclude_pk is not None:
        claims = claims.exclude(pk=exclude_pk)
    totals = claims.aggregate(
        flat_year=Sum("amount", filter=Q(kind=Claim.Kind.FLAT_DAY)),
        flat_day=Sum("amount", filter=Q(kind=Claim.Kind.FLAT_DAY, on=on)),
        km_year=Sum("kilometres", filter=Q(kind__in=rules.KM_KINDS)),
    )
    other = OtherAllowance.objects.filter(buddy=buddy, year=on.year).aggregate(
        amount=Sum("amount"), km=Sum("kilometres")
    )
    zero = Decimal(0)
    return rules.SoFar(
        flat_year=(totals["flat_year"] or zero) + (other["amount"] or zero),
        flat_day=totals["flat_day"] or zero,
        km_year=(totals["km_year"] or zero) + (other["km"] or zero),
    )


@dataclass
class Filed:
    claim: Claim
    warnings: list[str]


RECEIPT_MAX_BYTES = 5 * 1024 * 1024
# Extension → (content type, the bytes the file must start with), as for CVs.
RECEIPT_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


def check_receipt(upload) -> dict[str, Any]:
    """Check an uploaded receipt's size, extension and first bytes; return what to store."""
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][-200:]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in RECEIPT_TYPES:
        raise ExpenseError(
            _("This type of file is not accepted: use a photo (JPG, PNG) or a PDF."),
            field="receipt",
        )
    if upload.size > RECEIPT_MAX_BYTES:
        raise ExpenseError(_("This file is larger than 5 MB."), field="receipt")
    data = upload.read()
    content_type, magics = RECEIPT_TYPES[extension]
    if not data.startswith(magics):
        raise ExpenseError(
            _("This file is not a real %(kind)s file.") % {"kind": extension.upper()},
            field="receipt",
        )
    return {"receipt_name": name, "receipt_type": content_type, "receipt": data}


def claim_submit(
    *,
    buddy: Buddy,
    by,
    on: date,
    kind: str,
    amount: Decimal | None = None,
    kilometres: Decimal | None = None,
    trajectory=None,
    activity: str = "",
    from_town: str = "",
    to_town: str = "",
    note: str = "",
    receipt=None,
    receipt_data: dict[str, Any] | None = None,
    corrects: Claim | None = None,
    via: str = "web",
) -> Filed:
    """File a claim: every rule is checked now, and a refusal says why."""
    if trajectory is None and not activity.strip() and corrects is None:
        raise ExpenseError(
            _("Say which trajectory or which other activity it was for."), field="activity"
        )
    if trajectory is not None and trajectory.buddy_id != buddy.pk:
        raise ExpenseError(_("This is not one of your trajectories."), field="trajectory")
    stored_receipt = receipt_data or (check_receipt(receipt) if receipt else {})
    if kind in rules.RECEIPT_KINDS and not stored_receipt and corrects is None:
        raise ExpenseError(_("Add a photo or PDF of the receipt."), field="receipt")
    with transaction.atomic():
        Buddy.objects.select_for_update().filter(pk=buddy.pk).first()
        ceilings = ceilings_for(on)
        system = _system_now(buddy, on.year, by)
        km_rate = None
        if kind in rules.KM_KINDS:
            if kilometres is None or (kilometres <= 0 and corrects is None):
                raise ExpenseError(_("Give the kilometres."), field="kilometres")
            km_rate = km_rate_for(KIND_VEHICLE[kind], on)
            amount = rules.km_amount(kilometres, km_rate)
        elif amount is None or (amount <= 0 and corrects is None):
            raise ExpenseError(_("Give an amount above zero."), field="amount")
        else:
            kilometres = None
        assert amount is not None
        warnings = rules.check_claim(
            kind=kind,
            amount=amount,
            kilometres=kilometres,
            system=system.system,
            ceilings=ceilings,
            so_far=so_far(buddy, on),
            raised=system.raised_ceiling,
            on_benefits=on_benefits(buddy),
        )
        claim = Claim.objects.create(
            project=buddy.project,
            buddy=buddy,
            on=on,
            trajectory=trajectory,
            activity=activity.strip(),
            kind=kind,
            amount=amount,
            kilometres=kilometres,
            km_rate=km_rate,
            from_town=from_town,
            to_town=to_town,
            note=note,
            corrects=corrects,
            made_by=by,
            **stored_receipt,
        )
        claim.log_action(
            "expenses.claim_corrected" if corrects else "expenses.claim_filed",
            user=by,
            via=via,
            data={"amount": str(amount), "kind": kind, "on": on.isoformat()},
        )
    return Filed(claim=claim, warnings=warnings)


def claim_repeat(*, claim: Claim, by, on: date, via: str = "web") -> Filed:
    """The same claim again on another date (the weekly visit), in one tap."""
    return claim_submit(
        buddy=claim.buddy,
        by=by,
        on=on,
        kind=claim.kind,
        amount=None if claim.is_km else claim.amount,
        kilometres=claim.kilometres,
        trajectory=claim.trajectory,
        activity=claim.activity,
        from_town=claim.from_town,
        to_town=claim.to_town,
        note=claim.note,
        receipt_data=(
            {
                "receipt_name": claim.receipt_name,
                "receipt_type": claim.receipt_type,
                "receipt": claim.receipt,
            }
            if claim.receipt_name and claim.kind not in rules.RECEIPT_KINDS
            else None
        ),
        via=via,
    )


def claim_correct(
    *,
    claim: Claim,
    by,
    amount: Decimal | None = None,
    kilometres: Decimal | None = None,
    note: str,
    via: str = "web",
) -> Filed:
    """Correct an approved or paid claim: a new claim for the difference, linked to it."""
    if claim.status not in (Claim.Status.APPROVED, Claim.Status.PAID):
        raise Conflict(_("Only an approved claim is corrected; this one can be returned."))
    if claim.is_km:
        if kilometres is None:
            raise ExpenseError(_("Give the right number of kilometres."), field="kilometres")
        delta_km = kilometres - (claim.kilometres or 0)
        return claim_submit(
            buddy=claim.buddy,
            by=by,
            on=claim.on,
            kind=claim.kind,
            kilometres=delta_km,
            trajectory=claim.trajectory,
            activity=claim.activity,
            note=note,
            corrects=claim,
            via=via,
        )
    if amount is None:
        raise ExpenseError(_("Give the right amount."), field="amount")
    return claim_submit(
        buddy=claim.buddy,
        by=by,
        on=claim.on,
        kind=claim.kind,
        amount=amount - claim.amount,
        trajectory=claim.trajectory,
        activity=claim.activity,
        note=note,
        corrects=claim,
        via=via,
    )


def claims_decide(
    *, project, codes: list, approve: bool, by, reason: str = "", via: str = "web"
) -> int:
    """Approve or return claims waiting for approval (one or many). Returning needs a
    reason; a claim decided already is left as it is. Returns how many changed."""
    if not approve and not reason.strip():
        raise ExpenseError(_("Say why the claims are returned."), field="reason")
    if not codes:
        raise ExpenseError(_("Choose at least one claim."), field="claims")
    with transaction.atomic():
        claims = list(
            Claim.objects.select_for_update()
            .filter(project=project, code__in=codes, status=Claim.Status.SUBMITTED)
            .order_by("pk")
        )
        now = timezone.now()
        for claim in claims:
            claim.status = Claim.Status.APPROVED if approve else Claim.Status.RETURNED
            claim.return_reason = "" if approve else reason.strip()
            claim.decided_at = now
            claim.decided_by = by
            claim.save(update_fields=["status", "return_reason", "decided_at", "decided_by"])
            claim.log_action(
                "expenses.claim_approved" if approve else "expenses.claim_returned",
                user=by,
                via=via,
            )
    return len(claims)


# --- Payment -----------------------------------------------------------------------------


def batch_make(*, project, by, execution_date: date, via: str = "web") -> PaymentBatch:
    """Every approved claim of the project in one payment: the SEPA file, the named list
    rows, and the claims marked paid."""
    from .payments import sepa_xml

    with transaction.atomic():
        settings = ExpenseSettings.objects.filter(project=project).first()
        if settings is None:
            raise ExpenseError(_("Fill in the organisation's account first."))
        claims = list(
            Claim.objects.select_for_update()
            .filter(project=project, status=Claim.Status.APPROVED)
            .select_related("buddy")
            .order_by("buddy_id", "on", "pk")
        )
        if not claims:
            raise Conflict(_("There are no approved claims to pay."))
        accounts = {
            a.buddy_id: a
            for a in PayeeAccount.objects.filter(buddy_id__in={c.buddy_id for c in claims})
        }
        missing = sorted({c.buddy.full_name for c in claims if c.buddy_id not in accounts})
        if missing:
            raise ExpenseError(
                _("No bank account is known for: %(names)s.") % {"names": ", ".join(missing)}
            )
        number = (
            PaymentBatch.objects.filter(project=project).aggregate(m=Max("number"))["m"] or 0
        ) + 1
        total = sum((c.amount for c in claims), Decimal(0))
        batch = PaymentBatch(
            project=project,
            number=number,
            execution_date=execution_date,
            total=total,
            claim_count=len(claims),
            message_id="",
            made_by=by,
            sepa=b"",
        )
        batch.sepa = sepa_xml(settings=settings, batch=batch, claims=claims, accounts=accounts)
        batch.save()
        Claim.objects.filter(pk__in=[c.pk for c in claims]).update(
            status=Claim.Status.PAID, batch=batch
        )
        organisation = project.organisation.name
        NamedListEntry.objects.bulk_create(
            [
                NamedListEntry(
                    project=project,
                    organisation_name=organisation,
                    year=c.on.year,
                    volunteer_name=c.buddy.full_name,
                    volunteer_ref=c.buddy.code,
                    on=c.on,
                    kind=c.kind,
                    amount=c.amount,
                    kilometres=c.kilometres,
                    batch_number=number,
                    keep_until=date(c.on.year + KEEP_YEARS, 12, 31),
                    claim=c,
                )
                for c in claims
            ],
            batch_size=1000,
        )
        batch.log_action(
            "expenses.batch_made",
            user=by,
            via=via,
            data={"number": number, "claims": len(claims), "total": str(total)},
        )
    return batch


def bookkeeper_csv(batch: PaymentBatch) -> str:
    from .payments import batch_rows

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("volunteer"), _("IBAN"), _("date"), _("kind"), _("kilometres"), _("amount")])
    for row in batch_rows(batch):
        writer.writerow(row)
    return out.getvalue()


# --- Insurance -----------------------------------------------------------------------------


def policy_save(*, project, by, data: dict[str, Any], policy: InsurancePolicy | None = None):
    with transaction.atomic():
        if policy is None:
            policy = InsurancePolicy(project=project)
        for name, value in data.items():
            setattr(policy, name, value)
        if policy.ends_on and policy.ends_on < policy.starts_on:
            raise ExpenseError(_("The end comes before the start."), field="ends_on")
        policy.save()
        terms_follow_policies(project)
        policy.log_action("expenses.policy_saved", user=by)
    return policy


def terms_follow_policies(project, *, on: date | None = None) -> None:
    """The information note and the agreement read the insurance from the project's
    volunteer terms: keep those in step with the policies (the one list), so both
    documents name the policies in force (the civil liability one first)."""
    from buddynet.volunteers.models import VolunteerTerms

    on = on or timezone.localdate()
    terms = VolunteerTerms.objects.select_for_update().filter(project=project).first()
    in_force = [
        p
        for p in InsurancePolicy.objects.filter(project=project, starts_on__lte=on)
        if p.ends_on is None or p.ends_on >= on
    ]
    if terms is None or not in_force:
        return
    in_force.sort(key=lambda p: p.cover != InsurancePolicy.Cover.LIABILITY)
    main = in_force[0]
    with translation.override("nl"):
        cover = "; ".join(
            f"{p.get_cover_display()}: {p.insurer} {p.number}"
            + (f" ({p.details})" if p.details else "")
            for p in in_force
        )
    terms.insurer, terms.policy_number = main.insurer[:200], main.number[:100]
    terms.insurance_cover = cover
    terms.save(update_fields=["insurer", "policy_number", "insurance_cover", "updated_at"])


def incident_declare(*, project, by, data: dict[str, Any]) -> Incident:
    with transaction.atomic():
        incident = Incident.objects.create(project=project, **data)
        IncidentStep.objects.create(
            project=project, incident=incident, by=by, status=incident.status
        )
        incident.log_action("expenses.incident_declared", user=by)
    return incident


def incident_update(
    *, incident: Incident, by, status: str, insurer_reference: str, note: str
) -> Incident:
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        incident.status = status
        incident.insurer_reference = insurer_reference or incident.insurer_reference
        incident.save(update_fields=["status", "insurer_reference", "updated_at"])
        IncidentStep.objects.create(
            project=incident.project,
            incident=incident,
            by=by,
            status=status,
            insurer_reference=incident.insurer_reference,
            note=note,
        )
        incident.log_action("expenses.incident_updated", user=by, data={"status": status})
    return incident
