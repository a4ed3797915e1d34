"""Plain words for the expenses app's audit actions (merged into the core's labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "expenses.ceiling_added": _("added the allowance ceilings of a new year"),
    "expenses.km_rate_added": _("added a new kilometre rate"),
    "expenses.system_set": _("chose a volunteer's expense system for a year"),
    "expenses.account_set": _("saved a volunteer's bank account"),
    "expenses.settings_changed": _("changed the organisation's payment account"),
    "expenses.other_declared": _("declared allowances from another organisation"),
    "expenses.claim_filed": _("filed an expense claim"),
    "expenses.claim_corrected": _("corrected an approved expense claim"),
    "expenses.claim_approved": _("approved an expense claim"),
    "expenses.claim_returned": _("returned an expense claim"),
    "expenses.batch_made": _("made a payment batch"),
    "expenses.batch_downloaded": _("downloaded a payment file"),
    "expenses.named_list_downloaded": _("downloaded the named list of allowances"),
    "expenses.receipt_viewed": _("looked at a receipt"),
    "expenses.policy_saved": _("saved an insurance policy"),
    "expenses.incident_declared": _("declared an incident to the insurer"),
    "expenses.incident_updated": _("updated an incident with the insurer"),
}
