"""Participants: the people and families a project supports. Intake builds on this."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from buddynet.core.models import PersonRecord, ProjectOwnedModel, ProjectRow, project_key, user_ref


def require_phone_or_email(phone: str, email: str) -> None:
    """The project must be able to reach the person: a phone number or an e-mail address.

    The one copy of this rule in participants: the referral and sign-up forms and the
    services behind them (so the API too) call it. Raises a ``ValidationError`` on
    ``phone``."""
    if not (phone or "").strip() and not (email or "").strip():
        raise ValidationError(
            {"phone": _("Give a phone number or an e-mail address.")}, code="no_contact"
        )


class Participant(PersonRecord):
    class Status(models.TextChoices):
        REFERRED = "referred", _("referred")
        INTAKE = "intake", _("intake")
        WAITING = "waiting", _("on the waiting list")
        MATCHED = "matched", _("matched with a buddy")
        CLOSED = "closed", _("closed")

    class Phase(models.TextChoices):
        START = "start", _("at the start of the help")
        DURING = "during", _("during the help")
        AFTERCARE = "aftercare", _("in aftercare")

    class Urgency(models.TextChoices):
        LOW = "low", _("can wait")
        NORMAL = "normal", _("normal")
        HIGH = "high", _("urgent")

    class Source(models.TextChoices):
        REFERRAL = "referral", _("referred by a professional")
        SELF = "self", _("signed up themselves")
        COORDINATOR = "coordinator", _("added by the coordinator")

    class ReferrerRole(models.TextChoices):
        STAYS = "stays", _("stays involved and shares the follow-up")
        BACKGROUND = "background", _("stays in the background, can be called")
        HANDS_OVER = "hands_over", _("hands over to the project")

    class WaitingReason(models.TextChoices):
        NO_BUDDY = "no_buddy", _("no suitable buddy available yet")
        PARTICIPANT = "participant", _("waiting for the participant")
        PAUSED = "paused", _("paused")

    class WithdrawalReason(models.TextChoices):
        OTHER_HELP = "other_help", _("found other help")
        NOT_NEEDED = "not_needed", _("no longer needed")
        MOVED = "moved", _("moved away")
        UNREACHABLE = "unreachable", _("could not be reached")
        CONSENT = "consent", _("withdrew consent")
        OTHER = "other", _("other reason")

    project = project_key(related_name="participants")
    user = user_ref(blank=True, related_name="participant_profiles")
    household_size = models.PositiveSmallIntegerField(_("household size"), default=1)
    help_request = models.TextField(_("help request"), blank=True)
    phase = models.CharField(
        _("phase of help"), max_length=20, choices=Phase.choices, default=Phase.START
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    # The waiting list's order: urgent first. Stored and computed by the database from
    # ``urgency`` on every write (bulk writes and ``update()`` too), so it cannot drift;
    # indexed with the waiting date (``participant_waiting_line`` below).
    URGENCY_RANK = {Urgency.HIGH: 0, Urgency.NORMAL: 1, Urgency.LOW: 2}
    urgency_rank = models.GeneratedField(
        expression=models.Case(
            *(models.When(urgency=u, then=models.Value(r)) for u, r in URGENCY_RANK.items()),
            default=models.Value(URGENCY_RANK[Urgency.NORMAL]),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.REFERRED,
        db_index=True,
    )
    referred_by = user_ref(_("referred by"), blank=True, related_name="referrals")
    referred_on = models.DateField(_("referred on"), null=True, blank=True)
    waiting_since = models.DateField(_("waiting since"), null=True, blank=True)
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    # Special-category data (GDPR art. 9): optional, visible to coordinators only.
    health_notes = models.TextField(_("health (special category)"), blank=True)

    # Referral
    source = models.CharField(
        _("how they came"), max_length=20, choices=Source.choices, default=Source.REFERRAL
    )
    referral_context = models.TextField(_("context the project needs"), blank=True)
    referrer_organisation = models.CharField(
        _("referring organisation"), max_length=200, blank=True
    )
    referrer_role = models.CharField(
        _("role of the referrer afterwards"),
        max_length=20,
        choices=ReferrerRole.choices,
        blank=True,
    )

    # Intake
    intake_on = models.DateField(_("intake on"), null=True, blank=True)
    intake_by = user_ref(_("intake by"), blank=True)
    request_in_own_words = models.TextField(_("the help request in their own words"), blank=True)
    needs = models.TextField(_("needs"), blank=True)
    expectations = models.TextField(_("what they expect from a buddy"), blank=True)
    buddy_will_not = models.TextField(_("what a buddy will not do"), blank=True)
    buddy_preferences = models.TextField(_("preferences about the buddy"), blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    # Special category too: origin is asked only when it matters for the support.
    origin_notes = models.TextField(_("origin and culture (special category)"), blank=True)

    # Waiting list
    waiting_reason = models.CharField(
        _("why they are waiting"),
        max_length=20,
        choices=WaitingReason.choices,
        default=WaitingReason.NO_BUDDY,
    )
    next_contact_due = models.DateField(_("next contact due"), null=True, blank=True)
    matched_on = models.DateField(_("matched on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    withdrawal_reason = models.CharField(
        _("reason for leaving"), max_length=20, choices=WithdrawalReason.choices, blank=True
    )
    withdrawal_note = models.TextField(_("note on leaving"), blank=True)

    # The special-category fields: saved only with that consent, erased on its
    # withdrawal, shown only to the coordinators who may see them.
    SPECIAL_CATEGORY_FIELDS = ("health_notes", "origin_notes")

    class Meta(PersonRecord.Meta):
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [
            *PersonRecord.Meta.indexes,
            models.Index(fields=["referred_by", "project"]),
            models.Index(fields=["project", "status", "waiting_since"]),
            models.Index(fields=["project", "referred_on"]),
            models.Index(fields=["project", "matched_on"]),
            models.Index(fields=["project", "status", "next_contact_due"]),
            # The waiting list in its order (urgency, then the longest wait) straight
            # from the index, and the places counted from it without reading the rows
            # (``waiting_reason`` tells who is paused).
            models.Index(
                name="participant_waiting_line",
                fields=[
                    "project",
                    "status",
                    "urgency_rank",
                    "waiting_since",
                    "id",
                    "waiting_reason",
                ],
            ),
            # The dashboard's monthly flow out ("left without a buddy").
            models.Index(fields=["project", "closed_on"]),
        ]

    @property
    def status_label(self) -> str:
        """The status in words; a new file from the public page says it was a sign-up,
        not a referral."""
        if self.status == self.Status.REFERRED and self.source == self.Source.SELF:
            return str(_("signed up themselves"))
        return str(self.get_status_display())

    @property
    def waiting_list_open(self) -> bool:
        """Whether the file may join the waiting list (or change its place on it)."""
        return self.status in (self.Status.REFERRED, self.Status.INTAKE, self.Status.WAITING)


class HouseholdMember(ProjectRow):
    """A member of the household, for family trajectories."""

    class Relation(models.TextChoices):
        PARTNER = "partner", _("partner")
        CHILD = "child", _("child")
        PARENT = "parent", _("parent")
        OTHER = "other", _("other")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="household_members"
    )
    first_name = models.CharField(_("first name"), max_length=100)
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self) -> str:
        return self.first_name


class ConsentRecord(ProjectOwnedModel):
    """One decision about one purpose: given or withdrawn, by whom, when. Append-only;
    the latest record per purpose is the current state."""

    class GivenBy(models.TextChoices):
        PARTICIPANT = "participant", _("the participant")
        REPRESENTATIVE = "representative", _("a legal representative")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="consent_records"
    )
    project_from = "participant"
    purpose = models.CharField(_("purpose"), max_length=40)
    given = models.BooleanField(_("given"))
    given_by = models.CharField(
        _("given by"), max_length=20, choices=GivenBy.choices, default=GivenBy.PARTICIPANT
    )
    representative_name = models.CharField(
        _("name of the legal representative"), max_length=200, blank=True
    )
    recorded_by = user_ref()
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [models.Index(fields=["participant", "purpose", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose}: {'given' if self.given else 'withdrawn'}"


class ContactMoment(ProjectOwnedModel):
    """A keep-warm contact with someone on the waiting list."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("phone call")
        VISIT = "visit", _("visit")
        MESSAGE = "message", _("message or e-mail")
        MEETING = "meeting", _("meeting at the project")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("reached, still wants a buddy")
        NOT_REACHED = "not_reached", _("could not reach them")
        CHANGED = "changed", _("reached, their situation changed")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="contacts")
    contacted_on = models.DateField(_("date"))
    kind = models.CharField(_("kind of contact"), max_length=20, choices=Kind.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("short note"), blank=True)
    by = user_ref()

    class Meta:
        ordering = ["-contacted_on", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")


class Offer(ProjectOwnedModel):
    """Something offered while waiting: a group activity, another service."""

    class Kind(models.TextChoices):
        GROUP = "group", _("group activity")
        SERVICE = "service", _("other service")
        INFORMATION = "information", _("information or advice")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="offers")
    project_from = "participant"
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("what was offered"), max_length=300)
    offered_on = models.DateField(_("offered on"))
    accepted = models.BooleanField(_("accepted"), null=True, blank=True)
    by = user_ref()

    class Meta:
        ordering = ["-offered_on", "-id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return self.description
