"""The dashboard per role and the network overview: pages that combine the apps."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import TemplateView

from buddynet.tenancy.access import get_access
from buddynet.tenancy.selectors import network_get_for_user

from . import dashboard
from .selectors import network_overview


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    context = dashboard.build(access=get_access(request), user=request.user)
    return render(request, "core/dashboard.html", context)


class NetworkDetailView(LoginRequiredMixin, TemplateView):
    template_name = "tenancy/network_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        access = get_access(self.request)
        network = network_get_for_user(access=access, code=kwargs["network"])
        context["network"] = network
        context["overview"] = network_overview(network=network)
        return context
