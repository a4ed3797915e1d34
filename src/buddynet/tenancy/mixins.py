"""Views declare the permission they need; the project comes from the URL, once."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from .access import get_access
from .selectors import project_get_for_user


class ProjectPermissionMixin(LoginRequiredMixin):
    """Resolve ``self.project`` from the ``project`` URL code and check ``permission``.

    Another project's code answers 404 (as if it did not exist); a project the user
    belongs to but without the permission answers 403.
    """

    permission: str | tuple[str, ...] = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.permission:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare a permission.")
        self.access = get_access(request)
        self.project = project_get_for_user(access=self.access, code=kwargs["project"])
        needed = (self.permission,) if isinstance(self.permission, str) else self.permission
        if not any(self.access.has(p, self.project) for p in needed):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def can(self, permission: str) -> bool:
        return self.access.has(permission, self.project)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["project"] = self.project
        context["perms_here"] = self.access.permissions(self.project)
        return context
