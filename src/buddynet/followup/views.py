"""Follow-up pages: the coordinator's list and cadence, recording a conversation,
boundary signals with aftercare, closure with exit conversations, the calendar feed.

Views stay thin: the declared permission (ProjectPermissionMixin), one selector or
service, and service errors become form errors (what was typed is kept).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from buddynet.tenancy import policy
from buddynet.tenancy.access import access_for_user, get_access
from buddynet.tenancy.mixins import ProjectPermissionMixin
from buddynet.trajectories.models import Trajectory

from . import clock, forms, ical, selectors, services
from .models import Closure, ExitConversation, Signal

SIGNALS_ANY = (policy.SIGNALS_RAISE, policy.SIGNALS_HANDLE)


def trajectory_url(trajectory) -> str:
    """The trajectory's page (owned by the trajectories app), or the follow-up list."""
    try:
        return reverse(
            "trajectory_detail",
            kwargs={"project": trajectory.project.code, "code": trajectory.code},
        )
    except NoReverseMatch:
        return reverse("signal_list", kwargs={"project": trajectory.project.code})


def _error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


class ServiceFormMixin:
    """POST through one service call: a valid form goes to ``act(cleaned_data)``, which
    returns the response; a broken rule (FollowupError) shows on the form. Either way a
    form with errors answers 400 with everything typed kept."""

    def submit(self, form, act):
        if form.is_valid():
            try:
                return act(form.cleaned_data)
            except services.FollowupError as exc:
                form.add_error(None, str(exc))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TrajectoryMixin(ProjectPermissionMixin):
    def get_trajectory(self) -> Trajectory:
        if not hasattr(self, "_trajectory"):
            self._trajectory = selectors.trajectory_get_for_user(
                access=self.access,
                user=self.request.user,
                project=self.project,
                code=self.kwargs["code"],
            )
        return self._trajectory

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        trajectory = self.get_trajectory()
        context["trajectory"] = trajectory
        context["trajectory_url"] = trajectory_url(trajectory)
        return context


# --- Follow-up ------------------------------------------------------------------------


class FollowUpListView(ProjectPermissionMixin, TemplateView):
    permission = policy.FOLLOWUP_MANAGE
    template_name = "followup/followup_list.html"
    states = ("overdue", "due", "")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = self.request.GET.get("state", "")
        state = state if state in self.states else ""
        today = clock.today()
        context.update(
            today=today,
            state=state,
            rows=selectors.followups_list(project=self.project, today=today, state=state or None),
            inactive=selectors.inactive_trajectories(project_ids=[self.project.pk], today=today),
            open_signals=selectors.signals_for_user(
                access=self.access, user=self.request.user, project=self.project, only_open=True
            ).count(),
            cadence=services.cadence_for(self.project),
        )
        return context


