"""An applicant walks from the public vacancy page to 'ready to match', in Chromium."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect
from pypdf import PdfReader

from buddynet.volunteers.models import Buddy
from tests.conftest import build_world
from tests.factories import PASSWORD
from tests.volunteers.factories import (
    TrainingModuleFactory,
    TrainingSessionFactory,
    VacancyFactory,
    VolunteerTermsFactory,
)

pytestmark = pytest.mark.browser


def submit(page, form="form.card"):
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def move_on(page, status: str):
    """Choose the next step on the buddy's page and move."""
    page.select_option("form[action$='/step/'] select[name=to_status]", status)
    with page.expect_navigation():
        page.locator("form[action$='/step/'] button[type=submit]").click()
    expect(page.locator("h2 .badge")).to_have_class(re.compile(f"status-{status}"))


def test_applicant_to_ready_to_match(transactional_db, page, login, events, screenshot_dir):
    world = build_world()
    with scopes_disabled():
        VolunteerTermsFactory(project=world.project, requires_record_check=True)
        module = TrainingModuleFactory(project=world.project, title="Grenzen bewaken")
        session = TrainingSessionFactory(module=module, location="Lokaal Gent")
        vacancy = VacancyFactory(project=world.project, title="Buddy voor een eenzame oudere")

    # 1. The project's front door and the public vacancy page, without logging in.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/public/projects/{world.project.code}/vacancies/")
    expect(page.locator("h1")).to_have_text(world.project.name)
    expect(page.locator("main")).to_contain_text("Buddy voor een eenzame oudere")
    expect(
        page.locator(f"a[href='/public/projects/{world.project.code}/sign-up/']")
    ).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "volunteers-front-door-mobile.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        page.locator(f"a[href='/public/vacancies/{vacancy.code}/']").click()
    expect(page.locator("h1")).to_have_text("Buddy voor een eenzame oudere")
    page.fill("input[name=first_name]", "Lotte")
    page.fill("input[name=last_name]", "Vandamme")
    page.fill("input[name=email]", "lotte.vandamme@example.be")
    page.fill("input[name=postcode]", "9999")  # not a Belgian postcode
    page.fill("input[name=birth_year]", "1990")
    page.check("input[name=languages][value=nl]")
    page.check("input[name=languages][value=fr]")
    page.check("input[name=availability][value=wed_afternoon]")
    page.fill("input[name=interests]", "wandelen, koken")
    page.fill("textarea[name=motivation]", "Ik wil iemand uit zijn isolement halen.")
    page.set_input_files(
        "input[name=attachment]",
        {"name": "cv.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00"},
    )
    page.check("input[name=privacy_consent]")
    submit(page)
    # A clear message for each problem, and nothing typed is lost.
    expect(page.locator(".error-summary")).to_contain_text("9999")
    expect(page.locator(".error-summary li")).to_have_count(2)  # the postcode and the file
    expect(page.locator("input[name=last_name]")).to_have_value("Vandamme")
    expect(page.locator("textarea[name=motivation]")).to_have_value(
        "Ik wil iemand uit zijn isolement halen."
    )
    expect(page.locator("input[name=languages][value=fr]")).to_be_checked()
    page.screenshot(path=str(screenshot_dir / "volunteers-apply-error.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})  # applicants are often on a phone
    page.screenshot(path=str(screenshot_dir / "volunteers-apply-mobile.png"), full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("input[name=postcode]", "9000")
    page.set_input_files(
        "input[name=attachment]",
        {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"},
    )
    page.check("input[name=privacy_consent]")
    submit(page)
    assert page.url.endswith("/thanks/")
    page.screenshot(path=str(screenshot_dir / "volunteers-apply-thanks.png"), full_page=True)
    with scopes_disabled():
        buddy = Buddy.objects.get(email="lotte.vandamme@example.be")
        assert buddy.attachments.get().name == "cv.pdf"
    assert buddy.status == "applied" and buddy.town == "Gent"

    # 2. The coordinator sees her on the board and takes her through the pipeline.
    login(world.coord)
    project = world.project.code
    page.goto(f"/p/{project}/buddies/board/")
    column = page.locator("section[aria-labelledby=col-applied]")
    expect(column).to_contain_text("Lotte Vandamme")
    page.screenshot(path=str(screenshot_dir / "volunteers-board.png"), full_page=True)
    with page.expect_navigation():
        column.get_by_role("link", name="Lotte Vandamme").click()
    detail = page.url

    # Recording each step's work moves the badge along the pipeline.
    page.goto(f"{detail}intake/")
    page.fill("textarea[name=motivation]", "Wil iets terugdoen voor de buurt.")
    page.fill("textarea[name=expectations]", "Wekelijks afspreken.")
    page.fill("textarea[name=strengths]", "Geduldig, luistert goed.")
    page.fill("textarea[name=availability]", "Woensdagnamiddag.")
    submit(page)
    assert page.url == detail
    expect(page.locator("h2 .badge")).to_have_class(re.compile("status-intake"))

    page.goto(f"{detail}screening/")
    checked = (timezone.localdate() - timedelta(days=5)).isoformat()
    page.fill("input[name=record_check_on]", checked)
    submit(page)
    expect(page.locator("h2 .badge")).to_have_class(re.compile("status-screening"))
    page.goto(f"{detail}references/new/")
    page.fill("input[name=name]", "Mieke Claes")
    page.fill("input[name=relation]", "vroegere leidinggevende")
    page.select_option("select[name=outcome]", "positive")
    submit(page)
    expect(page.locator("main")).to_contain_text("Mieke Claes")

    # Attendance at a training session completes the required module.
    page.goto(f"/p/{project}/training/sessions/{session.code}/")
    page.get_by_label("Lotte Vandamme").check()
    submit(page)
    page.goto(detail)
    expect(page.locator("h2 .badge")).to_have_class(re.compile("status-training"))

    page.goto(f"{detail}decision/")
    page.select_option("select[name=buddy_says_yes]", "yes")
    page.select_option("select[name=project_says_yes]", "yes")
    submit(page)
    expect(page.locator("h2 .badge")).to_have_class(re.compile("status-decision"))
    # Not yet: the information note is still to be signed.
    expect(page.locator("#missing-list")).to_contain_text(
        re.compile("information note|informatienota")
    )
    page.goto(f"{detail}login/")
    submit(page)
    page.screenshot(path=str(screenshot_dir / "volunteers-buddy-detail.png"), full_page=True)

    # 3. The new buddy logs in and signs the information note.
    with scopes_disabled():
        buddy.refresh_from_db()
        account = buddy.user
        account.set_password(PASSWORD)
        account.save()
    page.context.clear_cookies()
    login(account)
    page.goto(f"/p/{project}/me/buddy/")
    expect(page.locator("h2")).to_contain_text("Lotte Vandamme")
    page.screenshot(path=str(screenshot_dir / "volunteers-buddy-me.png"), full_page=True)
    page.goto(f"/p/{project}/me/buddy/information-note/")
    expect(page.locator("#note-text")).to_contain_text("Ethias")
    page.fill("input[name=signed_name]", "Lotte Vandamme")
    page.screenshot(path=str(screenshot_dir / "volunteers-note-sign.png"), full_page=True)
    submit(page)
    link = page.locator("a[href$='.pdf']").first
    expect(link).to_be_visible()
    pdf_url = link.get_attribute("href")
    response = page.request.get(pdf_url)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    with scopes_disabled():
        note = buddy.notes.get()
    assert "Lotte Vandamme" in text
    assert "Ethias" in text and "45.123456" in text
    assert note.document_hash[:20] in text.replace("\n", "")
    # Never another buddy's file.
    assert page.request.get(f"/p/{project}/buddies/{world.buddy.code}/").status == 403

    # 4. The coordinator marks her ready to match.
    page.context.clear_cookies()
    login(world.coord)
    page.goto(detail)
    move_on(page, "ready")
    expect(page.locator("main")).to_contain_text("Lotte Vandamme")
    page.screenshot(path=str(screenshot_dir / "volunteers-ready.png"), full_page=True)
    with scopes_disabled():
        buddy.refresh_from_db()
        steps = list(buddy.steps.values_list("to_status", flat=True))
    assert buddy.status == "ready"
    assert steps == ["applied", "intake", "screening", "training", "decision", "ready"]

    # The pool and the vacancies, for the screenshots.
    page.goto(f"/p/{project}/buddies/pool/")
    expect(page.locator("canvas").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "volunteers-pool.png"), full_page=True)
    page.goto(f"/p/{project}/vacancies/")
    page.screenshot(path=str(screenshot_dir / "volunteers-vacancies.png"), full_page=True)
    page.goto(f"/p/{project}/training/")
    page.screenshot(path=str(screenshot_dir / "volunteers-training.png"), full_page=True)
    page.goto("/")
    page.screenshot(path=str(screenshot_dir / "volunteers-dashboard.png"), full_page=True)
    # The application with errors answers 400 on purpose; Chromium logs that status.
    apply_url = f"/public/vacancies/{vacancy.code}/"
    events.console_errors = [
        e for e in events.console_errors if not ("status of 400" in e and apply_url in e)
    ]
    events.assert_clean()
