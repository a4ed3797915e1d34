"""Health check and friendly error pages (the dashboard is in ``buddynet.site``)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _error(template: str, status: int):
    def view(request, exception=None):
        return render(request, template, status=status)

    return view


bad_request = _error("errors/400.html", 400)
permission_denied = _error("errors/403.html", 403)
page_not_found = _error("errors/404.html", 404)
server_error = _error("errors/500.html", 500)
