"""The pages, the exports and the API: the participant's link, coordinator entry, the
outcome page, the funder report read back, and "< 5" at the boundary 4 / 5."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.impact import services
from buddynet.impact.models import Measurement, Response
from tests import factories as f
from tests.impact import factories as imf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _trajectory(world):
    return imf.start(world.buddy, world.participant, world.coord)


def test_participant_fills_in_through_their_link_without_logging_in(world, client):
    t = _trajectory(world)
    m = imf.measurement(t)
    _link, raw = services.link_create(measurement=m, by=world.coord)
    url = reverse("impact_questionnaire", args=[raw])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Ik mis mensen om me heen" in body  # official Dutch wording of item 9
    assert 'name="viewport"' in body
    # Nothing else reachable: no menu, no link to another page of buddynet.
    assert "<nav" not in body and 'href="/' not in body.replace('href="/static/', "")
    data = {f"who5_{i}": "4" for i in "12345"}
    data.update({f"djg6_{k}": v for k, v in imf.DJG6_NONE.items()})
    done = client.post(url, data)
    assert done.status_code == 200 and "Bedankt" in done.content.decode()
    with scopes_disabled():
        m.refresh_from_db()
        assert m.entered_by == "participant" and m.entered_by_user is None
        assert Response.objects.get(measurement=m, instrument="who5").headline == 80
    # The link is used up: it opens nothing any more.
    assert client.get(url).status_code == 404
    # A wrong secret opens nothing either; the link gives no session.
    assert client.get(reverse("impact_questionnaire", args=["x" * 40])).status_code == 404
    assert (
        client.get(reverse("impact_home", kwargs={"project": world.project.code})).status_code
        == 302
    )


def test_coordinator_enters_a_closure_measurement_and_sees_the_change(world, client_for):
    t = _trajectory(world)
    imf.enter(t, "baseline", who5_value=2, by=world.coord)  # 40%
    m = imf.measurement(t, "closure")
    client = client_for(world.coord)
    url = reverse("impact_enter", kwargs={"project": world.project.code, "code": m.code})
    assert client.get(url).status_code == 200
    data = {f"who5_{i}": "3" for i in "12345"}  # 60%
    data.update({f"djg6_{k}": v for k, v in imf.DJG6_NONE.items()})
    response = client.post(url, data)
    assert response.status_code == 302
    with scopes_disabled():
        m.refresh_from_db()
    assert m.entered_by == "coordinator" and m.entered_by_user == world.coord
    person = client.get(response["Location"]).content.decode()
    assert 'data-change="who5"' in person and "+20" in person
    assert "ernstig eenzaam" not in person.lower()  # never a band/diagnosis for a person


def test_buddy_and_professional_see_no_answers(world, client_for):
    t = _trajectory(world)
    imf.enter(t, "baseline", who5_value=2, by=world.coord)
    for user in (world.buddy_user, world.prof, world.participant_user, world.netco):
        client = client_for(user)
        page = client.get(
            reverse("impact_person", kwargs={"project": world.project.code, "code": t.code})
        )
        assert page.status_code == 403
        api = client.get(
            f"/api/v1/projects/{world.project.code}/impact/trajectories/{t.code}/responses"
        )
        assert api.status_code == 403
        trajectory_page = client.get(
            reverse("trajectory_detail", kwargs={"project": world.project.code, "code": t.code})
        )
        assert "Ik mis mensen" not in trajectory_page.content.decode()


def test_outcome_page_and_funder_report_show_the_same_figures(world, client_for):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    imf.measured_people(world.project, world.coord, 5, before=2, after=3)
    client = client_for(world.coord)
    page = client.get(reverse("impact_outcomes", kwargs={"project": world.project.code}))
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body  # the chart, drawn on the server
    assert 'data-figure="mean_change">20.0' in body
    assert 'data-figure="share_improved">100%' in body

    pdf = client.get(reverse("impact_report_pdf", kwargs={"project": world.project.code}))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "20.0" in text and "100%" in text

    xlsx = client.get(reverse("impact_report_xlsx", kwargs={"project": world.project.code}))
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    who5 = next(r for r in rows[1:] if r[0].startswith("WHO-5"))
    assert who5[1] == 5 and who5[4] == "20.0" and who5[6] == "100%"


@pytest.mark.parametrize(("people", "shown"), [(4, "< 5"), (5, "5")])
def test_network_suppresses_cells_under_five_people(world, client_for, people, shown):
    imf.measured_people(world.project, world.coord, people, before=2, after=3)
    imf.measured_people(world.sibling, world.coord, 6, before=2, after=4)
    client = client_for(world.netco)

    page = client.get(reverse("impact_network", kwargs={"network": world.network.code}))
    body = page.content.decode().split('data-instrument="who5"')[1]
    row = body.split(f'data-project="{world.project.code}"')[1].split("</tr>")[0]
    assert f'data-figure="n">{shown.replace("<", "&lt;")}<' in row
    if people < 5:
        assert "20.0" not in row  # nothing derived from the small cell
    else:
        assert "20.0" in row

    export = client.get(reverse("impact_network_csv", kwargs={"network": world.network.code}))
    lines = list(csv.reader(io.StringIO(export.content.decode())))
    mine = [r for r in lines if r[1] == world.project.name and r[0].startswith("WHO-5")]
    assert mine[0][2] == shown
    assert (mine[0][3] == "") == (people < 5)

    api = client.get(f"/api/v1/networks/{world.network.code}/impact").json()
    who5 = next(t for t in api if t["instrument"] == "who5")
    cell = next(c for c in who5["projects"] if c["project"] == str(world.project.code))
    assert cell["n"] == (shown if people < 5 else 5)
    assert cell["suppressed"] is (people < 5)
    assert (cell["mean_change"] is None) == (people < 5)


def test_api_enters_answers_and_reads_them_back(world, client_for):
    t = _trajectory(world)
    m = imf.measurement(t)
    client = client_for(world.coord)
    base = f"/api/v1/projects/{world.project.code}/impact"
    created = client.post(
        f"{base}/measurements/{m.code}/responses",
        {"answers": {"who5": imf.who5(1), "djg6": imf.DJG6_SOME}},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    again = client.post(
        f"{base}/measurements/{m.code}/responses",
        {"answers": {"who5": imf.who5(2), "djg6": imf.DJG6_SOME}},
        content_type="application/json",
    )
    assert again.status_code == 409
    read = client.get(f"{base}/trajectories/{t.code}/responses").json()
    baseline = next(x for x in read if x["moment"] == "baseline")
    who5 = next(r for r in baseline["responses"] if r["instrument"] == "who5")
    assert who5["scores"] == {"raw": 5, "percentage": 20, "poor_wellbeing": True}
    instruments = client.get(f"{base}/instruments").json()
    assert {i["code"] for i in instruments} == {"djg6", "djg11", "who5"}


def test_plan_page_and_planning_without_consent_says_why(world, client_for):
    from buddynet.trajectories.services import trajectory_start

    client = client_for(world.coord)
    url = reverse("impact_plan", kwargs={"project": world.project.code})
    assert (
        client.post(
            url, {"instruments": ["djg11", "who5"], "mid_after_months": 3, "link_valid_days": 7}
        ).status_code
        == 302
    )
    assert services.plan_for(world.project).instruments == ["djg11", "who5"]
    with scopes_disabled():
        participant = f.ParticipantFactory(project=world.project)
        t = trajectory_start(buddy=world.buddy, participant=participant, by=world.coord)
        assert not Measurement.objects.filter(trajectory=t).exists()
    response = client.post(
        reverse("impact_plan_moments", kwargs={"project": world.project.code, "code": t.code})
    )
    assert response.status_code == 400
