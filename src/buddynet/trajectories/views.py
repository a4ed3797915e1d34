"""Pages of a trajectory: the list, the trajectory itself, its agreement (write, sign,
PDF), the journal, goals towards autonomy and the role division. Every view of a
trajectory is audited."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from buddynet.core.dashboard import chart
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import FilteredListMixin, ProjectPermissionMixin

from . import forms, selectors, services
from .models import Agreement, Level, Party, TaskKind, Trajectory
from .pdf import agreement_pdf
from .services import TrajectoryError

VIEW_ANY = (policy.TRAJECTORIES_VIEW, policy.TRAJECTORIES_VIEW_OWN)
JOURNAL_PREVIEW = 30


class BadInputMixin:
    """A form with errors answers 400, with everything typed kept and the errors shown."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class TrajectoryListView(ProjectPermissionMixin, FilteredListMixin, ListView):
    permission = VIEW_ANY
    template_name = "trajectories/trajectory_list.html"
    context_object_name = "trajectories"
    status_choices = tuple(Trajectory.Status.choices)

    def get_queryset(self):
        return selectors.trajectory_list_for_user(
            access=self.access, user=self.request.user, project=self.project, **self.get_filters()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_coordinator"] = self.can(policy.TRAJECTORIES_VIEW)
        if context["is_coordinator"]:
            # Quiet trajectories (nothing in the journal for longer than the project
            # allows) stand out in the list too: one query for the project's limit.
            from buddynet.followup import clock
            from buddynet.followup.selectors import RUNNING, inactivity_days

            limit = inactivity_days([self.project.pk])[self.project.pk]
            today = clock.today()
            for trajectory in context["trajectories"]:
                quiet = (today - (trajectory.last_contact_on or trajectory.started_on)).days
                trajectory.days_quiet = (
                    quiet if trajectory.status in RUNNING and quiet > limit else None
                )
        return context


class TrajectoryMixin(ProjectPermissionMixin):
    """A view about one trajectory the user may see (``code`` in the URL)."""

    permission = VIEW_ANY
    audit_action = "trajectory.viewed"

    def dispatch(self, request, *args, **kwargs):
        self._trajectory_code = kwargs.get("code")
        return super().dispatch(request, *args, **kwargs)

    @property
    def trajectory(self) -> Trajectory:
        if not hasattr(self, "_trajectory"):
            self._trajectory = selectors.trajectory_get_for_user(
                access=self.access,
                user=self.request.user,
                project=self.project,
                code=self._trajectory_code,
            )
        return self._trajectory

    @property
    def who(self) -> selectors.Viewer:
        if not hasattr(self, "_who"):
            self._who = selectors.viewer(
                access=self.access, user=self.request.user, trajectory=self.trajectory
            )
        return self._who

    def trajectory_url(self, name: str = "trajectory_detail") -> str:
        return reverse(name, kwargs={"project": self.project.code, "code": self.trajectory.code})

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # Every view of a trajectory is audited.
        self.trajectory.log_action(self.audit_action, user=request.user)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["trajectory"] = self.trajectory
        context["who"] = self.who
        context["back_url"] = self.trajectory_url()
        return context


def progress_chart(goals) -> dict | None:
    if not goals:
        return None
    days, series = selectors.goal_progress(goals)
    from django.utils.formats import date_format

    return chart(
        title=_("Goals: from 'the buddy does it' (1) to 'the participant does it alone' (3)"),
        label_heading=_("Date"),
        labels=[date_format(day, "SHORT_DATE_FORMAT") for day in days],
        series=[
            (title, [v if v is not None else None for v in values]) for title, values in series
        ],
        kind="line",
    )


class TrajectoryDetailView(TrajectoryMixin, TemplateView):
    template_name = "trajectories/trajectory_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        trajectory, who = self.trajectory, self.who
        version = services.current_version(trajectory)
        context["version"] = version
        context["missing"] = [Party(p).label for p in services.missing_parties(version)]
        context["signed"] = services.signatures_by_party(version)
        context["tasks"] = selectors.tasks_for(trajectory=trajectory)
        context["out_of_role"] = [t for t in context["tasks"] if t.out_of_role]
        if who.can_read_journal:
            entries = selectors.journal_for(trajectory=trajectory, who=who, user=self.request.user)
            context["journal"] = list(entries[:JOURNAL_PREVIEW])
        goals = selectors.goals_for(trajectory=trajectory)
        context["goals"] = goals
        context["goal_chart"] = progress_chart(goals)
        if who.coordinator:
            context["status_changes"] = list(
                trajectory.status_changes.select_related("by").order_by("at", "pk")
            )
        context["can_sign"] = bool(
            version
            and set(services.missing_parties(version))
            & set(
                services.parties_user_may_sign(
                    trajectory=trajectory, user=self.request.user, is_coordinator=who.coordinator
                )
            )
        )
        return context


class TrajectoryStatusView(TrajectoryMixin, BadInputMixin, FormView):
    """The coordinator pauses an active trajectory or resumes a paused one."""

    permission = policy.TRAJECTORIES_MANAGE
    template_name = "trajectories/status_form.html"
    form_class = forms.StatusForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["current"] = self.trajectory.status
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status_changes"] = list(
            self.trajectory.status_changes.select_related("by").order_by("at", "pk")
        )
        return context

    def form_valid(self, form):
        try:
            services.trajectory_set_status(
                trajectory=self.trajectory,
                to_status=form.cleaned_data["to_status"],
                by=self.request.user,
                reason=form.cleaned_data["reason"].strip(),
            )
        except TrajectoryError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The trajectory is now %(status)s.")
            % {"status": self.trajectory.get_status_display()},
        )
        return redirect(self.trajectory_url())


