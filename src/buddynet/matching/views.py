"""Matching pages: rankings with reasons, the global proposal with its progress, proposals
to approve or reject, introductions and the answers after them, and the anonymised help
requests buddies browse to raise their hand.

Views stay thin: the declared permission is checked by ProjectPermissionMixin, then one
selector or service is called. Every form goes through the one service-form flow
(``ProjectServiceFormView``): a broken rule or an invalid form answers 400 on the form,
with what was typed kept."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from buddynet.core.formviews import run_action
from buddynet.core.http import page_of, safe_next_url
from buddynet.core.routes import project_url
from buddynet.participants.selectors import participant_get_for_user
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import ProjectPermissionMixin, ProjectServiceFormView
from buddynet.tenancy.runs import RunProgressMixin
from buddynet.volunteers.selectors import buddy_get_for_user

from . import adapters, forms, selectors, services
from .models import HandRaise, Introduction, Proposal, ProposalRun, Side

PAGE = 50


class ManageMixin(ProjectPermissionMixin):
    permission = policy.MATCHING_MANAGE

    def home_url(self):
        return project_url("matching_home", self.project)

    def proposals_url(self):
        return project_url("matching_proposals", self.project)

    def next_url(self, default: str) -> str:
        """Where ``next=`` points, if it stays on this site (never an open redirect)."""
        candidate = self.request.POST.get("next") or self.request.GET.get("next")
        return safe_next_url(self.request, candidate, default)

    def participant(self, code):
        return participant_get_for_user(
            access=self.access, user=self.request.user, project=self.project, code=code
        )

    def buddy(self, code):
        return buddy_get_for_user(access=self.access, project=self.project, code=code)


class ManageFormView(ManageMixin, ProjectServiceFormView):
    """A coordinator's form page in matching."""


class ProposalMixin(ManageMixin):
    @cached_property
    def proposal(self) -> Proposal:
        return selectors.proposal_get(
            access=self.access, project=self.project, code=self.kwargs["code"]
        )

    def proposal_context(self, context: dict) -> dict:
        proposal = self.proposal
        context["proposal"] = proposal
        context["reasons"] = selectors.proposal_rows(
            [proposal], access=self.access, project=self.project
        )[0]["reasons"]
        return context


# --- Overview and settings -----------------------------------------------------------------


class MatchingHomeView(ManageMixin, TemplateView):
    template_name = "matching/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:100] or None
        who = self.request.GET.get("who", "participants")
        if who == "buddies":
            found = selectors.ready_buddies(access=self.access, project=self.project, query=query)
        else:
            who = "participants"
            found = selectors.waiting_for_matching(
                access=self.access, project=self.project, query=query
            )
        page = page_of(self.request, found, 20)
        settings = adapters.settings_for(self.project)
        context.update(
            figures=selectors.matching_figures(project_ids=[self.project.pk])[self.project.pk],
            runs=list(selectors.runs_for_project(access=self.access, project=self.project)[:5]),
            run_form=forms.RunStartForm(),
            network_allowed=settings.network_proposals,
            to_plan=list(selectors.approved_to_plan(project_ids=[self.project.pk])[:20]),
            introductions=list(
                selectors.introductions_for_project(
                    access=self.access, project=self.project, open_only=True
                )[:20]
            ),
            hands=list(selectors.hands_for_project(access=self.access, project=self.project)[:10]),
            page_obj=page,
            who=who,
            query=query or "",
        )
        return context


class SettingsView(ManageFormView):
    template_name = "matching/settings.html"
    form_class = forms.SettingsForm
    title = gettext_lazy("Weights and settings")
    intro = gettext_lazy(
        "How much each criterion counts, from 0 (not at all) to 10. Only the proportions "
        "matter: a score is always between 0 and 100. The hard rules (a shared language, a "
        "shared moment, the distance both accept, capacity, must-wishes, a record check when "
        "minors are involved, pairs that said no) always apply."
    )
    success_message = gettext_lazy("The matching settings were saved.")

    def get_form_kwargs(self):
        return {"instance": adapters.settings_for(self.project)}

    def perform(self, form):
        data = {name: form.cleaned_data[name] for name in services.SETTINGS_FIELDS}
        services.settings_update(project=self.project, data=data, by=self.request.user)
        return self.home_url()


# --- Rankings -----------------------------------------------------------------------------


# The CSRF input of kept HTML carries this instead of a token; each response puts the
# reader's own token in its place. Replaced with its quotes: escaped text never has one.
CSRF_SLOT = 'value="csrf-token-slot"'


