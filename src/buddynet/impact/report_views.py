"""Pages of the funder report prepared in the queue (``reports``): start it (a button on
the outcome page), follow its progress (polled by htmx), download the files when ready
(each download on the audit log). For ``impact.view_outcomes``, like the outcome page.
"""

from __future__ import annotations

from django.http import FileResponse
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from buddynet.core.routes import project_url
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import ProjectPermissionMixin, ProjectServiceFormView
from buddynet.tenancy.runs import RunProgressMixin

from . import reports
from .forms import PeriodForm
from .periods import period


def run_url(project, run) -> str:
    return project_url("impact_report_run", project, code=run.code)


class ReportRunStartView(ProjectServiceFormView):
    """Prepare the funder report of the period in the queue (posted from the outcome
    page). Asking again while it is made leads to the run under way."""

    http_method_names = ["post"]
    permission = policy.IMPACT_VIEW_OUTCOMES
    form_class = PeriodForm
    title = gettext_lazy("Prepare the funder report")
    submit_label = gettext_lazy("Prepare the funder report")

    def get_back_url(self) -> str:
        return project_url("impact_outcomes", self.project)

    def perform(self, form) -> str:
        chosen = form.period()
        date_from, date_to = chosen.start, chosen.end
        run = reports.report_run_start(
            project=self.project,
            date_from=date_from,
            date_to=date_to,
            by=self.request.user,
            language=get_language(),
        )
        return run_url(self.project, run)


class RunMixin(ProjectPermissionMixin):
    permission = policy.IMPACT_VIEW_OUTCOMES

    @cached_property
    def run(self):
        return reports.report_run_get(project=self.project, code=self.kwargs["code"])


class ReportRunView(RunMixin, TemplateView):
    """The run: its progress while it is made, the downloads when ready."""

    template_name = "impact/report_run.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["run"] = self.run
        context["outcomes_url"] = (
            project_url("impact_outcomes", self.project)
            + "?"
            + period(self.run.date_from, self.run.date_to).query
        )
        return context


class ReportRunProgressView(RunMixin, RunProgressMixin, TemplateView):
    """The progress fragment the run page polls (htmx); once finished, htmx is told to
    load the run's page (with the downloads)."""

    template_name = "impact/_report_progress.html"
    run_route = "impact_report_run"


class ReportRunFileView(RunMixin, View):
    """A prepared file of the run (on the audit log)."""

    kind = "pdf"

    def get(self, request, *args, **kwargs):
        handle, name = reports.report_run_file(run=self.run, kind=self.kind, by=request.user)
        return FileResponse(
            handle, as_attachment=True, filename=name, content_type=reports.CONTENT_TYPES[self.kind]
        )
