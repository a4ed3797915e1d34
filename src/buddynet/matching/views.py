"""Matching pages: rankings with reasons, the global proposal with its progress, proposals
to approve or reject, introductions and the answers after them, and the anonymised help
requests buddies browse to raise their hand.

Views stay thin: the declared permission is checked by ProjectPermissionMixin, then one
selector or service is called. Service errors become messages or form errors."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from buddynet.participants.selectors import participant_get_for_user
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import ProjectPermissionMixin
from buddynet.volunteers.selectors import buddy_get_for_user

from . import adapters, forms, selectors, services
from .models import HandRaise, Introduction, MatchingProfile, Proposal, ProposalRun, Side
from .services import MatchingError

PAGE = 50


def _error_text(exc) -> str:
    return " ".join(exc.messages) if hasattr(exc, "messages") else str(exc)


class ManageMixin(ProjectPermissionMixin):
    permission = policy.MATCHING_MANAGE

    def home_url(self):
        return reverse("matching_home", kwargs={"project": self.project.code})

    def participant(self, code):
        return participant_get_for_user(
            access=self.access, user=self.request.user, project=self.project, code=code
        )

    def buddy(self, code):
        return buddy_get_for_user(access=self.access, project=self.project, code=code)


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
        page = Paginator(found, 20).get_page(self.request.GET.get("page"))
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


class SettingsView(ManageMixin, FormView):
    template_name = "matching/settings.html"
    form_class = forms.SettingsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": adapters.settings_for(self.project)}

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in services.SETTINGS_FIELDS}
        try:
            services.settings_update(project=self.project, data=data, by=self.request.user)
        except MatchingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The matching settings were saved."))
        return redirect(self.home_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- Rankings -----------------------------------------------------------------------------


class RankBuddiesView(ManageMixin, TemplateView):
    template_name = "matching/rank_buddies.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        participant = self.participant(self.kwargs["code"])
        participant.log_action("participant.viewed", user=self.request.user)
        context.update(
            participant=participant,
            ranking=selectors.ranking_for_participant(
                access=self.access, project=self.project, participant=participant
            ),
            feelings=forms.FEELING_CHOICES,
        )
        return context


class RankParticipantsView(ManageMixin, TemplateView):
    template_name = "matching/rank_participants.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        buddy = self.buddy(self.kwargs["code"])
        buddy.log_action("buddy.viewed", user=self.request.user)
        context.update(
            buddy=buddy,
            ranking=selectors.ranking_for_buddy(
                access=self.access, project=self.project, buddy=buddy
            ),
            feelings=forms.FEELING_CHOICES,
        )
        return context


class ProfileView(ManageMixin, FormView):
    """The wishes recorded at intake for matching, and the anonymised request for buddies"""

    template_name = "matching/profile.html"
    form_class = forms.ProfileForm

    def get_participant(self):
        if not hasattr(self, "_participant"):
            self._participant = self.participant(self.kwargs["code"])
        return self._participant

    def get_form_kwargs(self):
        participant = self.get_participant()
        profile = MatchingProfile.objects.filter(participant=participant).first()
        if profile is None:  # not saved until the form is
            profile = MatchingProfile(participant=participant, project_id=participant.project_id)
        return {**super().get_form_kwargs(), "instance": profile}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        participant = self.get_participant()
        context["participant"] = participant
        context["topics_from_text"] = [
            selectors.vocabulary.topic_label(code)
            for code in sorted(adapters.participant_needs(participant, None))
        ]
        return context

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}
        try:
            services.profile_update(
                participant=self.get_participant(), data=data, by=self.request.user
            )
        except MatchingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The wishes for matching were saved."))
        return redirect(
            "matching_rank_buddies", project=self.project.code, code=self.get_participant().code
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProposeView(ManageMixin, View):
    """Propose a pair from a ranking, with the coordinator's feeling"""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = forms.ProposeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a buddy and a participant."))
            return redirect(self.home_url())
        data = form.cleaned_data
        participant = self.participant(data["participant"])
        buddy = self.buddy(data["buddy"])
        hand = HandRaise.objects.filter(
            buddy=buddy, participant=participant, withdrawn_at__isnull=True
        ).exists()
        try:
            services.proposal_create(
                participant=participant,
                buddy=buddy,
                by=request.user,
                source=Proposal.Source.HAND if hand else Proposal.Source.RANKING,
                feeling=data["feeling"],
                feeling_note=data["feeling_note"],
            )
        except MatchingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _(
                    "%(buddy)s and %(participant)s are proposed. Approve the pair to plan "
                    "the introduction."
                )
                % {"buddy": buddy.full_name, "participant": participant.full_name},
            )
        return redirect("matching_proposals", project=self.project.code)


