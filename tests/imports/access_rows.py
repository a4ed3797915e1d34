"""Access-matrix rows for imports: a project's coordinators only (a network
coordinator, a professional, a buddy and a participant get 403; another project's
import is 404)."""

from __future__ import annotations

from tests.imports import factories as imf
from tests.test_access_matrix import LOGIN, NESTED, Row, nested_kw, project_kw, statuses

COORDINATOR = statuses(LOGIN, 403, 200, 403, 403, 403)
run_kw = nested_kw(imf.run, lambda w: imf.run(w, other=True))

PAGES = {
    "imports_start": Row(own=COORDINATOR, kwargs=project_kw),
    "imports_run": Row(own=COORDINATOR, kwargs=run_kw, variants=NESTED),
    "imports_columns": Row(own=COORDINATOR, kwargs=run_kw, variants=NESTED),
    "imports_progress": Row(own=COORDINATOR, kwargs=run_kw, variants=NESTED),
    "imports_commit": Row(
        own=statuses(LOGIN, 403, 302, 403, 403, 403),
        kwargs=run_kw,
        variants=NESTED,
        method="post",
        data=lambda w: {},
    ),
}
