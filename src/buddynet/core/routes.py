"""The one way an app declares its pages: a route table.

An app's ``urls.py`` lists its pages as rows ``(route, view, name)``; ``routes()`` turns
them into Django ``path()`` entries (a class-based view is mounted with ``as_view()``, a
view function as it is). Routes use Django's converters (``<uuid:code>``: an object's
opaque code). The root ``urls.py`` mounts ``project_urlpatterns`` under
``/p/<uuid:project>/``, ``public_urlpatterns`` under ``/public/`` and ``urlpatterns`` at
the root.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path, reverse
from django.views import View

Route = tuple[str, type[View] | Callable[..., Any], str]


def routes(*table: Route) -> list[URLPattern]:
    """The ``path()`` entries of a table of ``(route, view, name)`` rows, in its order."""
    return [path(route, _mounted(view), name=name) for route, view, name in table]


def _mounted(view: type[View] | Callable[..., Any]) -> Callable[..., Any]:
    return view.as_view() if isinstance(view, type) and issubclass(view, View) else view


def project_url(name: str, project, **kwargs: Any) -> str:
    """The address of a project's page: the route ``name`` with the project's code
    (``/p/<project>/...``) and the route's other parts (``code=...``)."""
    return reverse(name, kwargs={"project": project.code, **kwargs})
