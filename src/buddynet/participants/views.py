from __future__ import annotations

from django.views.generic import ListView, TemplateView

from buddynet.core.selectors import history_for_object
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import FilteredListMixin, ProjectPermissionMixin

from .models import Participant
from .selectors import participant_get_for_user, participant_list_for_user

VIEW_ANY = (policy.PARTICIPANTS_VIEW, policy.PARTICIPANTS_VIEW_REFERRED)


class ParticipantListView(ProjectPermissionMixin, FilteredListMixin, ListView):
    permission = VIEW_ANY
    template_name = "participants/participant_list.html"
    context_object_name = "participants"
    status_choices = tuple(Participant.Status.choices)

    def get_queryset(self):
        return participant_list_for_user(
            access=self.access, user=self.request.user, project=self.project, **self.get_filters()
        )


class ParticipantDetailView(ProjectPermissionMixin, TemplateView):
    permission = VIEW_ANY
    template_name = "participants/participant_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        participant = participant_get_for_user(
            access=self.access, user=self.request.user, project=self.project, code=kwargs["code"]
        )
        participant.log_action("participant.viewed", user=self.request.user)
        context["participant"] = participant
        context["show_sensitive"] = self.can(policy.PARTICIPANTS_VIEW_SENSITIVE)
        context["show_history"] = self.can(policy.PROJECT_VIEW_AUDIT)
        if context["show_history"]:
            context["history"] = history_for_object(obj=participant)
        return context
