"""The shared service error (``core.errors``)."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from buddynet.core.errors import ServiceError


class ExampleError(ServiceError):
    pass


def test_known_fields_pass():
    ExampleError.refuse_unknown({"name": "x"}, ("name", "town"), "Unknown: %(fields)s")


def test_unknown_fields_are_named_in_order_with_the_apps_error():
    with pytest.raises(ExampleError) as caught:
        ExampleError.refuse_unknown({"b": 1, "a": 2, "name": 3}, ("name",), "Unknown: %(fields)s")
    assert caught.value.message == "Unknown: a, b"
    assert caught.value.status == 400


@pytest.mark.django_db
def test_a_models_broken_rule_becomes_the_apps_error_on_its_field():
    from buddynet.followup.models import Cadence

    with scopes_disabled():
        with pytest.raises(ExampleError) as caught:
            ExampleError.clean(Cadence(contact_every_days=1), exclude=["project"])
        assert caught.value.field == "contact_every_days"
        ExampleError.clean(Cadence(), exclude=["project"])
