"""The shared form rendering (templates/forms/): groups of choices are fieldsets with a
legend, "(optional)" is said once, and the error summary links to each field's input."""

from __future__ import annotations

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from buddynet.core.forms import FormRenderer


class ExampleForm(forms.Form):
    default_renderer = FormRenderer

    name = forms.CharField(label="Name")
    # The volunteers' application form's label, which says "optional" itself.
    letter = forms.FileField(label=_("A CV or letter (optional)"), required=False)
    note = forms.CharField(label="Note", required=False)
    kind = forms.ChoiceField(
        label="What happened?", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    days = forms.MultipleChoiceField(
        label="Which days?",
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Pick any.",
    )


def render(data=None) -> str:
    with translation.override("en"):
        return str(ExampleForm(data))


def test_radio_and_checkbox_groups_are_fieldsets_with_their_question_as_legend():
    html = render()
    assert html.count("<fieldset") == 2
    assert '<legend class="form-label fw-semibold">What happened?</legend>' in html
    assert "<legend" in html and "Which days?" in html
    # No label pointing at the group's container (a <div>, which is never read out).
    assert 'for="id_kind"' not in html and 'for="id_days"' not in html
    assert 'aria-describedby="id_days_help"' in html  # each option carries the help


def test_optional_is_said_once():
    html = render()
    assert html.count("(optional)") == 3  # the letter (in its own label), note, days
    assert "(optional) <span" not in html
    with translation.override("nl"):
        dutch = str(ExampleForm())
    assert "Een cv of brief (niet verplicht)</label>" in dutch
    assert dutch.count("(niet verplicht)") == 3


def test_error_summary_links_to_the_first_option_of_a_group():
    html = render({"name": "", "kind": ""})
    assert 'class="alert alert-danger error-summary" role="alert" tabindex="-1"' in html
    assert 'href="#id_name"' in html
    assert 'href="#id_kind_0"' in html and 'id="id_kind_0"' in html
    assert 'aria-invalid="true"' in html
