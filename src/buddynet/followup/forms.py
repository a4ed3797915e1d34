"""Forms of the follow-up: the cadence, recording a conversation, a boundary signal in a
few taps, aftercare steps, closure and exit conversations."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from buddynet.core.forms import BoundedDateField, YesNoField, long_text, textareas

from . import clock
from .models import Cadence, Closure, ExitConversation, FollowUp, Signal, SignalStep

NOT_BEFORE = _("A conversation cannot be recorded before it took place.")
# Radio buttons one under the other (longer answers).
ONE_COLUMN = forms.RadioSelect(attrs={"class": "choice-list one-column"})


class HeldOnField(BoundedDateField):
    """When a conversation was held: up to two years back, and not after today. (One
    year ahead is the field's bound; a day after today is refused in its own words.)"""

    def __init__(self, label, **kwargs):
        super().__init__(label=label, years_back=2, years_ahead=1, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values and value > clock.today():
            raise forms.ValidationError(NOT_BEFORE)


def planned_on_field(label, **kwargs) -> BoundedDateField:
    """A day to plan a conversation on: up to two years ahead."""
    return BoundedDateField(label=label, years_back=1, years_ahead=2, **kwargs)


class CadenceForm(forms.ModelForm):
    class Meta:
        model = Cadence
        fields = Cadence.SETTING_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            model_field = Cadence._meta.get_field(name)
            for validator in model_field.validators:
                if hasattr(validator, "limit_value"):
                    key = "min" if "Min" in type(validator).__name__ else "max"
                    field.widget.attrs[key] = validator.limit_value


class RecordForm(forms.Form):
    held_on = HeldOnField(_("Held on"))
    kind = forms.ChoiceField(label=_("Kind of conversation"), choices=FollowUp.conversation_kinds)
    report = long_text(
        _("Short report"),
        rows=4,
        max_length=4000,
        help_text=_("How is it going? Anything to follow up? Keep it short and factual."),
    )
    adjust_agreement = forms.BooleanField(
        label=_("The agreement needs adjusting after this conversation"), required=False
    )


class PlanForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of conversation"),
        choices=[c for c in FollowUp.conversation_kinds() if c[0] != FollowUp.Kind.AFTERCARE],
    )
    with_whom = forms.ChoiceField(label=_("With"), choices=FollowUp.With.choices)
    due_on = planned_on_field(_("On"))
    hour = forms.IntegerField(
        label=_("At (hour)"),
        min_value=7,
        max_value=20,
        initial=10,
        widget=forms.NumberInput(attrs={"min": 7, "max": 20}),
    )

    def clean_due_on(self):
        value = self.cleaned_data["due_on"]
        if value < clock.today():
            raise forms.ValidationError(_("Choose today or a day in the future."))
        return value


class SignalForm(forms.Form):
    """Three questions, big buttons: what, how serious, a few words."""

    kind = forms.ChoiceField(
        label=_("What happened?"), choices=Signal.Kind.choices, widget=forms.RadioSelect
    )
    severity = forms.ChoiceField(
        label=_("How serious is it?"), choices=Signal.Severity.choices, widget=forms.RadioSelect
    )
    description = long_text(_("Tell us in a few words"), max_length=2000)


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"), choices=SignalStep.Step.choices)
    note = long_text(_("Note"), max_length=4000)
    pause = forms.BooleanField(label=_("Pause the trajectory (a serious signal)"), required=False)

    def __init__(self, *args, allowed=(), can_pause=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [c for c in SignalStep.Step.choices if c[0] in allowed]
        if not can_pause:
            del self.fields["pause"]


class ClosureStartForm(forms.Form):
    planned = YesNoField(
        label=_("Is this a planned ending?"),
        yes=_("Yes, planned"),
        no=_("No, unplanned"),
        widget=ONE_COLUMN,
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=Closure.Reason.choices)
    reason_note = long_text(_("About the reason"), required=False, max_length=2000)
    went_badly = forms.BooleanField(
        label=_("Unplanned and it went badly: do not propose this pair again"), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == Closure.Reason.OTHER and not data.get("reason_note", "").strip():
            self.add_error("reason_note", _("Say briefly what the other reason is."))
        if data.get("went_badly") and data.get("planned"):
            self.add_error("went_badly", _("Only an unplanned ending can be marked as gone badly."))
        return data


class ExitForm(forms.ModelForm):
    held_on = HeldOnField(_("Held on"))

    class Meta:
        model = ExitConversation
        fields = ("held_on", "rating", "what_helped", "what_was_hard", "for_the_project")
        widgets = {
            "rating": ONE_COLUMN,
            **textareas("what_helped", "what_was_hard", "for_the_project"),
        }


class ClosureCompleteForm(forms.Form):
    continues = forms.ChoiceField(
        label=_("What continues for the participant?"),
        choices=Closure.Continues.choices,
        widget=ONE_COLUMN,
    )
    continues_note = forms.CharField(
        label=_("With which service or person"), max_length=300, required=False
    )
    contact_policy = forms.ChoiceField(
        label=_("Contact between buddy and participant after closure"),
        choices=Closure.ContactPolicy.choices,
        widget=ONE_COLUMN,
    )
    aftercare_1 = planned_on_field(_("Aftercare contact on"), required=False)
    aftercare_2 = planned_on_field(_("A second aftercare contact on"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("continues") in (Closure.Continues.REFERRAL, Closure.Continues.OTHER) and not (
            data.get("continues_note", "").strip()
        ):
            self.add_error("continues_note", _("Say to which service or person."))
        today = clock.today()
        for name in ("aftercare_1", "aftercare_2"):
            if data.get(name) and data[name] <= today:
                self.add_error(name, _("Plan aftercare contacts after today."))
        return data

    def aftercare_days(self):
        days = (self.cleaned_data.get("aftercare_1"), self.cleaned_data.get("aftercare_2"))
        return [d for d in days if d]
