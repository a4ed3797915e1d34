from django import forms

from .models import Project
from .services import EDITABLE_FIELDS


class ProjectSettingsForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = EDITABLE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
