"""Bad input never gives a 500: a form never accepts more than its model can store,
and no API list crashes on a page number nobody would type (issue 11, the classes)."""

from __future__ import annotations

import importlib
import inspect

import pytest
from django import forms
from django.conf import settings
from django.db import models

from buddynet.api import api
from tests.test_access_matrix import ENDPOINTS

APPS = ["core", "accounts", "tenancy", *settings.BUDDYNET_FEATURE_APPS]


def model_forms():
    found = []
    for app in APPS:
        try:
            module = importlib.import_module(f"buddynet.{app}.forms")
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, forms.ModelForm)
                and cls.__module__ == module.__name__
                and getattr(cls._meta, "model", None) is not None
            ):
                found.append(cls)
    return found


def test_there_are_model_forms_to_check():
    assert len(model_forms()) >= 10


@pytest.mark.parametrize("form_class", model_forms(), ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_a_form_field_never_allows_more_than_its_model_field(form_class):
    model = form_class._meta.model
    too_long = []
    for name, field in form_class.base_fields.items():
        try:
            model_field = model._meta.get_field(name)
        except Exception:  # noqa: S112 — a form-only field has no model limit
            continue
        limit = getattr(model_field, "max_length", None)
        if not limit or not isinstance(model_field, models.CharField | models.EmailField):
            continue
        if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            continue  # its choices are its limit
        allowed = getattr(field, "max_length", None)
        if allowed is None or allowed > limit:
            too_long.append(f"{name}: form allows {allowed}, model stores {limit}")
    assert not too_long, too_long


def paginated_endpoints():
    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get and any(p["name"] == "page" for p in get.get("parameters", [])):
            found.append(path)
    return sorted(found)


def test_there_are_paginated_lists():
    assert len(paginated_endpoints()) >= 5


@pytest.mark.parametrize("path", paginated_endpoints())
def test_a_huge_page_number_is_a_422_with_a_reason_never_a_500(path, world, client_for):
    row = ENDPOINTS[("get", path)]
    url = path.format(**row.kwargs(world, "own"))
    client = client_for(world.coord)
    for page in ("10000000000000000000000", "0", "-1", "x"):
        response = client.get(url, {"page": page})
        assert response.status_code == 422, (url, page, response.status_code)
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"]