class RankBuddiesView(ManageMixin, TemplateView):
    """The ranking's rows are rendered once per project version, language and date (the
    selector keeps them: ``present``), with the proposal forms' CSRF input left as a slot
    filled per response."""

    template_name = "matching/rank_buddies.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        participant = self.participant(self.kwargs["code"])

        def rows_html(ranking: selectors.Ranking) -> str:
            return render_to_string(
                "matching/_rank_buddies_rows.html",
                {
                    "project": self.project,
                    "participant": participant,
                    "ranking": ranking,
                    "feelings": forms.FEELING_CHOICES,
                    "csrf_token": "csrf-token-slot",
                },
            )

        html = selectors.ranking_for_participant(
            access=self.access,
            project=self.project,
            participant=participant,
            user=self.request.user,
            present=rows_html,
            present_as="page",
        )
        token = escape(get_token(self.request))
        context.update(
            participant=participant,
            ranking_html=mark_safe(html.replace(CSRF_SLOT, f'value="{token}"')),  # noqa: S308
        )
        return context


class RankParticipantsView(ManageMixin, TemplateView):
    template_name = "matching/rank_participants.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        buddy = self.buddy(self.kwargs["code"])
        context.update(
            buddy=buddy,
            ranking=selectors.ranking_for_buddy(
                access=self.access, project=self.project, buddy=buddy, user=self.request.user
            ),
            feelings=forms.FEELING_CHOICES,
        )
        return context


class ProfileView(ManageFormView):
    """The wishes recorded at intake for matching, and the anonymised request for buddies"""

    template_name = "matching/profile.html"
    form_class = forms.ProfileForm
    success_message = gettext_lazy("The wishes for matching were saved.")
    intro = gettext_lazy(
        "What the participant told you at intake about their buddy. A wish marked 'must' is "
        "a hard rule: a buddy who does not meet it is never proposed. A wish marked 'would "
        "like' adds to the score."
    )

    @cached_property
    def profile_participant(self):
        return self.participant(self.kwargs["code"])

    def get_form_kwargs(self):
        profile = selectors.profile_for_coordinator(
            access=self.access,
            project=self.project,
            participant=self.profile_participant,
            user=self.request.user,
        )
        return {"instance": profile}

    def get_back_url(self):
        return project_url(
            "matching_rank_buddies", self.project, code=self.profile_participant.code
        )

    def get_context_data(self, **kwargs):
        participant = self.profile_participant
        context = super().get_context_data(**kwargs)
        context.update(
            participant=participant,
            title=_("Wishes for matching: %(name)s") % {"name": participant.full_name},
            back_label=_("The best buddies for %(name)s") % {"name": participant.full_name},
            topics_from_text=[
                selectors.vocabulary.topic_label(code)
                for code in sorted(adapters.participant_needs(participant, None))
            ],
        )
        return context

    def perform(self, form):
        data = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}
        services.profile_update(
            participant=self.profile_participant, data=data, by=self.request.user
        )
        return self.get_back_url()


class ProposeView(ManageFormView):
    """Propose a pair from a ranking, with the coordinator's feeling (posted from the
    ranking pages; a refusal shows this form again with the reason)."""

    http_method_names = ["post"]
    form_class = forms.ProposeForm
    title = gettext_lazy("Propose a pair")
    submit_label = gettext_lazy("Propose")

    def get_back_url(self):
        return self.home_url()

    def perform(self, form):
        data = form.cleaned_data
        participant = self.participant(data["participant"])
        buddy = self.buddy(data["buddy"])
        hand = HandRaise.objects.filter(
            buddy=buddy, participant=participant, withdrawn_at__isnull=True
        ).exists()
        services.proposal_create(
            participant=participant,
            buddy=buddy,
            by=self.request.user,
            source=Proposal.Source.HAND if hand else Proposal.Source.RANKING,
            feeling=data["feeling"],
            feeling_note=data["feeling_note"],
        )
        messages.success(
            self.request,
            _(
                "%(buddy)s and %(participant)s are proposed. Approve the pair to plan "
                "the introduction."
            )
            % {"buddy": buddy.full_name, "participant": participant.full_name},
        )
        return self.proposals_url()


# --- Global proposal ------------------------------------------------------------------------


class RunStartView(ManageFormView):
    """Start a global proposal (posted from the overview). Asking again while one runs
    leads to the run under way."""

    http_method_names = ["post"]
    form_class = forms.RunStartForm
    title = gettext_lazy("Global proposal")
    submit_label = gettext_lazy("Start a global proposal")

    def get_back_url(self):
        return self.home_url()

    def perform(self, form):
        run = services.run_start(
            project=self.project, scope=form.cleaned_data["scope"], by=self.request.user
        )
        return project_url("matching_run", self.project, code=run.code)