class CadenceView(ProjectPermissionMixin, TemplateView):
    permission = policy.FOLLOWUP_MANAGE
    template_name = "followup/cadence_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", forms.CadenceForm(instance=services.cadence_for(self.project)))
        return context

    def post(self, request, *args, **kwargs):
        form = forms.CadenceForm(request.POST, instance=services.cadence_for(self.project))
        if form.is_valid():
            try:
                services.cadence_update(
                    project=self.project, by=request.user, data=form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(request, _("The cadence was saved. New conversations follow it."))
                return redirect("followup_list", project=self.project.code)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class FollowUpRecordView(ServiceFormMixin, ProjectPermissionMixin, TemplateView):
    permission = policy.FOLLOWUP_MANAGE
    template_name = "followup/followup_record.html"

    def agreement_url(self) -> str:
        """Where the agreement is changed (the trajectories app), when it has that page."""
        try:
            return reverse(
                "trajectory_agreement_edit",
                kwargs={"project": self.project.code, "code": self.get_item().trajectory.code},
            )
        except NoReverseMatch:
            return ""

    def get_item(self):
        if not hasattr(self, "_item"):
            self._item = selectors.followup_get(
                access=self.access, project=self.project, code=self.kwargs["code"]
            )
        return self._item

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.get_item()
        if "form" not in kwargs:  # a report is about people: every view is in the history
            item.log_action("followup.viewed", user=self.request.user)
        context["item"] = item
        context["state"] = clock.state(item.due_at)
        context["trajectory"] = item.trajectory
        context["trajectory_url"] = trajectory_url(item.trajectory)
        context["agreement_url"] = self.agreement_url()
        if item.is_open:
            context.setdefault(
                "form", forms.RecordForm(initial={"held_on": clock.today(), "kind": item.kind})
            )
        return context

    def post(self, request, *args, **kwargs):
        item = self.get_item()
        form = forms.RecordForm(request.POST)

        def act(data):
            services.followup_record(
                followup=item,
                by=request.user,
                held_on=data["held_on"],
                report=data["report"],
                adjust_agreement=data["adjust_agreement"],
                kind=data["kind"],
            )
            messages.success(request, _("The conversation was recorded; the next one is planned."))
            if data["adjust_agreement"] and self.agreement_url():
                return redirect(self.agreement_url())
            return redirect("followup_list", project=self.project.code)

        return self.submit(form, act)


class FollowUpPlanView(ServiceFormMixin, TrajectoryMixin, TemplateView):
    permission = policy.FOLLOWUP_MANAGE
    template_name = "followup/form_page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", forms.PlanForm(initial={"due_on": clock.today(), "hour": 10}))
        context.update(
            title=_("Plan an extra conversation"),
            intro=_("For an intervision, an extra call or a conversation outside the cadence."),
            submit_label=_("Plan it"),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = forms.PlanForm(request.POST)

        def act(data):
            services.followup_plan(
                trajectory=self.get_trajectory(),
                by=request.user,
                kind=data["kind"],
                with_whom=data["with_whom"],
                due_on=data["due_on"],
                hour=data["hour"],
            )
            messages.success(request, _("The conversation was planned."))
            return redirect(trajectory_url(self.get_trajectory()))

        return self.submit(form, act)


# --- Boundary signals -----------------------------------------------------------------


class SignalListView(ProjectPermissionMixin, TemplateView):
    permission = SIGNALS_ANY
    template_name = "followup/signal_list.html"

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


class SignalCreateView(ServiceFormMixin, TrajectoryMixin, TemplateView):
    permission = policy.SIGNALS_RAISE
    template_name = "followup/signal_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", forms.SignalForm())
        context["role"] = services.party_role(
            trajectory=self.get_trajectory(), user=self.request.user, access=self.access
        )
        return context

    def post(self, request, *args, **kwargs):
        form = forms.SignalForm(request.POST)

        def act(data):
            signal = services.signal_raise(
                trajectory=self.get_trajectory(),
                by=request.user,
                access=self.access,
                kind=data["kind"],
                severity=data["severity"],
                description=data["description"],
            )
            messages.success(
                request,
                _("Thank you for saying it. The coordinator has been told and will contact you."),
            )
            return redirect("signal_detail", project=self.project.code, code=signal.code)

        return self.submit(form, act)


class SignalDetailView(ServiceFormMixin, ProjectPermissionMixin, TemplateView):
    permission = SIGNALS_ANY
    template_name = "followup/signal_detail.html"

    def get_signal(self) -> Signal:
        if not hasattr(self, "_signal"):
            self._signal = selectors.signal_get_for_user(
                access=self.access,
                user=self.request.user,
                project=self.project,
                code=self.kwargs["code"],
            )
        return self._signal

    def step_form(self, data=None):
        signal = self.get_signal()
        return forms.StepForm(
            data,
            allowed=services.NEXT_STEPS[signal.stage],
            can_pause=services.can_pause(signal),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        signal = self.get_signal()
        handler = self.can(policy.SIGNALS_HANDLE)
        if not kwargs.get("form"):
            signal.log_action("signal.viewed", user=self.request.user)
        context.update(
            signal=signal,
            steps=list(signal.steps.select_related("by")),
            is_handler=handler,
            trajectory_url=trajectory_url(signal.trajectory),
        )
        if handler and signal.stage != Signal.Stage.CLOSED:
            context.setdefault("form", self.step_form())
        return context

    def post(self, request, *args, **kwargs):
        if not self.can(policy.SIGNALS_HANDLE):
            raise PermissionDenied
        signal = self.get_signal()
        form = self.step_form(request.POST)

        def act(data):
            services.signal_step(
                signal=signal,
                by=request.user,
                step=data["step"],
                note=data["note"],
                pause=data.get("pause", False),
            )
            messages.success(request, _("The step was added to the aftercare."))
            return redirect("signal_detail", project=self.project.code, code=signal.code)

        return self.submit(form, act)


# --- Closure --------------------------------------------------------------------------


class ClosureStartView(ServiceFormMixin, TrajectoryMixin, TemplateView):
    permission = policy.FOLLOWUP_MANAGE
    template_name = "followup/form_page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", forms.ClosureStartForm())
        context.update(
            title=_("Close this trajectory"),
            intro=_(
                "The trajectory goes to 'closing': the regular follow-up stops. Then hold an "
                "exit conversation with each party, and close it for good."
            ),
            submit_label=_("Start the closure"),
        )
        return context

    def get(self, request, *args, **kwargs):
        trajectory = self.get_trajectory()
        if trajectory.status not in services.CLOSABLE_STATUSES:
            return redirect("closure_detail", project=self.project.code, code=trajectory.code)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        trajectory = self.get_trajectory()

        def act(data):
            services.closure_start(
                trajectory=trajectory,
                by=request.user,
                planned=data["planned"],
                reason=data["reason"],
                reason_note=data["reason_note"],
                went_badly=data["went_badly"],
            )
            messages.success(request, _("The closure has started."))
            return redirect("closure_detail", project=self.project.code, code=trajectory.code)

        return self.submit(forms.ClosureStartForm(request.POST), act)


