"""The one way a page runs a form through a service.

``ServiceFormView``: GET shows the form; POST validates it and calls ``perform(form)``
(one service call), which returns where to go next. A broken rule
(:class:`~buddynet.core.errors.ServiceError`, or a model's ``ValidationError``) is shown
on the form; an invalid form or a broken rule answers **400** with everything typed
kept. A success shows ``success_message`` (if any) and redirects. A button that posts
without a form (approve, remove) goes through ``run_action``: its broken rule becomes an
error message.

Project pages combine it with ``tenancy.mixins.ProjectPermissionMixin``
(``ProjectServiceFormView`` there). The shared template ``forms/form_page.html``
renders ``title`` (with ``get_subtitle()`` beside it: what the form is about),
``intro``, ``back_url``/``back_label``, the form and ``submit_label``; a page with more
to show extends it. It sits in the layout named by ``form_layout`` (a project's page by
default; ``"network/base.html"`` in a network's space, ``"expenses/platform_base.html"``
for the platform's staff).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .errors import ServiceError


def form_add_service_error(form, exc: ServiceError | ValidationError) -> None:
    """Put a service's complaint on the form, on its field where it names one."""
    if isinstance(exc, ValidationError):
        exc = ServiceError.from_validation_error(exc)
    field = exc.field if exc.field in getattr(form, "fields", {}) else None
    form.add_error(field, exc.message)


def run_action(request, act: Callable[[], Any], success) -> bool:
    """A one-click action (a button that posts, no form to show again): ``act()`` calls
    one service. A broken rule is shown as an error message; otherwise ``success`` is
    shown (a text, or a function of what ``act`` returned that gives the text). True when
    the action went through; the caller redirects either way."""
    try:
        result = act()
    except ServiceError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, str(success(result) if callable(success) else success))
    return True


class ServiceFormView(TemplateView):
    """GET: the form. POST: valid → ``perform`` → redirect; otherwise 400, typed kept."""

    form_class: Any = None
    template_name = "forms/form_page.html"
    form_layout: str | None = None  # the page around the form; None: the project's
    title: Any = ""
    intro: Any = ""
    submit_label: Any = _("Save")
    success_message: Any = ""

    # --- what a page overrides ----------------------------------------------------
    def get_form_kwargs(self) -> dict:
        """Extra keyword arguments for the form (``instance``, ``project``, ...)."""
        return {}

    def get_initial(self) -> dict:
        return {}

    def perform(self, form) -> str | HttpResponse:
        """Call one service with ``form.cleaned_data``; return a URL or a response."""
        raise NotImplementedError(f"{type(self).__name__} must define perform(form).")

    def get_back_url(self) -> str | None:
        return None

    def get_subtitle(self) -> Any:
        """What the form is about, beside the title (a person's name); "" for nothing."""
        return ""

    # --- the shared steps ---------------------------------------------------------
    def get_form(self, data=None, files=None):
        kwargs = self.get_form_kwargs()
        if data is None:
            kwargs.setdefault("initial", self.get_initial())
        else:
            kwargs["data"] = data
            kwargs["files"] = files
        return self.form_class(**kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in context:
            context["form"] = self.get_form()
        context.setdefault("title", self.title)
        context.setdefault("intro", self.intro)
        context.setdefault("submit_label", self.submit_label)
        context.setdefault("back_url", self.get_back_url())
        context.setdefault("subtitle", self.get_subtitle())
        if self.form_layout:
            context.setdefault("form_layout", self.form_layout)
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(data=request.POST, files=request.FILES)
        return self.submit(form, self.perform)

    def submit(self, form, act) -> HttpResponse:
        """Valid form → ``act(form)``; a broken rule or invalid form → 400, typed kept."""
        if form.is_valid():
            try:
                result = act(form)
            except (ServiceError, ValidationError) as exc:
                form_add_service_error(form, exc)
            else:
                if self.success_message:
                    messages.success(self.request, str(self.success_message))
                if isinstance(result, HttpResponse):
                    return result
                return HttpResponseRedirect(result)
        return self.form_invalid(form)

    def form_invalid(self, form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)
