"""The production static storage, exercised for real: ``collectstatic`` into a fresh
folder with WhiteNoise's compressed manifest storage, then pages rendered and their static
files served from that folder.

The test settings serve static files straight from the apps (no collectstatic before
every run); this module is what would catch a template naming a static file that does
not exist, or a stylesheet pointing at a missing font, before production does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client, override_settings

import buddynet

SRC = Path(buddynet.__file__).resolve().parent
# collectstatic and static links: nothing of the database.
pytestmark = pytest.mark.one_database

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STATIC_TAG = re.compile(r"""\{%\s*static\s+["']([^"']+)["']\s*%\}""")
STATIC_URL_IN_PAGE = re.compile(r"""(?:href|src)="(/static/[^"]+)\"""")
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("static_root")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def production_static(settings, collected) -> Path:
    settings.STATIC_ROOT = collected
    settings.STORAGES = PRODUCTION_STORAGES
    settings.WHITENOISE_USE_FINDERS = False
    return collected


def test_collectstatic_writes_a_manifest_and_compressed_files(production_static):
    assert (production_static / "staticfiles.json").is_file()
    hashed_css = Path(staticfiles_storage.path(staticfiles_storage.stored_name("buddynet/app.css")))
    assert HASHED.search(hashed_css.name)
    assert hashed_css.with_name(hashed_css.name + ".gz").is_file()


def test_every_static_file_a_template_names_is_in_the_manifest(production_static):
    named = {
        name
        for template in SRC.rglob("templates/**/*.html")
        for name in STATIC_TAG.findall(template.read_text(encoding="utf-8"))
    }
    assert "buddynet/app.css" in named
    missing = []
    for name in sorted(named):
        try:
            staticfiles_storage.url(name)
        except ValueError:
            missing.append(name)
    assert missing == []


def _static_urls(html: str) -> list[str]:
    urls = STATIC_URL_IN_PAGE.findall(html)
    assert urls, "the page names no static file"
    return urls


def _assert_served(client: Client, urls: list[str]) -> None:
    for url in urls:
        assert HASHED.search(url), url
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"].startswith("max-age=315360000"), url


def test_pages_link_hashed_static_files_that_are_served(production_static, world):
    anonymous = Client()
    login_page = anonymous.get("/accounts/login/")
    assert login_page.status_code == 200
    _assert_served(anonymous, _static_urls(login_page.text))

    coordinator = Client()
    coordinator.force_login(
        world.coord, backend="allauth.account.auth_backends.AuthenticationBackend"
    )
    dashboard = coordinator.get("/")
    assert dashboard.status_code == 200
    _assert_served(coordinator, _static_urls(dashboard.text))
