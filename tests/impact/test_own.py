"""The project's own questionnaires: defining them, freezing a question once answered,
filling them in through the participant's link and the coordinator's entry, and the
figures (exact on hand-built data, "< 5" in the export and the API, never in the
network's comparison)."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.impact import selectors, services
from buddynet.impact.models import Measurement, OwnAnswer, OwnQuestion, OwnQuestionnaire
from buddynet.impact.services import ImpactConflict, ImpactError
from tests.impact import factories as imf

pytestmark = pytest.mark.django_db

T_975_4 = 2.7764451051977987  # Student's t, 97.5th percentile, 4 degrees of freedom


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _kinds(world):
    """A questionnaire with one question of every kind."""
    return imf.own_questionnaire(
        world.project,
        world.coord,
        {"text_nl": "Boodschappen doen", "text_en": "Doing the shopping", **imf.SCALE},
        {"text_nl": "Had u deze week bezoek?", "kind": "yesno"},
        {
            "text_nl": "Uren per dag alleen",
            "kind": "number",
            "min_value": 0,
            "max_value": 24,
            "higher_is_better": False,
        },
        {"text_nl": "Wat hielp het meest?", "kind": "text"},
    )


# --- Defining --------------------------------------------------------------------------


def test_coordinator_defines_a_questionnaire_and_the_plan_takes_it(world, client_for):
    client = client_for(world.coord)
    project = world.project.code
    made = client.post(reverse("impact_own_create", kwargs={"project": project}), {"name": "Zelf"})
    assert made.status_code == 302
    with scopes_disabled():
        questionnaire = OwnQuestionnaire.objects.get(project=world.project)
    assert made["Location"] == reverse(
        "impact_own", kwargs={"project": project, "code": questionnaire.code}
    )
    # The same name again (not a double click): refused, what was typed kept.
    cache.clear()
    again = client.post(reverse("impact_own_create", kwargs={"project": project}), {"name": "Zelf"})
    assert again.status_code == 400 and 'value="Zelf"' in again.content.decode()

    kwargs = {"project": project, "code": questionnaire.code}
    add = reverse("impact_own_question_add", kwargs=kwargs)
    # A scale needs what 1 and 5 mean; a number's bounds must be in order.
    assert client.post(add, {"text_nl": "Koken", "kind": "scale"}).status_code == 400
    bad_bounds = {"text_nl": "Uren", "kind": "number", "min_value": "9", "max_value": "2"}
    assert client.post(add, bad_bounds).status_code == 400
    assert client.post(add, {"text_nl": "Zin\u202eomgekeerd", "kind": "text"}).status_code == 400
    scale = {
        "text_nl": "Koken",
        "text_en": "Cooking",
        "kind": "scale",
        "low_nl": "lukt niet",
        "high_nl": "lukt alleen",
        "higher_is_better": "yes",
    }
    assert client.post(add, scale).status_code == 302
    assert client.post(add, {"text_nl": "Bezoek gehad?", "kind": "yesno"}).status_code == 302
    first = {**scale, "text_nl": "Wassen", "position": "1"}
    assert client.post(add, first).status_code == 302
    with scopes_disabled():
        texts = list(questionnaire.questions.values_list("text_nl", "kind", "low_nl"))
    # Ordered by position; what a yes/no question does not use is not kept.
    assert [t[0] for t in texts] == ["Wassen", "Koken", "Bezoek gehad?"]
    assert texts[2] == ("Bezoek gehad?", "yesno", "")
    page = client.get(made["Location"]).content.decode()
    assert "Koken" in page and "lukt alleen" in page

    plan = reverse("impact_plan", kwargs={"project": project})
    assert str(questionnaire.code) in client.get(plan).content.decode()
    data = {
        "instruments": ["djg6", "who5"],
        "mid_after_months": 6,
        "link_valid_days": 14,
        "own_questionnaires": [str(questionnaire.code)],
    }
    assert client.post(plan, data).status_code == 302
    assert services.plan_for(world.project).own_questionnaires == [questionnaire.pk]
    t = imf.start(world.buddy, world.participant, world.coord)
    with scopes_disabled():
        moments = list(Measurement.objects.filter(trajectory=t))
    assert moments and all(m.own_questionnaires == [questionnaire.pk] for m in moments)


def test_an_answered_question_is_frozen_retired_not_edited(world, client_for):
    questionnaire, (scale, yesno, *_rest) = _kinds(world)
    t = imf.start(world.buddy, world.participant, world.coord)
    imf.enter_own(t, "baseline", questionnaire, {scale.pk: "4"}, by=world.coord)
    client = client_for(world.coord)
    project = world.project.code
    edit = reverse("impact_own_question_edit", kwargs={"project": project, "code": scale.code})
    page = client.get(edit).content.decode()
    assert "can no longer be changed" in page or "niet meer veranderen" in page
    changed = {"text_nl": "Iets anders", "kind": "scale", "low_nl": "a", "high_nl": "b"}
    assert client.post(edit, changed).status_code == 400
    with pytest.raises(ImpactConflict), scopes_disabled():
        services.own_question_change(question=scale, data=changed, by=world.coord)
    with scopes_disabled():
        scale.refresh_from_db()
    assert scale.text_nl == "Boodschappen doen"
    # Not answered yet: it may still be changed.
    kwargs = {"project": project, "code": yesno.code}
    edit_yesno = reverse("impact_own_question_edit", kwargs=kwargs)
    assert client.post(edit_yesno, {"text_nl": "Bezoek?", "kind": "yesno"}).status_code == 302
    # Retire the answered one: no longer asked, its answer stays with it.
    retire = reverse("impact_own_question_retire", kwargs={"project": project, "code": scale.code})
    assert client.post(retire).status_code == 302
    cache.clear()  # not a double click: a second, later request
    assert client.post(retire).status_code == 400  # already retired
    mid = imf.ask_own(t, questionnaire, "mid")
    with scopes_disabled():
        asked = services.own_questions_of(mid)
        assert scale not in asked and yesno in asked
        assert OwnAnswer.objects.get(question=scale).value == 4
    detail = client.get(
        reverse("impact_own", kwargs={"project": project, "code": questionnaire.code})
    ).content.decode()
    assert "Edit" not in detail.split(str(scale.code))[1].split("</li>")[0]
    person = client.get(
        reverse("impact_person", kwargs={"project": project, "code": t.code})
    ).content.decode()
    own = person[person.index("Zelfredzaamheid") :]
    assert "Boodschappen doen" in own and "<td>4</td>" in own
    assert "niet meer gevraagd" in own or "no longer asked" in own


# --- Filling in ------------------------------------------------------------------------


def test_participant_fills_in_own_questions_through_their_link(world, client):
    questionnaire, (scale, yesno, number, text) = _kinds(world)
    t = imf.start(world.buddy, world.participant, world.coord)
    m = imf.ask_own(t, questionnaire, "baseline")
    _link, raw = services.link_create(measurement=m, by=world.coord)
    url = reverse("impact_questionnaire", args=[raw])
    body = client.get(url).content.decode()
    assert "Zelfredzaamheid" in body and "Boodschappen doen" in body
    assert f'name="own_{number.pk}"' in body and 'inputmode="decimal"' in body
    assert "1 · lukt niet alleen" in body
    base = {f"who5_{i}": "4" for i in "12345"}
    base.update({f"djg6_{k}": v for k, v in imf.DJG6_NONE.items()})
    for wrong in (
        {f"own_{scale.pk}": "7"},
        {f"own_{number.pk}": "25"},
        {f"own_{number.pk}": "veel"},
        {f"own_{text.pk}": "x" * 201},
        {f"own_{text.pk}": "stil\u0007"},
    ):
        refused = client.post(url, {**base, **wrong})
        assert refused.status_code == 400, wrong
    typed = {
        f"own_{scale.pk}": "2",
        f"own_{yesno.pk}": "yes",
        f"own_{number.pk}": "7,5",
        f"own_{text.pk}": "  Het wandelen  ",
    }
    done = client.post(url, {**base, **typed})
    assert done.status_code == 200, done.content.decode()[:2000]
    with scopes_disabled():
        values = dict(OwnAnswer.objects.filter(measurement=m).values_list("question_id", "value"))
        m.refresh_from_db()
    assert values == {scale.pk: 2, yesno.pk: True, number.pk: 7.5, text.pk: "Het wandelen"}
    assert m.entered_by == "participant"


def test_coordinator_enters_own_answers_and_sees_the_change(world, client_for):
    questionnaire, (scale, yesno, number, text) = _kinds(world)
    t = imf.start(world.buddy, world.participant, world.coord)
    imf.enter_own(
        t, "baseline", questionnaire, {scale.pk: 2, number.pk: 10, text.pk: "Bang"}, by=world.coord
    )
    m = imf.ask_own(t, questionnaire, "closure")
    client = client_for(world.coord)
    url = reverse("impact_enter", kwargs={"project": world.project.code, "code": m.code})
    page = client.get(url).content.decode()
    assert "Boodschappen doen" in page and f'name="own_{yesno.pk}"' in page
    data = {f"who5_{i}": "3" for i in "12345"}
    data.update({f"djg6_{k}": v for k, v in imf.DJG6_NONE.items()})
    data.update({f"own_{scale.pk}": "4", f"own_{number.pk}": "6", f"own_{yesno.pk}": "no"})
    response = client.post(url, data)
    assert response.status_code == 302
    person = client.get(response["Location"]).content.decode()
    # Scale 2 → 4: +2, better; hours alone 10 → 6: -4, better (lower is better).
    assert f'data-change="{scale.code}"><strong>+2</strong>' in person
    assert f'data-change="{number.code}"><strong>-4</strong>' in person
    assert "Bang" in person  # a short text only ever shows on the person's page
    with scopes_disabled():
        m.refresh_from_db()
    assert m.entered_by == "coordinator"


def test_api_enters_and_reads_own_answers(world, client_for):
    questionnaire, (scale, *_rest) = _kinds(world)
    t = imf.start(world.buddy, world.participant, world.coord)
    m = imf.ask_own(t, questionnaire, "baseline")
    client = client_for(world.coord)
    base = f"/api/v1/projects/{world.project.code}/impact"
    answers = {"who5": imf.who5(3), "djg6": imf.DJG6_SOME}
    wrong = client.post(
        f"{base}/measurements/{m.code}/responses",
        {"answers": answers, "own": {str(scale.code): 9}},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and "1 tot 5" in wrong.content.decode()
    created = client.post(
        f"{base}/measurements/{m.code}/responses",
        {"answers": answers, "own": {str(scale.code): 3}},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    read = client.get(f"{base}/trajectories/{t.code}/responses").json()
    baseline = next(x for x in read if x["moment"] == "baseline")
    assert baseline["own_answers"] == [
        {
            "question": str(scale.code),
            "questionnaire": "Zelfredzaamheid",
            "text": "Boodschappen doen",
            "kind": "scale",
            "value": 3,
        }
    ]


def test_answer_values_are_checked_by_the_service(world):
    _q, (scale, yesno, number, text) = _kinds(world)
    value = services.own_answer_value
    assert value(scale, "5") == 5 and value(scale, None) is None and value(scale, "") is None
    for wrong in ("0", "6", "2.5", True):
        with pytest.raises(ImpactError):
            value(scale, wrong)
    assert value(yesno, True) is True and value(yesno, "no") is False
    with pytest.raises(ImpactError):
        value(yesno, "misschien")
    assert value(number, "0") == 0 and value(number, "24") == 24 and value(number, 3.25) == 3.25
    for wrong in ("-1", "24.01", "nan", "inf"):
        with pytest.raises(ImpactError):
            value(number, wrong)
    assert value(text, " ok ") == "ok"
    with pytest.raises(ImpactError):
        value(text, "a\u202eb")


# --- Figures ---------------------------------------------------------------------------

PAIRS = [  # (scale, yes/no, hours alone) at the start and at closure
    ((2, True, 10), (4, True, 8)),
    ((3, False, 5), (3, True, 5.5)),
    ((1, False, 7), (3, False, 7)),
    ((4, True, 3), (5, True, 1)),
    ((2, False, 4), (1, True, 2)),
]


def _measure(world, count: int):
    questionnaire, (scale, yesno, number, text) = _kinds(world)

    def own(values):
        return {
            scale.pk: values[0],
            yesno.pk: values[1],
            number.pk: values[2],
            text.pk: "Het wandelen hielp",
        }

    imf.own_pairs(
        world.project,
        world.coord,
        questionnaire,
        [(own(before), own(after)) for before, after in PAIRS[:count]],
    )
    return scale, yesno, number, text


def test_project_outcomes_are_exact_on_hand_built_data(world):
    from datetime import date

    scale, yesno, number, _text = _measure(world, 5)
    with scopes_disabled():
        own = selectors.own_outcomes(
            project=world.project, date_from=date(2000, 1, 1), date_to=date(2100, 1, 1)
        )
    (questionnaire,) = own
    rows = {row.question.pk: row for row in questionnaire["rows"]}
    assert set(rows) == {scale.pk, yesno.pk, number.pk}  # a short text is never counted
    s = rows[scale.pk].summary
    # Changes 2, 0, 2, 1, -1: mean 0.8, SD sqrt(1.7), improved (>= 1 step up) 3 of 5.
    half = T_975_4 * 1.7**0.5 / 5**0.5
    assert s.n == 5 and s.mean_before == pytest.approx(2.4) and s.mean_after == pytest.approx(3.2)
    assert s.mean_change == pytest.approx(0.8)
    assert s.ci_low == pytest.approx(0.8 - half) and s.ci_high == pytest.approx(0.8 + half)
    assert s.share_improved == pytest.approx(0.6)
    # Hours alone, lower is better: changes -2, 0.5, 0, -2, -2 → mean -1.1, 3 of 5 better.
    h = rows[number.pk].summary
    assert h.mean_change == pytest.approx(-1.1) and h.share_improved == pytest.approx(0.6)
    y = rows[yesno.pk]
    assert y.summary is None and y.n == 5
    assert y.yes_before == pytest.approx(0.4) and y.yes_after == pytest.approx(0.8)


@pytest.mark.parametrize(("people", "shown"), [(4, False), (5, True)])
def test_own_figures_under_five_people_are_suppressed(world, client_for, people, shown):
    from openpyxl import load_workbook

    scale, yesno, _number, _text = _measure(world, people)
    client = client_for(world.coord)
    project = world.project.code
    page = client.get(reverse("impact_outcomes", kwargs={"project": project})).content.decode()
    assert ("fewer than 5" in page or "minder dan 5" in page) != shown
    assert "not in the network" in page or "niet in de vergelijking" in page
    xlsx = client.get(reverse("impact_report_xlsx", kwargs={"project": project}))
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = next(book[name] for name in book.sheetnames if name.startswith(("Own", "Eigen")))
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert "Wat hielp het meest?" not in rows
    scale_row = rows["Boodschappen doen"]
    if shown:
        assert scale_row[3] == 5 and scale_row[5] == "0.8"
        assert rows["Had u deze week bezoek?"][4].endswith("40% → 80%")
    else:
        assert scale_row[3] == "< 5" and not any(scale_row[4:])
    api = client.get(f"/api/v1/projects/{project}/impact/outcomes").json()
    own = {row["question"]: row for row in api["own"]}
    assert own[str(scale.code)]["suppressed"] is (not shown)
    assert own[str(scale.code)]["n"] == people
    assert own[str(yesno.code)]["share_yes_before"] is not None


def test_pdf_has_the_own_table(world):
    from datetime import date

    from pypdf import PdfReader

    from buddynet.impact import reports

    _measure(world, 5)
    with scopes_disabled():
        pdf = reports.build_files(
            project=world.project,
            date_from=date(2000, 1, 1),
            date_to=date(2100, 1, 1),
            kinds=("pdf",),
        )["pdf"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    own = text[text.index("Zelfredzaamheid") :]
    assert "Boodschappen" in own and "0.8 -0.8 to 2.4 60%" in own  # mean change, CI, improved
    assert "Wat hielp" not in text and "wandelen" not in text


def test_own_questionnaires_stay_out_of_the_network_comparison(world, client_for):
    from datetime import date

    _measure(world, 5)
    comparison = selectors.network_comparison(
        network=world.network, date_from=date(2000, 1, 1), date_to=date(2100, 1, 1)
    )
    assert {t["code"] for t in comparison["tables"]} <= {"djg6", "djg11", "who5"}
    client = client_for(world.netco)
    page = client.get(reverse("impact_network", kwargs={"network": world.network.code}))
    body = page.content.decode()
    assert "Boodschappen" not in body
    assert "own questionnaires" in body or "eigen vragenlijsten" in body


def test_a_question_is_added_once_when_sent_twice(world):
    questionnaire, _made = imf.own_questionnaire(world.project, world.coord)
    data = {"text_nl": "Koken", **imf.SCALE}
    with scopes_disabled():
        services.own_question_add(questionnaire=questionnaire, data=data, by=world.coord)
        with pytest.raises(ImpactConflict):
            services.own_question_add(questionnaire=questionnaire, data=data, by=world.coord)
        assert OwnQuestion.objects.filter(questionnaire=questionnaire).count() == 1
