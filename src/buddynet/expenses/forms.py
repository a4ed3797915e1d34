"""Forms of the expenses app: the claim (made for a phone), approval in bulk, the system
per year, the payment batch, the dated rates, insurance and incidents."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from buddynet.core.forms import BoundedDateField, YesNoField, long_text

from .models import (
    AllowanceCeiling,
    Claim,
    ExpenseSettings,
    ExpenseSystem,
    Incident,
    InsurancePolicy,
    KilometreRate,
)


def euros(label, **options) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=8, decimal_places=2, **options)


class TrajectoryChoiceField(forms.ModelChoiceField):
    """A buddy's trajectory, named by the participant's first name."""

    def label_from_instance(self, obj) -> str:
        return obj.participant.first_name


class ClaimForm(forms.Form):
    on = BoundedDateField(label=_("Date"), years_back=2, years_ahead=0)
    trajectory: forms.ModelChoiceField = TrajectoryChoiceField(
        label=_("For which trajectory"),
        queryset=None,
        required=False,
        empty_label=_("— another activity —"),
        to_field_name="code",
    )
    activity = forms.CharField(
        label=_("Or which other activity"),
        max_length=200,
        required=False,
        help_text=_("E.g. a training, a team meeting."),
    )
    kind = forms.ChoiceField(label=_("What you claim"), choices=Claim.Kind.choices)
    amount = euros(_("Amount (€)"), required=False, min_value=Decimal("0.01"))
    from_town = forms.CharField(label=_("From (town)"), max_length=100, required=False)
    to_town = forms.CharField(label=_("To (town)"), max_length=100, required=False)
    kilometres = forms.DecimalField(
        label=_("Kilometres"),
        required=False,
        min_value=Decimal("0.1"),
        max_digits=6,
        decimal_places=1,
        help_text=_("Suggested from the towns; change it to the real distance."),
    )
    receipt = forms.FileField(
        label=_("Photo or PDF of the receipt"),
        required=False,
        help_text=_("Needed for a ticket or another real cost. JPG, PNG or PDF, at most 5 MB."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, trajectories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.trajectory_field = cast(forms.ModelChoiceField, self.fields["trajectory"])
        self.trajectory_field.queryset = trajectories
        for name in ("from_town", "to_town"):
            self.fields[name].widget.attrs.update(
                {"list": "expense-towns", "autocomplete": "off", "data-expense-town": name}
            )
        self.fields["kilometres"].widget.attrs["data-expense-km"] = "1"
        self.fields["amount"].widget.attrs["inputmode"] = "decimal"
        self.fields["kilometres"].widget.attrs["inputmode"] = "decimal"
        self.fields["receipt"].widget.attrs["accept"] = "image/jpeg,image/png,application/pdf"


class DecideForm(forms.Form):
    claims = forms.MultipleChoiceField(
        label=_("Claims"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("approve")), ("return", _("return"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why it is returned"),
        max_length=500,
        required=False,
        help_text=_("Needed when you return claims; the buddy reads it."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, claims=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["claims"]).choices = [
            (str(c.code), str(c.code)) for c in claims
        ]


class CorrectForm(forms.Form):
    amount = euros(_("The right amount (€)"), required=False)
    kilometres = forms.DecimalField(
        label=_("The right number of kilometres"), required=False, max_digits=6, decimal_places=1
    )
    note = forms.CharField(label=_("Why it is corrected"), max_length=500)


class SystemForm(forms.ModelForm):
    year = forms.IntegerField(label=_("Year"), min_value=2025, max_value=2100)
    raised_ceiling = YesNoField(
        label=_("Does the activity qualify for the raised ceiling?"),
        yes=_("yes (e.g. day or night sitting with people who need care)"),
        no=_("no"),
        initial="no",
    )

    class Meta:
        model = ExpenseSystem
        fields = ["year", "system", "raised_ceiling"]


class OtherAllowanceForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2025, max_value=2100)
    organisation = forms.CharField(label=_("Other organisation"), max_length=200)
    amount = euros(_("Flat-rate allowances received there (€)"), min_value=0)
    kilometres = forms.DecimalField(
        label=_("Kilometres paid there"),
        min_value=0,
        max_digits=7,
        decimal_places=1,
        initial=0,
    )


class AccountForm(forms.Form):
    holder = forms.CharField(label=_("Account holder"), max_length=70)
    iban = forms.CharField(label=_("IBAN"), max_length=42)


class PayerForm(forms.ModelForm):
    class Meta:
        model = ExpenseSettings
        fields = ["payer_name", "iban", "bic"]


class BatchForm(forms.Form):
    execution_date = BoundedDateField(label=_("Pay on"), years_back=0, years_ahead=1)


class CeilingForm(forms.ModelForm):
    valid_from = BoundedDateField(label=_("Valid from"), years_back=2, years_ahead=2)

    class Meta:
        model = AllowanceCeiling
        fields = [
            "valid_from",
            "per_day",
            "per_year",
            "raised_per_year",
            "max_km_per_year",
            "source",
        ]


class KmRateForm(forms.ModelForm):
    valid_from = BoundedDateField(
        label=_("Valid from"),
        years_back=2,
        years_ahead=2,
        help_text=_("The first day of the quarter."),
    )

    class Meta:
        model = KilometreRate
        fields = ["vehicle", "valid_from", "per_km", "source"]


class PolicyForm(forms.ModelForm):
    starts_on = BoundedDateField(label=_("From"), years_back=30, years_ahead=2)
    ends_on = BoundedDateField(label=_("Until"), years_back=30, years_ahead=30, required=False)

    class Meta:
        model = InsurancePolicy
        fields = ["cover", "insurer", "number", "details", "starts_on", "ends_on"]


class IncidentForm(forms.ModelForm):
    policy: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Policy"), queryset=None)
    happened_on = BoundedDateField(label=_("Happened on"), years_back=3, years_ahead=0)
    what = long_text(_("What happened"), rows=4, max_length=2000)

    class Meta:
        model = Incident
        fields = ["policy", "happened_on", "who", "what", "insurer_reference"]

    def __init__(self, *args, policies=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["policy"]).queryset = policies


class IncidentStepForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Incident.Status.choices)
    insurer_reference = forms.CharField(
        label=_("The insurer's claim number"), max_length=100, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