class RunMixin(ManageMixin):
    @cached_property
    def run(self) -> ProposalRun:
        return selectors.run_get(access=self.access, project=self.project, code=self.kwargs["code"])


class RunView(RunMixin, TemplateView):
    template_name = "matching/run.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.run
        context["run"] = run
        if run.status == ProposalRun.Status.DONE:
            pending = selectors.proposals_for_project(
                access=self.access, project=self.project, run=run
            )
            page = page_of(self.request, pending, PAGE)
            context["page_obj"] = page
            context["rows"] = selectors.proposal_rows(
                page, access=self.access, project=self.project
            )
            context["decided"] = (
                Proposal.objects.filter(run=run, project=self.project)
                .exclude(status=Proposal.Status.PENDING)
                .count()
            )
            context["left_out"] = selectors.run_left_out(
                access=self.access, project=self.project, run=run
            )
        return context


class RunProgressView(RunMixin, RunProgressMixin, TemplateView):
    """The progress fragment the run page polls (htmx); when the run is finished, htmx is
    told to load the page with the result."""

    template_name = "matching/_run_progress.html"
    run_route = "matching_run"


# --- Proposals --------------------------------------------------------------------------------


class ProposalsView(ManageMixin, TemplateView):
    template_name = "matching/proposals.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = selectors.proposals_for_project(access=self.access, project=self.project)
        page = page_of(self.request, pending, PAGE)
        context.update(
            page_obj=page,
            rows=selectors.proposal_rows(page, access=self.access, project=self.project),
            to_plan=list(selectors.approved_to_plan(project_ids=[self.project.pk])[:50]),
        )
        return context