class ClosureDetailView(ServiceFormMixin, TrajectoryMixin, TemplateView):
    """Confidential: the exit conversations are for the coordinators only."""

    permission = policy.FOLLOWUP_MANAGE
    template_name = "followup/closure_detail.html"

    def get_closure(self) -> Closure:
        closure = selectors.closure_of(self.get_trajectory())
        if closure is None:
            raise Http404
        return closure

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        closure = self.get_closure()
        trajectory = self.get_trajectory()
        if not kwargs.get("form"):
            closure.log_action("closure.viewed", user=self.request.user)
        exits = {e.party: e for e in closure.exits.all()}
        context.update(
            closure=closure,
            exits=[
                (party, ExitConversation.Party(party).label, exits.get(party))
                for party in services.parties(trajectory)
            ],
            schedule=selectors.schedule_of(trajectory),
        )
        if trajectory.status == Trajectory.Status.CLOSING:
            context.setdefault("form", forms.ClosureCompleteForm())
        return context

    def post(self, request, *args, **kwargs):
        closure = self.get_closure()
        form = forms.ClosureCompleteForm(request.POST)

        def act(data):
            services.closure_complete(
                closure=closure,
                by=request.user,
                continues=data["continues"],
                continues_note=data["continues_note"],
                contact_policy=data["contact_policy"],
                aftercare_on=form.aftercare_days(),
            )
            messages.success(request, _("The trajectory is closed."))
            return redirect("closure_detail", project=self.project.code, code=self.kwargs["code"])

        return self.submit(form, act)


class ExitConversationView(ServiceFormMixin, TrajectoryMixin, TemplateView):
    permission = policy.FOLLOWUP_MANAGE
    template_name = "followup/form_page.html"

    def get_party(self) -> str:
        party = self.kwargs["party"]
        if party not in services.parties(self.get_trajectory()):
            raise Http404
        return party

    def get_closure(self) -> Closure:
        closure = selectors.closure_of(self.get_trajectory())
        if closure is None:
            raise Http404
        return closure

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        party = self.get_party()
        closure = self.get_closure()
        existing = next((e for e in closure.exits.all() if e.party == party), None)
        context.setdefault(
            "form",
            forms.ExitForm(instance=existing, initial={"held_on": clock.today()}),
        )
        context.update(
            title=_("Exit conversation with the %(party)s")
            % {"party": ExitConversation.Party(party).label},
            intro=_("The answers are confidential: only the project's coordinators read them."),
            submit_label=_("Save the conversation"),
            back_url=reverse(
                "closure_detail",
                kwargs={"project": self.project.code, "code": self.kwargs["code"]},
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        party = self.get_party()
        closure = self.get_closure()

        def act(data):
            services.exit_record(closure=closure, party=party, by=request.user, data=data)
            messages.success(request, _("The exit conversation was saved."))
            return redirect("closure_detail", project=self.project.code, code=self.kwargs["code"])

        return self.submit(forms.ExitForm(request.POST), act)


class BuddyWishView(TrajectoryMixin, TemplateView):
    """The buddy (or the coordinator for them) says: a new match now, or a pause first."""

    permission = (policy.TRAJECTORIES_VIEW_OWN, policy.FOLLOWUP_MANAGE)
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        trajectory = self.get_trajectory()
        coordinator = self.can(policy.FOLLOWUP_MANAGE)
        if not coordinator and trajectory.buddy.user_id != request.user.pk:
            raise Http404
        closure = selectors.closure_of(trajectory)
        if closure is None:
            raise Http404
        try:
            changed = services.buddy_wish_set(
                closure=closure, wish=request.POST.get("wish", ""), by=request.user
            )
        except services.FollowupError as exc:
            messages.error(request, str(exc))
        else:
            if closure.buddy_wish == Closure.BuddyWish.READY:
                text = _("Noted: ready for a new match.")
            else:
                text = _("Noted: a pause first. Tell the coordinator when you want to start again.")
            if not changed:
                text += " " + _("(You still accompany someone, so your status stays the same.)")
            messages.success(request, text)
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
    from .models import CalendarFeed

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
    body = ical.feed_for(user=user, access=access)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="buddynet.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
