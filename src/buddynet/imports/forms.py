from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import Kind
from .plan import COLUMNS
from .reading import MAX_BYTES


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file holds"), choices=Kind.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        help_text=_(
            "One person, trajectory or service per row; the first row names the columns. "
            "At most %(mb)s MB."
        )
        % {"mb": MAX_BYTES // 2**20},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ColumnsForm(forms.Form):
    """One choice per field: the file's column that fills it, or none."""

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in the file)")), *((h, h) for h in run.headers if h)]
        for column in COLUMNS[run.kind]:
            self.fields[column.name] = forms.ChoiceField(
                label=capfirst(str(column.label)),
                choices=choices,
                required=column.required,
                initial=run.mapping.get(column.name, ""),
            )

    def columns(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if value}
