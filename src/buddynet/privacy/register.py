"""The register of processing activities (GDPR art. 30) of one project, made from the
code at the moment it is asked for, so it never lags behind what buddynet keeps.

Nothing here lists what is kept: one activity per purpose of the consent registry
(``participants.consent.PURPOSES``: why, legal basis, recipients, the promised term),
with the categories of data declared by the apps (``core.personal.all_parts()``: each
part's records and fields, under its ``purpose``; a participant's part without one rests
on the purpose the file itself rests on), one activity for the buddies' files (every
part about a buddy), the project's retention terms (``retention.settings_for``) and the
safeguards the code applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from buddynet.core import personal
from buddynet.participants import consent
from buddynet.participants.models import Participant
from buddynet.volunteers.models import Buddy

from . import retention


@dataclass
class Category:
    """A kind of record about a person: its name, why it is kept, its fields' labels."""

    title: str
    why: str
    fields: list[str]


@dataclass
class Activity:
    key: str
    title: str
    purpose: str
    legal_basis: str
    persons: str
    recipients: str
    retention: str
    categories: list[Category] = field(default_factory=list)


@dataclass
class Register:
    project: object
    controller: str
    made_at: object
    activities: list[Activity]
    terms: list[retention.Term]  # per kind of file and of record: how long it is kept
    safeguards: list[str]
    transfers: str


def _fields(part: personal.Part) -> list[str]:
    names = getattr(part, "exported", None) or part.fields
    return [personal.field_label(part.model, name) for name in names]


def _title(part: personal.Part) -> str:
    """The part's title, else its model's plural name; a model without a name of its own
    (Django made one from the class name, in English) by its singular as the catalogues
    know it."""
    if part.title:
        return str(part.title)
    options = part.model._meta
    if {"verbose_name", "verbose_name_plural"} & set(options.original_attrs):
        return str(options.verbose_name_plural)
    return _(capfirst(str(options.verbose_name)))


def _category(part: personal.Part) -> Category:
    return Category(
        title=_title(part),
        why=str(part.why),
        fields=_fields(part),
    )


def _file_purpose() -> consent.Purpose:
    return next(p for p in consent.PURPOSES if p.required_for_waiting_list)


def safeguards(project) -> list[str]:
    """The measures the code applies (art. 32), in words; those that depend on a
    setting say so only when it holds."""
    found = [
        _(
            "Access by role and by project: each user sees only the projects and files "
            "their role allows."
        ),
        _(
            "Every opening of a person's file is written on the audit log; coordinators "
            "review who looked at what, with an alert when someone opens many files in a "
            "short time."
        ),
        _(
            "Consent per purpose; a withdrawal stops the processing at once in every part "
            "of buddynet."
        ),
        _("Files past their term are anonymised automatically every night."),
        _(
            "A person's export of all their data (right of access and portability), "
            "downloaded once."
        ),
        _("No data is sent to other services on the internet: no external fonts, scripts or maps."),
        _("Volunteers' private contact details are never shown to participants."),
    ]
    if project.require_coordinator_2fa:
        found.insert(1, _("Coordinators log in with two-step verification."))
    if getattr(settings, "BUDDYNET_BACKUP_KEY", None):
        found.append(_("Backups are encrypted (AES-256-GCM)."))
    return found


def register_for(project) -> Register:
    """The project's register, now."""
    terms = retention.settings_for(project)
    file_purpose = _file_purpose()
    parts = personal.all_parts()
    by_purpose: dict[str, list[Category]] = {}
    buddy_categories: list[Category] = []
    for part in parts:
        model = part.person_model()
        if model is Participant:
            key = part.purpose if part.purpose in consent.BY_KEY else file_purpose.key
            by_purpose.setdefault(key, []).append(_category(part))
        elif model is Buddy:
            buddy_categories.append(_category(part))
    participants = _("Participants (people who get a buddy), and the members of their household")
    activities = []
    for purpose in consent.PURPOSES:
        kept = str(purpose.retention)
        if purpose.key == file_purpose.key:
            kept += " " + _("In this project: %(months)s months after the file closes.") % {
                "months": terms.participant_months
            }
            kept += " " + _(
                "Signed agreements are kept as proof %(years)s years after the trajectory closes."
            ) % {"years": terms.proof_years}
        if purpose.key == consent.MESSAGES:
            kept += " " + _(
                "In this project: %(months)s months after the trajectory or the file closes."
            ) % {"months": terms.message_months}
        activities.append(
            Activity(
                key=purpose.key,
                title=str(purpose.title),
                purpose=str(purpose.why),
                legal_basis=str(purpose.legal_basis),
                persons=participants,
                recipients=str(purpose.shared_with),
                retention=kept,
                categories=by_purpose.get(purpose.key, []),
            )
        )
    activities.append(
        Activity(
            key="volunteers",
            title=_("Volunteers (buddies)"),
            purpose=_(
                "To recruit, screen, train and support volunteers, to match them, to pay "
                "their expenses and to insure them."
            ),
            legal_basis=_(
                "The volunteer agreement (GDPR article 6.1.b); the law on volunteers and tax "
                "law for the named list of expenses (article 6.1.c)."
            ),
            persons=_("Volunteers and candidates who applied"),
            recipients=_(
                "The coordinators of this project; a participant sees their own buddy's first "
                "name; the insurer when an incident is declared."
            ),
            retention=_(
                "In this project: %(months)s months after the buddy stopped. The signed "
                "information note is kept as proof %(proof)s years after the buddy stopped. "
                "The yearly named list of expense allowances is kept %(years)s years after "
                "the end of its year, as the law requires."
            )
            % {
                "months": terms.buddy_months,
                "proof": terms.proof_years,
                "years": terms.named_list_years,
            },
            categories=buddy_categories,
        )
    )
    organisation = project.organisation
    return Register(
        project=project,
        controller=f"{organisation.name} ({project.name})",
        made_at=timezone.now(),
        activities=activities,
        terms=[
            retention.Term(str(term.title), term.amount, term.how)
            for term in retention.terms_for(project)
        ],
        safeguards=safeguards(project),
        transfers=_("None: the data stays on the organisation's own server."),
    )
