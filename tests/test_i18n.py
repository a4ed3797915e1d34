"""Dutch first, English complete: no untranslated entry, no half-translated page."""

from __future__ import annotations

import ast
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.test_access_matrix import PAGES

SRC = Path(__file__).resolve().parent.parent / "src" / "buddynet"
NL_PO = SRC / "locale" / "nl" / "LC_MESSAGES" / "django.po"
# The shared catalogue and one per feature app (``<app>/locale``).
NL_CATALOGUES = [NL_PO, *sorted(SRC.glob("*/locale/nl/LC_MESSAGES/django.po"))]


def all_dutch_entries() -> dict[str, str]:
    entries: dict[str, str] = {}
    for path in NL_CATALOGUES:
        entries.update(parse_po(path))
    return entries


def parse_po(path: Path) -> dict[str, str]:
    """msgid → msgstr (first plural form) for the non-header entries."""
    entries: dict[str, str] = {}
    text = path.read_text()
    for block in text.split("\n\n"):
        if "#, fuzzy" in block and 'msgid ""\nmsgstr ""' not in block:
            entries.setdefault("__fuzzy__", "")
        msgid = _field(block, "msgid")
        msgstr = _field(block, "msgstr") or _field(block, r"msgstr\[0\]")
        if msgid:
            entries[msgid] = msgstr
    return entries


def _field(block: str, name: str) -> str:
    match = re.search(rf'^{name} ((?:".*"\n?)+)', block, re.M)
    if not match:
        return ""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1))
    return "".join(ast.literal_eval(f'"{part}"') for part in parts)


@pytest.mark.one_database
@pytest.mark.parametrize("catalogue", NL_CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_dutch_entry_is_translated_and_not_fuzzy(catalogue):
    entries = parse_po(catalogue)
    assert "__fuzzy__" not in entries, f"fuzzy entries left in {catalogue}"
    empty = [msgid for msgid, msgstr in entries.items() if not msgstr]
    assert not empty, f"untranslated in {catalogue}: {empty[:10]}"


def test_the_shared_catalogue_is_not_empty():
    assert len(parse_po(NL_PO)) > 150


@pytest.mark.one_database
@pytest.mark.parametrize(
    "catalogue",
    [
        p.parent.parent.parent / lang / "LC_MESSAGES" / "django.po"
        for p in NL_CATALOGUES
        for lang in ("nl", "en")
    ],
    ids=lambda p: str(p.relative_to(SRC)),
)
def test_compiled_translations_are_up_to_date(catalogue, tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(catalogue)], check=True)
    assert compiled.read_bytes() == catalogue.with_suffix(".mo").read_bytes(), (
        f"{catalogue.with_suffix('.mo')} is stale: run `make messages`"
    )


@pytest.mark.one_database
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    copy = tmp_path / "buddynet"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("static", "__pycache__"))
    import os

    cwd = os.getcwd()
    os.chdir(copy)
    try:
        call_command("makemessages", locale=["nl"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    fresh = set()
    for path in copy.glob("**/locale/nl/LC_MESSAGES/django.po"):
        fresh |= set(parse_po(path))
    known = set(all_dutch_entries())
    missing = fresh - known - {"__fuzzy__"}
    assert not missing, (
        f"strings not in the catalogue (run `make messages`): {sorted(missing)[:10]}"
    )


def test_dutch_by_default_even_for_an_english_browser(db, client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="nl">' in response.content.decode()
    assert "Aanmelden" in response.content.decode()


def test_switching_language_is_remembered_on_the_account(world, client_for):
    client = client_for(world.coord)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    world.coord.refresh_from_db()
    assert world.coord.preferred_language == "en"
    assert '<html lang="en">' in client.get("/").content.decode()
    # On another device (no language cookie) the account's choice still holds.
    client.cookies.clear()
    client = client_for(world.coord)
    assert '<html lang="en">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    assert '<html lang="nl">' in client.get("/").content.decode()


def test_bad_language_choice_is_ignored(world, client_for):
    client = client_for(world.coord)
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert response.status_code in (302, 204)
    world.coord.refresh_from_db()
    assert world.coord.preferred_language == "nl"


def _visible_text(body: str) -> str:
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return html.unescape(re.sub(r"\s+", " ", body))


@pytest.mark.one_database
@pytest.mark.parametrize(
    "role", ["network_coordinator", "project_coordinator", "professional", "buddy", "participant"]
)
def test_no_half_translated_pages(role, world, client_for):
    """In Dutch no English source sentence shows; in English no Dutch translation."""
    entries = {k: v for k, v in all_dutch_entries().items() if k != "__fuzzy__"}
    english = [
        k for k, v in entries.items() if len(k) > 14 and k != v and "%" not in k and "<" not in k
    ]
    dutch = [
        v for k, v in entries.items() if len(v) > 14 and k != v and "%" not in v and "<" not in v
    ]
    client = client_for(world.user(role))
    for language, forbidden in (("nl", english), ("en", dutch)):
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        for name, row in PAGES.items():
            response = client.get(reverse(name, kwargs=row.kwargs(world, "own")))
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            text = _visible_text(response.content.decode())
            leaked = [s for s in forbidden if s in text]
            assert not leaked, f"{role} {language} {name}: {leaked[:5]}"
