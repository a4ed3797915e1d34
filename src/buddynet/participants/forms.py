"""Forms for referral, public sign-up, intake, consent and the waiting list.

Postcodes are checked against the bundled list of Belgian municipalities; the town is
filled in from it, so nobody has to type it twice.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from buddynet.core import choices
from buddynet.core.forms import (
    SLOT_GRID,
    BoundedDateField,
    PostcodeMixin,
    YesNoField,
    choice_list,
    long_text,
    textareas,
)

from . import consent, services
from .models import (
    ConsentRecord,
    ContactMoment,
    HouseholdMember,
    Offer,
    Participant,
    require_phone_or_email,
)


def _model_limit(model, name: str) -> int:
    """A form field's max_length is the model's: what fits in the form fits the file."""
    return model._meta.get_field(name).max_length


class PhoneOrEmailMixin:
    """A form about a person the project must be able to reach: a phone number or an
    e-mail address, one of the two (the form's error otherwise)."""

    def clean(self):
        data = super().clean()  # type: ignore[misc]
        try:
            require_phone_or_email(data.get("phone"), data.get("email"))
        except forms.ValidationError as exc:
            self.add_error(None, exc)  # type: ignore[attr-defined]
        return data


def _bounds(field: forms.IntegerField, low: int, high: int) -> None:
    """Limits on a model form's number field, checked and shown to the browser."""
    field.validators += [MinValueValidator(low), MaxValueValidator(high)]
    field.widget.attrs.update(min=low, max=high)


def languages_field(label=None, **kwargs) -> forms.MultipleChoiceField:
    return choice_list(label or _("Languages"), choices.LANGUAGES, **kwargs)


class ListField(forms.CharField):
    """A comma-separated list in one text box (interests, ...)."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [item.strip() for item in text.split(",") if item.strip()][:30]


class ReferralForm(PostcodeMixin, PhoneOrEmailMixin, forms.ModelForm):
    languages = languages_field()
    agrees = forms.BooleanField(
        label=_("The person agrees to this referral and to the project contacting them."),
        required=True,
    )

    class Meta:
        model = Participant
        # The referral's fields as the service takes them; the town follows from the postcode.
        fields = tuple(name for name in services.REFERRAL_FIELDS if name != "town")
        widgets = textareas("help_request", "referral_context")
        help_texts = {
            "help_request": _("What does the person or family ask for?"),
            "referral_context": _(
                "What the project needs to know to start well. Only what is needed."
            ),
            "phone": _("A phone number or an e-mail address is needed to make contact."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["help_request"].required = True
        self.fields["postcode"].required = True
        self.fields["referrer_role"].required = True
        _bounds(self.fields["household_size"], 1, 20)

    def service_data(self) -> dict:
        # The service checks the postcode and fills in the town (one rule for all).
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SelfRegistrationForm(PostcodeMixin, PhoneOrEmailMixin, forms.Form):
    """The public sign-up: few questions, short words, big fields."""

    first_name = forms.CharField(
        label=_("Your first name"), max_length=_model_limit(Participant, "first_name")
    )
    last_name = forms.CharField(
        label=_("Your last name"), max_length=_model_limit(Participant, "last_name")
    )
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=_model_limit(Participant, "phone"),
        required=False,
        help_text=_("A phone number or an e-mail address: one of the two is enough."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=_model_limit(Participant, "email"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    postcode = forms.CharField(
        label=_("Your postcode"),
        max_length=_model_limit(Participant, "postcode"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    help_request = long_text(
        _("What would you like help with?"),
        rows=4,
        max_length=2000,
        help_text=_("A few words are enough. We will call you to talk about it."),
    )
    languages = languages_field(label=_("Which languages do you speak?"))
    consent = forms.BooleanField(
        label=_("I agree that the project keeps these details to contact me."),
        required=True,
    )

    def service_data(self) -> dict:
        names = ("first_name", "last_name", "phone", "email", "postcode", "languages")
        return {name: self.cleaned_data[name] for name in (*names, "help_request")}


class IntakeForm(PostcodeMixin, forms.ModelForm):
    languages = languages_field()
    availability = choice_list(_("When can they meet?"), choices.SLOTS, css=SLOT_GRID)
    interests = ListField(
        label=_("Interests"),
        required=False,
        help_text=_("Separate with commas, e.g. walking, cooking, football."),
    )

    class Meta:
        model = Participant
        # The intake's fields as the service takes them; the town follows from the postcode.
        fields = (
            *(name for name in services.INTAKE_FIELDS if name != "town"),
            *services.SPECIAL_CATEGORY_FIELDS,
        )
        widgets = textareas(
            "request_in_own_words",
            "needs",
            "expectations",
            "buddy_will_not",
            "buddy_preferences",
            "accessibility_needs",
            "health_notes",
            "origin_notes",
        )
        help_texts = {
            "request_in_own_words": _("Write it down as the participant says it."),
            "expectations": _("So that buddy and participant can compare later."),
            "buddy_will_not": _("Agree it now: no grey zones later."),
            "health_notes": _("Optional. Only with explicit consent. Coordinators only."),
            "origin_notes": _("Optional. Only with explicit consent. Coordinators only."),
        }

    def __init__(self, *args, special_category_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.special_category_allowed = special_category_allowed
        this_year = timezone.localdate().year
        _bounds(self.fields["birth_year"], this_year - 110, this_year)
        _bounds(self.fields["household_size"], 1, 20)
        if not special_category_allowed:
            for name in ("health_notes", "origin_notes"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Record the consent for health and origin first.")

    def service_data(self) -> dict:
        data = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name not in ("health_notes", "origin_notes")
        }
        if self.special_category_allowed:
            data["health_notes"] = self.cleaned_data["health_notes"]
            data["origin_notes"] = self.cleaned_data["origin_notes"]
        return data


class HouseholdMemberForm(forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = ("first_name", "relation", "birth_year")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        _bounds(self.fields["birth_year"], this_year - 110, this_year)


HouseholdFormSet = forms.formset_factory(
    HouseholdMemberForm, extra=2, can_delete=True, max_num=12, validate_max=True
)


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=[(p.key, p.title) for p in consent.PURPOSES])
    given = YesNoField(
        label=_("Decision"), yes=_("gives consent"), no=_("does not give or withdraws consent")
    )
    given_by = forms.ChoiceField(
        label=_("Who decides"),
        choices=ConsentRecord.GivenBy.choices,
        initial=ConsentRecord.GivenBy.PARTICIPANT,
        widget=forms.RadioSelect,
    )
    representative_name = forms.CharField(
        label=_("Name of the legal representative"), max_length=200, required=False
    )
    confirm = forms.BooleanField(
        label=_("I explained what the decision means, as shown above."), required=True
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("given_by") == ConsentRecord.GivenBy.REPRESENTATIVE
            and not data.get("representative_name", "").strip()
        ):
            self.add_error("representative_name", _("Give the name of the legal representative."))
        return data


class WaitingForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ("urgency", "waiting_reason")


class ContactForm(forms.ModelForm):
    # A contact that happened: up to today, not before two years ago.
    contacted_on = BoundedDateField(label=capfirst(_("date")), years_back=2, years_ahead=0)

    class Meta:
        model = ContactMoment
        fields = ("contacted_on", "kind", "outcome", "note")
        widgets = textareas("note")


class OfferForm(forms.ModelForm):
    # Offered recently, or planned for the coming year.
    offered_on = BoundedDateField(label=capfirst(_("offered on")), years_back=2, years_ahead=1)
    accepted = forms.NullBooleanField(
        label=_("Accepted"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("not known yet")), ("true", _("yes")), ("false", _("no"))]
        ),
    )

    class Meta:
        model = Offer
        fields = ("kind", "description", "offered_on", "accepted")


class WithdrawForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why does this person leave the project?"),
        choices=[
            (value, label)
            for value, label in Participant.WithdrawalReason.choices
            if value != Participant.WithdrawalReason.CONSENT
        ],
    )
    note = long_text(_("Short note"), required=False)
