"""Issue 14 (expenses) in a real Chromium: a buddy on a 390 px phone files a kilometre
claim (the distance suggested from the towns) and a real-cost claim with a photo of the
ticket; a claim over the daily ceiling is refused with its reason. The coordinator
approves both at once, makes a payment and downloads the SEPA file and the named list,
whose contents are read back."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from django_scopes import scopes_disabled
from openpyxl import load_workbook
from playwright.sync_api import expect

from buddynet.expenses import services
from buddynet.expenses.models import Claim
from tests.conftest import build_world
from tests.expenses import factories as ef
from tests.followup import factories as ff

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def shot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"expenses-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, path


def sideways(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def submit(page) -> None:
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").last.click()


def logout(page) -> None:
    page.goto("/accounts/logout/")
    with page.expect_navigation():
        page.locator('main form[action="/accounts/logout/"] button[type=submit]').click()


def test_a_buddy_claims_on_a_phone_and_the_coordinator_pays(
    transactional_db, page, login, events, screenshot_dir
):
    world = build_world()
    ef.figures()
    with scopes_disabled():
        trajectory = ff.trajectory(world)
        ef.payer(world.project)
        services.payee_account_set(
            buddy=world.buddy, holder="Bram Buddyman", iban="BE68539007547034", by=None
        )
    base = f"/p/{world.project.code}/expenses/"

    # --- The buddy, on a phone ---------------------------------------------------------
    page.set_viewport_size(PHONE)
    login(world.buddy_user)
    page.goto(base)
    expect(page.locator("main h2")).to_contain_text("Mijn onkosten")
    shot(page, screenshot_dir, "mine-390")
    page.locator(f"main a[href='{base}claims/new/']").click()
    page.wait_for_url(f"**{base}claims/new/")

    # A kilometre claim: the distance comes from the towns, and stays editable.
    page.select_option("#id_kind", "km_car")
    page.select_option("#id_trajectory", str(trajectory.code))
    page.fill("#id_from_town", "Gent")
    page.fill("#id_to_town", "Aalst")
    page.locator("#id_to_town").dispatch_event("change")
    expect(page.locator("#id_kilometres")).not_to_have_value("")
    suggested = Decimal(page.input_value("#id_kilometres"))
    assert Decimal(25) < suggested < Decimal(40), suggested
    expect(page.locator("#id_amount")).to_be_hidden()
    shot(page, screenshot_dir, "claim-km-390")
    assert sideways(page) <= 0
    page.fill("#id_kilometres", "31.5")
    submit(page)
    expect(page.locator(".alert-success")).to_contain_text("€13,63")

    # A real cost: a bus ticket with a photo of it.
    page.goto(base + "claims/new/")
    page.select_option("#id_kind", "public_transport")
    expect(page.locator("#id_receipt")).to_be_visible()
    page.fill("#id_amount", "4.20")
    page.fill("#id_activity", "Bezoek met de bus")
    page.set_input_files(
        "#id_receipt", {"name": "ticket.png", "mimeType": "image/png", "buffer": ef.PNG}
    )
    submit(page)
    expect(page.locator(".alert-success")).to_contain_text("€4,20")

    # Over the daily ceiling of 2026: refused, with the reason, and what was typed kept.
    page.goto(base + "claims/new/")
    page.select_option("#id_kind", "flat_day")
    page.fill("#id_amount", "44.03")
    page.fill("#id_activity", "Uitstap naar zee")
    submit(page)
    error = page.locator("main .invalid-feedback, main .errorlist, main .text-danger").first
    expect(error).to_contain_text("dagplafond van €44,02")
    expect(error).to_contain_text("belastbaar")
    expect(page.locator("#id_amount")).to_have_value("44.03")
    shot(page, screenshot_dir, "claim-refused-390")
    page.goto(base)
    expect(page.locator("main tbody tr")).to_have_count(2)
    shot(page, screenshot_dir, "mine-with-claims-390")
    logout(page)

    # --- The coordinator, on a desktop -------------------------------------------------
    page.set_viewport_size(DESKTOP)
    login(world.coord)
    page.goto(base + "review/")
    expect(page.locator("main input[name=claims]")).to_have_count(2)
    page.check("#expense-all")
    shot(page, screenshot_dir, "review")
    submit(page)
    expect(page.locator(".alert-success")).to_contain_text("2")
    with scopes_disabled():
        assert set(Claim.objects.filter(buddy=world.buddy).values_list("status", flat=True)) == {
            "approved"
        }

    page.goto(base + "payments/")
    submit(page)
    expect(page.locator(".alert-success")).to_contain_text("€17,83")
    shot(page, screenshot_dir, "payments")
    with page.expect_download() as info:
        page.locator("main a[href$='payment.xml']").first.click()
    xml = Path(info.value.path()).read_bytes()
    root = ET.fromstring(xml)  # noqa: S314  (our own file)
    assert root.find(".//p:GrpHdr/p:CtrlSum", NS).text == "17.83"
    assert root.find(".//p:CdtTrfTxInf/p:Cdtr/p:Nm", NS).text == "Bram Buddyman"
    assert root.find(".//p:CdtTrfTxInf//p:IBAN", NS).text == "BE68539007547034"

    page.goto(base + "named-list/")
    expect(page.locator("main table")).to_contain_text("Bram Buddyman")
    shot(page, screenshot_dir, "named-list")
    with page.expect_download() as info:
        page.locator("main a[href$='.xlsx']").first.click()
    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["Bram Buddyman", "Bram Buddyman"]
    assert round(sum(r[4] for r in rows[1:]), 2) == 17.83

    for name, path in (
        ("rates", "rates/"),
        ("totals", "totals/"),
        ("buddy", f"buddies/{world.buddy.code}/"),
    ):
        page.goto(base + path)
        shot(page, screenshot_dir, name)
    page.goto(f"/p/{world.project.code}/insurance/")
    shot(page, screenshot_dir, "insurance")
    events.console_errors = [e for e in events.console_errors if "status of 400" not in e]
    events.assert_clean()


def test_platform_staff_add_the_figures_of_the_law(
    transactional_db, page, login, events, screenshot_dir
):
    """The ceilings and kilometre rates are national: a superuser adds them outside any
    project; a coordinator reads them on the project's page, with no button to add."""
    world = build_world()
    ef.figures()
    login(world.superuser)
    page.goto("/expenses/rates/")
    shot(page, screenshot_dir, "platform-rates")
    page.locator("main a[href='/expenses/rates/km/']").click()
    page.wait_for_url("**/expenses/rates/km/")
    page.select_option("#id_vehicle", "car")
    page.fill("#id_valid_from", "2026-04-01")
    page.fill("#id_per_km", "0.4412")
    shot(page, screenshot_dir, "platform-km-rate")
    submit(page)
    page.wait_for_url("**/expenses/rates/")
    expect(page.locator("main")).to_contain_text("0,4412")
    logout(page)
    login(world.coord)
    page.goto(f"/p/{world.project.code}/expenses/rates/")
    expect(page.locator("main")).to_contain_text("0,4412")
    expect(page.locator("main a[href='/expenses/rates/km/']")).to_have_count(0)
    shot(page, screenshot_dir, "rates-coordinator")
