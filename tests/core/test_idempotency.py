"""The same write twice is answered once (core.idempotency), on pages and in the API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.participants.models import Participant
from tests.participants.test_views import REFERRAL
from tests.test_access_matrix import ENDPOINTS

REFERRALS = ("post", "/api/v1/projects/{code}/referrals")


@pytest.fixture
def referral(world):
    row = ENDPOINTS[REFERRALS]
    return REFERRALS[1].format(**row.kwargs(world, "own")), row.data(world)


def _count(**filters) -> int:
    with scopes_disabled():
        return Participant.objects.filter(**filters).count()


def test_a_repeated_api_call_gets_the_first_answer_and_creates_one_record(
    world, client_for, referral
):
    url, payload = referral
    client = client_for(world.coord)
    before = _count()
    first = client.post(url, payload, content_type="application/json")
    again = client.post(url, payload, content_type="application/json")
    assert first.status_code == 201, first.content
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["X-Buddynet-Repeat"] == "1"
    assert _count() == before + 1


def test_different_data_is_not_a_repeat(world, client_for, referral):
    url, payload = referral
    client = client_for(world.coord)
    before = _count()
    assert client.post(url, payload, content_type="application/json").status_code == 201
    other = {**payload, "first_name": "Andere"}
    second = client.post(url, other, content_type="application/json")
    assert second.status_code == 201
    assert "X-Buddynet-Repeat" not in second
    assert _count() == before + 2


def test_another_person_sending_the_same_is_not_a_repeat(world, client_for, referral):
    url, payload = referral
    before = _count()
    assert (
        client_for(world.coord).post(url, payload, content_type="application/json").status_code
        == 201
    )
    second = client_for(world.prof).post(url, payload, content_type="application/json")
    assert "X-Buddynet-Repeat" not in second
    assert second.status_code == 201
    assert _count() == before + 2


def test_a_double_click_on_a_form_lands_where_the_first_click_led(world, client_for):
    url = reverse("referral_create", kwargs={"project": world.project.code})
    client = client_for(world.prof)
    data = {**REFERRAL, "last_name": "Dubbelklik"}
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == 302
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert _count(last_name="Dubbelklik") == 1


def test_a_refused_form_is_refused_again_with_what_was_typed(world, client_for):
    url = reverse("referral_create", kwargs={"project": world.project.code})
    client = client_for(world.prof)
    data = {**REFERRAL, "last_name": "Zonderpostcode", "postcode": "12"}
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == again.status_code == 400
    assert "Zonderpostcode" in again.content.decode()
    assert _count(last_name="Zonderpostcode") == 0
