"""Settings for the test suite (``DJANGO_SETTINGS_MODULE`` in pyproject's pytest config):
the production settings, with only what makes tests fast and self-contained changed.

``tests/test_static_manifest.py`` runs the production static storage (WhiteNoise's
compressed manifest) on its own, with a real ``collectstatic``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from buddynet.settings import *  # noqa: F403
from buddynet.settings import HUEY, PASSWORD_HASHERS

# A fixed key: tests sign sessions and tokens but nothing leaves the test run.
SECRET_KEY = "buddynet-tests-only-" + "k" * 50  # a fixed key for tests only

# Argon2 is deliberately slow; tests create hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

# Tasks run at once, in memory (no queue file, no worker).
HUEY = {**HUEY, "immediate": True}

# Secure cookies and HSTS stay as in production; the test client speaks plain HTTP, so
# it is not redirected to https.
SECURE_SSL_REDIRECT = False

# Static files straight from the apps' folders, without a collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Files the app makes and uploads (funder reports, clips) in a folder of the test run's
# own (made by the storage on first use: nothing is written at import), so two suites
# running side by side never share it.
MEDIA_ROOT = str(Path(tempfile.gettempdir()) / f"buddynet-test-media-{os.getpid()}")

# PostgreSQL: the same backend, emptied between transactional tests with DELETE instead of
# TRUNCATE (seconds per test saved; see ``core/fastflush/base.py``).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["ENGINE"] = "buddynet.core.fastflush"  # noqa: F405
