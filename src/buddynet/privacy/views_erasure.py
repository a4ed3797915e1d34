"""Erasing a person (GDPR art. 17) from their file: the dry run — what will change and
what is kept, and why — with the confirmation below it; the POST erases. For the
project's coordinators (``policy.PRIVACY_ERASE``); another project's person is a 404.
Erasing again changes nothing and leads to the same page."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from buddynet.participants.selectors import participant_get_for_user
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import ProjectServiceFormView
from buddynet.volunteers.selectors import buddy_get_for_user

from . import erasure


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this person erased?"),
        max_length=300,
        help_text=_(
            "For the audit log, e.g. “asked for erasure on 2 March”. Do not name the person."
        ),
    )
    understood = forms.BooleanField(
        label=_("I understand that erasing cannot be undone."), required=True
    )


class EraseView(ProjectServiceFormView):
    """GET: the dry run and the form. POST: erase, back to the person's file."""

    permission = policy.PRIVACY_ERASE
    form_class = EraseForm
    template_name = "privacy/erase.html"
    title = _("Erase this person")
    submit_label = _("Erase for good")
    success_message = _("The person was erased. What identified them is gone.")
    detail = ""

    def person(self):
        raise NotImplementedError

    @cached_property
    def target(self):
        return self.person()

    def get_back_url(self) -> str:
        return reverse(self.detail, kwargs=self.kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["person"] = self.target
        context["plan"] = erasure.plan_erasure(self.target)
        return context

    def perform(self, form) -> str:
        erasure.erase_person(self.target, by=self.request.user, reason=form.cleaned_data["reason"])
        return self.get_back_url()


class ParticipantEraseView(EraseView):
    detail = "participant_detail"

    def person(self):
        return participant_get_for_user(**self.object_lookup())


class BuddyEraseView(EraseView):
    detail = "buddy_detail"

    def person(self):
        return buddy_get_for_user(
            access=self.access, project=self.project, code=self.kwargs["code"]
        )
