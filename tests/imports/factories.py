"""Imports for tests: a small uploaded CSV of participants, mapped, not imported yet."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from buddynet.imports import services

CSV = "Voornaam;Achternaam;E-mail\nAn;Peeters;an.peeters@example.be\n"


def run(w, *, other: bool = False):
    project, by = (w.other, w.other_coord) if other else (w.project, w.coord)
    with scopes_disabled():
        made = services.import_upload(
            project=project,
            kind="participants",
            upload=SimpleUploadedFile("lijst.csv", CSV.encode()),
            by=by,
        )
        return services.import_map(run=made, columns=made.mapping, by=by)
