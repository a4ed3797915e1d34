"""Forms of the impact app: the plan, the questionnaire (the participant's and the
coordinator's), and the period of the outcome pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from buddynet.core.forms import BoundedDateField

from .models import ImpactPlan, Instrument
from .periods import Period, period
from .selectors import instrument_name, item_rows


class PlanForm(forms.Form):
    instruments = forms.MultipleChoiceField(
        label=_("Questionnaires"),
        choices=Instrument.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The 6-item or the 11-item loneliness scale, and/or WHO-5."),
    )
    mid_after_months = forms.IntegerField(
        label=_("Mid-point measurement after (months)"), min_value=1, max_value=24
    )
    link_valid_days = forms.IntegerField(
        label=_("A personal link stays valid for (days)"), min_value=1, max_value=60
    )

    def __init__(self, *args, plan: ImpactPlan | None = None, **kwargs):
        if plan is not None and "data" not in kwargs:
            kwargs.setdefault("initial", {})
            kwargs["initial"] = {
                "instruments": plan.instruments,
                "mid_after_months": plan.mid_after_months,
                "link_valid_days": plan.link_valid_days,
            }
        super().__init__(*args, **kwargs)


def field_name(code: str, number: str) -> str:
    return f"{code}_{number}"


class QuestionnaireForm(forms.Form):
    """One radio group per question of every questionnaire of a measurement. A question
    may be left open (the scoring knows what a missing answer means)."""

    def __init__(self, *args, codes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.groups: list[dict] = []
        for code in codes:
            names = []
            for item in item_rows(code):
                name = field_name(code, item["number"])
                self.fields[name] = forms.ChoiceField(
                    label=item["text"],
                    choices=[(str(value), label) for value, label in item["choices"]],
                    widget=forms.RadioSelect,
                    required=False,
                )
                names.append(name)
            self.groups.append({"code": code, "name": instrument_name(code), "fields": names})

    def answers(self) -> dict[str, dict[str, str | None]]:
        result: dict[str, dict[str, str | None]] = {}
        for group in self.groups:
            code = group["code"]
            result[code] = {
                name.split("_", 1)[1]: (self.cleaned_data.get(name) or None)
                for name in group["fields"]
            }
        return result

    def bound_groups(self):
        return [
            {**group, "bound": [self[name] for name in group["fields"]]} for group in self.groups
        ]


class PeriodForm(forms.Form):
    date_from = BoundedDateField(label=_("From"), years_back=10, years_ahead=0)
    date_to = BoundedDateField(label=_("To"), years_back=10, years_ahead=1)

    def period(self) -> Period:
        """The period asked for (``periods.period``); typing that cannot be read counts
        as not given."""
        if not self.is_valid():
            return period()
        return period(self.cleaned_data["date_from"], self.cleaned_data["date_to"])

    def __init__(self, data=None, **kwargs):
        super().__init__(data or None, **kwargs)
        for field in self.fields.values():
            field.required = False
