"""The one rule for the period of impact figures (pages, reports, network export, API)."""

from datetime import date

from buddynet.impact.periods import Period, period

TODAY = date(2026, 6, 15)


def test_no_dates_is_the_last_twelve_months():
    assert period(today=TODAY) == Period(date(2025, 6, 15), TODAY)


def test_one_date_left_out_comes_from_the_default():
    assert period(date(2026, 1, 1), today=TODAY) == Period(date(2026, 1, 1), TODAY)
    assert period(None, date(2026, 3, 1), today=TODAY) == Period(
        date(2025, 6, 15), date(2026, 3, 1)
    )


def test_a_reversed_pair_is_the_same_period():
    assert period(date(2026, 3, 1), date(2026, 1, 1), today=TODAY) == Period(
        date(2026, 1, 1), date(2026, 3, 1)
    )


def test_query_and_file_name():
    chosen = Period(date(2026, 1, 1), date(2026, 3, 1))
    assert chosen.query == "date_from=2026-01-01&date_to=2026-03-01"
    assert chosen.slug == "20260101-20260301"


def test_the_api_reads_a_reversed_period_like_the_page(world, client_for):
    client = client_for(world.coord)
    base = f"/api/v1/projects/{world.project.code}/impact/outcomes"
    body = client.get(base, {"date_from": "2026-03-01", "date_to": "2026-01-01"}).json()
    assert (body["date_from"], body["date_to"]) == ("2026-01-01", "2026-03-01")
