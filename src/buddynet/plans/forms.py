"""Forms of the family plan, in plain words (families read and fill them on a phone)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from buddynet.core.forms import BoundedDateField, choice_list, textareas

from .models import FamilyPlan, PlanAction, PlanEntry, PlanReview, Section


def next_talk(label, help_text) -> BoundedDateField:
    """The date of the next talk about the plan: optional, from today to two years on."""
    return BoundedDateField(
        label=label, required=False, years_back=0, years_ahead=2, help_text=help_text
    )


class PlanForm(forms.ModelForm):
    next_review_on = next_talk(
        _("First talk about the plan"), _("Empty: after the number of months above.")
    )

    class Meta:
        model = FamilyPlan
        fields = [
            "coordinator_kind",
            "coordinator_name",
            "coordinator_contact",
            "review_every_months",
            "next_review_on",
        ]
        widgets = {"coordinator_kind": forms.RadioSelect}
        help_texts = {
            "coordinator_kind": _("Chosen together with the family."),
            "review_every_months": _("Often every 6 to 10 months; sooner when much changes."),
        }


class PlanChangeForm(PlanForm):
    next_review_on = BoundedDateField(
        label=_("Next talk about the plan"), years_back=1, years_ahead=2
    )


class EntryForm(forms.ModelForm):
    class Meta:
        model = PlanEntry
        fields = ["kind", "text", "whose_words"]
        widgets = {"kind": forms.RadioSelect, **textareas("text", rows=3)}
        labels = {"kind": _("What is it?")}
        help_texts = {"whose_words": _("For example: Mama, Youssef (12), the whole family.")}


class ActionForm(forms.ModelForm):
    household_member = forms.ChoiceField(label=_("Family member"), required=False)
    service = forms.ChoiceField(
        label=_("Service on the social map"),
        required=False,
        help_text=_("Choose it from the map, or type the organisation below."),
    )
    due_on = BoundedDateField(label=_("By when"), required=False, years_back=1, years_ahead=3)

    class Meta:
        model = PlanAction
        fields = [
            "what",
            "who",
            "household_member",
            "service",
            "who_name",
            "organisation",
            "contact",
            "due_on",
        ]
        widgets = {"who": forms.RadioSelect}
        help_texts = {
            "who_name": _("Who exactly: a name, or for example 'aunt Samira'."),
            "organisation": _("For the family coach or another service."),
            "contact": _("A phone number or an e-mail address."),
        }

    def __init__(self, *args, members=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        cast(forms.ChoiceField, self.fields["household_member"]).choices = [("", "—")] + [
            (key, f"{m.first_name} ({m.get_relation_display()})") for key, m in self.members.items()
        ]
        if not self.members:
            del self.fields["household_member"]
        self.services = {str(s.code): s for s in services}
        cast(forms.ChoiceField, self.fields["service"]).choices = [("", "—")] + [
            (key, f"{s.name}" + (f" · {s.organisation}" if s.organisation else ""))
            for key, s in self.services.items()
        ]
        if not self.services:
            del self.fields["service"]

    def clean_household_member(self):
        return self.members.get(self.cleaned_data.get("household_member") or "")

    def clean_service(self):
        return self.services.get(self.cleaned_data.get("service") or "")


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=PlanAction.Status.choices, widget=forms.RadioSelect
    )
    due_on = BoundedDateField(label=_("By when"), required=False, years_back=1, years_ahead=3)


class ReviewForm(forms.ModelForm):
    held_on = BoundedDateField(label=_("Held on"), years_back=1, years_ahead=0)
    next_review_on = next_talk(
        _("Next talk about the plan"), _("Empty: after the plan's usual number of months.")
    )

    class Meta:
        model = PlanReview
        fields = ["held_on", "who_was_there", "went_well", "changes", "next_review_on"]
        widgets = textareas("went_well", "changes", rows=3)


class ShareForm(forms.Form):
    user = forms.ChoiceField(label=_("Who"))
    role = forms.CharField(
        label=_("Who they are for the family"),
        max_length=200,
        help_text=_("For example: buddy, family coach of the OCMW, social worker."),
    )
    sections = choice_list(_("What they may see"), Section.choices, required=True)
    can_update = forms.BooleanField(
        label=_("They may also add and update these parts"), required=False
    )
    confirm = forms.BooleanField(
        label=_("The family agrees to this"),
        help_text=_("Ask the family first. They can change their mind at any time."),
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(user.code): user for user, _kind in people}
        cast(forms.ChoiceField, self.fields["user"]).choices = [
            (key, user.display_name) for key, user in self.people.items()
        ]

    def clean_user(self):
        person = self.people.get(self.cleaned_data["user"])
        if person is None:
            raise forms.ValidationError(_("Choose one of the people in the list."))
        return person


class FeedForm(forms.Form):
    source = forms.ChoiceField(label=_("What to add"), widget=forms.RadioSelect)
    kind = forms.ChoiceField(
        label=_("Add it as"),
        choices=PlanEntry.Kind.choices,
        initial=PlanEntry.Kind.GOAL,
        widget=forms.RadioSelect,
        help_text=_("A goal is always added as a goal."),
    )
    family_agrees = forms.BooleanField(
        label=_("The family agrees that this goes into their plan"), required=False
    )

    def __init__(self, *args, goals=(), notes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = {f"goal:{g.code}": ("goal", g) for g in goals}
        self.sources |= {f"note:{n.code}": ("note", n) for n in notes}
        cast(forms.ChoiceField, self.fields["source"]).choices = [
            *((f"goal:{g.code}", _("Goal: %(title)s") % {"title": g.title}) for g in goals),
            *(
                (
                    f"note:{n.code}",
                    _("Journal %(date)s: %(note)s")
                    % {"date": f"{n.on:%d/%m/%Y}", "note": n.note[:120]},
                )
                for n in notes
            ),
        ]

    def clean_source(self):
        found = self.sources.get(self.cleaned_data["source"])
        if found is None:
            raise forms.ValidationError(_("Choose one goal or one journal note."))
        return found
