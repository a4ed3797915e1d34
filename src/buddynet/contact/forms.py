"""Forms of the contact app: a message (text and/or a file), the project's rules, a
person's notification choices."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from buddynet.core.forms import YesNoField
from buddynet.core.validators import no_control_characters

from . import notify
from .models import Channel


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=4000,
        validators=[no_control_characters],
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
    )
    attachment = forms.FileField(
        label=_("A photo or a document (optional)"),
        required=False,
        help_text=_("A photo (JPG, PNG, at most 8 MB) or a PDF (at most 10 MB)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if not (data.get("body") or "").strip() and not data.get("attachment"):
            self.add_error("body", _("Write a message or add a photo or document."))
        return data


class RulesForm(forms.Form):
    pair_messages = YesNoField(
        label=_("May buddies and participants write to each other in buddynet?"),
        yes=_("Yes, when the participant agrees"),
        no=_("No"),
    )
    coordinators_read_pairs = YesNoField(
        label=_("May the coordinators read those conversations?"),
        yes=_("Yes, and both are told so in their conversation"),
        no=_("No, they stay between buddy and participant"),
    )


class ReportForm(forms.Form):
    kind = forms.ChoiceField(choices=[])

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(kinds)


class NotificationForm(forms.Form):
    """One choice per kind of event, quiet hours, the mobile number for SMS."""

    quiet_from = forms.TimeField(
        label=_("Quiet from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_until = forms.TimeField(
        label=_("Quiet until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("No e-mail or text message in these hours: they wait until the end."),
    )
    sms_number = forms.CharField(
        label=_("Mobile number for text messages"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("Only used to send you text messages. Nobody else sees it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, kind in notify.KINDS.items():
            self.fields[f"kind_{key}"] = forms.ChoiceField(
                label=kind.label, choices=Channel.choices, initial=kind.default
            )
        # The kinds first, then the quiet hours and the number.
        order = [f"kind_{key}" for key in notify.KINDS] + [
            "quiet_from",
            "quiet_until",
            "sms_number",
        ]
        self.order_fields(order)

    def channels(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"kind_{key}"] for key in notify.KINDS}
