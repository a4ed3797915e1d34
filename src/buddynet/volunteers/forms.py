"""Forms of the buddies app. Validation that needs the domain (postcodes, duplicates)
is here so a bad entry comes back with a clear message and everything typed kept."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buddynet.core import choices
from buddynet.core.forms import (
    SLOT_GRID,
    BoundedDateField,
    PostcodeMixin,
    choice_list,
    long_text,
    textareas,
)

from . import services
from .models import (
    AgeGroup,
    Buddy,
    Gender,
    IntakeInterview,
    Reference,
    StopReason,
    TrainingModule,
    Vacancy,
    VolunteerTerms,
)

LANGUAGE_CHOICES = choices.LANGUAGES
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)


def _date(model, name: str, *, years_back: int, years_ahead: int) -> BoundedDateField:
    """A bounded date field with the model field's label, help and required-ness."""
    field = model._meta.get_field(name)
    return BoundedDateField(
        label=field.verbose_name,
        help_text=field.help_text,
        required=not field.blank,
        years_back=years_back,
        years_ahead=years_ahead,
    )


def _words(value: str) -> list[str]:
    return [w.strip() for w in (value or "").split(",") if w.strip()][:20]


class VacancyForm(forms.ModelForm):
    closes_on = _date(Vacancy, "closes_on", years_back=0, years_ahead=2)

    class Meta:
        model = Vacancy
        fields = services.VACANCY_FIELDS
        widgets = {
            **textareas(
                "competences", "minimum_requirements", task_description=4, training_required=2
            ),
            "orientation": forms.RadioSelect,
        }


class ApplicationForm(PostcodeMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    # The same limit as the model (254): a longer address is refused here, not a crash.
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    postcode = forms.CharField(
        label=_("Postcode"), max_length=4, help_text=_("Where you live, e.g. 9000.")
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, min_value=1900, max_value=2015
    )
    languages = choice_list(_("Languages you speak"), LANGUAGE_CHOICES, css=None, required=True)
    availability = choice_list(_("When are you usually free?"), choices.SLOTS, css=SLOT_GRID)
    interests = forms.CharField(
        label=_("Interests"),
        required=False,
        help_text=_("Separate them with commas, e.g. walking, cooking, music."),
    )
    motivation = long_text(_("Why would you like to be a buddy?"), rows=4)
    attachment = forms.FileField(
        label=_("A CV or letter (optional)"),
        required=False,
        help_text=_("PDF, Word (.docx) or OpenDocument (.odt), at most 2 MB."),
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "I have read the privacy statement and agree that the project keeps my data "
            "to handle my application."
        )
    )
    # A honeypot: people never see it, spam robots fill it in.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project

    def clean_interests(self):
        return _words(self.cleaned_data.get("interests"))

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        try:
            return services.check_attachment(upload)
        except services.BuddyError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean(self):
        data = super().clean()
        if self.errors and self.files.get("attachment") and "attachment" not in self.errors:
            # Browsers cannot keep a chosen file: say so, next to the other problems.
            self.add_error("attachment", _("Your file was not kept: please choose it again."))
        email = data.get("email")
        if (
            email
            and self.project
            and services.duplicate_application(project=self.project, email=email)
        ):
            self.add_error(
                "email",
                _(
                    "You have already applied to this project with this e-mail address. "
                    "The coordinator will contact you."
                ),
            )
        return data

    def application_data(self) -> dict:
        fields = (*services.APPLICATION_FIELDS, *services.APPLICATION_EXTRA)
        data = {k: v for k, v in self.cleaned_data.items() if k in fields}
        data["phone"] = data.get("phone") or ""
        data["motivation"] = data.get("motivation") or ""
        return data


class ProfileForm(PostcodeMixin, forms.ModelForm):
    languages = choice_list(_("Languages"), LANGUAGE_CHOICES, css=None)
    availability = choice_list(_("Availability (weekly time slots)"), choices.SLOTS, css=SLOT_GRID)
    interests = forms.CharField(
        label=_("Interests"), required=False, help_text=_("Separate them with commas.")
    )
    preferred_age_groups = choice_list(_("Preferred age groups"), AgeGroup.choices, css=None)

    class Meta:
        model = Buddy
        fields = services.PROFILE_FIELDS
        widgets = textareas("skills", "life_experience", rows=2)
        help_texts = {
            "gender": _("Only if you want to: it helps us keep the pool diverse."),
            "life_experience": _("Experience that may help someone, e.g. migration, illness."),
        }

    def __init__(self, *args, self_service: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].required = True
        if self.instance and self.instance.pk:
            self.initial["interests"] = ", ".join(self.instance.interests or [])
        if self_service:
            for name in ("first_name", "last_name"):
                del self.fields[name]

    def clean_interests(self):
        return _words(self.cleaned_data.get("interests"))


class StepForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=Buddy.Status.choices)
    reason = forms.ChoiceField(
        label=_("Reason (when stopping)"),
        choices=[("", "---------"), *StopReason.choices],
        required=False,
    )
    note = long_text(_("Note"), required=False, rows=2)

    def clean(self):
        data = super().clean()
        if data.get("to_status") == Buddy.Status.STOPPED and not data.get("reason"):
            self.add_error("reason", _("Give a reason for stopping."))
        return data


class IntakeForm(forms.ModelForm):
    held_on = _date(IntakeInterview, "held_on", years_back=2, years_ahead=0)

    class Meta:
        model = IntakeInterview
        fields = services.INTAKE_FIELDS
        widgets = textareas("motivation", "expectations", "strengths", availability=2, notes=2)

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("An interview cannot be in the future."))
        return value


class ScreeningForm(forms.ModelForm):
    # A record check is valid for at most ten years (``record_check_valid_months``).
    record_check_on = _date(Buddy, "record_check_on", years_back=10, years_ahead=0)
    benefit_formality_on = _date(Buddy, "benefit_formality_on", years_back=10, years_ahead=0)

    class Meta:
        model = Buddy
        fields = services.SCREENING_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_check_on"].help_text = _(
            "Record only that you saw the extract and when: never keep a copy."
        )


class ReferenceForm(forms.ModelForm):
    contacted_on = _date(Reference, "contacted_on", years_back=2, years_ahead=0)

    class Meta:
        model = Reference
        fields = ("name", "relation", "contacted_on", "outcome", "notes")
        widgets = textareas(notes=2)


YES_NO = [("", _("not decided yet")), ("yes", _("yes")), ("no", _("no"))]


class DecisionForm(forms.Form):
    buddy_says_yes = forms.ChoiceField(
        label=_("Does the candidate want to start?"), choices=YES_NO, required=False
    )
    project_says_yes = forms.ChoiceField(
        label=_("Does the project want to start with this candidate?"),
        choices=YES_NO,
        required=False,
    )
    decision_note = long_text(_("Notes on the decision"), required=False, rows=2)

    @staticmethod
    def to_bool(value):
        return {"yes": True, "no": False}.get(value)

    @staticmethod
    def from_bool(value):
        return {True: "yes", False: "no"}.get(value, "")

    def decision_data(self) -> dict:
        return {
            "buddy_says_yes": self.to_bool(self.cleaned_data["buddy_says_yes"]),
            "project_says_yes": self.to_bool(self.cleaned_data["project_says_yes"]),
            "decision_note": self.cleaned_data["decision_note"],
        }


class TrainingModuleForm(forms.ModelForm):
    class Meta:
        model = TrainingModule
        fields = services.MODULE_FIELDS
        widgets = textareas(description=2)


class ModuleChoiceForm(forms.Form):
    """A form that names one of the project's training modules (``project=``)."""

    module = forms.ModelChoiceField(label=_("Module"), queryset=None)

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = TrainingModule.objects.filter(project=project)


class TrainingSessionForm(ModuleChoiceForm):
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        # The same bounds as every planned date: two years back, two years ahead.
        BoundedDateField(years_back=2, years_ahead=2).validate(timezone.localdate(value))
        return value

    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    trainer = forms.CharField(label=_("Trainer"), max_length=200, required=False)


class AttendanceForm(forms.Form):
    buddies = forms.ModelMultipleChoiceField(
        label=_("Who attended?"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buddies"].queryset = Buddy.objects.filter(project=project).exclude(
            status=Buddy.Status.STOPPED
        )


class TrainingCompleteForm(ModuleChoiceForm):
    completed_on = BoundedDateField(label=_("Completed on"), years_back=10, years_ahead=0)


class TermsForm(forms.ModelForm):
    class Meta:
        model = VolunteerTerms
        fields = services.TERMS_FIELDS
        widgets = textareas(
            "purpose",
            "insurance_cover",
            "expense_details",
            "discretion",
            "nature_of_work",
            "privacy_statement",
        )


class SignForm(forms.Form):
    signed_name = forms.CharField(
        label=_("Type your full name to sign"),
        max_length=200,
        help_text=_("By signing you confirm that you have read the information note."),
    )
    text_hash = forms.CharField(widget=forms.HiddenInput)


GENDER_LABELS = dict(Gender.choices)
