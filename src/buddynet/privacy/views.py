"""Pages of the right of access: ask for a person's export (a button on their file),
follow its progress (polled by htmx), download it once. For the project's coordinators
(``policy.PRIVACY_EXPORT``); another project's export or person is a 404."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from buddynet.core.errors import ServiceError
from buddynet.core.routes import project_url
from buddynet.participants.selectors import participant_get_for_user
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import ProjectPermissionMixin, ProjectServiceFormView
from buddynet.tenancy.runs import RunProgressMixin
from buddynet.volunteers.selectors import buddy_get_for_user

from . import selectors, services


def export_url(project, run) -> str:
    return project_url("privacy_export", project, code=run.code)


class ExportStartView(ProjectServiceFormView):
    """Ask for the export (posted from the person's file). Asking again while it is made
    leads to the export under way."""

    http_method_names = ["post"]
    permission = policy.PRIVACY_EXPORT
    form_class = forms.Form
    title = gettext_lazy("Export all data")
    submit_label = gettext_lazy("Export all data")

    def person(self):
        raise NotImplementedError

    def perform(self, form) -> str:
        run = services.export_start(
            project=self.project,
            person=self.person(),
            by=self.request.user,
            language=get_language(),
        )
        return export_url(self.project, run)


class ParticipantExportStartView(ExportStartView):
    def person(self):
        return participant_get_for_user(**self.object_lookup())

    def get_back_url(self) -> str:
        return reverse("participant_detail", kwargs=self.kwargs)


class BuddyExportStartView(ExportStartView):
    def person(self):
        return buddy_get_for_user(
            access=self.access, project=self.project, code=self.kwargs["code"]
        )

    def get_back_url(self) -> str:
        return reverse("buddy_detail", kwargs=self.kwargs)


class ExportMixin(ProjectPermissionMixin):
    permission = policy.PRIVACY_EXPORT

    @cached_property
    def run(self):
        return selectors.export_get(
            project=self.project, code=self.kwargs["code"], viewed_by=self.audited_reader()
        )

    def audited_reader(self):
        return None


class ExportView(ExportMixin, TemplateView):
    """The export: its progress while it is made, the one download when ready."""

    template_name = "privacy/export.html"

    def audited_reader(self):
        return self.reader

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.run
        context["run"] = run
        name = "participant_detail" if run.participant_id else "buddy_detail"
        context["person_url"] = project_url(name, self.project, code=run.person.code)
        return context


class ExportProgressView(ExportMixin, RunProgressMixin, TemplateView):
    """The progress fragment the export page polls (htmx)."""

    template_name = "privacy/_progress.html"
    run_route = "privacy_export"


class ExportDownloadView(ExportMixin, View):
    """The ZIP, once (a POST: a link preview or a prefetch cannot use it up). A second
    download, or one after expiry, goes back to the export's page with the reason."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            body, name = services.export_download(run=self.run, by=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(export_url(self.project, self.run))
        return FileResponse(
            io.BytesIO(body), as_attachment=True, filename=name, content_type="application/zip"
        )
