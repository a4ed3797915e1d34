"""Follow-up pages: the coordinator's list and cadence, recording a conversation,
boundary signals with aftercare, closure with exit conversations, the calendar feed.

Views stay thin: the declared permission (ProjectPermissionMixin), one selector or
service. Every form goes through ``ProjectServiceFormView``: a broken rule shows on
the form with what was typed kept (400).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from buddynet.core.exports import Column, ExportMixin, file_response
from buddynet.core.formviews import run_action
from buddynet.core.routes import project_url
from buddynet.tenancy import policy
from buddynet.tenancy.access import access_for_user, get_access
from buddynet.tenancy.mixins import ProjectPermissionMixin, ProjectServiceFormView
from buddynet.trajectories.models import Trajectory
from buddynet.trajectories.selectors import pair_name_for

from . import clock, forms, ical, selectors, series, services, signal_actions
from .models import CalendarFeed, Closure, ExitConversation, Signal

SIGNALS_ANY = (policy.SIGNALS_RAISE, policy.SIGNALS_HANDLE)


def trajectory_url(trajectory) -> str:
    """The trajectory's page (owned by the trajectories app)."""
    return project_url("trajectory_detail", trajectory.project, code=trajectory.code)


def pair_label(trajectory, *, user, coordinator: bool) -> str:
    """The pair as this viewer may name it (the buddy sees the participant's first name:
    the one rule is ``trajectories.selectors.pair_name_for``)."""
    return pair_name_for(trajectory=trajectory, user=user, coordinator=coordinator)


class TrajectoryMixin(ProjectPermissionMixin):
    @cached_property
    def trajectory(self) -> Trajectory:
        return selectors.trajectory_get_for_user(**self.object_lookup())

    def get_back_url(self) -> str:
        return trajectory_url(self.trajectory)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        trajectory = self.trajectory
        context["trajectory"] = trajectory
        context["trajectory_url"] = trajectory_url(trajectory)
        coordinator = self.can(policy.FOLLOWUP_MANAGE) or self.can(policy.SIGNALS_HANDLE)
        context.setdefault(
            "back_label", pair_label(trajectory, user=self.request.user, coordinator=coordinator)
        )
        return context


# --- Follow-up ------------------------------------------------------------------------


