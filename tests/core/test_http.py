"""The request helpers of ``core.http``: a PDF a page hands out."""

from __future__ import annotations

import pytest
from django.utils import translation

from buddynet.core import http

pytestmark = pytest.mark.one_database


def test_pdf_response_renders_in_the_request_language_and_hands_out_the_file(monkeypatch):
    made = []

    def fake_render(template_name, context, *, language):
        made.append((template_name, context, language))
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(http, "render_pdf", fake_render)
    with translation.override("en"):
        response = http.pdf_response("some/pdf.html", {"year": 2026}, "statement-2026.pdf")
    assert made == [("some/pdf.html", {"year": 2026}, "en")]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="statement-2026.pdf"'
    assert response.content == b"%PDF-1.7 fake"


def test_pdf_response_without_an_active_language_is_in_dutch(monkeypatch):
    languages = []
    monkeypatch.setattr(
        http, "render_pdf", lambda name, context, *, language: languages.append(language) or b""
    )
    with translation.override(None):
        http.pdf_response("some/pdf.html", {}, "x.pdf")
    assert languages == ["nl"]
