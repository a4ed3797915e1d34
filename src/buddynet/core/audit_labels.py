"""Plain words for the dotted audit actions, shown in the histories. Unknown actions show
their code, so nothing is hidden."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "account.logged_in": _("logged in"),
    "account.logged_out": _("logged out"),
    "account.login_failed": _("failed log-in"),
    "account.password.changed": _("changed the password"),
    "account.password.reset": _("reset the password"),
    "account.two_factor.added": _("set up two-step verification"),
    "account.two_factor.removed": _("removed two-step verification"),
    "account.two_factor.reset": _("renewed the recovery codes for two-step verification"),
    "account.api_token.created": _("created an API token"),
    "account.api_token.revoked": _("revoked an API token"),
    "account.email.changed": _("changed the e-mail address"),
    "project.changed": _("changed the project settings"),
    "demo.seeded": _("loaded the demo data"),
    "buddy.viewed": _("opened the file"),
    "participant.viewed": _("opened the file"),
    "participant.referred": _("referred"),
    "participant.self_registered": _("signed up on the public page"),
    "participant.intake.saved": _("saved the intake"),
    "participant.consent.given": _("recorded consent"),
    "participant.consent.withdrawn": _("recorded that consent was withdrawn"),
    "participant.consent.sharing_stopped": _("stopped sharing the progress with the referrer"),
    "participant.special_category.erased": _("erased health and origin data"),
    "participant.waiting_list.joined": _("put on the waiting list"),
    "participant.waiting_list.changed": _("changed the waiting list details"),
    "participant.contact.logged": _("logged a keep-warm contact"),
    "participant.offer.recorded": _("recorded an offer"),
    "participant.withdrawn": _("closed the file"),
}


def label_for(action: str) -> str:
    return str(LABELS.get(action, action))
