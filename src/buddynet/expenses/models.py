"""Volunteer expenses: the dated legal figures, the system per volunteer and year, the
claims with their approval, payment batches, the named list the law asks for, and the
organisation's insurance policies with declared incidents.

Amounts that change over time (the ceilings per year, the kilometre rate per quarter)
are reference rows with ``valid_from``, seeded by a data migration and added by a
coordinator's page: the code holds no figure of the law.

The named list (``NamedListEntry``) holds its own copy of the volunteer's name and the
amounts: it is kept seven years, also when the volunteer's file is erased.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from buddynet.core.models import HistoryStep, ProjectOwnedModel, optional_key, project_key, user_ref
from buddynet.trajectories.models import trajectory_key
from buddynet.volunteers.models import Buddy


def money(verbose_name=None, **options) -> models.DecimalField:
    """An amount in euro, to the cent."""
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=2, **options)


# --- Reference data (not per project) -------------------------------------------------


class AllowanceCeiling(models.Model):
    """The flat-rate ceilings from a date on (one row per calendar year in practice)."""

    valid_from = models.DateField(_("valid from"), unique=True)
    per_day = money(_("ceiling per day"))
    per_year = money(_("ceiling per year"))
    raised_per_year = money(
        _("raised ceiling per year"),
        null=True,
        blank=True,
        help_text=_("Only for activities that qualify; empty when there is none."),
    )
    max_km_per_year = models.PositiveIntegerField(
        _("kilometres a year on top of the flat rate"), default=2000
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    added_by = user_ref(_("added by"))
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("allowance ceiling")
        verbose_name_plural = _("allowance ceilings")

    def __str__(self) -> str:
        return f"{self.valid_from}: {self.per_day} / {self.per_year}"


class Vehicle(models.TextChoices):
    CAR = "car", _("car")
    BICYCLE = "bicycle", _("bicycle")


class KilometreRate(models.Model):
    """The federal kilometre rate for a vehicle from a date on (indexed per quarter)."""

    vehicle = models.CharField(_("vehicle"), max_length=10, choices=Vehicle.choices)
    valid_from = models.DateField(_("valid from"))
    per_km = models.DecimalField(_("euro per km"), max_digits=6, decimal_places=4)
    source = models.CharField(_("source"), max_length=300, blank=True)
    added_by = user_ref(_("added by"))
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["vehicle", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["vehicle", "valid_from"], name="km_rate_once")
        ]
        verbose_name = _("kilometre rate")
        verbose_name_plural = _("kilometre rates")

    def __str__(self) -> str:
        return f"{self.vehicle} {self.valid_from}: {self.per_km}"


# --- Per project ------------------------------------------------------------------------


class ExpenseSettings(ProjectOwnedModel):
    """Who pays: the account the payment file is made for."""

    project = project_key(one_to_one=True, on_delete=models.CASCADE, related_name="+")
    payer_name = models.CharField(_("name of the paying organisation"), max_length=70)
    iban = models.CharField(_("IBAN of the organisation"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)

    def __str__(self) -> str:
        return self.payer_name


class ExpenseSystem(ProjectOwnedModel):
    """The system a volunteer is paid by in one calendar year: flat rate or real costs."""

    class System(models.TextChoices):
        FLAT = "flat", _("flat rate")
        REAL = "real", _("real, proven costs")

    project = project_key(on_delete=models.CASCADE)
    buddy = models.ForeignKey(Buddy, on_delete=models.CASCADE, related_name="expense_systems")
    year = models.PositiveSmallIntegerField(_("year"))
    system = models.CharField(_("system"), max_length=10, choices=System.choices)
    raised_ceiling = models.BooleanField(
        _("the activity qualifies for the raised ceiling"),
        default=False,
        help_text=_("E.g. day or night sitting with people who need care."),
    )
    chosen_on = models.DateField(_("chosen on"))
    chosen_by = user_ref(_("chosen by"))

    class Meta:
        verbose_name = _("expense system")
        verbose_name_plural = _("expense systems")
        constraints = [
            models.UniqueConstraint(fields=["buddy", "year"], name="expense_system_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.buddy_id} {self.year} {self.system}"


class PayeeAccount(ProjectOwnedModel):
    """The volunteer's bank account for their allowances."""

    project = project_key(on_delete=models.CASCADE)
    buddy = models.OneToOneField(Buddy, on_delete=models.CASCADE, related_name="payee_account")
    holder = models.CharField(_("account holder"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34)

    class Meta:
        verbose_name = _("bank account for allowances")
        verbose_name_plural = _("bank accounts for allowances")

    def __str__(self) -> str:
        return self.holder


class OtherAllowance(ProjectOwnedModel):
    """What the volunteer declares to receive from another organisation in a year: it
    counts towards the same ceilings."""

    project = project_key(on_delete=models.CASCADE)
    buddy = models.ForeignKey(Buddy, on_delete=models.CASCADE, related_name="other_allowances")
    year = models.PositiveSmallIntegerField(_("year"))
    organisation = models.CharField(_("other organisation"), max_length=200)
    amount = money(_("flat-rate allowances received there"))
    kilometres = models.DecimalField(
        _("kilometres paid there"), max_digits=8, decimal_places=1, default=0
    )
    declared_by = user_ref(_("declared by"))

    class Meta:
        verbose_name = _("allowance from another organisation")
        verbose_name_plural = _("allowances from other organisations")

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class PaymentBatch(ProjectOwnedModel):  # type: ignore[django-manager-missing]
    """Approved claims paid together: the SEPA file and the bookkeeper's list."""

    project = project_key(on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(_("number"))
    execution_date = models.DateField(_("pay on"))
    total = money(_("total"))
    claim_count = models.PositiveIntegerField(_("claims"))
    message_id = models.CharField(max_length=35)
    sepa = models.BinaryField()
    made_by = user_ref(_("made by"))

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="batch_number_once")
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class Claim(ProjectOwnedModel):  # type: ignore[django-manager-missing]
    """One allowance a volunteer asks for. Approved claims never change: a correction is
    a new claim that points at the one it corrects (its amount the difference)."""

    class Kind(models.TextChoices):
        FLAT_DAY = "flat_day", _("flat-rate allowance for a day")
        KM_CAR = "km_car", _("kilometres by car")
        KM_BICYCLE = "km_bicycle", _("kilometres by bicycle")
        PUBLIC_TRANSPORT = "public_transport", _("public transport ticket")
        OTHER = "other", _("other real cost")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for approval")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")
        PAID = "paid", _("paid")

    project = project_key(on_delete=models.CASCADE)
    buddy = models.ForeignKey(Buddy, on_delete=models.CASCADE, related_name="claims")
    on = models.DateField(_("date"))
    trajectory = trajectory_key("expense_claims", null=True, blank=True, on_delete=models.SET_NULL)
    activity = models.CharField(_("other activity"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = money(_("amount"))
    kilometres = models.DecimalField(
        _("kilometres"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    km_rate = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    from_town = models.CharField(_("from"), max_length=100, blank=True)
    to_town = models.CharField(_("to"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    receipt_name = models.CharField(max_length=200, blank=True)
    receipt_type = models.CharField(max_length=100, blank=True)
    receipt = models.BinaryField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    return_reason = models.CharField(_("why it was returned"), max_length=500, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = user_ref(_("decided by"))
    corrects = optional_key("self", on_delete=models.PROTECT, related_name="corrections")
    batch = optional_key(PaymentBatch, on_delete=models.PROTECT, related_name="claims")
    made_by = user_ref(_("made by"))

    class Meta:
        verbose_name = _("expense claim")
        verbose_name_plural = _("expense claims")
        ordering = ["-on", "-pk"]
        indexes = [
            models.Index(fields=["buddy", "on"]),
            models.Index(fields=["project", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%d/%m/%Y} {self.amount}"

    @property
    def is_km(self) -> bool:
        return self.kind in (self.Kind.KM_CAR, self.Kind.KM_BICYCLE)


class NamedListEntry(ProjectOwnedModel):
    """One paid allowance on the organisation's yearly named list (kept seven years).

    Its own copy of the volunteer's name and the amount: the list survives the erasure
    of the volunteer's file."""

    project = project_key(related_name="+")
    organisation_name = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField()
    volunteer_name = models.CharField(max_length=201)
    volunteer_ref = models.UUIDField()
    on = models.DateField()
    kind = models.CharField(max_length=20, choices=Claim.Kind.choices)
    amount = money()
    kilometres = models.DecimalField(max_digits=7, decimal_places=1, null=True)
    batch_number = models.PositiveIntegerField()
    keep_until = models.DateField()
    claim = models.OneToOneField(
        Claim, null=True, on_delete=models.SET_NULL, related_name="named_list_entry"
    )

    class Meta:
        verbose_name = _("line on the named list")
        verbose_name_plural = _("lines on the named list")
        ordering = ["volunteer_name", "volunteer_ref", "on", "pk"]
        indexes = [models.Index(fields=["project", "year"])]

    def __str__(self) -> str:
        return f"{self.volunteer_name} {self.on} {self.amount}"


# --- Insurance ----------------------------------------------------------------------------


class InsurancePolicy(ProjectOwnedModel):  # type: ignore[django-manager-missing]
    """A policy that covers the volunteers (one source for the note and the agreement)."""

    class Cover(models.TextChoices):
        LIABILITY = "liability", _("civil liability")
        ACCIDENTS = "accidents", _("bodily accidents, including on the way")
        LEGAL = "legal", _("legal assistance")
        OTHER = "other", _("other")

    project = project_key(on_delete=models.CASCADE)
    cover = models.CharField(_("what it covers"), max_length=20, choices=Cover.choices)
    insurer = models.CharField(_("insurer"), max_length=200)
    number = models.CharField(_("policy number"), max_length=100)
    details = models.CharField(_("cover in a few words"), max_length=500, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["cover", "-starts_on"]

    def __str__(self) -> str:
        return f"{self.insurer} {self.number}"


class Incident(ProjectOwnedModel):  # type: ignore[django-manager-missing]
    """Damage or an injury declared to the insurer, with its history."""

    class Status(models.TextChoices):
        NEW = "new", _("to declare")
        DECLARED = "declared", _("declared to the insurer")
        SETTLED = "settled", _("settled")
        REFUSED = "refused", _("refused by the insurer")

    project = project_key(on_delete=models.CASCADE)
    policy = models.ForeignKey(InsurancePolicy, on_delete=models.PROTECT, related_name="incidents")
    happened_on = models.DateField(_("happened on"))
    who = models.CharField(_("who was involved"), max_length=200)
    what = models.TextField(_("what happened"), max_length=2000)
    signal_code = models.UUIDField(null=True, blank=True)
    insurer_reference = models.CharField(
        _("the insurer's claim number"), max_length=100, blank=True
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default="new")

    class Meta:
        ordering = ["-happened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.happened_on} {self.who}"


class IncidentStep(HistoryStep):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=20, choices=Incident.Status.choices)
    insurer_reference = models.CharField(max_length=100, blank=True)
    note = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.incident_id} {self.status}"
