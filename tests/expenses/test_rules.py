"""The ceiling rules at their edges, with the 2025 and 2026 figures of the law (seeded by
the data migration): a day at the ceiling and one cent over, the yearly ceiling across
claims and organisations, 2,000 km reached mid-claim, 31 December vs 1 January, the raised
ceiling on benefits, and a new kilometre rate between quarters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from django_scopes import scopes_disabled

from buddynet.expenses import services
from buddynet.expenses.models import AllowanceCeiling, Claim, KilometreRate
from buddynet.expenses.rules import ExpenseError
from tests.expenses import factories as ef

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def unscoped():
    with scopes_disabled(), translation.override("en"):
        yield


@pytest.fixture
def b():
    return ef.buddy()


def refused(call) -> ExpenseError:
    with pytest.raises(ExpenseError) as info, scopes_disabled():
        call()
    return info.value


def test_the_migration_holds_the_figures_of_the_law():
    c25 = AllowanceCeiling.objects.get(valid_from=date(2025, 1, 1))
    c26 = AllowanceCeiling.objects.get(valid_from=date(2026, 1, 1))
    assert (c25.per_day, c25.per_year, c25.raised_per_year) == (
        Decimal("42.31"),
        Decimal("1692.51"),
        None,
    )
    assert (c26.per_day, c26.per_year, c26.raised_per_year) == (
        Decimal("44.02"),
        Decimal("1760.83"),
        Decimal("3233.91"),
    )
    assert c25.max_km_per_year == c26.max_km_per_year == 2000
    assert KilometreRate.objects.get(vehicle="car", valid_from=date(2026, 1, 1)).per_km == Decimal(
        "0.4326"
    )
    assert KilometreRate.objects.get(vehicle="bicycle").per_km == Decimal("0.37")


@pytest.mark.parametrize(
    ("on", "ceiling"), [(date(2025, 6, 2), "42.31"), (date(2026, 6, 2), "44.02")]
)
def test_a_day_at_exactly_the_ceiling_passes_and_one_cent_over_is_refused(b, on, ceiling):
    over = Decimal(ceiling) + Decimal("0.01")
    error = refused(lambda: ef.flat(b, on, over))
    assert error.code == "day_ceiling"
    assert f"€{ceiling}" in error.message and "taxable" in error.message
    assert ef.flat(b, on, ceiling).amount == Decimal(ceiling)
    # The day is full: even a cent more on the same day is refused, with what is left.
    error = refused(lambda: ef.flat(b, on, "0.01"))
    assert "€0.00 is left" in error.message.replace("At most ", "")


def test_two_claims_on_one_day_count_together(b):
    ef.flat(b, date(2026, 2, 3), "30.00")
    error = refused(lambda: ef.flat(b, date(2026, 2, 3), "14.03"))
    assert "At most €14.02" in error.message
    ef.flat(b, date(2026, 2, 3), "14.02")


def _fill_year(b, year: int, per_day: str, days: int) -> None:
    for i in range(days):
        ef.flat(b, date(year, 1, 1) + __import__("datetime").timedelta(days=i), per_day)


def test_the_yearly_ceiling_across_several_claims_2026(b):
    # 40 days at €44.02 = €1,760.80: €0.03 left of €1,760.83.
    _fill_year(b, 2026, "44.02", 40)
    error = refused(lambda: ef.flat(b, date(2026, 5, 1), "0.04"))
    assert error.code == "year_ceiling"
    assert "€1,760.83" in error.message and "€0.03 is left" in error.message
    assert "taxable" in error.message
    ef.flat(b, date(2026, 5, 1), "0.03")  # exactly at the ceiling
    assert refused(lambda: ef.flat(b, date(2026, 5, 2), "0.01")).code == "year_ceiling"


def test_the_yearly_ceiling_2025_and_a_returned_claim_no_longer_counts(b):
    # 40 days at €42.31 = €1,692.40: €0.11 left of €1,692.51.
    _fill_year(b, 2025, "42.31", 40)
    error = refused(lambda: ef.flat(b, date(2025, 6, 1), "0.12"))
    assert "€1,692.51" in error.message and "€0.11 is left" in error.message
    last = Claim.objects.filter(buddy=b).order_by("-on").first()
    with scopes_disabled():
        services.claims_decide(
            project=b.project, codes=[last.code], approve=False, by=None, reason="Dubbel"
        )
    # The returned €42.31 is free again, with the €0.11: €42.42 in all.
    ef.flat(b, date(2025, 6, 1), "42.31")
    ef.flat(b, date(2025, 6, 2), "0.11")
    assert refused(lambda: ef.flat(b, date(2025, 6, 3), "0.01")).code == "year_ceiling"


def test_warning_at_80_percent_with_what_is_left(b):
    _fill_year(b, 2026, "44.02", 31)  # €1,364.62 = 77.5%

    def file(on):
        return services.claim_submit(
            buddy=b, by=None, on=on, kind="flat_day", amount=Decimal("44.02"), activity="Bezoek"
        )

    # €1,408.64 is a hair under 80% of €1,760.83 (€1,408.664): no warning yet.
    assert file(date(2026, 2, 28)).warnings == []
    with scopes_disabled():
        filed = services.claim_submit(
            buddy=b,
            by=None,
            on=date(2026, 3, 1),
            kind="flat_day",
            amount=Decimal("44.02"),
            activity="Bezoek",
        )
    # €1,452.66 of €1,760.83 = 82%: a warning, with €308.17 left.
    assert len(filed.warnings) == 1
    assert "82%" in filed.warnings[0] and "€308.17 is left" in filed.warnings[0]


def test_the_yearly_ceiling_counts_other_organisations(b):
    with scopes_disabled():
        services.other_allowance_declare(
            buddy=b,
            year=2026,
            organisation="Sportclub",
            amount=Decimal("1700.00"),
            kilometres=Decimal(0),
            by=None,
        )
    ef.flat(b, date(2026, 9, 1), "44.02")
    # €1,744.02 so far: €16.81 left.
    error = refused(lambda: ef.flat(b, date(2026, 9, 2), "16.82"))
    assert "every organisation" in error.message and "€16.81 is left" in error.message
    ef.flat(b, date(2026, 9, 2), "16.81")


def test_31_december_and_1_january_are_different_years(b):
    # 31 Dec 2025 is 2025's day ceiling (€42.31); 1 Jan 2026 2026's (€44.02).
    assert refused(lambda: ef.flat(b, date(2025, 12, 31), "44.02")).code == "day_ceiling"
    ef.flat(b, date(2025, 12, 31), "42.31")
    ef.flat(b, date(2026, 1, 1), "44.02")
    # A full 2025 does not block 2026.
    _fill_year(b, 2025, "42.31", 39)
    assert refused(lambda: ef.flat(b, date(2025, 12, 30), "42.31")).code == "year_ceiling"
    ef.flat(b, date(2026, 1, 2), "44.02")


def test_2000_km_reached_in_the_middle_of_a_claim(b):
    for i in range(19):
        ef.km(b, date(2026, 1, 5 + i), "100")
    ef.km(b, date(2026, 2, 1), "90")  # 1,990 km
    error = refused(lambda: ef.km(b, date(2026, 2, 2), "25"))
    assert error.code == "km_ceiling"
    assert "2,000 km" in error.message and "2,015.0 km" in error.message
    assert "10.0 km is left" in error.message
    claim = ef.km(b, date(2026, 2, 2), "10")  # exactly 2,000
    assert claim.amount == Decimal("4.33")  # 10 x €0.4326
    assert refused(lambda: ef.km(b, date(2026, 2, 3), "0.1", kind="km_bicycle")).code == (
        "km_ceiling"
    )


def test_km_from_other_organisations_count_too(b):
    with scopes_disabled():
        services.other_allowance_declare(
            buddy=b,
            year=2026,
            organisation="OCMW",
            amount=Decimal(0),
            kilometres=Decimal("1995"),
            by=None,
        )
    assert "5.0 km is left" in refused(lambda: ef.km(b, date(2026, 4, 1), "6")).message


def test_the_km_rate_of_the_claims_quarter(b):
    with scopes_disabled():
        services.km_rate_add(
            by=None,
            data={"vehicle": "car", "valid_from": date(2026, 4, 1), "per_km": Decimal("0.4412")},
        )
    q1 = ef.km(b, date(2026, 3, 31), "100")
    q2 = ef.km(b, date(2026, 4, 1), "100")
    bike = ef.km(b, date(2026, 4, 1), "10", kind="km_bicycle")
    assert (q1.km_rate, q1.amount) == (Decimal("0.4326"), Decimal("43.26"))
    assert (q2.km_rate, q2.amount) == (Decimal("0.4412"), Decimal("44.12"))
    assert bike.amount == Decimal("3.70")
    # Rates only go forward: a quarter before the newest one is refused.
    with pytest.raises(services.Conflict):
        services.km_rate_add(
            by=None,
            data={"vehicle": "car", "valid_from": date(2026, 2, 1), "per_km": Decimal("0.5")},
        )


def test_no_km_rate_for_a_year_without_one(b):
    error = refused(lambda: ef.km(b, date(2025, 5, 5), "10"))
    assert "No kilometre rate" in error.message


def test_the_raised_ceiling_for_a_qualifying_activity(b):
    with scopes_disabled():
        services.system_set(buddy=b, year=2026, system="flat", raised_ceiling=True, by=None)
    _fill_year(b, 2026, "44.02", 73)  # €3,213.46
    error = refused(lambda: ef.flat(b, date(2026, 6, 1), "20.46"))
    assert "€3,233.91" in error.message and "€20.45 is left" in error.message
    ef.flat(b, date(2026, 6, 1), "20.45")


def test_the_raised_ceiling_is_refused_for_a_volunteer_on_benefits():
    b = ef.buddy(benefit_status="unemployment")
    error = refused(
        lambda: services.system_set(buddy=b, year=2026, system="flat", raised_ceiling=True, by=None)
    )
    assert "benefits" in error.message and "€1,760.83" in error.message
    # Not in 2025 either: there is none that year.
    other = ef.buddy()
    assert (
        "no raised ceiling in 2025"
        in refused(
            lambda: services.system_set(
                buddy=other, year=2025, system="flat", raised_ceiling=True, by=None
            )
        ).message
    )


def test_benefits_after_the_raised_ceiling_was_chosen_fall_back_to_the_normal_one(b):
    with scopes_disabled():
        services.system_set(buddy=b, year=2026, system="flat", raised_ceiling=True, by=None)
        b.benefit_status = "leefloon"
        b.save()
    _fill_year(b, 2026, "44.02", 40)
    assert "€1,760.83" in refused(lambda: ef.flat(b, date(2026, 6, 1), "1.00")).message


def test_one_system_per_year(b):
    ef.flat(b, date(2026, 2, 2), "10.00")
    error = refused(
        lambda: services.claim_submit(
            buddy=b,
            by=None,
            on=date(2026, 2, 3),
            kind="other",
            amount=Decimal("12"),
            activity="Uitstap",
            receipt=ef.receipt(),
        )
    )
    assert "One system per year" in error.message
    with pytest.raises(services.Conflict), scopes_disabled():
        services.system_set(buddy=b, year=2026, system="real", raised_ceiling=False, by=None)
    # Real costs in another year: no flat day, no ceiling on proven costs.
    with scopes_disabled():
        services.system_set(buddy=b, year=2025, system="real", raised_ceiling=False, by=None)
        big = services.claim_submit(
            buddy=b,
            by=None,
            on=date(2025, 2, 3),
            kind="other",
            amount=Decimal("2500"),
            activity="Uitstap",
            receipt=ef.receipt(),
        ).claim
    assert big.amount == Decimal("2500")
    assert "flat-rate" in refused(lambda: ef.flat(b, date(2025, 2, 4), "10")).message


def test_a_real_cost_needs_a_real_receipt(b):
    def claim(upload):
        return services.claim_submit(
            buddy=b,
            by=None,
            on=date(2026, 2, 3),
            kind="public_transport",
            amount=Decimal("4.20"),
            activity="Bezoek",
            receipt=upload,
        )

    assert "receipt" in refused(lambda: claim(None)).message
    assert "not a real PNG" in refused(lambda: claim(ef.receipt(data=b"GIF89a"))).message
    assert "not accepted" in refused(lambda: claim(ef.receipt(name="x.exe"))).message
    with scopes_disabled():
        ok = claim(ef.receipt(name="bon.pdf", data=ef.PDF)).claim
    assert ok.receipt_type == "application/pdf"


def test_repeat_a_claim_and_correct_an_approved_one(b):
    first = ef.flat(b, date(2026, 3, 2), "20.00")
    with scopes_disabled():
        again = services.claim_repeat(claim=first, by=None, on=date(2026, 3, 9)).claim
        assert (again.amount, again.activity, again.kind) == (first.amount, "Bezoek", "flat_day")
        with pytest.raises(services.Conflict):
            services.claim_correct(claim=first, by=None, amount=Decimal("25"), note="x")
        services.claims_decide(project=b.project, codes=[first.code], approve=True, by=None)
        first.refresh_from_db()
        fix = services.claim_correct(
            claim=first, by=None, amount=Decimal("25.00"), note="Parking vergeten"
        ).claim
    assert fix.corrects == first and fix.amount == Decimal("5.00")
    first.refresh_from_db()
    assert first.amount == Decimal("20.00") and first.status == "approved"
    # The correction counts towards the day's ceiling: 25 + 19.03 > 44.02.
    assert refused(lambda: ef.flat(b, date(2026, 3, 2), "19.03")).code == "day_ceiling"


def test_approve_only_waiting_claims_and_return_needs_a_reason(b):
    c1, c2 = ef.flat(b, date(2026, 3, 2), "5"), ef.flat(b, date(2026, 3, 3), "5")
    with scopes_disabled():
        assert (
            "why"
            in refused(
                lambda: services.claims_decide(
                    project=b.project, codes=[c1.code], approve=False, by=None
                )
            ).message
        )
        assert (
            services.claims_decide(
                project=b.project, codes=[c1.code, c2.code], approve=True, by=None
            )
            == 2
        )
        assert (
            services.claims_decide(
                project=b.project, codes=[c1.code], approve=False, by=None, reason="Nee"
            )
            == 0
        )
    c1.refresh_from_db()
    assert c1.status == "approved"