class FollowUpListView(ProjectPermissionMixin, ExportMixin, TemplateView):
    permission = policy.FOLLOWUP_MANAGE
    template_name = "followup/followup_list.html"
    states = ("overdue", "due", "")
    export_list = "followups"
    export_title = gettext_lazy("Follow-up")

    def get_state(self) -> str:
        state = self.request.GET.get("state", "")
        return state if state in self.states else ""

    def export_rows(self):
        return selectors.followups_export(project=self.project, state=self.get_state() or None)

    def export_columns(self) -> list[Column]:
        def status(row) -> str:
            if row.state == "overdue":
                return ngettext(
                    "%(days)s day overdue", "%(days)s days overdue", row.days_overdue
                ) % {"days": row.days_overdue}
            return _("due today") if row.state == "due" else _("planned")

        return [
            Column(gettext_lazy("When"), lambda r: r.item.due_at),
            Column(gettext_lazy("Buddy"), lambda r: r.item.trajectory.buddy.full_name),
            Column(gettext_lazy("Participant"), lambda r: r.item.trajectory.participant.full_name),
            Column(gettext_lazy("Conversation"), lambda r: r.item.get_kind_display()),
            Column(gettext_lazy("With"), lambda r: r.item.get_with_whom_display()),
            Column(gettext_lazy("Status"), status),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = self.get_state()
        today = clock.today()
        page, rows = selectors.followups_page(
            project=self.project,
            page_number=self.request.GET.get("page"),
            today=today,
            state=state or None,
        )
        inactive = selectors.inactive_trajectories(
            project_ids=[self.project.pk], today=today, limit=selectors.QUIET_SHOWN + 1
        )
        context.update(
            today=today,
            state=state,
            rows=rows,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            page_params=f"state={state}&" if state else "",
            inactive=inactive[: selectors.QUIET_SHOWN],
            more_inactive=len(inactive) > selectors.QUIET_SHOWN,
            open_signals=selectors.signals_for_user(
                access=self.access, user=self.request.user, project=self.project, only_open=True
            ).count(),
            cadence=services.cadence_for(self.project),
        )
        return context


class ManageFormView(ProjectServiceFormView):
    """A coordinator's form page in the follow-up."""

    permission = policy.FOLLOWUP_MANAGE


class CadenceView(ManageFormView):
    form_class = forms.CadenceForm
    title = gettext_lazy("Follow-up cadence")
    intro = gettext_lazy(
        "How often the project talks with the buddy and the participant. The defaults "
        "follow good practice for mentoring and befriending; a change applies to "
        "conversations planned from now on."
    )
    submit_label = gettext_lazy("Save the cadence")
    success_message = gettext_lazy("The cadence was saved. New conversations follow it.")

    def get_form_kwargs(self) -> dict:
        return {"instance": services.cadence_for(self.project)}

    def get_back_url(self) -> str:
        return project_url("followup_list", self.project)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["back_label"] = _("Follow-up")
        return context

    def perform(self, form) -> str:
        services.cadence_update(project=self.project, by=self.request.user, data=form.cleaned_data)
        return self.get_back_url()


class FollowUpRecordView(ManageFormView):
    template_name = "followup/followup_record.html"
    form_class = forms.RecordForm
    success_message = gettext_lazy("The conversation was recorded; the next one is planned.")

    def agreement_url(self) -> str:
        """Where the agreement is changed with everyone (the trajectories app)."""
        return project_url(
            "trajectory_agreement_edit", self.project, code=self.item.trajectory.code
        )

    @cached_property
    def item(self):
        # A report is about people: reading it (not posting) is in the history.
        return selectors.followup_get(
            access=self.access,
            project=self.project,
            code=self.kwargs["code"],
            viewed_by=self.reader,
        )

    def get(self, request, *args, **kwargs):
        # An item another app owns (a questionnaire) is done on that app's page.
        owner_url = series.action_url(self.item)
        if owner_url is not None:
            return redirect(owner_url)
        return super().get(request, *args, **kwargs)

    def get_initial(self) -> dict:
        return {"held_on": clock.today(), "kind": self.item.kind}

    def get_back_url(self) -> str:
        return project_url("followup_list", self.project)

    def get_context_data(self, **kwargs):
        item = self.item
        if not item.is_open and "form" not in kwargs:
            kwargs["form"] = None  # recorded or cancelled: the page shows it, no form
        context = super().get_context_data(**kwargs)
        context.update(
            item=item,
            state=clock.state(item.due_at),
            trajectory=item.trajectory,
            trajectory_url=trajectory_url(item.trajectory),
            agreement_url=self.agreement_url(),
        )
        return context

    def perform(self, form):
        services.followup_record(followup=self.item, by=self.request.user, **form.cleaned_data)
        if form.cleaned_data["adjust_agreement"]:
            return self.agreement_url()
        return self.get_back_url()


class FollowUpPlanView(TrajectoryMixin, ManageFormView):
    form_class = forms.PlanForm
    title = gettext_lazy("Plan an extra conversation")
    intro = gettext_lazy("For an intervision, an extra call or a conversation outside the cadence.")
    submit_label = gettext_lazy("Plan it")
    success_message = gettext_lazy("The conversation was planned.")

    def get_initial(self) -> dict:
        return {"due_on": clock.today(), "hour": 10}

    def perform(self, form) -> str:
        services.followup_plan(
            trajectory=self.trajectory, by=self.request.user, **form.cleaned_data
        )
        return trajectory_url(self.trajectory)


# --- Boundary signals -----------------------------------------------------------------


class SignalListView(ProjectPermissionMixin, ExportMixin, TemplateView):
    permission = SIGNALS_ANY
    template_name = "followup/signal_list.html"
    # The coordinators' list only: who raised a signal does not export theirs.
    export_permission = policy.SIGNALS_HANDLE
    export_list = "signals"
    export_title = gettext_lazy("Boundary signals")

    def export_rows(self):
        return selectors.signals_for_user(
            access=self.access,
            user=self.request.user,
            project=self.project,
            only_open=self.request.GET.get("open") == "1",
        )

    def export_columns(self) -> list[Column]:
        return [
            Column(gettext_lazy("Date"), lambda s: s.created_at),
            Column(gettext_lazy("Kind"), lambda s: s.get_kind_display()),
            Column(gettext_lazy("Severity"), lambda s: s.get_severity_display()),
            Column(gettext_lazy("Stage"), lambda s: s.get_stage_display()),
            Column(gettext_lazy("Buddy"), lambda s: s.trajectory.buddy.full_name),
            Column(gettext_lazy("Participant"), lambda s: s.trajectory.participant.full_name),
            Column(gettext_lazy("Raised by"), lambda s: s.get_raised_as_display()),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        handler = self.can(policy.SIGNALS_HANDLE)
        only_open = self.request.GET.get("open") == "1"
        context.update(
            is_handler=handler,
            only_open=only_open,
            signals=list(
                selectors.signals_for_user(
                    access=self.access,
                    user=self.request.user,
                    project=self.project,
                    only_open=only_open,
                )[:200]
            ),
            trajectories=[]
            if handler
            else [
                t
                for t in selectors.trajectories_own(user=self.request.user)
                if t.project_id == self.project.pk
            ],
        )
        return context


class SignalCreateView(TrajectoryMixin, ProjectServiceFormView):
    permission = policy.SIGNALS_RAISE
    template_name = "followup/signal_form.html"
    form_class = forms.SignalForm
    success_message = gettext_lazy(
        "Thank you for saying it. The coordinator has been told and will contact you."
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["role"] = services.party_role(
            trajectory=self.trajectory, user=self.request.user, access=self.access
        )
        return context

    def perform(self, form) -> str:
        signal = services.signal_raise(
            trajectory=self.trajectory,
            by=self.request.user,
            access=self.access,
            **form.cleaned_data,
        )
        return project_url("signal_detail", self.project, code=signal.code)


class SignalDetailView(ProjectServiceFormView):
    permission = SIGNALS_ANY
    template_name = "followup/signal_detail.html"
    form_class = forms.StepForm
    success_message = gettext_lazy("The step was added to the aftercare.")

    @cached_property
    def signal(self) -> Signal:
        return selectors.signal_get_for_user(**self.object_lookup(), viewed_by=self.reader)

    def get_form_kwargs(self) -> dict:
        signal = self.signal
        return {
            "allowed": services.NEXT_STEPS[signal.stage],
            "can_pause": services.can_pause(signal),
        }

    def get_back_url(self) -> str:
        return project_url("signal_list", self.project)

    def get_context_data(self, **kwargs):
        signal = self.signal
        handler = self.can(policy.SIGNALS_HANDLE)
        if "form" not in kwargs and (not handler or signal.stage == Signal.Stage.CLOSED):
            kwargs["form"] = None
        context = super().get_context_data(**kwargs)
        context.update(
            signal=signal,
            steps=selectors.signal_steps(signal),
            is_handler=handler,
            trajectory_url=trajectory_url(signal.trajectory),
            pair_name=pair_label(signal.trajectory, user=self.request.user, coordinator=handler),
            # What higher apps offer on a signal (e.g. declaring it to the insurer).
            actions=signal_actions.actions_for(
                signal=signal, request=self.request, project=self.project
            )
            if handler
            else [],
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.can(policy.SIGNALS_HANDLE):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def perform(self, form) -> str:
        # Without the right to pause, the form has no "pause" (the service's default: no).
        services.signal_step(signal=self.signal, by=self.request.user, **form.cleaned_data)
        return project_url("signal_detail", self.project, code=self.signal.code)


# --- Closure --------------------------------------------------------------------------


class ClosureFormView(TrajectoryMixin, ManageFormView):
    """A coordinator's form in the closure of a trajectory.

    ``reads_closure``: a GET of this page reads the confidential closure itself (the
    selector writes it in the history)."""

    template_name = "followup/choice_form.html"
    reads_closure = False

    @cached_property
    def closure(self) -> Closure:
        viewed_by = self.reader if self.reads_closure else None
        closure = selectors.closure_of(self.trajectory, viewed_by=viewed_by, via="web")
        if closure is None:
            raise Http404
        return closure


class ClosureStartView(ClosureFormView):
    form_class = forms.ClosureStartForm
    title = gettext_lazy("Close this trajectory")
    intro = gettext_lazy(
        "The trajectory goes to 'closing': the regular follow-up stops. Then hold an "
        "exit conversation with each party, and close it for good."
    )
    submit_label = gettext_lazy("Start the closure")
    success_message = gettext_lazy("The closure has started.")

    def get(self, request, *args, **kwargs):
        trajectory = self.trajectory
        if trajectory.status not in services.CLOSABLE_STATUSES:
            return redirect("closure_detail", project=self.project.code, code=trajectory.code)
        return super().get(request, *args, **kwargs)

    def perform(self, form) -> str:
        services.closure_start(
            trajectory=self.trajectory, by=self.request.user, **form.cleaned_data
        )
        return closure_url(self.trajectory)


def closure_url(trajectory) -> str:
    return project_url("closure_detail", trajectory.project, code=trajectory.code)


class ClosureDetailView(ClosureFormView):
    """Confidential: the exit conversations are for the coordinators only."""

    template_name = "followup/closure_detail.html"
    form_class = forms.ClosureCompleteForm
    success_message = gettext_lazy("The trajectory is closed.")
    reads_closure = True

    def get_context_data(self, **kwargs):
        closure = self.closure
        trajectory = self.trajectory
        if "form" not in kwargs and trajectory.status != Trajectory.Status.CLOSING:
            kwargs["form"] = None
        context = super().get_context_data(**kwargs)
        exits = {e.party: e for e in closure.exits.all()}
        context.update(
            closure=closure,
            exits=[
                (party, ExitConversation.Party(party).label, exits.get(party))
                for party in services.parties(trajectory)
            ],
            schedule=selectors.schedule_of(trajectory),
        )
        return context

    def perform(self, form) -> str:
        data = form.cleaned_data
        services.closure_complete(
            closure=self.closure,
            by=self.request.user,
            continues=data["continues"],
            continues_note=data["continues_note"],
            contact_policy=data["contact_policy"],
            aftercare_on=form.aftercare_days(),
        )
        return closure_url(self.trajectory)


class ExitConversationView(ClosureFormView):
    form_class = forms.ExitForm
    intro = gettext_lazy("The answers are confidential: only the project's coordinators read them.")
    submit_label = gettext_lazy("Save the conversation")
    success_message = gettext_lazy("The exit conversation was saved.")

    def get_party(self) -> str:
        party = self.kwargs["party"]
        if party not in services.parties(self.trajectory):
            raise Http404
        return party

    def get_form_kwargs(self) -> dict:
        party = self.get_party()
        existing = next((e for e in self.closure.exits.all() if e.party == party), None)
        return {"instance": existing}

    def get_initial(self) -> dict:
        return {"held_on": clock.today()}

    def get_back_url(self) -> str:
        return closure_url(self.trajectory)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Exit conversation with the %(party)s")
            % {"party": ExitConversation.Party(self.get_party()).label},
            back_label=_("Back to the closure"),
        )
        return context

    def perform(self, form) -> str:
        services.exit_record(
            closure=self.closure,
            party=self.get_party(),
            by=self.request.user,
            data=form.cleaned_data,
        )
        return self.get_back_url()


class BuddyWishView(TrajectoryMixin, TemplateView):
    """The buddy (or the coordinator for them) says: a new match now, or a pause first."""

    permission = (policy.TRAJECTORIES_VIEW_OWN, policy.FOLLOWUP_MANAGE)
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        trajectory = self.trajectory
        coordinator = self.can(policy.FOLLOWUP_MANAGE)
        if not coordinator and trajectory.buddy.user_id != request.user.pk:
            raise Http404
        closure = selectors.closure_of(trajectory)
        if closure is None:
            raise Http404

        def noted(changed: bool) -> str:
            if closure.buddy_wish == Closure.BuddyWish.READY:
                text = _("Noted: ready for a new match.")
            else:
                text = _("Noted: a pause first. Tell the coordinator when you want to start again.")
            if not changed:
                text += " " + _("(You still accompany someone, so your status stays the same.)")
            return text

        wish = request.POST.get("wish", "")
        run_action(
            request,
            lambda: services.buddy_wish_set(closure=closure, wish=wish, by=request.user),
            noted,
        )
        return redirect(trajectory_url(trajectory))


# --- Calendar -------------------------------------------------------------------------


@login_required
def calendar_settings(request):
    new_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            _feed, raw = services.calendar_feed_create(user=request.user)
            new_url = request.build_absolute_uri(reverse("calendar_feed", kwargs={"token": raw}))
            messages.success(
                request, _("Your calendar address is ready. Copy it now: it is shown only once.")
            )
        elif action == "revoke":
            if services.calendar_feed_revoke(user=request.user):
                messages.success(request, _("The calendar address no longer works."))
            return redirect("calendar_settings")
        else:
            return HttpResponse(status=400)
    feed = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True).first()
    access = get_access(request)
    return render(
        request,
        "followup/calendar_settings.html",
        {
            "feed": feed,
            "new_url": new_url,
            "has_items": bool(
                access.projects_with(policy.FOLLOWUP_MANAGE)
                or access.projects_with(policy.JOURNAL_WRITE)
            ),
        },
        status=200,
    )


@require_GET
def calendar_feed(request, token: str):
    """The feed itself: no session, the secret in the address is the key."""
    feed = services.calendar_feed_for(token)
    if feed is None:
        raise Http404
    user = feed.user
    access = access_for_user(user)
    if not services.calendar_feed_allowed(user=user, access=access):
        # The same rule as the pages: a coordinator who must use two-step verification
        # gets nothing until they have set it up (the feed would bypass it otherwise).
        return HttpResponse(
            _("Set up two-step verification in buddynet before using this calendar."),
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    body = ical.feed_for(user=user, access=access)
    response = file_response(body, "text/calendar; charset=utf-8", "buddynet.ics", inline=True)
    response["Cache-Control"] = "private, max-age=900"
    return response