class ProposalApproveView(ProposalMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        proposal = self.proposal
        approved = run_action(
            request,
            lambda: services.proposal_approve(proposal=proposal, by=request.user),
            _("Approved: %(buddy)s and %(participant)s. Plan their introductory meeting.")
            % {"buddy": proposal.buddy.full_name, "participant": proposal.participant.full_name},
        )
        if not approved:
            return HttpResponseRedirect(self.next_url(self.proposals_url()))
        return redirect("matching_introduction_plan", project=self.project.code, code=proposal.code)


class ProposalsApproveView(ManageMixin, View):
    """Approve a selection of pending proposals together"""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        codes = request.POST.getlist("proposal")[:PAGE]
        pending = selectors.proposals_for_project(access=self.access, project=self.project)
        chosen = []
        for code in codes:
            try:
                chosen.append(pending.get(code=selectors._code(code)))
            except Proposal.DoesNotExist:
                continue
        if not chosen:
            messages.error(request, _("Tick the pairs you want to approve."))
        else:
            approved, refused = services.proposals_approve(proposals=chosen, by=request.user)
            if approved:
                messages.success(
                    request,
                    ngettext(
                        "%(n)d pair approved. Plan the introductory meeting.",
                        "%(n)d pairs approved. Plan their introductory meetings.",
                        len(approved),
                    )
                    % {"n": len(approved)},
                )
            for proposal, why in refused:
                messages.error(
                    request,
                    _("%(buddy)s and %(participant)s: %(why)s")
                    % {
                        "buddy": proposal.buddy.full_name,
                        "participant": proposal.participant.full_name,
                        "why": why,
                    },
                )
        return HttpResponseRedirect(self.next_url(self.proposals_url()))


class ProposalFormView(ProposalMixin, ManageFormView):
    """A form about one proposal, with the pair's reasons above it."""

    template_name = "matching/proposal_form.html"

    def get_context_data(self, **kwargs):
        return self.proposal_context(super().get_context_data(**kwargs))

    def get_subtitle(self) -> str:
        proposal = self.proposal
        return f"{proposal.buddy.full_name} & {proposal.participant.full_name}"

    def done_url(self) -> str:
        proposal = self.proposal
        if proposal.run_id:
            default = project_url("matching_run", self.project, code=proposal.run.code)
        else:
            default = self.proposals_url()
        return self.next_url(default)

    def get_back_url(self):
        return self.done_url()


class ProposalRejectView(ProposalFormView):
    form_class = forms.RejectForm
    title = gettext_lazy("Reject a proposal")
    submit_label = gettext_lazy("Reject")
    success_message = gettext_lazy("The proposal was rejected.")

    def perform(self, form):
        services.proposal_reject(
            proposal=self.proposal,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
            exclude=form.cleaned_data["exclude"],
        )
        return self.done_url()


class ProposalFeelingView(ProposalFormView):
    """The coordinator's own feeling about a pending pair, beside its score (shown on the
    proposal and when planning the introduction)."""

    form_class = forms.FeelingForm
    title = gettext_lazy("Your feeling about this pair")
    intro = gettext_lazy(
        "Your own judgement counts beside the score. It is recorded with the proposal, for "
        "the coordinators."
    )
    success_message = gettext_lazy("Your feeling about the pair was saved.")

    def get_initial(self):
        proposal = self.proposal
        return {"feeling": proposal.feeling, "feeling_note": proposal.feeling_note}

    def perform(self, form):
        services.proposal_set_feeling(
            proposal=self.proposal,
            feeling=form.cleaned_data["feeling"],
            note=form.cleaned_data["feeling_note"],
            by=self.request.user,
        )
        return self.done_url()


# --- Introductions ----------------------------------------------------------------------------


class IntroductionPlanView(ProposalMixin, ManageFormView):
    template_name = "matching/introduction_plan.html"
    form_class = forms.IntroductionForm
    success_message = gettext_lazy("The introductory meeting is planned.")

    def get(self, request, *args, **kwargs):
        existing = Introduction.objects.filter(proposal=self.proposal).first()
        if existing is not None:
            return redirect("matching_introduction", project=self.project.code, code=existing.code)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        soon = timezone.localtime() + timedelta(days=7)
        place = ""
        if self.project.town:
            place = _("the project's office, %(town)s") % {"town": self.project.town}
        return {
            "meets_at": soon.replace(hour=14, minute=0, second=0, microsecond=0),
            "place": place,
            "staff_present": self.request.user.display_name,
        }

    def get_context_data(self, **kwargs):
        return self.proposal_context(super().get_context_data(**kwargs))

    def perform(self, form):
        introduction = services.introduction_plan(
            proposal=self.proposal, by=self.request.user, **form.cleaned_data
        )
        return project_url("matching_introduction", self.project, code=introduction.code)


class IntroductionsView(ManageMixin, TemplateView):
    template_name = "matching/introductions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        qs = selectors.introductions_for_project(access=self.access, project=self.project)
        page = page_of(self.request, qs, PAGE)
        context.update(
            page_obj=page,
            to_plan=list(selectors.approved_to_plan(project_ids=[self.project.pk])[:50]),
        )
        return context


class IntroductionView(ManageFormView):
    """One introduction: the plan (editable while open), both answers for the
    coordinators, and recording the participant's answer given on this device"""

    template_name = "matching/introduction.html"
    form_class = forms.IntroductionUpdateForm
    success_message = gettext_lazy("The introduction was saved.")

    @cached_property
    def introduction(self) -> Introduction:
        return selectors.introduction_get(
            access=self.access, project=self.project, code=self.kwargs["code"]
        )

    def introduction_url(self) -> str:
        return project_url("matching_introduction", self.project, code=self.kwargs["code"])

    def get_initial(self):
        intro = self.introduction
        return {
            "meets_at": timezone.localtime(intro.meets_at),
            "place": intro.place,
            "staff_present": intro.staff_present,
            "notes": intro.notes,
            "held": intro.status == Introduction.Status.HELD,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        intro = self.introduction
        answers = selectors.answers_of(intro)
        trajectory_url = None
        if intro.trajectory is not None:
            trajectory_url = project_url(
                "trajectory_detail", self.project, code=intro.trajectory.code
            )
        context.update(
            introduction=intro,
            answers=answers,
            buddy_answer=answers.get(Side.BUDDY),
            participant_answer=answers.get(Side.PARTICIPANT),
            can_answer=services.can_answer(intro),
            # The coordinator records the buddy's answer only when the buddy has no login.
            may_record_buddy=intro.buddy.user_id is None,
            reasons=selectors.proposal_rows(
                [intro.proposal], access=self.access, project=self.project
            )[0]["reasons"],
            trajectory_url=trajectory_url,
        )
        return context

    def perform(self, form):
        services.introduction_update(
            introduction=self.introduction, data=form.cleaned_data, by=self.request.user
        )
        return self.introduction_url()


class IntroductionRecordView(IntroductionView):
    """The coordinator records an answer given on their device or told to them: the
    participant's, or the buddy's when the buddy has no login of their own. A refusal
    shows the introduction again (400) with the reason above the answer."""

    http_method_names = ["post"]
    success_message = ""

    def post(self, request, *args, **kwargs):
        intro = self.introduction
        form = forms.RecordAnswerForm(request.POST, buddy_has_login=intro.buddy.user_id is not None)
        return self.submit(form, self.record)

    def record(self, form):
        intro = services.introduction_answer(
            introduction=self.introduction,
            side=form.cleaned_data["side"],
            yes=form.cleaned_data["answer"],
            reason=form.cleaned_data["reason"],
            by=self.request.user,
            recorded_by_coordinator=True,
        )
        messages.success(self.request, _outcome_message(intro))
        return self.introduction_url()

    def form_invalid(self, form):
        context = self.get_context_data(form=self.get_form(), answer_form=form)
        return self.render_to_response(context, status=400)


def _outcome_message(intro: Introduction) -> str:
    if intro.status == Introduction.Status.ACCEPTED:
        return _("Both said yes: the trajectory has started.")
    if intro.status == Introduction.Status.DECLINED:
        return _(
            "The introduction does not lead to a match. Both are back in the pool and this "
            "pair will not be proposed again."
        )
    return _("The answer was recorded. Waiting for the other answer.")


class HandsView(ManageMixin, TemplateView):
    template_name = "matching/hands.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        qs = selectors.hands_for_project(access=self.access, project=self.project)
        context["page_obj"] = page_of(self.request, qs, PAGE)
        return context


# --- A buddy's and a participant's own pages -------------------------------------------------


class OwnBuddyMixin(ProjectPermissionMixin):
    permission = policy.MATCHING_RAISE_HAND

    @cached_property
    def own_buddy(self):
        return selectors.buddy_own(access=self.access, project=self.project, user=self.request.user)


class RequestsView(OwnBuddyMixin, TemplateView):
    template_name = "matching/requests.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        buddy = self.own_buddy
        ready = buddy.status in adapters.READY_STATUSES
        context.update(
            buddy=buddy,
            ready=ready,
            requests=selectors.anonymised_requests(
                access=self.access,
                project=self.project,
                buddy=buddy,
                language=get_language() or "nl",
            )
            if ready
            else [],
        )
        return context


class RequestView(OwnBuddyMixin, ProjectServiceFormView):
    template_name = "matching/request.html"
    form_class = forms.HandForm
    success_message = gettext_lazy(
        "Thank you! The coordinator sees your raised hand and will contact you."
    )

    @cached_property
    def hand_request(self):
        return selectors.anonymised_request_get(
            access=self.access,
            project=self.project,
            buddy=self.own_buddy,
            code=self.kwargs["code"],
            language=get_language() or "nl",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["item"], _profile = self.hand_request
        context["buddy"] = self.own_buddy
        context["ready"] = self.own_buddy.status in adapters.READY_STATUSES
        return context

    def perform(self, form):
        _item, profile = self.hand_request
        services.hand_raise(
            buddy=self.own_buddy,
            participant=profile.participant,
            by=self.request.user,
            note=form.cleaned_data["note"],
        )
        return project_url("matching_requests", self.project)


class HandWithdrawView(OwnBuddyMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        hand = selectors.own_hand_get(
            access=self.access, project=self.project, buddy=self.own_buddy, code=kwargs["code"]
        )
        services.hand_withdraw(hand=hand, by=request.user)
        messages.success(request, _("You withdrew your hand."))
        return redirect("matching_requests", project=self.project.code)


class MyIntroductionView(ProjectServiceFormView):
    """A buddy's or participant's own introduction: when and where, and their private
    answer afterwards. Never the other side's answer or reason."""

    permission = policy.MATCHING_ANSWER
    template_name = "matching/my_introduction.html"
    form_class = forms.AnswerForm
    success_message = gettext_lazy("Thank you for your answer.")

    @cached_property
    def introduction(self):
        return selectors.own_introduction_get(
            access=self.access,
            project=self.project,
            user=self.request.user,
            code=self.kwargs["code"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        intro, side = self.introduction
        mine = intro.answers.filter(side=side).first()
        context.update(
            introduction=intro,
            side=side,
            mine=mine,
            can_answer=services.can_answer(intro) and mine is None,
            other_name=intro.participant.first_name
            if side == Side.BUDDY
            else intro.buddy.first_name,
        )
        return context

    def perform(self, form):
        intro, side = self.introduction
        intro = services.introduction_answer(
            introduction=intro,
            side=side,
            yes=form.cleaned_data["answer"],
            reason=form.cleaned_data["reason"],
            by=self.request.user,
        )
        return project_url("matching_my_introduction", self.project, code=intro.code)
