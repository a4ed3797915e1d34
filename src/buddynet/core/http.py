"""Small request helpers every app shares."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from .exports import file_response
from .pdf import render_pdf


def safe_next_url(request, candidate: str | None, default: str) -> str:
    """``candidate`` (a ``next=`` value) if it stays on this site, else ``default``.

    Only same-site paths are followed: ``https://evil.example``, ``//evil.example`` and
    ``javascript:`` fall back to ``default``, so no page can be used as an open redirect.
    """
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def page_of(request, rows, per_page: int):
    """The page of ``rows`` that ``?page=`` asks for (the first for a bad number, the last
    past the end): Django's ``Paginator.get_page``."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def pdf_response(template_name: str, context: dict, filename: str) -> HttpResponse:
    """A document a page hands out as PDF: ``template_name`` rendered in the request's
    language (``core.pdf.render_pdf``), saved as ``filename``."""
    pdf = render_pdf(template_name, context, language=translation.get_language() or "nl")
    return file_response(pdf, "application/pdf", filename)