# --- Global proposal ------------------------------------------------------------------------


class RunStartView(ManageMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = forms.RunStartForm(request.POST)
        scope = form.cleaned_data["scope"] if form.is_valid() else ProposalRun.Scope.PROJECT
        try:
            run = services.run_start(project=self.project, scope=scope, by=request.user)
        except MatchingError as exc:
            messages.error(request, str(exc))
            return redirect(self.home_url())
        return redirect("matching_run", project=self.project.code, code=run.code)


class RunMixin(ManageMixin):
    def get_run(self) -> ProposalRun:
        if not hasattr(self, "_run"):
            self._run = selectors.run_get(
                access=self.access, project=self.project, code=self.kwargs["code"]
            )
        return self._run


class RunView(RunMixin, TemplateView):
    template_name = "matching/run.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.get_run()
        context["run"] = run
        if run.status == ProposalRun.Status.DONE:
            pending = selectors.proposals_for_project(
                access=self.access, project=self.project, run=run
            )
            page = Paginator(pending, PAGE).get_page(self.request.GET.get("page"))
            context["page_obj"] = page
            context["rows"] = selectors.proposal_rows(
                page, access=self.access, project=self.project
            )
            context["decided"] = (
                Proposal.objects.filter(run=run, project=self.project)
                .exclude(status=Proposal.Status.PENDING)
                .count()
            )
        return context


class RunProgressView(RunMixin, TemplateView):
    """The progress fragment the run page polls (htmx); when the run is finished, htmx is
    told to load the page with the result."""

    template_name = "matching/_run_progress.html"

    def get(self, request, *args, **kwargs):
        run = self.get_run()
        response = self.render_to_response(self.get_context_data(run=run))
        if run.finished:
            response["HX-Redirect"] = reverse(
                "matching_run", kwargs={"project": self.project.code, "code": run.code}
            )
        return response


# --- Proposals --------------------------------------------------------------------------------


class ProposalsView(ManageMixin, TemplateView):
    template_name = "matching/proposals.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = selectors.proposals_for_project(access=self.access, project=self.project)
        page = Paginator(pending, PAGE).get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page,
            rows=selectors.proposal_rows(page, access=self.access, project=self.project),
            to_plan=list(selectors.approved_to_plan(project_ids=[self.project.pk])[:50]),
        )
        return context


