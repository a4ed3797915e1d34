"""Form rendering and form helpers shared by every app."""

from datetime import timedelta

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import geo
from .validators import no_control_characters


class FormRenderer(TemplatesSetting):
    """Every form in buddynet: labels above inputs, an error summary, help linked by aria."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def town_for(postcode: str) -> str:
    """The town (Dutch name) of a known Belgian postcode; "" when unknown or empty."""
    municipality = geo.by_postcode(postcode) if postcode else None
    return municipality.name_nl if municipality else ""


def postcode_problem(postcode: str) -> str | None:
    """Why ``postcode`` is not a Belgian postcode we know (None when it is one)."""
    if not (postcode.isdigit() and len(postcode) == 4):
        return _("%(value)s is not a Belgian postcode. Use four digits, for example 9000.") % {
            "value": postcode
        }
    if geo.by_postcode(postcode) is None:
        return _("%(value)s is not a Belgian postcode we know. Check the number.") % {
            "value": postcode
        }
    return None


class PostcodeMixin:
    """A Belgian postcode, checked against the bundled municipality list; the town is
    then filled in from it, so nobody types it twice."""

    def clean_postcode(self):
        postcode = (self.cleaned_data.get("postcode") or "").strip()
        if not postcode:
            return postcode
        problem = postcode_problem(postcode)
        if problem:
            raise forms.ValidationError(problem, code="postcode")
        return postcode

    def town_for(self, postcode: str) -> str:
        return town_for(postcode)


# --- The field kinds every app declares the same way ------------------------------------

CHOICE_LIST = "choice-list"
# The 21 weekly slots as a 7 x 3 grid (a day per row: morning, afternoon, evening): app.css.
SLOT_GRID = "choice-list slot-grid"


def textareas(*names: str, rows: int = 3, **rows_by_name: int) -> dict[str, forms.Textarea]:
    """A model form's ``Meta.widgets`` for its longer texts: each of ``names`` a box of
    ``rows`` lines, each of ``rows_by_name`` (``notes=2``) a box of its own height."""
    heights = dict.fromkeys(names, rows) | rows_by_name
    return {name: forms.Textarea(attrs={"rows": height}) for name, height in heights.items()}


def short_text(label, *, max_length: int, **kwargs) -> forms.CharField:
    """A line a person types (a name, a question, what a scale's end means): at most
    ``max_length`` characters, no control or bidi-override characters; ``required``,
    ``help_text`` as for any field."""
    return forms.CharField(
        label=label, max_length=max_length, validators=[no_control_characters], **kwargs
    )


def long_text(label, *, rows: int = 3, **kwargs) -> forms.CharField:
    """A text of a few lines (a report, a note, a reason) in a box of ``rows`` lines;
    ``required``, ``max_length``, ``help_text``, ``validators`` as for any field."""
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def choice_list(
    label, choices, *, css: str | None = CHOICE_LIST, required: bool = False, **kwargs
) -> forms.MultipleChoiceField:
    """Several choices as check boxes (optional unless ``required=True``); ``css`` is the
    list's class (``SLOT_GRID`` for the weekly slots, None for a plain list)."""
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.CheckboxSelectMultiple(attrs={"class": css} if css else None),
        **kwargs,
    )


def _is_yes(value) -> bool:
    return value == "yes"


class YesNoField(forms.TypedChoiceField):
    """A question answered yes or no, in the words given (``yes=``, ``no=``), as radio
    buttons by default; the cleaned value is True or False."""

    def __init__(self, *, yes, no, widget=forms.RadioSelect, **kwargs):
        super().__init__(
            choices=[("yes", yes), ("no", no)], coerce=_is_yes, widget=widget, **kwargs
        )


# --- Dates with sane bounds ----------------------------------------------------------
# A date people act on is near today. 9999-12-31 or year 1 is a typo that would break
# calendars, feeds and estimates later, so every date field is bounded.


def date_bounds(*, years_back: int, years_ahead: int):
    today = timezone.localdate()
    return today - timedelta(days=round(365.25 * years_back)), today + timedelta(
        days=round(365.25 * years_ahead)
    )


def check_within_bounds(day, *, years_back: int, years_ahead: int) -> None:
    """Raise the plain-words error when ``day`` is outside the bounds (one rule for
    every bounded date and date-time field)."""
    earliest, latest = date_bounds(years_back=years_back, years_ahead=years_ahead)
    if day < earliest:
        raise forms.ValidationError(
            _("Choose a date after %(date)s."),
            code="too_early",
            params={"date": earliest.strftime("%d/%m/%Y")},
        )
    if day > latest:
        raise forms.ValidationError(
            _("Choose a date before %(date)s."),
            code="too_late",
            params={"date": latest.strftime("%d/%m/%Y")},
        )


class BoundedDateField(forms.DateField):
    """A date within ``years_back`` years before and ``years_ahead`` after today.

    Defaults suit planning (a conversation, an aftercare contact): from two years ago
    to two years ahead. Use ``years_ahead=0`` for "when did it happen" fields.
    """

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, *args, years_back: int = 2, years_ahead: int = 2, **kwargs):
        self.years_back, self.years_ahead = years_back, years_ahead
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values:
            check_within_bounds(value, years_back=self.years_back, years_ahead=self.years_ahead)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        earliest, latest = date_bounds(years_back=self.years_back, years_ahead=self.years_ahead)
        attrs.update(min=earliest.isoformat(), max=latest.isoformat())
        return attrs
