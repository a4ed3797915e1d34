"""Plain words for the imports app's audit actions (merged into the core's labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "imports.uploaded": _("uploaded a spreadsheet to import"),
    "imports.mapped": _("chose the columns of a spreadsheet to import"),
    "imports.commit_asked": _("asked to import a spreadsheet"),
    "imports.committed": _("imported a spreadsheet"),
}
