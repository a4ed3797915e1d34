from django import forms

from buddynet.core.forms import textareas

from .models import Project
from .services import EDITABLE_FIELDS


class ProjectSettingsForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = EDITABLE_FIELDS
        widgets = textareas("description", rows=4)
