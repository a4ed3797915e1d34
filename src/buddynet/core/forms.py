from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form in buddynet: labels above inputs, an error summary, help linked by aria."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
