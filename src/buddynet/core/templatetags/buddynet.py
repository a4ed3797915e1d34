"""Small template helpers: form widgets with accessible markup, chart data, history."""

from __future__ import annotations

from django import forms, template
from django.utils.html import format_html_join

from buddynet.core.audit_labels import label_for
from buddynet.core.choices import LANGUAGES

register = template.Library()

CHECK_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.simple_tag
def field_widget(field) -> str:
    """Render a bound field's widget with Bootstrap classes and aria links to its help."""
    widget = field.field.widget
    classes = [widget.attrs.get("class", "")]
    if isinstance(widget, forms.CheckboxInput):
        classes.append("form-check-input")
    elif isinstance(widget, forms.Select | forms.SelectMultiple) and not isinstance(
        widget, forms.RadioSelect | forms.CheckboxSelectMultiple
    ):
        classes.append("form-select")
    elif not isinstance(widget, CHECK_WIDGETS):
        classes.append("form-control")
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        classes.append("is-invalid")
        described.append(f"{field.auto_id}_error")
    attrs = {"class": " ".join(c for c in classes if c)}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_choice_group(field) -> bool:
    """Radio buttons or check boxes: a group of inputs, asked as one question (a
    fieldset with the question as its legend)."""
    return isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


@register.filter
def input_id(field) -> str:
    """The id of the input a link to this field should land on: the field's own input,
    or the first option of a radio/check-box group (whose container is not focusable)."""
    if is_choice_group(field):
        return f"{field.auto_id}_0"
    return field.auto_id


@register.simple_tag
def data_table_rows(rows) -> str:
    return format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td></tr>", rows)


@register.filter
def language_names(codes) -> str:
    """['nl', 'ar'] → 'Dutch, Arabic' (in the page's language)."""
    names = dict(LANGUAGES)
    return ", ".join(str(names.get(code, code)) for code in codes or [])


@register.filter
def audit_label(action: str) -> str:
    return label_for(action)
