"""The signed information note as a PDF (WeasyPrint: HTML in, PDF out, nothing fetched)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation


def note_pdf(note) -> bytes:
    from weasyprint import HTML

    with translation.override(note.language or "nl"):
        html = render_to_string(
            "volunteers/note_pdf.html",
            {"note": note, "paragraphs": note.text.split("\n\n"), "project": note.project},
        )

    def no_fetch(url, *args, **kwargs):
        raise ValueError(f"External resource refused in a PDF: {url}")

    return HTML(string=html, url_fetcher=no_fetch).write_pdf()
