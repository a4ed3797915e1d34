"""Forms of the impact app: the plan, the questionnaire (the participant's and the
coordinator's), and the period of the outcome pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from buddynet.core.forms import BoundedDateField, YesNoField, short_text
from buddynet.core.validators import no_control_characters

from .models import ImpactPlan, Instrument, OwnQuestion
from .periods import Period, period
from .selectors import instrument_name, item_rows
from .services import TEXT_ANSWER_MAX


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
    own_questionnaires = forms.MultipleChoiceField(
        label=_("The project's own questionnaires"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Asked at every measurement moment too, after the questionnaires above."),
    )

    def __init__(self, *args, plan: ImpactPlan | None = None, own=(), **kwargs):
        """``own``: the project's own questionnaires that still ask a question."""
        if plan is not None and "data" not in kwargs:
            kwargs.setdefault("initial", {})
            kwargs["initial"] = {
                "instruments": plan.instruments,
                "mid_after_months": plan.mid_after_months,
                "link_valid_days": plan.link_valid_days,
                "own_questionnaires": [
                    str(q.code) for q in own if q.pk in (plan.own_questionnaires or [])
                ],
            }
        super().__init__(*args, **kwargs)
        own_field = self.fields["own_questionnaires"]
        assert isinstance(own_field, forms.ChoiceField)
        own_field.choices = [(str(q.code), q.name) for q in own]
        if not own:
            del self.fields["own_questionnaires"]


def field_name(code: str, number: str) -> str:
    return f"{code}_{number}"


class DecimalCommaField(forms.DecimalField):
    """A number typed with a decimal comma or a decimal point ("7,5" or "7.5"), in a
    text box that opens the number keyboard on a phone."""

    widget = forms.TextInput

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        return attrs


def own_field(question: OwnQuestion, language: str | None = None) -> forms.Field:
    """The form field of one of the project's own questions: large radio buttons for a
    scale and yes/no, a number box within the bounds, a short line of text."""
    language = language or get_language()
    label = question.text(language)
    kind = OwnQuestion.Kind
    if question.kind == kind.SCALE:
        low, high = question.labels(language)
        names = {1: f"1 · {low}", 5: f"5 · {high}"}
        return forms.ChoiceField(
            label=label,
            choices=[(str(n), names.get(n, str(n))) for n in range(1, 6)],
            widget=forms.RadioSelect,
            required=False,
        )
    if question.kind == kind.YESNO:
        return YesNoField(label=label, yes=_("Yes"), no=_("No"), required=False)
    if question.kind == kind.NUMBER:
        number = DecimalCommaField(
            label=label,
            required=False,
            min_value=question.min_value,
            max_value=question.max_value,
            decimal_places=2,
            max_digits=11,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control q-input"}),
        )
        low = "…" if question.min_value is None else f"{question.min_value.normalize():f}"
        high = "…" if question.max_value is None else f"{question.max_value.normalize():f}"
        if question.min_value is not None or question.max_value is not None:
            number.help_text = _("A number from %(low)s to %(high)s.") % {"low": low, "high": high}
            bounds = _("Type a number from %(low)s to %(high)s.") % {"low": low, "high": high}
            number.error_messages["min_value"] = number.error_messages["max_value"] = bounds
        number.error_messages["invalid"] = _("Type a number.")
        return number
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_ANSWER_MAX,
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"class": "form-control q-input"}),
    )


def own_field_name(question: OwnQuestion) -> str:
    return f"own_{question.pk}"


class QuestionnaireForm(forms.Form):
    """One radio group per question of every questionnaire of a measurement, then the
    project's own questions (``own``). A question may be left open (the scoring knows
    what a missing answer means)."""

    def __init__(self, *args, codes: list[str], own: list[OwnQuestion] = (), **kwargs):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.groups: list[dict] = []
        self.own_questions = list(own)
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
        for question in self.own_questions:
            name = own_field_name(question)
            self.fields[name] = own_field(question)
            if not self.groups or self.groups[-1].get("own") != question.questionnaire_id:
                self.groups.append(
                    {
                        "code": "own",
                        "own": question.questionnaire_id,
                        "name": question.questionnaire.name,
                        "fields": [],
                    }
                )
            self.groups[-1]["fields"].append(name)

    def own_answers(self) -> dict[int, object]:
        """The answers to the project's own questions, by question pk (``None``: open)."""
        return {q.pk: self.cleaned_data.get(own_field_name(q)) for q in self.own_questions}

    def answers(self) -> dict[str, dict[str, str | None]]:
        result: dict[str, dict[str, str | None]] = {}
        for group in self.groups:
            code = group["code"]
            if code == "own":
                continue
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


class OwnQuestionnaireForm(forms.Form):
    name = short_text(
        _("Name"),
        max_length=100,
        help_text=_('For example "Zelfredzaamheid". Participants see it above the questions.'),
    )


class OwnQuestionForm(forms.Form):
    """One question of an own questionnaire; the fields a kind does not use are ignored."""

    text_nl = short_text(_("Question in Dutch"), max_length=300)
    text_en = short_text(_("Question in English (optional)"), max_length=300, required=False)
    kind = forms.ChoiceField(
        label=_("Kind of answer"), choices=OwnQuestion.Kind.choices, widget=forms.RadioSelect
    )
    low_nl = short_text(
        _("Scale: what 1 means (Dutch)"),
        max_length=60,
        required=False,
        help_text=_('For example "lukt niet alleen".'),
    )
    high_nl = short_text(
        _("Scale: what 5 means (Dutch)"),
        max_length=60,
        required=False,
        help_text=_('For example "lukt helemaal alleen".'),
    )
    low_en = short_text(_("Scale: what 1 means (English, optional)"), max_length=60, required=False)
    high_en = short_text(
        _("Scale: what 5 means (English, optional)"), max_length=60, required=False
    )
    min_value = forms.DecimalField(
        label=_("Number: lowest allowed (optional)"),
        required=False,
        max_digits=9,
        decimal_places=2,
    )
    max_value = forms.DecimalField(
        label=_("Number: highest allowed (optional)"),
        required=False,
        max_digits=9,
        decimal_places=2,
    )
    higher_is_better = YesNoField(
        label=_("Scale or number: is a higher answer better?"),
        yes=_("Yes, higher is better"),
        no=_("No, lower is better"),
        initial="yes",
        required=False,
    )
    position = forms.IntegerField(
        label=_("Position in the questionnaire (optional)"),
        min_value=1,
        max_value=200,
        required=False,
        help_text=_("Empty: after the last question."),
    )

    def __init__(self, *args, question: OwnQuestion | None = None, **kwargs):
        if question is not None and "data" not in kwargs:
            kwargs["initial"] = {
                name: getattr(question, name)
                for name in self.base_fields
                if hasattr(question, name)
            }
            kwargs["initial"]["higher_is_better"] = "yes" if question.higher_is_better else "no"
        super().__init__(*args, **kwargs)

    def clean_higher_is_better(self) -> bool:
        return self.cleaned_data.get("higher_is_better") is not False  # unanswered: higher