# --- The agreement ---------------------------------------------------------------------


class AgreementView(TrajectoryMixin, BadInputMixin, FormView):
    """Read the current version, see who signed, sign it, download PDFs."""

    template_name = "trajectories/agreement.html"
    form_class = forms.SignForm
    audit_action = "agreement.viewed"

    def version(self):
        if not hasattr(self, "_version"):
            self._version = services.current_version(self.trajectory)
        return self._version

    def signable(self) -> list[tuple[str, str]]:
        version = self.version()
        if version is None or self.trajectory.status == Trajectory.Status.CLOSED:
            return []
        missing = services.missing_parties(version)
        allowed = services.parties_user_may_sign(
            trajectory=self.trajectory,
            user=self.request.user,
            is_coordinator=self.who.coordinator,
        )
        labels = {
            Party.BUDDY: _("the buddy"),
            Party.PARTICIPANT: _("the participant (on this device)")
            if self.who.coordinator and not self.who.participant
            else _("the participant"),
            Party.PROFESSIONAL: _("the professional"),
            Party.COORDINATOR: _("the coordinator, for the project"),
        }
        return [(p, labels[p]) for p in version.parties if p in missing and p in allowed]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parties": self.signable()}

    def get_initial(self):
        version = self.version()
        return {"text_hash": version.document_hash if version else ""}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.version()
        context["version"] = version
        if version is not None:
            context["sections"] = services.split_sections(version.text)
        versions = selectors.agreement_versions(trajectory=self.trajectory)
        context["versions"] = versions
        current = versions[0] if versions else None
        signatures = {s.party: s for s in current.signatures.all()} if current else {}
        context["parties"] = [
            (Party(p).label, signatures.get(p)) for p in (current.parties if current else [])
        ]
        context["signable"] = self.signable()
        return context

    def form_valid(self, form):
        try:
            services.agreement_sign(
                trajectory=self.trajectory,
                party=form.cleaned_data["party"],
                signed_name=form.cleaned_data["signed_name"],
                shown_hash=form.cleaned_data["text_hash"],
                by=self.request.user,
                is_coordinator=self.who.coordinator,
            )
        except TrajectoryError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        self.trajectory.refresh_from_db()
        if self.trajectory.status == Trajectory.Status.ACTIVE and not services.missing_parties(
            services.current_version(self.trajectory)
        ):
            messages.success(
                self.request, _("Thank you for signing. Everyone has signed: the agreement holds.")
            )
        else:
            messages.success(self.request, _("Thank you: the signature is recorded."))
        return redirect(self.trajectory_url("trajectory_agreement"))