class ProposalApproveView(ManageMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        proposal = selectors.proposal_get(
            access=self.access, project=self.project, code=kwargs["code"]
        )
        try:
            services.proposal_approve(proposal=proposal, by=request.user)
        except MatchingError as exc:
            messages.error(request, str(exc))
            return redirect(
                request.POST.get("next")
                or reverse("matching_proposals", kwargs={"project": self.project.code})
            )
        messages.success(
            request,
            _("Approved: %(buddy)s and %(participant)s. Plan their introductory meeting.")
            % {"buddy": proposal.buddy.full_name, "participant": proposal.participant.full_name},
        )
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
        return redirect(
            request.POST.get("next")
            or reverse("matching_proposals", kwargs={"project": self.project.code})
        )


class ProposalRejectView(ManageMixin, FormView):
    template_name = "matching/reject.html"
    form_class = forms.RejectForm

    def get_proposal(self):
        if not hasattr(self, "_proposal"):
            self._proposal = selectors.proposal_get(
                access=self.access, project=self.project, code=self.kwargs["code"]
            )
        return self._proposal

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal = self.get_proposal()
        context["proposal"] = proposal
        context["reasons"] = selectors.proposal_rows(
            [proposal], access=self.access, project=self.project
        )[0]["reasons"]
        return context

    def form_valid(self, form):
        proposal = self.get_proposal()
        try:
            services.proposal_reject(
                proposal=proposal,
                by=self.request.user,
                reason=form.cleaned_data["reason"],
                exclude=form.cleaned_data["exclude"],
            )
        except MatchingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The proposal was rejected."))
        if proposal.run_id:
            return redirect("matching_run", project=self.project.code, code=proposal.run.code)
        return redirect("matching_proposals", project=self.project.code)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- Introductions ----------------------------------------------------------------------------


class IntroductionPlanView(ManageMixin, FormView):
    template_name = "matching/introduction_plan.html"
    form_class = forms.IntroductionForm

    def get_proposal(self):
        if not hasattr(self, "_proposal"):
            self._proposal = selectors.proposal_get(
                access=self.access, project=self.project, code=self.kwargs["code"]
            )
        return self._proposal

    def get(self, request, *args, **kwargs):
        proposal = self.get_proposal()
        existing = Introduction.objects.filter(proposal=proposal).first()
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
        context = super().get_context_data(**kwargs)
        proposal = self.get_proposal()
        context["proposal"] = proposal
        context["reasons"] = selectors.proposal_rows(
            [proposal], access=self.access, project=self.project
        )[0]["reasons"]
        return context

    def form_valid(self, form):
        try:
            introduction = services.introduction_plan(
                proposal=self.get_proposal(), by=self.request.user, **form.cleaned_data
            )
        except MatchingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The introductory meeting is planned."))
        return redirect("matching_introduction", project=self.project.code, code=introduction.code)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class IntroductionsView(ManageMixin, TemplateView):
    template_name = "matching/introductions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        qs = selectors.introductions_for_project(access=self.access, project=self.project)
        page = Paginator(qs, PAGE).get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page,
            to_plan=list(selectors.approved_to_plan(project_ids=[self.project.pk])[:50]),
        )
        return context


