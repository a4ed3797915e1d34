"""Form rendering and form helpers shared by every app."""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from . import geo


class FormRenderer(TemplatesSetting):
    """Every form in buddynet: labels above inputs, an error summary, help linked by aria."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class PostcodeMixin:
    """A Belgian postcode, checked against the bundled municipality list; the town is
    then filled in from it, so nobody types it twice."""

    def clean_postcode(self):
        postcode = (self.cleaned_data.get("postcode") or "").strip()
        if not postcode:
            return postcode
        if not (postcode.isdigit() and len(postcode) == 4) or geo.by_postcode(postcode) is None:
            raise forms.ValidationError(
                _("%(value)s is not a Belgian postcode. Use four digits, for example 9000."),
                params={"value": postcode},
            )
        return postcode

    def town_for(self, postcode: str) -> str:
        municipality = geo.by_postcode(postcode) if postcode else None
        return municipality.name_nl if municipality else ""
