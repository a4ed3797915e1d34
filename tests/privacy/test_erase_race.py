"""Erasing a person twice at the same moment (two clicks, two coordinators): one
erasure, one "erased" entry on the audit log; the other answer is the same result or a
clear 4xx, never a 5xx. Threads against the live server, so PostgreSQL only (as
``tests/test_concurrency.py``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.core.models import AuditEntry
from tests.conftest import build_world
from tests.test_concurrency import Browser, at_once, form_pairs

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a database that gives each live-server thread its own connection",
    ),
]


@pytest.mark.parametrize(
    ("name", "about"),
    [("privacy_erase_participant", "participant"), ("privacy_erase_buddy", "buddy")],
)
def test_two_erasures_at_once_erase_once(name, about, live_server):
    world = build_world("erase")
    person = getattr(world, about)
    path = reverse(name, kwargs={"project": world.project.code, "code": person.code})
    browser = Browser(live_server.url, world.coord)
    status, html = browser.get(path)
    assert status == 200
    action, pairs = form_pairs(html, path, {"reason": "Gevraagd op 2 maart.", "understood": "on"})

    results = at_once(lambda: browser.post_form(action, pairs))

    statuses = sorted(result[0] for result in results)
    assert all(code < 500 for code in statuses), statuses
    assert statuses[0] == 302, statuses  # one erased
    assert statuses[1] == 302 or 400 <= statuses[1] < 500, statuses
    with scopes_disabled():
        person.refresh_from_db()
        erased = AuditEntry.unscoped.filter(action="privacy.erased", object_code=person.code)
        assert person.erased_at is not None
        assert erased.count() == 1