class IntroductionView(ManageMixin, FormView):
    """One introduction: the plan (editable while open), both answers for the
    coordinators, and recording the participant's answer given on this device"""

    template_name = "matching/introduction.html"
    form_class = forms.IntroductionUpdateForm

    def get_introduction(self) -> Introduction:
        if not hasattr(self, "_introduction"):
            self._introduction = selectors.introduction_get(
                access=self.access, project=self.project, code=self.kwargs["code"]
            )
        return self._introduction

    def get_initial(self):
        intro = self.get_introduction()
        return {
            "meets_at": timezone.localtime(intro.meets_at),
            "place": intro.place,
            "staff_present": intro.staff_present,
            "notes": intro.notes,
            "held": intro.status == Introduction.Status.HELD,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        intro = self.get_introduction()
        answers = selectors.answers_of(intro)
        context.update(
            introduction=intro,
            answers=answers,
            buddy_answer=answers.get(Side.BUDDY),
            participant_answer=answers.get(Side.PARTICIPANT),
            can_answer=services.can_answer(intro),
            answer_form=kwargs.get("answer_form") or forms.AnswerForm(),
            # The coordinator records the buddy's answer only when the buddy has no login.
            may_record_buddy=intro.buddy.user_id is None,
            reasons=selectors.proposal_rows(
                [intro.proposal], access=self.access, project=self.project
            )[0]["reasons"],
            trajectory_url=_trajectory_url(self.project, intro.trajectory),
        )
        return context

    def form_valid(self, form):
        try:
            services.introduction_update(
                introduction=self.get_introduction(), data=form.cleaned_data, by=self.request.user
            )
        except MatchingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The introduction was saved."))
        return redirect(
            "matching_introduction", project=self.project.code, code=self.kwargs["code"]
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class IntroductionRecordView(ManageMixin, View):
    """The coordinator records an answer given on their device or told to them: the
    participant's, or the buddy's when the buddy has no login of their own."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        intro = selectors.introduction_get(
            access=self.access, project=self.project, code=kwargs["code"]
        )
        side = request.POST.get("side", Side.PARTICIPANT)
        form = forms.AnswerForm(request.POST)
        back = redirect("matching_introduction", project=self.project.code, code=intro.code)
        if side not in Side.values or (side == Side.BUDDY and intro.buddy.user_id is not None):
            messages.error(request, _("The buddy answers on their own page."))
            return back
        if not form.is_valid():
            messages.error(request, _("Choose yes or no."))
            return back
        try:
            intro = services.introduction_answer(
                introduction=intro,
                side=side,
                yes=form.cleaned_data["answer"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                recorded_by_coordinator=True,
            )
        except MatchingError as exc:
            messages.error(request, str(exc))
            return back
        messages.success(request, _outcome_message(intro))
        return back


def _trajectory_url(project, trajectory) -> str | None:
    """The trajectory's page, where the trajectories app has one"""
    if trajectory is None:
        return None
    try:
        return reverse(
            "trajectory_detail", kwargs={"project": project.code, "code": trajectory.code}
        )
    except NoReverseMatch:
        return None


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
        context["page_obj"] = Paginator(qs, PAGE).get_page(self.request.GET.get("page"))
        return context


# --- A buddy's and a participant's own pages -------------------------------------------------


class OwnBuddyMixin(ProjectPermissionMixin):
    permission = policy.MATCHING_RAISE_HAND

    def get_buddy(self):
        if not hasattr(self, "_buddy"):
            self._buddy = selectors.buddy_own(
                access=self.access, project=self.project, user=self.request.user
            )
        return self._buddy


class RequestsView(OwnBuddyMixin, TemplateView):
    template_name = "matching/requests.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        buddy = self.get_buddy()
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


class RequestView(OwnBuddyMixin, FormView):
    template_name = "matching/request.html"
    form_class = forms.HandForm

    def get_request(self):
        if not hasattr(self, "_request"):
            self._request = selectors.anonymised_request_get(
                access=self.access,
                project=self.project,
                buddy=self.get_buddy(),
                code=self.kwargs["code"],
                language=get_language() or "nl",
            )
        return self._request

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["item"], _profile = self.get_request()
        context["buddy"] = self.get_buddy()
        context["ready"] = self.get_buddy().status in adapters.READY_STATUSES
        return context

    def form_valid(self, form):
        _item, profile = self.get_request()
        try:
            services.hand_raise(
                buddy=self.get_buddy(),
                participant=profile.participant,
                by=self.request.user,
                note=form.cleaned_data["note"],
            )
        except MatchingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Thank you! The coordinator sees your raised hand and will contact you."),
        )
        return redirect("matching_requests", project=self.project.code)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class HandWithdrawView(OwnBuddyMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        hand = selectors.own_hand_get(
            access=self.access, project=self.project, buddy=self.get_buddy(), code=kwargs["code"]
        )
        try:
            services.hand_withdraw(hand=hand, by=request.user)
        except MatchingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("You withdrew your hand."))
        return redirect("matching_requests", project=self.project.code)


class MyIntroductionView(ProjectPermissionMixin, FormView):
    """A buddy's or participant's own introduction: when and where, and their private
    answer afterwards. Never the other side's answer or reason."""

    permission = policy.MATCHING_ANSWER
    template_name = "matching/my_introduction.html"
    form_class = forms.AnswerForm

    def get_introduction(self):
        if not hasattr(self, "_intro"):
            self._intro = selectors.own_introduction_get(
                access=self.access,
                project=self.project,
                user=self.request.user,
                code=self.kwargs["code"],
            )
        return self._intro

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        intro, side = self.get_introduction()
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

    def form_valid(self, form):
        intro, side = self.get_introduction()
        try:
            intro = services.introduction_answer(
                introduction=intro,
                side=side,
                yes=form.cleaned_data["answer"],
                reason=form.cleaned_data["reason"],
                by=self.request.user,
            )
        except MatchingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you for your answer."))
        return redirect("matching_my_introduction", project=self.project.code, code=intro.code)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
