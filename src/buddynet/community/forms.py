"""Forms of the community app: searching and keeping the social map, importing it,
handing someone over (with the consent and the shared fields shown), the service's
answer through its link, and transfers between projects."""

from __future__ import annotations

import csv
import io
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from buddynet.core import geo
from buddynet.core.choices import LANGUAGES
from buddynet.core.forms import BoundedDateField, choice_list, long_text
from buddynet.core.validators import no_control_characters
from buddynet.matching.forms import BoundedDateTimeField
from buddynet.matching.vocabulary import experience_choices, topic_choices

from . import search, services
from .models import Handover, Service
from .sharing import SHAREABLE, field_value

CLEAN = [no_control_characters]


def need_choices() -> list:
    """Matching's help topics, then the life situations (the codes of ``services.NEEDS``)."""
    return topic_choices() + experience_choices()


ANY = [("", _("any"))]


class MapSearchForm(forms.Form):
    """The map's filters (a GET form: a wrong value is simply ignored)."""

    need = forms.ChoiceField(label=_("Need"), required=False)
    town = forms.CharField(
        label=_("Town or postcode"), required=False, max_length=100, validators=CLEAN
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    q = forms.CharField(label=_("Name"), required=False, max_length=100, validators=CLEAN)
    stale = forms.BooleanField(label=_("Only entries to check again"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["need"]).choices = ANY + need_choices()
        cast(Any, self.fields["language"]).choices = ANY + list(LANGUAGES)
        cast(Any, self.fields["kind"]).choices = ANY + list(Service.Kind.choices)

    def clean_town(self):
        text = self.cleaned_data.get("town", "").strip()
        if text and search.town_of(text) is None:
            raise forms.ValidationError(_("We do not know this town."))
        return text

    def filters(self) -> dict:
        """The search's arguments; empty when the form is not valid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        town = search.town_of(data["town"]) if data["town"] else None
        return {
            "topics": [data["need"]] if data["need"] else [],
            "nis_code": town.nis_code if town else None,
            "languages": [data["language"]] if data["language"] else [],
            "kind": data["kind"] or None,
            "text": data["q"] or None,
        }


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name of the service"), max_length=200, validators=CLEAN)
    organisation = forms.CharField(
        label=_("Organisation"), max_length=200, required=False, validators=CLEAN
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Service.Kind.choices)
    offer = long_text(_("What they offer"), required=False, max_length=3000, validators=CLEAN)
    topics = choice_list(_("Needs they help with"), need_choices())
    for_whom = forms.CharField(
        label=_("For whom"),
        max_length=300,
        required=False,
        validators=CLEAN,
        help_text=_("For example: families with young children, people over 65."),
    )
    languages = choice_list(_("Languages"), LANGUAGES, required=True)
    municipalities = long_text(
        _("Towns they serve"),
        rows=2,
        max_length=5000,
        help_text=_("Town names or postcodes, separated by commas."),
    )
    contact_name = forms.CharField(
        label=_("Contact person"), max_length=200, required=False, validators=CLEAN
    )
    contact_email = forms.EmailField(label=_("Contact e-mail address"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    how_to_refer = long_text(_("How to refer"), required=False, max_length=3000, validators=CLEAN)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    @staticmethod
    def initial_for(service: Service) -> dict:
        initial = {key: getattr(service, key) for key in services.SERVICE_FIELDS}
        initial["municipalities"] = ", ".join(
            m.name_nl for code in service.municipalities if (m := geo.by_nis(code))
        )
        return initial

    def clean_municipalities(self):
        try:
            return services.municipalities_from_text(self.cleaned_data["municipalities"])
        except services.CommunityError as exc:
            raise forms.ValidationError(exc.message) from exc


MAX_IMPORT_BYTES = 2 * 1024 * 1024
# A spreadsheet row: the fields of a service, and the day it was last checked.
IMPORT_COLUMNS = (*services.SERVICE_FIELDS, "checked_on")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        required=False,
        help_text=_("One service per row; the first row names the columns."),
    )
    pasted = long_text(
        _("Or paste the rows"),
        rows=4,
        required=False,
        max_length=200_000,
        help_text=_("Copied from a spreadsheet, the row with the column names first."),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a CSV or an XLSX file."))
        try:
            content = upload.read()
            return _xlsx_rows(content) if name.endswith(".xlsx") else _csv_rows(content)
        except Exception as exc:  # a broken file of any kind: say so, never a 500
            raise forms.ValidationError(_("This file cannot be read.")) from exc

    def clean(self):
        data = super().clean()
        assert data is not None
        if "file" in self.errors:
            return data
        rows = data.get("file")
        if rows is None and data.get("pasted", "").strip():
            try:
                rows = _csv_rows(data["pasted"].encode())
            except Exception as exc:
                raise forms.ValidationError(_("These rows cannot be read.")) from exc
        if rows is None:
            raise forms.ValidationError(_("Choose a file or paste the rows."))
        if not rows:
            raise forms.ValidationError(_("There are no rows to import."))
        if "name" not in rows[0][1]:
            raise forms.ValidationError(_("The first row must name the columns, with 'name'."))
        data["rows"] = rows
        return data


def _rows(header, lines):
    keys = [str(h or "").strip().lower() for h in header]
    result = []
    for number, line in enumerate(lines, start=2):
        values = dict(zip(keys, line, strict=False))
        if any(str(v or "").strip() for v in values.values()):
            result.append((number, {k: v for k, v in values.items() if k in IMPORT_COLUMNS}))
    return result


def _csv_rows(content: bytes):
    text = content.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = max("\t;,", key=first.count)
    dialect = csv.excel_tab if delimiter == "\t" else csv.excel
    reader = csv.reader(io.StringIO(text), dialect, delimiter=delimiter)
    header = next(reader, [])
    return _rows(header, reader) if header else []


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, ())
    return _rows(header, lines) if header else []


class HandoverForm(forms.Form):
    """Hand a person over: what is shared (each field with its value now), why, and the
    person's consent."""

    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), to_field_name="code"
    )
    shared_fields = forms.MultipleChoiceField(
        label=_("What the service may see"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
    )
    message = long_text(
        _("What the family asks of this service"),
        required=False,
        max_length=2000,
        validators=CLEAN,
        help_text=_("Shared with the service. Write only what the family agreed to."),
    )
    joint_introduction = forms.BooleanField(
        label=_(
            "A joint introduction: the buddy and the family meet the new professional together"
        ),
        required=False,
        initial=True,
    )
    follow_up_on = BoundedDateField(label=_("Follow up on"), required=False, years_back=0)
    consent = forms.BooleanField(
        label=_("The person agrees to this hand-over and to sharing what is ticked above"),
        required=False,
    )

    def __init__(self, *args, participant, services_qs, **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["service"]).queryset = services_qs
        cast(Any, self.fields["shared_fields"]).choices = [
            (key, f"{label}: {field_value(participant, key) or '-'}")
            for key, label in SHAREABLE.items()
        ]


class AnswerForm(forms.Form):
    """The service's answer through its link."""

    action = forms.ChoiceField(choices=[(a, a) for a in services.ANSWERS], widget=forms.HiddenInput)
    when = BoundedDateTimeField(
        label=_("Date and time of a first meeting"), required=False, years_back=0
    )
    note = long_text(
        _("A note for the coordinator"), rows=2, required=False, max_length=1000, validators=CLEAN
    )
    reason = long_text(
        _("Why you decline"), rows=2, required=False, max_length=1000, validators=CLEAN
    )


class HandoverStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("How is it going?"), widget=forms.RadioSelect)
    note = long_text(
        _("Note"),
        rows=2,
        required=False,
        max_length=2000,
        validators=CLEAN,
        help_text=_("Needed when it ends: what became of it."),
    )
    follow_up_on = BoundedDateField(label=_("Follow up next on"), required=False, years_back=0)

    def __init__(self, *args, handover: Handover, **kwargs):
        super().__init__(*args, **kwargs)
        nexts = services.NEXT_STATUSES.get(handover.status, ())
        cast(Any, self.fields["status"]).choices = [
            (handover.status, handover.get_status_display())
        ] + [(s, Handover.Status(s).label) for s in nexts]
        self.fields["status"].initial = handover.status


class TransferForm(forms.Form):
    to_project: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("To the project"), queryset=None, to_field_name="code"
    )
    note = long_text(_("Why this project"), required=False, max_length=2000, validators=CLEAN)
    consent = forms.BooleanField(
        label=_("The person agrees to move to that project with their file"), required=False
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["to_project"]).queryset = targets


class TransferDecideForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Your answer"),
        choices=[("yes", _("Accept: put them on our waiting list")), ("no", _("Decline"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reason = long_text(
        _("Why you decline"), rows=2, required=False, max_length=1000, validators=CLEAN
    )
