from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from tests.followup import factories as ff


@pytest.fixture
def unscoped():
    with scopes_disabled():
        yield


@pytest.fixture
def trajectory(world, unscoped):
    return ff.trajectory(world)


@pytest.fixture
def smtp(settings):
    """The production path: queued backend → queue task (immediate in tests) → SMTP."""
    from tests.smtp import smtp_server

    with smtp_server() as inbox:
        settings.EMAIL_BACKEND = "buddynet.core.mail.QueuedEmailBackend"
        settings.BUDDYNET_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = inbox.port
        yield inbox
