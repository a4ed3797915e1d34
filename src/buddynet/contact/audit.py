"""Plain words for the contact app's audit actions (never what a message said)."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "contact.rules.changed": _("Changed the project's rules for messages"),
    "conversation.opened": _("A conversation was opened"),
    "conversation.closed": _("A conversation was closed"),
    "conversation.read_by_coordinator": _(
        "Read the conversation between buddy and participant (as the project's rules allow)"
    ),
    "message.sent": _("Sent a message"),
    "message.reported": _("Reported a message as a boundary signal"),
    "message.attachment.opened": _("Opened a photo or document sent in a message"),
    "notifications.choices.changed": _("Changed how they get notifications"),
}
