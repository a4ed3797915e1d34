"""Signed documents as PDF (WeasyPrint: HTML in, PDF out, nothing fetched). The page
layout is ``templates/pdf/base.html``; each document's template extends it."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"External resource refused in a PDF: {url}")


def render_pdf(template_name: str, context: dict, *, language: str) -> bytes:
    """``template_name`` rendered in the document's ``language`` (Dutch if none), as PDF."""
    # WeasyPrint is heavy to import: only when a PDF is made.
    from weasyprint import HTML

    with translation.override(language or "nl"):
        html = render_to_string(template_name, context)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()
