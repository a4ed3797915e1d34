from __future__ import annotations

from django.views.generic import ListView, TemplateView

from buddynet.core.selectors import history_for_object
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import FilteredListMixin, ProjectPermissionMixin

from .models import Buddy
from .selectors import buddy_get_for_user, buddy_list_for_user


class BuddyListView(ProjectPermissionMixin, FilteredListMixin, ListView):
    permission = policy.BUDDIES_VIEW
    template_name = "volunteers/buddy_list.html"
    context_object_name = "buddies"
    status_choices = tuple(Buddy.Status.choices)

    def get_queryset(self):
        return buddy_list_for_user(access=self.access, project=self.project, **self.get_filters())


class BuddyDetailView(ProjectPermissionMixin, TemplateView):
    permission = policy.BUDDIES_VIEW
    template_name = "volunteers/buddy_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        buddy = buddy_get_for_user(access=self.access, project=self.project, code=kwargs["code"])
        # A buddy's file is sensitive: every view is logged.
        buddy.log_action("buddy.viewed", user=self.request.user)
        context["buddy"] = buddy
        context["show_contact"] = self.can(policy.BUDDIES_VIEW_CONTACT)
        context["history"] = history_for_object(obj=buddy)
        return context
