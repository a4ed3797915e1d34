"""Pages of the import: upload a spreadsheet, choose its columns, look at the dry run,
commit it in the queue and follow its progress. For a project's coordinators only
(``policy.IMPORTS_RUN``)."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from buddynet.core.formviews import run_action
from buddynet.core.routes import project_url
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import ProjectPermissionMixin, ProjectServiceFormView
from buddynet.tenancy.runs import RunProgressMixin

from . import forms, services
from .models import ImportRun
from .plan import REFUSED

SHOWN_ROWS = 500


def run_url(project, run, name: str = "imports_run") -> str:
    return project_url(name, project, code=run.code)


class ImportStartView(ProjectServiceFormView):
    permission = policy.IMPORTS_RUN
    form_class = forms.UploadForm
    template_name = "imports/start.html"
    title = gettext_lazy("Import from a spreadsheet")
    intro = gettext_lazy(
        "Bring in your buddies, participants, running trajectories or the services of the "
        "social map from a CSV or Excel file. Nothing is written before you have seen the "
        "dry run and pressed “Import”; what is already there (the same e-mail address, the "
        "same pair and start date, the same service name) is updated or left as it is, "
        "never added twice."
    )
    submit_label = gettext_lazy("Upload and choose the columns")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["runs"] = services.import_runs_recent(project=self.project)
        return context

    def perform(self, form) -> str:
        run = services.import_upload(
            project=self.project,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            by=self.request.user,
        )
        return run_url(self.project, run, "imports_columns")


class RunMixin(ProjectPermissionMixin):
    permission = policy.IMPORTS_RUN

    @cached_property
    def run(self) -> ImportRun:
        return services.import_run_get(project=self.project, code=self.kwargs["code"])


class ImportColumnsView(RunMixin, ProjectServiceFormView):
    form_class = forms.ColumnsForm
    title = gettext_lazy("Which column holds what?")
    intro = gettext_lazy(
        "We proposed a column for each field from the names in the first row (Dutch or "
        "English) and from your previous import. The choice is remembered for next time."
    )
    submit_label = gettext_lazy("Show the dry run")

    def get(self, request, *args, **kwargs):
        # Columns are chosen once: an import under way or done shows where it stands.
        if self.run.status != ImportRun.Status.DRAFT:
            return HttpResponseRedirect(run_url(self.project, self.run))
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict:
        return {"run": self.run}

    def get_back_url(self) -> str:
        return project_url("imports_start", self.project)

    def get_subtitle(self) -> str:
        return self.run.file_name

    def perform(self, form) -> str:
        services.import_map(run=self.run, columns=form.columns(), by=self.request.user)
        return run_url(self.project, self.run)


class ImportRunView(RunMixin, TemplateView):
    """The dry run while the file is not imported; then the progress, then the result."""

    template_name = "imports/run.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.run
        context["run"] = run
        context["columns_url"] = run_url(self.project, run, "imports_columns")
        if run.status == ImportRun.Status.DRAFT:
            plan = services.import_plan(run=run)
            refused = [row for row in plan.rows if row.action == REFUSED]
            others = [row for row in plan.rows if row.action != REFUSED]
            context["counts"] = plan.counts
            context["refused_rows"] = refused[:SHOWN_ROWS]
            context["other_rows"] = others[:SHOWN_ROWS]
            context["hidden"] = max(0, len(refused) - SHOWN_ROWS) + max(0, len(others) - SHOWN_ROWS)
            context["writes"] = plan.counts["create"] + plan.counts["update"]
        return context


class ImportCommitView(RunMixin, View):
    """The button under the dry run: queue the all-or-nothing commit."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        run_action(
            request,
            lambda: services.import_commit_start(run=self.run, by=request.user),
            gettext_lazy("The import is under way."),
        )
        return HttpResponseRedirect(run_url(self.project, self.run))


class ImportProgressView(RunMixin, RunProgressMixin, TemplateView):
    template_name = "imports/_progress.html"
    run_route = "imports_run"
