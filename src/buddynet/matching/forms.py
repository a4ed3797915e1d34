"""Forms of the matching app. Rules that need the domain live in the services; forms only
parse and check the shape of what was typed."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buddynet.core.forms import (
    YesNoField,
    check_within_bounds,
    choice_list,
    date_bounds,
    long_text,
)

from . import vocabulary
from .engine import AGE_GROUPS
from .models import Feeling, MatchingProfile, MatchingSettings, ProposalRun, Side, Strength
from .services import MEETS_YEARS_AHEAD, MEETS_YEARS_BACK, PROFILE_FIELDS, SETTINGS_FIELDS

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
GENDER_CHOICES = [(code, label) for code, label in vocabulary.GENDER_LABELS.items()]
AGE_CHOICES = [(code, vocabulary.AGE_GROUP_LABELS[code]) for code in AGE_GROUPS]
FEELING_CHOICES = [("", _("no feeling noted")), *Feeling.choices]


class SettingsForm(forms.ModelForm):
    class Meta:
        model = MatchingSettings
        fields = SETTINGS_FIELDS
        widgets = {
            name: forms.NumberInput(attrs={"min": 0, "max": 10, "step": 1})
            for name in MatchingSettings.WEIGHT_FIELDS
        }


def strength_field(label) -> forms.ChoiceField:
    """How strong a wish is: a must, or would like."""
    return forms.ChoiceField(
        label=label,
        choices=Strength.choices,
        widget=forms.RadioSelect(attrs={"class": "choice-list"}),
    )


class ProfileForm(forms.ModelForm):
    gender = forms.ChoiceField(
        label=_("Gender of the participant"),
        choices=[("", _("not given")), *GENDER_CHOICES],
        required=False,
        help_text=_("Only if it matters for a buddy's wish; never required."),
    )
    buddy_genders = choice_list(_("Gender of the buddy"), GENDER_CHOICES)
    buddy_gender_strength = strength_field(_("How strong is the wish about the gender?"))
    buddy_age_groups = choice_list(_("Age of the buddy"), AGE_CHOICES)
    buddy_age_strength = strength_field(_("How strong is the wish about the age?"))
    needs = choice_list(
        _("Help with"),
        vocabulary.topic_choices,
        help_text=_("Empty: read from the needs and the help request in the intake."),
    )
    experience_wanted = choice_list(
        _("Life experience that would help"), vocabulary.experience_choices
    )

    class Meta:
        model = MatchingProfile
        fields = PROFILE_FIELDS
        widgets = {"public_summary": forms.Textarea(attrs={"rows": 3, "maxlength": 600})}


class BoundedDateTimeField(forms.DateTimeField):
    """A date and time within ``years_back`` years before and ``years_ahead`` after today
    (the bounds of ``core.forms.BoundedDateField``, for a moment): no year 9999."""

    widget = DATETIME

    def __init__(self, *args, years_back: int = 2, years_ahead: int = 2, **kwargs):
        self.years_back, self.years_ahead = years_back, years_ahead
        kwargs.setdefault("input_formats", DATETIME_FORMATS)
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        day = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        check_within_bounds(day, years_back=self.years_back, years_ahead=self.years_ahead)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        earliest, latest = date_bounds(years_back=self.years_back, years_ahead=self.years_ahead)
        attrs.update(min=f"{earliest.isoformat()}T00:00", max=f"{latest.isoformat()}T23:59")
        return attrs


class FeelingForm(forms.Form):
    """The coordinator's feeling about a pair, beside its score."""

    feeling = forms.ChoiceField(
        label=_("Your feeling about this pair"),
        choices=FEELING_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    feeling_note = long_text(
        _("Note"),
        required=False,
        rows=2,
        max_length=2000,
        help_text=_("Recorded with the proposal, for the coordinators."),
    )


class ProposeForm(FeelingForm):
    """Propose a ranked pair, with the feeling about it."""

    buddy = forms.UUIDField(widget=forms.HiddenInput)
    participant = forms.UUIDField(widget=forms.HiddenInput)
    field_order = ("buddy", "participant")


class RejectForm(forms.Form):
    reason = long_text(_("Why does this pair not fit?"), max_length=2000)
    exclude = forms.BooleanField(label=_("Never propose these two together again"), required=False)


class RunStartForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("For"),
        choices=ProposalRun.Scope.choices,
        initial=ProposalRun.Scope.PROJECT,
        widget=forms.RadioSelect,
    )


class IntroductionForm(forms.Form):
    meets_at = BoundedDateTimeField(
        label=_("Date and time"), years_back=MEETS_YEARS_BACK, years_ahead=MEETS_YEARS_AHEAD
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        help_text=_("Somewhere neutral and safe, e.g. the project's office."),
    )
    staff_present = forms.CharField(label=_("Staff present"), max_length=300)
    notes = long_text(_("Notes"), required=False, max_length=5000)


class IntroductionUpdateForm(IntroductionForm):
    held = forms.BooleanField(label=_("The meeting took place"), required=False)


class AnswerForm(forms.Form):
    answer = YesNoField(
        label=_("Do you want to go on together?"),
        yes=_("Yes, I want to start"),
        no=_("No, I do not want to go on"),
    )
    reason = long_text(
        _("Why?"),
        required=False,
        max_length=2000,
        help_text=_("Only the coordinators read this. The other person never sees it."),
    )


class RecordAnswerForm(AnswerForm):
    """A coordinator records an answer: the participant's, or the buddy's when the buddy
    has no login (a buddy with a login answers on their own page)."""

    side = forms.ChoiceField(choices=Side.choices, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, buddy_has_login: bool, **kwargs):
        self.buddy_has_login = buddy_has_login
        super().__init__(*args, **kwargs)

    def clean_side(self):
        side = self.cleaned_data.get("side") or Side.PARTICIPANT
        if side == Side.BUDDY and self.buddy_has_login:
            raise forms.ValidationError(_("The buddy answers on their own page."))
        return side


class HandForm(forms.Form):
    note = long_text(_("A word for the coordinator"), required=False, rows=2, max_length=500)
