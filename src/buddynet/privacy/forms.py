"""Forms of privacy: the project's retention terms and alert, and the read audit's
filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from buddynet.core.forms import BoundedDateField

from .models import PrivacySettings


class PrivacySettingsForm(forms.ModelForm):
    class Meta:
        model = PrivacySettings
        fields = PrivacySettings.FIELDS
        help_texts = {
            "participant_months": _(
                "The default is the term the participant's consent promises. When it has "
                "passed, the file is anonymised: only anonymous figures remain."
            ),
            "buddy_months": _(
                "The yearly named list of expense allowances is kept 7 years, whatever this says."
            ),
            "message_months": _(
                "The default is the term the consent 'Messages with your buddy' promises: "
                "a year after the time with the buddy ends. Counted from the day the "
                "trajectory closes (the pair's messages) or the file closes (messages with "
                "the coordinators). Then the messages are emptied and their photos and "
                "documents removed; the file itself stays until its own term."
            ),
            "proof_years": _(
                "Signed agreements and signed information notes are proof (of what was "
                "agreed, that the volunteer was informed) and outlive the file. Five years: "
                "the term for a claim for damage after it became known (Belgian Civil "
                "Code, art. 2262bis). Never shorter than the files' terms."
            ),
            "named_list_years": _(
                "Set by law: seven years after the end of the year it concerns. It cannot "
                "be changed here."
            ),
            "alert_files": _("Counted over participants' and buddies' files, each file once."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PrivacySettings.FIXED:
            self.fields[name].disabled = True


class LookupFilterForm(forms.Form):
    """Who read, and when (whose file comes from the address: ``?file=<code>``)."""

    reader = forms.ChoiceField(label=_("Who looked"), required=False)
    since = BoundedDateField(label=_("From"), required=False, years_back=10, years_ahead=0)
    until = BoundedDateField(label=_("Until"), required=False, years_back=10, years_ahead=0)

    def __init__(self, *args, readers=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reader"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Everyone")), *((str(u.code), u.display_name) for u in readers)]
        self.readers = {str(u.code): u for u in readers}

    def clean(self):
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period comes before its start."))
        return cleaned
