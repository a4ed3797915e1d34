from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from buddynet.core.forms import BoundedDateField, YesNoField, choice_list, long_text
from buddynet.core.validators import no_control_characters

from .models import Audience, Event, Intervision, Language, LibraryItem, Question, Theme

if TYPE_CHECKING:
    from buddynet.tenancy.models import Organisation
    from buddynet.volunteers.models import TrainingModule

    from .models import Playbook

CLEAN = [no_control_characters]


class LibraryItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LibraryItem.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, validators=CLEAN)
    summary = long_text(_("Summary"), rows=2, required=False, max_length=1000, validators=CLEAN)
    body = long_text(
        _("Text"),
        rows=6,
        required=False,
        max_length=50000,
        validators=CLEAN,
        help_text=_("The article, or what the document or template is about."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    themes = choice_list(_("Themes"), Theme.choices, required=True)
    audience = forms.ChoiceField(label=_("For whom"), choices=Audience.choices)
    link = forms.URLField(
        label=_("Link"),
        required=False,
        assume_scheme="https",
        help_text=_("A clip or document somewhere else, instead of a file."),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("A clip: MP4 or WebM. A document or template: PDF, DOCX, ODT or XLSX."),
    )
    captions = forms.FileField(
        label=_("Subtitles (WebVTT)"),
        required=False,
        help_text=_("A .vtt file, so everyone can follow the clip."),
    )
    transcript = long_text(
        _("Transcript"), rows=4, required=False, max_length=50000, validators=CLEAN
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200, validators=CLEAN)
    theme = forms.ChoiceField(
        label=_("Theme"),
        required=False,
        choices=[("", _("all themes")), *Theme.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Title of the playbook"), max_length=200, validators=CLEAN)
    guide = long_text(
        _("Guide: how you work, step by step"), rows=10, max_length=50000, validators=CLEAN
    )
    note = forms.CharField(
        label=_("What changed since the last version"),
        required=False,
        max_length=300,
        validators=CLEAN,
    )


class AdoptForm(forms.Form):
    """One "keep mine / take over" choice per piece the project changed itself."""

    def __init__(self, *args, conflicts=(), **kwargs):
        super().__init__(*args, **kwargs)
        for step in conflicts:
            self.fields[f"piece:{step.piece}"] = forms.ChoiceField(
                label=step.label,
                choices=[("keep", _("keep mine")), ("take", _("take over"))],
                initial="keep",
                widget=forms.RadioSelect,
            )

    def take_over(self) -> set[str]:
        return {
            name.removeprefix("piece:")
            for name, value in self.cleaned_data.items()
            if name.startswith("piece:") and value == "take"
        }


def _duration(*, most: int, initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Duration (minutes)"), min_value=30, max_value=most, initial=initial
    )


class PlannedForm(forms.Form):
    """What the network plans on a day at a time (an intervision, an event): the title,
    when and how long, where or the video link. ``PlanFormView`` makes one moment of the
    day and the time."""

    title = forms.CharField(label=_("Title"), max_length=200, validators=CLEAN)
    day = BoundedDateField(label=_("Day"), years_back=0, years_ahead=2)
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = _duration(most=480, initial=120)
    place = forms.CharField(label=_("Place"), required=False, max_length=200, validators=CLEAN)
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")


class IntervisionForm(PlannedForm):
    max_size = forms.IntegerField(
        label=_("Maximum number of people"), min_value=2, max_value=40, initial=10
    )
    method = forms.ChoiceField(label=_("Method"), choices=Intervision.Method.choices)
    themes = choice_list(_("Themes"), Theme.choices)


class InviteForm(forms.Form):
    people = forms.MultipleChoiceField(
        label=_("Invite"), widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"})
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {f"{uid}:{pid}": (uid, pid, buddy) for uid, _n, pid, buddy in candidates}
        cast(forms.MultipleChoiceField, self.fields["people"]).choices = [
            (f"{uid}:{pid}", name) for uid, name, pid, _b in candidates
        ]

    def chosen(self) -> list[tuple[int, int, bool]]:
        return [self.candidates[key] for key in self.cleaned_data["people"]]


class CaseForm(forms.Form):
    case_text = long_text(_("The case"), rows=8, max_length=20000, validators=CLEAN)
    anonymised = forms.BooleanField(
        label=_("I checked the flagged words: they name nobody real."), required=False
    )


class ReportForm(forms.Form):
    notes = long_text(_("Notes"), rows=4, required=False, max_length=20000, validators=CLEAN)
    learnings = long_text(
        _("What we learnt"), rows=4, required=False, max_length=20000, validators=CLEAN
    )
    themes = choice_list(_("Themes"), Theme.choices)


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label=_("Who came"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
    )

    def __init__(self, *args, invitations=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["attended"]).choices = [
            (str(inv.pk), f"{inv.user.display_name} · {inv.from_project.name}")
            for inv in invitations
        ]


class ReplyForm(forms.Form):
    answer = YesNoField(label=_("Will you come?"), yes=_("Yes, I will come"), no=_("No"))


class QuestionForm(forms.Form):
    title = forms.CharField(label=_("Your question"), max_length=200, validators=CLEAN)
    body = long_text(_("Explanation"), rows=4, required=False, max_length=5000, validators=CLEAN)
    themes = choice_list(_("Themes"), Theme.choices)
    notify = forms.ChoiceField(
        label=_("Tell me about answers by"),
        choices=Question.Notify.choices,
        initial=Question.Notify.EACH,
        widget=forms.RadioSelect,
    )


class AnswerForm(forms.Form):
    body = long_text(_("Your answer"), rows=4, max_length=5000, validators=CLEAN)


class EventForm(PlannedForm):
    field_order = ["kind", "title", "description"]

    kind = forms.ChoiceField(label=_("Kind of event"), choices=Event.Kind.choices)
    description = long_text(
        _("What to expect"), rows=4, required=False, max_length=5000, validators=CLEAN
    )
    minutes = _duration(most=600, initial=180)
    capacity = forms.IntegerField(
        label=_("Number of places"),
        min_value=1,
        max_value=500,
        initial=30,
        help_text=_("Who registers after that joins the waiting list."),
    )
    audience = forms.ChoiceField(
        label=_("For whom"), choices=Audience.choices, initial=Audience.BOTH
    )


class RegisterForm(forms.Form):
    """The project someone comes from (asked only when they have more than one)."""

    project = forms.ChoiceField(label=_("I come from"))

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = {str(p.code): p for p in projects}
        field = cast(forms.ChoiceField, self.fields["project"])
        field.choices = [(code, p.name) for code, p in self.projects.items()]
        if len(self.projects) == 1:
            field.initial = next(iter(self.projects))
            field.widget = forms.HiddenInput()

    def chosen_project(self):
        return self.projects[self.cleaned_data["project"]]


class NewsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=CLEAN)
    body = long_text(_("Text"), rows=6, max_length=20000, validators=CLEAN)
    audience = forms.ChoiceField(
        label=_("For whom"), choices=Audience.choices, initial=Audience.BOTH
    )


class NetworkSettingsForm(forms.Form):
    module: forms.ModelChoiceField[TrainingModule] = forms.ModelChoiceField(
        label=_("An intervision of the network counts as this training"),
        queryset=None,
        required=False,
        empty_label=_("— intervision does not count as training —"),
        help_text=_(
            "A buddy who attends an intervision completes this training module on that day."
        ),
    )

    def __init__(self, *args, modules=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["module"]).queryset = modules


class ProjectStartForm(forms.Form):
    """A new project of one of the network's organisations, started from a playbook."""

    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None
    )
    name = forms.CharField(label=_("Name of the project"), max_length=200, validators=CLEAN)
    target_group = forms.CharField(label=_("Target group"), max_length=200, validators=CLEAN)
    town = forms.CharField(label=_("Town"), max_length=100, required=False, validators=CLEAN)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    playbook: forms.ModelChoiceField[Playbook] = forms.ModelChoiceField(
        label=_("Start from a playbook"),
        queryset=None,
        required=False,
        empty_label=_("— start empty —"),
        help_text=_(
            "Tip for starters: playbooks already exist! The project starts with that "
            "project's terms, agreement, training and follow-up, credited to it."
        ),
    )

    def __init__(self, *args, organisations=None, playbooks=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        cast(forms.ModelChoiceField, self.fields["playbook"]).queryset = playbooks
