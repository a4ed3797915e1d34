"""The signed agreement as a PDF (WeasyPrint: HTML in, PDF out, nothing fetched)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation


def agreement_pdf(version) -> bytes:
    from weasyprint import HTML

    from .services import split_sections

    trajectory = version.agreement.trajectory
    with translation.override(version.language or "nl"):
        html = render_to_string(
            "trajectories/agreement_pdf.html",
            {
                "version": version,
                "text": split_sections(version.text),
                "signatures": list(version.signatures.select_related("on_device_of")),
                "project": trajectory.project,
            },
        )

    def no_fetch(url, *args, **kwargs):
        raise ValueError(f"External resource refused in a PDF: {url}")

    return HTML(string=html, url_fetcher=no_fetch).write_pdf()
