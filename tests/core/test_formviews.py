"""``core.formviews.ServiceFormView``: what a form page is about shows beside its title."""

from __future__ import annotations

import pytest
from django import forms
from django.test import RequestFactory

from buddynet.core.formviews import ServiceFormView

pytestmark = pytest.mark.one_database


class NameForm(forms.Form):
    name = forms.CharField()


class PlainPage(ServiceFormView):
    form_class = NameForm
    title = "A title"


class AboutSomeone(PlainPage):
    def get_subtitle(self):
        return "Ann Peeters"


def context_of(view_class) -> dict:
    view = view_class()
    view.setup(RequestFactory().get("/"))
    return view.get_context_data()


def test_the_subtitle_is_what_the_page_says_it_is_about():
    context = context_of(AboutSomeone)
    assert context["title"] == "A title"
    assert context["subtitle"] == "Ann Peeters"


def test_a_page_about_nothing_in_particular_has_no_subtitle():
    assert context_of(PlainPage)["subtitle"] == ""
