"""The signed agreement as a PDF (WeasyPrint: HTML in, PDF out, nothing fetched).

The PDF shows exactly the sections the page shows (``services.split_sections`` of the
frozen text) and the signatures as the page names them."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from . import selectors
from .services import split_sections


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"External resource refused in a PDF: {url}")


def agreement_pdf(version) -> bytes:
    # WeasyPrint is heavy to import: only when a PDF is made (as in volunteers.pdf).
    from weasyprint import HTML

    trajectory = version.agreement.trajectory
    signatures = list(version.signatures.select_related("on_device_of"))
    with translation.override(version.language or "nl"):
        html = render_to_string(
            "trajectories/agreement_pdf.html",
            {
                "version": version,
                "text": split_sections(version.text, version.language),
                "signatures": [(s, selectors.signed_name_for(s)) for s in signatures],
                "project": trajectory.project,
            },
        )
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()
