"""The signed information note as a PDF (``core.pdf``: the shared page layout)."""

from __future__ import annotations

from buddynet.core.pdf import render_pdf


def note_pdf(note) -> bytes:
    return render_pdf(
        "volunteers/note_pdf.html",
        {"note": note, "paragraphs": note.text.split("\n\n"), "project": note.project},
        language=note.language,
    )
