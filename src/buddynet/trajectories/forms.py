"""Forms of the trajectories app: short, with sensible defaults, clear messages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from buddynet.core import clock
from buddynet.core.forms import BoundedDateField, long_text, textareas
from buddynet.core.validators import no_control_characters

from .models import (
    Agreement,
    AgreementTemplate,
    JournalEntry,
    Level,
    RoleTask,
    TaskKind,
    Trajectory,
)

CLEAN = [no_control_characters]


def clean_text(label, **kwargs):
    """A text of a few lines that refuses control characters (``core.forms.long_text``)."""
    return long_text(label, validators=CLEAN, **kwargs)


TILES = forms.RadioSelect(attrs={"class": "btn-check"})
SECTION_WIDGETS = textareas(
    "purpose",
    "buddy_tasks",
    "professional_tasks",
    "participant_tasks",
    "contact_with_project",
    "privacy",
    "boundaries",
    "ending",
    buddy_does=5,
    buddy_does_not=5,
    practical_frame=4,
)


class AgreementTemplateForm(forms.ModelForm):
    class Meta:
        model = AgreementTemplate
        fields = AgreementTemplate.SECTION_FIELDS
        widgets = SECTION_WIDGETS


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = Agreement.SECTION_FIELDS
        widgets = SECTION_WIDGETS

    def __init__(self, *args, has_professional: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].required = True
        if not has_professional:
            del self.fields["professional_tasks"]


class SignForm(forms.Form):
    party = forms.ChoiceField(label=_("I sign as"), widget=forms.RadioSelect)
    signed_name = forms.CharField(
        label=_("Type your full name to sign"),
        max_length=200,
        validators=CLEAN,
        help_text=_("By signing you confirm that you have read this agreement and agree."),
    )
    text_hash = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = list(parties)
        if len(self.fields["party"].choices) == 1:
            self.fields["party"].initial = self.fields["party"].choices[0][0]
            self.fields["party"].widget = forms.HiddenInput()


DURATIONS = [
    (15, _("15 min")),
    (30, _("30 min")),
    (60, _("1 hour")),
    (90, _("1.5 hours")),
    (120, _("2 hours")),
    (180, _("3 hours")),
]


class JournalForm(forms.Form):
    """One short form a buddy fills in on a phone in under a minute."""

    # When it happened: not in the future, not years ago (and not before the start).
    on = BoundedDateField(label=_("When"), years_back=2, years_ahead=0)
    kind = forms.ChoiceField(
        label=_("What did you do?"),
        choices=JournalEntry.Kind.choices,
        widget=TILES,
        initial=JournalEntry.Kind.VISIT,
    )
    duration_minutes = forms.TypedChoiceField(
        label=_("How long?"),
        choices=DURATIONS,
        coerce=int,
        widget=TILES,
        initial=60,
    )
    mood = forms.ChoiceField(
        label=_("How did it go?"),
        choices=JournalEntry.Mood.choices,
        widget=TILES,
        required=False,
    )
    note = clean_text(
        _("Short note"),
        required=False,
        max_length=1000,
        help_text=_("A few words are enough. No sensitive details."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may read this?"),
        choices=JournalEntry.Visibility.choices,
        widget=TILES,
        initial=JournalEntry.Visibility.TEAM,
    )

    def __init__(self, *args, has_professional: bool = True, started_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = clock.today()
        if started_on is not None:
            widget = self.fields["on"].widget
            widget.attrs["min"] = max(started_on.isoformat(), widget.attrs.get("min", ""))
        if not has_professional:
            self.fields["visibility"].choices = [
                c for c in JournalEntry.Visibility.choices if c[0] != JournalEntry.Visibility.SHARED
            ]


class GoalForm(forms.Form):
    title = forms.CharField(
        label=_("Goal"),
        max_length=200,
        validators=CLEAN,
        help_text=_("E.g. 'Do the shopping'."),
    )
    description = clean_text(_("What it means, in the participant's words"), required=False, rows=2)
    level = forms.TypedChoiceField(
        label=_("Where are we now?"),
        choices=Level.choices,
        coerce=int,
        widget=forms.RadioSelect,
        initial=Level.BUDDY,
    )


class GoalLevelForm(forms.Form):
    goal = forms.UUIDField(widget=forms.HiddenInput)
    level = forms.TypedChoiceField(label=_("New level"), choices=Level.choices, coerce=int)
    on = BoundedDateField(label=_("Since"), years_back=5, years_ahead=0)
    note = forms.CharField(label=_("Note"), required=False, max_length=300, validators=CLEAN)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = clock.today()


class KindChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.belongs_to == TaskKind.Belongs.ANYONE:
            return obj.label
        return f"{obj.label} ({obj.get_belongs_to_display()})"


class RoleTaskForm(forms.Form):
    kind = KindChoiceField(
        label=_("Kind of task"),
        queryset=TaskKind.objects.none(),
        required=False,
        empty_label=_("another task"),
    )
    description = forms.CharField(label=_("Task"), max_length=300, validators=CLEAN)
    owner = forms.ChoiceField(label=_("Who does it?"), choices=RoleTask.Owner.choices)
    mandate = clean_text(
        _("Mandate"),
        required=False,
        rows=2,
        help_text=_("What this person may decide or do on their own."),
    )

    def __init__(self, *args, kinds=None, has_professional: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds if kinds is not None else TaskKind.objects.none()
        if not has_professional:
            self.fields["owner"].choices = [
                c for c in RoleTask.Owner.choices if c[0] != RoleTask.Owner.PROFESSIONAL
            ]


class TaskKindForm(forms.Form):
    name = forms.CharField(label=_("Kind of task"), max_length=150, validators=CLEAN)
    belongs_to = forms.ChoiceField(label=_("Whose task is it?"), choices=TaskKind.Belongs.choices)


class StatusForm(forms.Form):
    """Pause an active trajectory (with the reason) or resume a paused one. Starting
    becomes active through the signatures; closing goes through the closure."""

    to_status = forms.ChoiceField(label=_("What happens now?"), widget=forms.RadioSelect)
    reason = clean_text(
        _("Why?"),
        required=False,
        max_length=500,
        help_text=_("Kept in the status history. Needed when the trajectory pauses."),
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        S = Trajectory.Status
        choices = {
            S.ACTIVE: [(S.PAUSED, _("Pause the trajectory for a while"))],
            S.PAUSED: [(S.ACTIVE, _("Resume the trajectory"))],
        }.get(current, [])
        self.fields["to_status"].choices = choices
        if len(choices) == 1:
            self.fields["to_status"].initial = choices[0][0]
        # Pausing needs a reason; resuming does not.
        self.fields["reason"].required = current == S.ACTIVE

    def clean(self):
        data = super().clean()
        reason = data.get("reason", "").strip()
        if (
            data.get("to_status") == Trajectory.Status.PAUSED
            and not reason
            and "reason" not in self.errors
        ):
            self.add_error("reason", _("Say why the trajectory pauses."))
        return data


class MomentForm(forms.Form):
    """Where the buddy comes in in the person's help trajectory."""

    buddy_moment = forms.ChoiceField(
        label=_("The buddy ..."),
        choices=[("", _("not recorded")), *list(Trajectory.BuddyMoment.choices)],
        widget=forms.RadioSelect,
        required=False,
    )
