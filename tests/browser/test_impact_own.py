"""Issue 13, the project's own questionnaires in a real Chromium: a coordinator defines
"Zelfredzaamheid" (a scale, yes/no, a number and a short text) and puts it in the plan;
the participant answers it on a 390 px phone through their link; the coordinator enters
the closure from an interview; the person's page shows the change; the outcome page
has the questionnaire, said to be out of the network's comparison.

Every page is photographed at 1280 and 390 px (``impact-own-*.png``) and may not
scroll sideways on the phone; axe checks each page (``conftest``).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from buddynet.core import clock
from buddynet.impact import services
from buddynet.impact.models import Measurement, OwnAnswer, OwnQuestion, OwnQuestionnaire
from tests.browser.test_impact import PHONE, both_sizes, logout, no_sideways_scroll, submit, tap
from tests.conftest import build_world
from tests.impact import factories as imf

pytestmark = pytest.mark.browser


def shots(page, screenshot_dir, name: str) -> None:
    both_sizes(page, screenshot_dir, f"own-{name}")


def add_question(page, fields: dict[str, str], kind: str) -> None:
    page.locator("main a", has_text="vraag toevoegen").first.click()
    page.wait_for_url("**/add/")
    for name, value in fields.items():
        page.fill(f"input[name='{name}']", value)
    page.check(f"input[name='kind'][value='{kind}']")
    submit(page)


def test_own_questionnaire_from_definition_to_outcome(
    transactional_db, page, login, events, screenshot_dir
):
    world = build_world()
    project = world.project
    base = f"/p/{project.code}/impact/"

    # -- Coordinator: define the questionnaire and put it in the plan -----------------
    login(world.coord)
    page.goto(base)
    with page.expect_navigation():
        page.locator(f"main a[href='{base}questionnaires/']").click()
    shots(page, screenshot_dir, "1-list-empty")
    with page.expect_navigation():
        page.locator(f"main a[href='{base}questionnaires/new/']").click()
    page.fill("input[name='name']", "Zelfredzaamheid")
    shots(page, screenshot_dir, "2-create")
    submit(page)
    expect(page.locator("h2")).to_contain_text("Zelfredzaamheid")
    add_question(
        page,
        {
            "text_nl": "Boodschappen doen",
            "text_en": "Doing the shopping",
            "low_nl": "lukt niet alleen",
            "high_nl": "lukt helemaal alleen",
        },
        "scale",
    )
    add_question(page, {"text_nl": "Had u deze week bezoek?"}, "yesno")
    page.locator("main a", has_text="vraag toevoegen").first.click()
    page.wait_for_url("**/add/")
    page.fill("input[name='text_nl']", "Uren per dag alleen")
    page.check("input[name='kind'][value='number']")
    # Only the fields a number uses (own-question.js): no scale labels.
    expect(page.locator("input[name='low_nl']")).to_be_hidden()
    page.fill("input[name='min_value']", "0")
    page.fill("input[name='max_value']", "24")
    page.check("input[name='higher_is_better'][value='no']")
    shots(page, screenshot_dir, "3-question-add")
    submit(page)
    add_question(page, {"text_nl": "Wat hielp het meest?"}, "text")
    expect(page.locator("main ol li")).to_have_count(4)
    shots(page, screenshot_dir, "4-detail")
    with scopes_disabled():
        questionnaire = OwnQuestionnaire.objects.get(project=project)
        scale, yesno, number, text = questionnaire.questions.order_by("position")
    page.goto(f"{base}plan/")
    page.check(f"input[name='own_questionnaires'][value='{questionnaire.code}']")
    submit(page)
    assert services.plan_for(project).own_questionnaires == [questionnaire.pk]

    trajectory = imf.start(
        world.buddy,
        world.participant,
        world.coord,
        started_on=clock.today() - timedelta(days=200),
    )
    with scopes_disabled():
        baseline = Measurement.objects.get(trajectory=trajectory, moment="baseline")
    _link, raw = services.link_create(measurement=baseline, by=world.coord)
    logout(page)

    # -- Participant, on a phone, through the link -----------------------------------
    page.set_viewport_size(PHONE)
    page.goto(f"/q/{raw}/")
    expect(page.locator("main")).to_contain_text("Zelfredzaamheid")
    for item in "12345":
        tap(page, f"who5_{item}", "3")
    for item, answer in imf.DJG6_SOME.items():
        tap(page, f"djg6_{item}", answer)
    tap(page, f"own_{scale.pk}", "2")
    tap(page, f"own_{yesno.pk}", "no")
    page.fill(f"input[name='own_{number.pk}']", "30")  # out of bounds: said on the page
    page.fill(f"input[name='own_{text.pk}']", "Samen wandelen")
    with page.expect_navigation():
        page.locator("button.q-send").click()
    expect(page.locator(".alert-danger")).to_be_visible()
    # The refusal is a 400 on purpose (what was typed kept): not a console error to keep.
    events.console_errors[:] = [e for e in events.console_errors if "status of 400" not in e]
    expect(page.locator(f"input[name='own_{text.pk}']")).to_have_value("Samen wandelen")
    page.fill(f"input[name='own_{number.pk}']", "10,5")
    box = page.locator(f"input[name='own_{number.pk}']").bounding_box()
    assert box and box["height"] >= 44
    assert no_sideways_scroll(page) <= 0
    shots(page, screenshot_dir, "5-questionnaire")
    with page.expect_navigation():
        page.locator("button.q-send").click()
    expect(page.locator("main")).to_contain_text("Bedankt")
    with scopes_disabled():
        assert OwnAnswer.objects.get(measurement=baseline, question=number).value == 10.5

    # -- Coordinator: the closure from an interview, the change, the outcomes ---------
    page.set_viewport_size({"width": 1280, "height": 900})
    login(world.coord)
    closure = imf.ask_own(trajectory, questionnaire, "closure")
    page.goto(f"{base}measurements/{closure.code}/enter/")
    for item in "12345":
        page.check(f"input[name='who5_{item}'][value='4']")
    for item, answer in imf.DJG6_NONE.items():
        page.check(f"input[name='djg6_{item}'][value='{answer}']")
    page.check(f"input[name='own_{scale.pk}'][value='4']")
    page.check(f"input[name='own_{yesno.pk}'][value='yes']")
    page.fill(f"input[name='own_{number.pk}']", "6")
    shots(page, screenshot_dir, "6-enter")
    submit(page)
    expect(page.locator(f"[data-change='{scale.code}']")).to_contain_text("+2")
    expect(page.locator(f"[data-change='{number.code}']")).to_contain_text("-4,5")
    expect(page.locator("main")).to_contain_text("Samen wandelen")
    shots(page, screenshot_dir, "7-person")

    # An answered question is frozen: no "edit", only "stop asking".
    page.goto(f"{base}questionnaires/{questionnaire.code}/")
    item = page.locator(f"li[data-question='{scale.code}']")
    expect(item.locator("a", has_text="Bewerken")).to_have_count(0)
    with page.expect_navigation():
        item.locator("a", has_text="Niet meer vragen").click()
    shots(page, screenshot_dir, "8-retire")
    submit(page)
    with scopes_disabled():
        assert OwnQuestion.objects.get(pk=scale.pk).retired_at is not None
    shots(page, screenshot_dir, "9-detail-retired")

    page.goto(f"{base}outcomes/")
    own = page.locator(f"section[data-own='{questionnaire.code}']")
    expect(own).to_contain_text("Boodschappen doen")
    expect(own).to_contain_text("niet in de vergelijking")
    expect(own).not_to_contain_text("Samen wandelen")
    shots(page, screenshot_dir, "10-outcomes")
    events.assert_clean()
