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
    "project.created": _("set up a new project"),
    "demo.seeded": _("loaded the demo data"),
    "buddy.viewed": _("opened the file"),
    "list.exported": _("exported a list"),
}


def label_for(action: str) -> str:
    return str(LABELS.get(action, action))
