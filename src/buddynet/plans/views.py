"""Pages of the family plan: the coordinator's list and forms, the plan page that the
family reads on a phone (and prints as a PDF), and the forms of the helpers the family
lets in. Views stay thin: the declared permission, one selector (``plan_for_user``
decides who sees which part and writes "viewed") or one service."""

from __future__ import annotations

from typing import Any

from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from buddynet.community import selectors as community_selectors
from buddynet.core import clock
from buddynet.core.formviews import run_action
from buddynet.core.http import pdf_response
from buddynet.core.routes import project_url
from buddynet.participants import consent
from buddynet.participants.selectors import participant_get_for_user
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import ProjectPermissionMixin, ProjectServiceFormView

from . import forms, selectors, services
from .models import PlanEntry, Section

ANYONE = (policy.PLANS_MANAGE, policy.PLANS_TAKE_PART)
MAP_CHOICES = 300  # services of the social map offered for an action


def plan_url(plan, name: str = "plans_detail", **kwargs) -> str:
    return project_url(name, plan.project, code=plan.code, **kwargs)


class ManageMixin(ProjectPermissionMixin):
    permission: Any = policy.PLANS_MANAGE


class PlanMixin(ProjectPermissionMixin):
    """A page about one plan (``code``), as this person may see it."""

    permission: Any = ANYONE
    section: str | None = None  # the part a form page changes (403 without the right)

    @cached_property
    def sight(self) -> selectors.PlanSight:
        return selectors.plan_for_user(**self.object_lookup(), viewed_by=self.reader)

    def check_section(self) -> None:
        if self.section is not None:
            selectors.require_update(self.sight, self.section)

    def get_back_url(self) -> str:
        return plan_url(self.sight.plan)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sight"] = self.sight
        context["plan"] = self.sight.plan
        context["back_label"] = _("Back to the plan")
        context["today"] = clock.today()
        return context


class PlanFormView(PlanMixin, ProjectServiceFormView):
    def get(self, request, *args, **kwargs):
        self.check_section()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_section()
        return super().post(request, *args, **kwargs)


class PlanManageFormView(PlanFormView):
    """A coordinator's form about the whole plan (who coordinates it, who sees what):
    for one who may change some part of it (403 otherwise)."""

    permission = policy.PLANS_MANAGE

    def check_section(self) -> None:
        if not self.sight.updates:
            selectors.require_update(self.sight, Section.WORDS)


# --- The coordinator's list and the making of a plan ----------------------------------


class PlanListView(ManageMixin, TemplateView):
    template_name = "plans/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plans"] = selectors.plans_of_project(project=self.project)
        context["waiting"] = selectors.agreed_without_plan(project=self.project)
        context["today"] = clock.today()
        return context


class PlanMakeView(ManageMixin, ProjectServiceFormView):
    form_class = forms.PlanForm
    title = _("Make a family plan")
    intro = _(
        "One family, one plan: the family owns it. Choose together who coordinates it, "
        "and how often you talk about it together."
    )
    submit_label = _("Make the plan")
    success_message = _("The plan was made. Add what goes well, the worries and the goals.")

    @cached_property
    def participant(self):
        return participant_get_for_user(**self.object_lookup())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Family plan of %(name)s") % {"name": self.participant.full_name}
        return context

    def get_back_url(self) -> str:
        return project_url("plans_list", self.project)

    def perform(self, form) -> str:
        plan = services.plan_make(
            participant=self.participant, by=self.request.user, data=form.cleaned_data
        )
        return plan_url(plan)


# --- The plan ------------------------------------------------------------------------


class PlanView(PlanMixin, TemplateView):
    template_name = "plans/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sight = self.sight
        context.update(selectors.contents(sight))
        context["entry_kinds"] = [
            (value, label, context["entries"].get(value, []))
            for value, label in PlanEntry.Kind.choices
        ]
        if sight.manages:
            context["shares"] = selectors.shares(sight.plan)
            context["consent_purpose"] = consent.BY_KEY[consent.FAMILY_PLAN]
        feed = selectors.feed_candidates(sight=sight, access=self.access, user=self.request.user)
        context["can_feed"] = bool(feed.goals or feed.notes)
        return context


class PlanPdfView(PlanMixin, View):
    """The plan as a printable PDF, only the parts this person sees."""

    def get(self, request, *args, **kwargs):
        sight = self.sight
        data = selectors.contents(sight)
        sight.plan.log_action("plans.pdf_downloaded", user=request.user)
        return pdf_response(
            "plans/pdf/plan.html",
            {
                "project": self.project,
                "plan": sight.plan,
                "sight": sight,
                "today": clock.today(),
                "entry_kinds": [
                    (label, data["entries"].get(value, []))
                    for value, label in PlanEntry.Kind.choices
                ],
                **data,
            },
            "family-plan.pdf",
        )