class AgreementEditView(TrajectoryMixin, BadInputMixin, FormView):
    permission = policy.TRAJECTORIES_MANAGE
    template_name = "trajectories/agreement_edit.html"
    form_class = forms.AgreementForm
    audit_action = "agreement.viewed"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        agreement = Agreement.objects.filter(trajectory=self.trajectory).first()
        if agreement is None:
            template = services.agreement_template_for(project=self.project)
            agreement = Agreement(
                trajectory=self.trajectory,
                project=self.project,
                **template.section_values(),
            )
        kwargs["instance"] = agreement
        kwargs["has_professional"] = bool(self.trajectory.professional_id)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = services.current_version(self.trajectory)
        context["version"] = version
        context["signed_count"] = version.signatures.count() if version else 0
        return context

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in form.fields}
        before = services.current_version(self.trajectory)
        try:
            version = services.agreement_save(
                trajectory=self.trajectory,
                by=self.request.user,
                data=data,
                language=get_language() or "nl",
            )
        except TrajectoryError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        if before is not None and version.pk == before.pk:
            messages.info(self.request, _("Nothing changed in the text: the signatures stay."))
        elif before is not None:
            messages.success(
                self.request,
                _("Version %(number)s is saved. Every party has to sign this new version.")
                % {"number": version.number},
            )
        else:
            messages.success(self.request, _("The agreement is ready to be signed."))
        return redirect(self.trajectory_url("trajectory_agreement"))


class AgreementPdfView(TrajectoryMixin, TemplateView):
    audit_action = "agreement.downloaded"

    def get(self, request, *args, **kwargs):
        version = selectors.version_get(trajectory=self.trajectory, code=kwargs["version"])
        self.trajectory.log_action(
            self.audit_action, user=request.user, data={"version": version.number}
        )
        response = HttpResponse(agreement_pdf(version), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="afsprakenkader-v{version.number}-{version.code}.pdf"'
        )
        return response


# --- Journal ---------------------------------------------------------------------------


class JournalCreateView(TrajectoryMixin, BadInputMixin, FormView):
    """One short form, on a phone, in under a minute."""

    permission = policy.JOURNAL_WRITE
    template_name = "trajectories/journal_form.html"
    form_class = forms.JournalForm

    def check_writer(self):
        if not self.who.can_write_journal:
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        self.check_writer()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_writer()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "has_professional": bool(self.trajectory.professional_id),
        }

    def form_valid(self, form):
        try:
            services.journal_add(
                trajectory=self.trajectory, by=self.request.user, data=dict(form.cleaned_data)
            )
        except TrajectoryError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Saved in the journal. Thank you!"))
        return redirect(self.trajectory_url())


# --- Goals -----------------------------------------------------------------------------


class GoalsView(TrajectoryMixin, TemplateView):
    """The goals, their history and the chart; the buddy and coordinator add goals and
    move their level."""

    template_name = "trajectories/goals.html"
    audit_action = "goals.viewed"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        goals = selectors.goals_for(trajectory=self.trajectory)
        context["goals"] = goals
        context["goal_chart"] = progress_chart(goals)
        context["levels"] = Level.choices
        context["level_names"] = {str(value): str(label) for value, label in Level.choices}
        if self.who.can_change_goals:
            context.setdefault("goal_form", forms.GoalForm())
            context.setdefault("level_form", forms.GoalLevelForm())
        return context

    def post(self, request, *args, **kwargs):
        if not self.who.can_change_goals:
            raise PermissionDenied
        if "goal" in request.POST:
            form = forms.GoalLevelForm(request.POST)
            if form.is_valid():
                goal = selectors.goal_get(
                    trajectory=self.trajectory, code=form.cleaned_data["goal"]
                )
                try:
                    services.goal_set_level(
                        goal=goal,
                        by=request.user,
                        level=form.cleaned_data["level"],
                        on=form.cleaned_data["on"],
                        note=form.cleaned_data["note"],
                    )
                except TrajectoryError as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, _("The new level is saved."))
                    return redirect(self.trajectory_url("trajectory_goals"))
            return self.render_to_response(self.get_context_data(level_form=form), status=400)
        form = forms.GoalForm(request.POST)
        if form.is_valid():
            try:
                services.goal_add(trajectory=self.trajectory, by=request.user, **form.cleaned_data)
            except TrajectoryError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The goal is added."))
                return redirect(self.trajectory_url("trajectory_goals"))
        return self.render_to_response(self.get_context_data(goal_form=form), status=400)


