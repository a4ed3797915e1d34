"""Access-matrix rows for the right of access: a project's coordinators only (a network
coordinator, a professional, a buddy, a participant and the privacy officer get 403;
another project's person or export is 404). The oversight pages: the coordinators and
the privacy officer."""

from __future__ import annotations

from tests.privacy import factories as pf
from tests.test_access_matrix import (
    LOGIN,
    NESTED,
    Row,
    buddy_kw,
    nested_kw,
    participant_kw,
    project_kw,
    statuses,
)

COORDINATOR = statuses(LOGIN, 403, 200, 403, 403, 403)
POSTED = statuses(LOGIN, 403, 302, 403, 403, 403)
OVERSEE = statuses(LOGIN, 403, 200, 403, 403, 403, officer=200)
export_kw = nested_kw(pf.participant_export, lambda w: pf.participant_export(w, other=True))

PAGES = {
    "privacy_export_participant": Row(
        own=POSTED, kwargs=participant_kw, variants=NESTED, method="post", data=lambda w: {}
    ),
    "privacy_export_buddy": Row(
        own=POSTED, kwargs=buddy_kw, variants=NESTED, method="post", data=lambda w: {}
    ),
    "privacy_export": Row(own=COORDINATOR, kwargs=export_kw, variants=NESTED),
    "privacy_export_progress": Row(own=COORDINATOR, kwargs=export_kw, variants=NESTED),
    "privacy_export_download": Row(
        own=COORDINATOR, kwargs=export_kw, variants=NESTED, method="post", data=lambda w: {}
    ),
    "privacy_erase_participant": Row(own=COORDINATOR, kwargs=participant_kw, variants=NESTED),
    "privacy_erase_buddy": Row(own=COORDINATOR, kwargs=buddy_kw, variants=NESTED),
    # The project's privacy oversight: its coordinators and its privacy officer.
    "privacy_register": Row(own=OVERSEE, kwargs=project_kw),
    "privacy_register_pdf": Row(own=OVERSEE, kwargs=project_kw),
    "privacy_lookups": Row(own=OVERSEE, kwargs=project_kw),
    "privacy_retention": Row(own=OVERSEE, kwargs=project_kw),
    # The terms are set by the coordinators; the officer reads them (GDPR art. 38(6)).
    "privacy_retention_edit": Row(own=COORDINATOR, kwargs=project_kw),
}
