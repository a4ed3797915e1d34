"""Pages of a trajectory: the list, the trajectory itself, its agreement (write, sign,
PDF), the journal, goals towards autonomy and the role division. Reading a trajectory
is audited by the selector that hands it out (called with ``via`` on a GET)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from buddynet.core.dashboard import chart
from buddynet.core.exports import Column, ExportMixin, file_response
from buddynet.core.formviews import ServiceFormView, run_action
from buddynet.core.routes import project_url
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import (
    FilteredListMixin,
    ProjectPermissionMixin,
    ProjectServiceFormView,
)

from . import forms, panels, selectors, services
from .models import Agreement, Level, Party, TaskKind, Trajectory
from .pdf import agreement_pdf

VIEW_ANY = (policy.TRAJECTORIES_VIEW, policy.TRAJECTORIES_VIEW_OWN)
JOURNAL_PREVIEW = 30


class TrajectoryListView(ProjectPermissionMixin, ExportMixin, FilteredListMixin, ListView):
    permission = VIEW_ANY
    template_name = "trajectories/trajectory_list.html"
    context_object_name = "trajectories"
    status_choices = tuple(Trajectory.Status.choices)
    list_selector = selectors.trajectory_list_for_user
    # The coordinators' list only: a buddy's own trajectories are not exported.
    export_permission = policy.TRAJECTORIES_VIEW
    export_list = "trajectories"
    export_title = gettext_lazy("Trajectories")

    def export_rows(self):
        trajectories = list(self.get_queryset())
        selectors.mark_quiet(trajectories)
        return trajectories

    def export_columns(self) -> list[Column]:
        return [
            Column(gettext_lazy("Buddy"), lambda t: t.buddy.full_name),
            Column(gettext_lazy("Participant"), lambda t: t.participant.full_name),
            Column(gettext_lazy("Started on"), lambda t: t.started_on),
            Column(gettext_lazy("Last contact"), lambda t: t.last_contact_on),
            Column(gettext_lazy("Days quiet"), lambda t: t.days_quiet),
            Column(gettext_lazy("Status"), lambda t: t.get_status_display()),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        coordinator = self.can(policy.TRAJECTORIES_VIEW)
        context["is_coordinator"] = coordinator
        trajectories = context["trajectories"]
        for trajectory in trajectories:
            trajectory.participant_name = selectors.participant_name_for(
                trajectory=trajectory, user=self.request.user, coordinator=coordinator
            )
        if coordinator:
            # Quiet trajectories (nothing in the journal for longer than the project
            # allows) stand out in the list too: one query for the project's limit.
            selectors.mark_quiet(trajectories)
        return context


class TrajectoryMixin(ProjectPermissionMixin):
    """A view about one trajectory the user may see (``code`` in the URL).

    ``audit_trajectory``: a GET of this page reads the trajectory itself ("opened the
    trajectory"); pages that read one part of it (agreement, goals, role division) say
    so through that part's selector instead."""

    permission = VIEW_ANY
    audit_trajectory = True

    @property
    def reading(self) -> str | None:
        """``"web"`` when this request reads the page (a GET), for the auditing selectors."""
        return "web" if self.request.method == "GET" else None

    @cached_property
    def trajectory(self) -> Trajectory:
        via = self.reading if self.audit_trajectory else None
        return selectors.trajectory_get_for_user(**self.object_lookup(), via=via)

    @cached_property
    def who(self) -> selectors.Viewer:
        return selectors.viewer(
            access=self.access, user=self.request.user, trajectory=self.trajectory
        )

    def trajectory_url(self, name: str = "trajectory_detail") -> str:
        return project_url(name, self.project, code=self.trajectory.code)

    def get_back_url(self) -> str:
        return self.trajectory_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        trajectory, who = self.trajectory, self.who
        context["trajectory"] = trajectory
        context["who"] = who
        context["back_url"] = self.trajectory_url()
        # How this viewer may name the pair: the buddy sees the participant's first name.
        context["participant_name"] = selectors.participant_name_for(
            trajectory=trajectory, user=self.request.user, coordinator=who.coordinator
        )
        context["pair_name"] = selectors.pair_name_for(
            trajectory=trajectory, user=self.request.user, coordinator=who.coordinator
        )
        context["back_label"] = context["pair_name"]
        return context


def progress_chart(goals) -> dict | None:
    if not goals:
        return None
    days, series = selectors.goal_progress(goals)
    return chart(
        title=_("Goals: from 'the buddy does it' (1) to 'the participant does it alone' (3)"),
        label_heading=_("Date"),
        labels=[date_format(day, "SHORT_DATE_FORMAT") for day in days],
        series=[(title, list(values)) for title, values in series],
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
        context["app_panels"] = panels.trajectory_panels(
            trajectory=trajectory, request=self.request
        )
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


class ManageFormView(ProjectServiceFormView):
    """A coordinator's form page about the project's trajectories."""

    permission = policy.TRAJECTORIES_MANAGE


class TrajectoryManageView(TrajectoryMixin, ProjectServiceFormView):
    """A coordinator's form about one trajectory (``TrajectoryMixin`` would let every
    viewer in: the permission is said here)."""

    permission = policy.TRAJECTORIES_MANAGE


class TrajectoryMomentView(TrajectoryManageView):
    """The buddy's moment in the person's help trajectory."""

    form_class = forms.MomentForm
    title = gettext_lazy("The buddy's moment in the help")
    intro = gettext_lazy(
        "Does the buddy bridge a wait for professional help, start alongside it, help it "
        "get going, or come in aftercare? Reports and matching use it."
    )
    success_message = gettext_lazy("Saved.")

    def get_initial(self):
        return {"buddy_moment": self.trajectory.buddy_moment}

    def get_back_url(self):
        return self.trajectory_url()

    def perform(self, form):
        services.trajectory_set_moment(
            trajectory=self.trajectory,
            by=self.request.user,
            moment=form.cleaned_data["buddy_moment"],
        )
        return self.trajectory_url()


class TrajectoryStatusView(TrajectoryManageView):
    """The coordinator pauses an active trajectory or resumes a paused one."""

    template_name = "trajectories/status_form.html"
    form_class = forms.StatusForm
    title = gettext_lazy("Pause or resume")

    def get_form_kwargs(self):
        return {"current": self.trajectory.status}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status_changes"] = list(
            self.trajectory.status_changes.select_related("by").order_by("at", "pk")
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("to_status") == self.trajectory.status:
            # A second click on "pause" (or "resume"): it already happened.
            messages.info(
                request,
                _("The trajectory is already %(status)s.")
                % {"status": self.trajectory.get_status_display()},
            )
            return redirect(self.trajectory_url())
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        services.trajectory_set_status(
            trajectory=self.trajectory,
            to_status=form.cleaned_data["to_status"],
            by=self.request.user,
            reason=form.cleaned_data["reason"].strip(),
        )
        messages.success(
            self.request,
            _("The trajectory is now %(status)s.")
            % {"status": self.trajectory.get_status_display()},
        )
        return self.trajectory_url()


# --- The agreement ---------------------------------------------------------------------


def signature_rows(version) -> list[tuple]:
    """(party label, signature, the name as the document shows it) per party."""
    if version is None:
        return []
    signatures = {s.party: s for s in version.signatures.all()}
    rows = []
    for party in version.parties:
        signature = signatures.get(party)
        shown = selectors.signed_name_for(signature) if signature else ""
        rows.append((Party(party).label, signature, shown))
    return rows


class AgreementMixin(TrajectoryMixin):
    """A page of the agreement: it reads the versions (newest first), not the trajectory."""

    audit_trajectory = False

    @cached_property
    def versions(self):
        return selectors.agreement_versions(
            trajectory=self.trajectory, user=self.request.user, via=self.reading
        )

    def version(self):
        return self.versions[0] if self.versions else None


class AgreementView(AgreementMixin, ProjectServiceFormView):
    """Read the current version, see who signed, sign it, download PDFs."""

    template_name = "trajectories/agreement.html"
    form_class = forms.SignForm
    title = gettext_lazy("Agreement")

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
        return {"parties": self.signable()}

    def get_initial(self):
        version = self.version()
        return {"text_hash": version.document_hash if version else ""}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.version()
        context["version"] = version
        if version is not None:
            context["sections"] = services.split_sections(version.text, version.language)
        context["versions"] = self.versions
        context["parties"] = signature_rows(version)
        context["signable"] = self.signable()
        return context

    def perform(self, form):
        services.agreement_sign(
            trajectory=self.trajectory,
            party=form.cleaned_data["party"],
            signed_name=form.cleaned_data["signed_name"],
            shown_hash=form.cleaned_data["text_hash"],
            by=self.request.user,
            is_coordinator=self.who.coordinator,
        )
        self.trajectory.refresh_from_db()
        if self.trajectory.status == Trajectory.Status.ACTIVE and not services.missing_parties(
            services.current_version(self.trajectory)
        ):
            messages.success(
                self.request, _("Thank you for signing. Everyone has signed: the agreement holds.")
            )
        else:
            messages.success(self.request, _("Thank you: the signature is recorded."))
        return self.trajectory_url("trajectory_agreement")


class AgreementEditView(AgreementMixin, TrajectoryManageView):
    template_name = "trajectories/agreement_edit.html"
    form_class = forms.AgreementForm
    submit_label = gettext_lazy("Save the agreement")
    intro = gettext_lazy(
        "Write it together with the buddy, the participant and the professional, in plain "
        "words. Be explicit about what the buddy does and does not do: no grey zones."
    )

    def get_form_kwargs(self):
        agreement = Agreement.objects.filter(trajectory=self.trajectory).first()
        if agreement is None:
            template = services.agreement_template_for(project=self.project)
            agreement = Agreement(
                trajectory=self.trajectory,
                project=self.project,
                **template.section_values(),
            )
        return {"instance": agreement, "has_professional": bool(self.trajectory.professional_id)}

    def get_context_data(self, **kwargs):
        version = self.version()
        kwargs.setdefault(
            "title", _("Change the agreement") if version else _("Write the agreement")
        )
        context = super().get_context_data(**kwargs)
        context["version"] = version
        context["signed_count"] = len(version.signatures.all()) if version else 0
        return context

    def perform(self, form):
        data = {name: form.cleaned_data[name] for name in form.fields}
        before = services.current_version(self.trajectory)
        version = services.agreement_save(
            trajectory=self.trajectory,
            by=self.request.user,
            data=data,
            language=get_language() or "nl",
        )
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
        return self.trajectory_url("trajectory_agreement")


class AgreementPdfView(TrajectoryMixin, TemplateView):
    audit_trajectory = False

    def get(self, request, *args, **kwargs):
        version = selectors.version_get(
            trajectory=self.trajectory, code=kwargs["version"], user=request.user, via="web"
        )
        return file_response(
            agreement_pdf(version),
            "application/pdf",
            f"afsprakenkader-v{version.number}-{version.code}.pdf",
        )


# --- Journal ---------------------------------------------------------------------------


class JournalCreateView(TrajectoryMixin, ProjectServiceFormView):
    """One short form, on a phone, in under a minute."""

    permission = policy.JOURNAL_WRITE
    template_name = "trajectories/journal_form.html"
    form_class = forms.JournalForm
    title = gettext_lazy("Write in the journal")
    success_message = gettext_lazy("Saved in the journal. Thank you!")

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
            "has_professional": bool(self.trajectory.professional_id),
            "started_on": self.trajectory.started_on,
        }

    def perform(self, form):
        services.journal_add(
            trajectory=self.trajectory, by=self.request.user, data=dict(form.cleaned_data)
        )
        return self.trajectory_url()


# --- Goals -----------------------------------------------------------------------------


class GoalsView(TrajectoryMixin, ServiceFormView):
    """The goals, their history and the chart; the buddy and coordinator add goals and
    move their level. Two forms on one page: ``submit()`` runs whichever was sent."""

    template_name = "trajectories/goals.html"
    audit_trajectory = False

    def get_context_data(self, **kwargs):
        # Two forms of its own (``goal_form``, ``level_form``), no single ``form``.
        kwargs.setdefault("title", _("Goals"))
        context = super().get_context_data(form=None, **kwargs)
        goals = selectors.goals_for(
            trajectory=self.trajectory, user=self.request.user, via=self.reading
        )
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
            self.form_name = "level_form"
            return self.submit(forms.GoalLevelForm(request.POST), self.set_level)
        self.form_name = "goal_form"
        return self.submit(forms.GoalForm(request.POST), self.add_goal)

    def set_level(self, form):
        goal = selectors.goal_get(trajectory=self.trajectory, code=form.cleaned_data["goal"])
        services.goal_set_level(
            goal=goal,
            by=self.request.user,
            level=form.cleaned_data["level"],
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
        )
        messages.success(self.request, _("The new level is saved."))
        return self.trajectory_url("trajectory_goals")

    def add_goal(self, form):
        services.goal_add(trajectory=self.trajectory, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The goal is added."))
        return self.trajectory_url("trajectory_goals")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(**{self.form_name: form}), status=400)


# --- Role division ---------------------------------------------------------------------


class RoleDivisionView(TrajectoryMixin, ServiceFormView):
    template_name = "trajectories/role_division.html"
    audit_trajectory = False

    def kinds(self):
        # Seeded when the trajectory started (or by the migration): reading never writes.
        return TaskKind.objects.filter(project=self.project)

    def get_form(self, data=None, files=None):
        return forms.RoleTaskForm(
            data, kinds=self.kinds(), has_professional=bool(self.trajectory.professional_id)
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Role division"))
        context = super().get_context_data(**kwargs)
        tasks = selectors.tasks_for(
            trajectory=self.trajectory, user=self.request.user, via=self.reading
        )
        context["tasks"] = tasks
        context["out_of_role"] = [t for t in tasks if t.out_of_role]
        if not self.who.can_manage:
            context["form"] = None
        return context

    def post(self, request, *args, **kwargs):
        if not self.who.can_manage:
            raise PermissionDenied
        if "remove" in request.POST:
            task = selectors.task_get(trajectory=self.trajectory, code=request.POST["remove"])
            run_action(
                request,
                lambda: services.role_task_remove(task=task, by=request.user),
                _("The task is removed."),
            )
            return redirect(self.trajectory_url("trajectory_tasks"))
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        task = services.role_task_add(
            trajectory=self.trajectory, by=self.request.user, **form.cleaned_data
        )
        if task.out_of_role:
            messages.warning(
                self.request,
                _(
                    "The task is added, but it does not belong to this role: talk it "
                    "through with the buddy and the professional."
                ),
            )
        else:
            messages.success(self.request, _("The task is added."))
        return self.trajectory_url("trajectory_tasks")


# --- Project settings: the agreement template and the task kinds -----------------------


class AgreementTemplateView(ManageFormView):
    form_class = forms.AgreementTemplateForm
    title = gettext_lazy("Agreement template")
    intro = gettext_lazy(
        "Every new agreement starts from this text; the coordinator adapts it per "
        "trajectory. Lists: one item per line."
    )
    success_message = gettext_lazy("The template is saved. New agreements start from this text.")

    def get_form_kwargs(self):
        return {"instance": services.agreement_template_for(project=self.project)}

    def get_back_url(self):
        return project_url("trajectory_list", self.project)

    def perform(self, form):
        data = {name: form.cleaned_data[name] for name in form.fields}
        services.agreement_template_save(project=self.project, by=self.request.user, data=data)
        return project_url("agreement_template", self.project)


class TaskKindsView(ManageFormView):
    template_name = "trajectories/task_kinds.html"
    form_class = forms.TaskKindForm
    title = gettext_lazy("Kinds of tasks")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = selectors.task_kinds(project=self.project)
        context["belongs_choices"] = TaskKind.Belongs.choices
        return context

    def post(self, request, *args, **kwargs):
        if "kind" in request.POST:
            # One row's "whose task is it?" (a preset may not be seeded yet: its key).
            key = request.POST["kind"]
            kind = next(
                (k for k in selectors.task_kinds(project=self.project) if k.key == key), None
            )
            if kind is None:
                messages.error(request, _("That kind of task does not exist."))
                return redirect(request.path)
            belongs_to = request.POST.get("belongs_to", "")
            run_action(
                request,
                lambda: services.task_kind_save(
                    project=self.project, by=request.user, belongs_to=belongs_to, kind=kind
                ),
                _("Saved."),
            )
            return redirect(request.path)
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        services.task_kind_save(project=self.project, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The kind of task is added."))
        return self.request.path
