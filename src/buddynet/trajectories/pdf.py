"""The signed agreement as a PDF (``core.pdf``: the shared page layout).

The PDF shows exactly the sections the page shows (``services.split_sections`` of the
frozen text) and the signatures as the page names them."""

from __future__ import annotations

from buddynet.core.pdf import render_pdf

from . import selectors
from .services import split_sections


def agreement_pdf(version) -> bytes:
    trajectory = version.agreement.trajectory
    signatures = list(version.signatures.select_related("on_device_of"))
    return render_pdf(
        "trajectories/agreement_pdf.html",
        {
            "version": version,
            "text": split_sections(version.text, version.language),
            "signatures": [(s, selectors.signed_name_for(s)) for s in signatures],
            "project": trajectory.project,
        },
        language=version.language,
    )
