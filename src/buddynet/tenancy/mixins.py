"""Views declare the permission they need; the project comes from the URL, once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest

from buddynet.core.formviews import ServiceFormView

from . import policy
from .access import get_access
from .selectors import project_for_request


class ProjectPermissionMixin(LoginRequiredMixin):
    """Resolve ``self.project`` from the ``project`` URL code and check ``permission``.

    Another project's code answers 404 (as if it did not exist); a project the user
    belongs to but without the permission answers 403.
    """

    permission: str | tuple[str, ...] = ""
    request: HttpRequest  # set by the view it is mixed into
    kwargs: dict[str, Any]  # the URL's (set by the view it is mixed into)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.permission:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare a permission.")
        self.access = get_access(request)
        self.project = project_for_request(request, access=self.access, code=kwargs["project"])
        needed = (self.permission,) if isinstance(self.permission, str) else self.permission
        if not any(self.access.has(p, self.project) for p in needed):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def can(self, permission: str) -> bool:
        return self.access.has(permission, self.project)

    @property
    def reader(self):
        """The user when this request reads the page (a GET), for the selectors that
        write "viewed" into a person's history; None when it writes."""
        return self.request.user if self.request.method == "GET" else None

    def object_lookup(self) -> dict:
        """What a ``*_for_user`` selector takes to hand out the object this URL's
        ``code`` names (the same 404 for "not there" and "not yours")."""
        return {
            "access": self.access,
            "user": self.request.user,
            "project": self.project,
            "code": self.kwargs["code"],
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["project"] = self.project
        context["perms_here"] = self.access.permissions(self.project)
        context["can"] = policy.Can(context["perms_here"])
        return context


class ProjectServiceFormView(ProjectPermissionMixin, ServiceFormView):
    """A form page inside a project: the permission, then the one service-form flow
    (``buddynet.core.formviews.ServiceFormView``)."""


class FilteredListMixin:
    """A list filtered by ``?status=`` (one of ``status_choices``) and ``?q=`` (a search).

    Unknown statuses are ignored and searches are cut to 100 characters, so a bad
    address still shows a list. ``list_selector(access=, user=, project=, status=,
    query=)`` gives the rows (or override ``get_queryset``).
    """

    status_choices: tuple = ()
    paginate_by = 50
    list_selector: Any = None

    def get_queryset(self):
        # Read from the class: a plain function there is not bound to the view.
        return type(self).list_selector(
            access=self.access, user=self.request.user, project=self.project, **self.get_filters()
        )

    def get_filters(self) -> dict:
        values = {value for value, _label in self.status_choices}
        status = self.request.GET.get("status") or None
        query = self.request.GET.get("q", "").strip()[:100] or None
        return {"status": status if status in values else None, "query": query}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = self.get_filters()
        context["statuses"] = self.status_choices
        context["current_status"] = filters["status"] or ""
        context["query"] = filters["query"] or ""
        return context