# --- Role division ---------------------------------------------------------------------


class RoleDivisionView(TrajectoryMixin, TemplateView):
    template_name = "trajectories/role_division.html"
    audit_action = "role_division.viewed"

    def kinds(self):
        services.task_kinds_for(project=self.project)
        return TaskKind.objects.filter(project=self.project)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tasks = selectors.tasks_for(trajectory=self.trajectory)
        context["tasks"] = tasks
        context["out_of_role"] = [t for t in tasks if t.out_of_role]
        if self.who.can_manage:
            context.setdefault(
                "form",
                forms.RoleTaskForm(
                    kinds=self.kinds(), has_professional=bool(self.trajectory.professional_id)
                ),
            )
        return context

    def post(self, request, *args, **kwargs):
        if not self.who.can_manage:
            raise PermissionDenied
        if "remove" in request.POST:
            task = selectors.task_get(trajectory=self.trajectory, code=request.POST["remove"])
            services.role_task_remove(task=task, by=request.user)
            messages.success(request, _("The task is removed."))
            return redirect(self.trajectory_url("trajectory_tasks"))
        form = forms.RoleTaskForm(
            request.POST,
            kinds=self.kinds(),
            has_professional=bool(self.trajectory.professional_id),
        )
        if form.is_valid():
            try:
                task = services.role_task_add(
                    trajectory=self.trajectory, by=request.user, **form.cleaned_data
                )
            except TrajectoryError as exc:
                form.add_error(None, str(exc))
            else:
                if task.out_of_role:
                    messages.warning(
                        request,
                        _(
                            "The task is added, but it does not belong to this role: talk it "
                            "through with the buddy and the professional."
                        ),
                    )
                else:
                    messages.success(request, _("The task is added."))
                return redirect(self.trajectory_url("trajectory_tasks"))
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- Project settings: the agreement template and the task kinds -----------------------


class AgreementTemplateView(ProjectPermissionMixin, BadInputMixin, FormView):
    permission = policy.TRAJECTORIES_MANAGE
    template_name = "trajectories/agreement_template.html"
    form_class = forms.AgreementTemplateForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": services.agreement_template_for(project=self.project),
        }

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in form.fields}
        try:
            services.agreement_template_save(project=self.project, by=self.request.user, data=data)
        except TrajectoryError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request, _("The template is saved. New agreements start from this text.")
        )
        return redirect(reverse("agreement_template", kwargs={"project": self.project.code}))


class TaskKindsView(ProjectPermissionMixin, BadInputMixin, FormView):
    permission = policy.TRAJECTORIES_MANAGE
    template_name = "trajectories/task_kinds.html"
    form_class = forms.TaskKindForm
    title = gettext_lazy("Kinds of tasks")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = services.task_kinds_for(project=self.project)
        context["belongs_choices"] = TaskKind.Belongs.choices
        return context

    def post(self, request, *args, **kwargs):
        if "kind" in request.POST:
            try:
                kind = TaskKind.objects.get(project=self.project, code=request.POST["kind"])
            except (TaskKind.DoesNotExist, ValueError, Exception):
                messages.error(request, _("That kind of task does not exist."))
                return redirect(self.request.path)
            try:
                services.task_kind_save(
                    project=self.project,
                    by=request.user,
                    name=kind.label,
                    belongs_to=request.POST.get("belongs_to", ""),
                    kind=kind,
                )
            except TrajectoryError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Saved."))
            return redirect(self.request.path)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.task_kind_save(project=self.project, by=self.request.user, **form.cleaned_data)
        except TrajectoryError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The kind of task is added."))
        return redirect(self.request.path)