class PlanChangeView(PlanManageFormView):
    form_class = forms.PlanChangeForm
    title = _("Coordinator and talks")
    success_message = _("The plan was saved.")

    def get_form_kwargs(self) -> dict:
        return {"instance": self.sight.plan}

    def perform(self, form) -> str:
        plan = services.plan_change(
            plan=self.sight.plan, by=self.request.user, data=form.cleaned_data
        )
        return plan_url(plan)


class EntryAddView(PlanFormView):
    section = Section.WORDS
    form_class = forms.EntryForm
    title = _("Add to the plan")
    intro = _("Write it the way the family says it.")
    submit_label = _("Add")
    success_message = _("Added to the plan.")

    def perform(self, form) -> str:
        services.entry_add(plan=self.sight.plan, by=self.request.user, **form.cleaned_data)
        return plan_url(self.sight.plan)


class ActionAddView(PlanFormView):
    section = Section.ACTIONS
    form_class = forms.ActionForm
    title = _("Who does what, by when")
    submit_label = _("Add the action")
    success_message = _("The action was added.")

    def get_form_kwargs(self) -> dict:
        return {
            "members": list(self.sight.plan.participant.household_members.all()),
            "services": list(
                community_selectors.map_search(project=self.project).order_by("kind", "name")[
                    :MAP_CHOICES
                ]
            ),
        }

    def perform(self, form) -> str:
        services.action_add(plan=self.sight.plan, by=self.request.user, data=form.cleaned_data)
        return plan_url(self.sight.plan) + "#actions"


class ActionView(PlanFormView):
    section = Section.ACTIONS
    form_class = forms.ActionUpdateForm
    template_name = "plans/action.html"
    submit_label = _("Save")
    success_message = _("The action was saved.")

    @cached_property
    def action(self):
        return selectors.action_get(sight=self.sight, code=self.kwargs["action"])

    @property
    def title(self):
        return self.action.what

    def get_initial(self) -> dict:
        return {"status": self.action.status, "due_on": self.action.due_on}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action"] = self.action
        return context

    def perform(self, form) -> str:
        services.action_update(action=self.action, by=self.request.user, **form.cleaned_data)
        return plan_url(self.sight.plan) + "#actions"


class ReviewAddView(PlanFormView):
    section = Section.REVIEWS
    form_class = forms.ReviewForm
    title = _("Talk about the plan together")
    intro = _("What went well, what changes, and when you talk again.")
    submit_label = _("Record the talk")
    success_message = _("The talk was recorded.")

    def perform(self, form) -> str:
        services.review_record(plan=self.sight.plan, by=self.request.user, data=form.cleaned_data)
        return plan_url(self.sight.plan) + "#reviews"


class FeedView(PlanFormView):
    section = Section.WORDS
    form_class = forms.FeedForm
    title = _("Add from the buddy's journal or goals")
    intro = _(
        "A copy goes into the plan, with a link to where it came from. Only when the family agrees."
    )
    submit_label = _("Add to the plan")
    success_message = _("Added to the plan.")

    @cached_property
    def candidates(self):
        return selectors.feed_candidates(
            sight=self.sight, access=self.access, user=self.request.user
        )

    def get_form_kwargs(self) -> dict:
        return {"goals": self.candidates.goals, "notes": self.candidates.notes}

    def perform(self, form) -> str:
        kind, source = form.cleaned_data["source"]
        services.plan_feed(
            plan=self.sight.plan,
            by=self.request.user,
            family_agrees=form.cleaned_data["family_agrees"],
            goal=source if kind == "goal" else None,
            journal=source if kind == "note" else None,
            kind=form.cleaned_data["kind"],
        )
        return plan_url(self.sight.plan)


class ShareView(PlanManageFormView):
    """Who sees which part: the family's consent per helper (the coordinator records it)."""

    form_class = forms.ShareForm
    template_name = "plans/shares.html"
    title = _("Who sees what")
    intro = _(
        "The family decides which helper sees which part of the plan. When the family "
        "withdraws consent, every helper loses access at once."
    )
    submit_label = _("Allow")
    success_message = _("Saved: this helper now sees the parts you chose.")

    def get_form_kwargs(self) -> dict:
        return {"people": selectors.helpers_around(self.sight.plan)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["shares"] = selectors.shares(self.sight.plan)
        return context

    def perform(self, form) -> str:
        data = form.cleaned_data
        services.share_set(
            plan=self.sight.plan,
            by=self.request.user,
            user=data["user"],
            role=data["role"],
            sections=data["sections"],
            can_update=data["can_update"],
        )
        return plan_url(self.sight.plan, "plans_shares")


class ShareEndView(PlanMixin, View):
    permission = policy.PLANS_MANAGE

    def post(self, request, *args, **kwargs):
        share = selectors.share_get(plan=self.sight.plan, code=kwargs["share"])
        run_action(
            request,
            lambda: services.share_end(share=share, by=request.user),
            _("This helper no longer sees the plan."),
        )
        return redirect(plan_url(self.sight.plan, "plans_shares"))
