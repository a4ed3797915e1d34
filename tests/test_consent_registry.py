"""Consent as a registry with effects: each purpose names the apps whose processing it
covers, and every one of those apps has registered what a withdrawal stops there. A new
app that processes what a purpose covers adds itself to ``stops_in`` and this test makes
it register its reaction."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings

from buddynet.participants import consent


def test_every_purpose_names_what_it_stops():
    for purpose in consent.PURPOSES:
        assert purpose.stops_in, f"{purpose.key} stops nothing"
        for app in purpose.stops_in:
            assert apps.is_installed(f"buddynet.{app}"), f"{purpose.key}: no app {app}"


@pytest.mark.parametrize(
    ("purpose", "app"),
    [(p.key, app) for p in consent.PURPOSES for app in p.stops_in],
    ids=lambda value: value,
)
def test_each_app_a_purpose_covers_registered_its_reaction(purpose, app):
    effects = [e for e in consent.effects_for(purpose) if e.app == app]
    assert effects, f"withdrawing {purpose!r} stops nothing in {app!r}: register an effect"
    for effect in effects:
        assert str(effect.describes).strip(), f"{purpose}/{app}: say what it stops"


def test_no_effect_for_an_app_the_purpose_does_not_name():
    """An effect outside ``stops_in`` would not be promised to the person: keep them in
    step (the consent page lists what each purpose stops)."""
    for purpose in consent.PURPOSES:
        for effect in consent.effects_for(purpose.key):
            assert effect.app in purpose.stops_in, (purpose.key, effect.app)


def test_support_covers_every_feature_app_that_holds_a_trajectory_or_a_match():
    covered = set(consent.BY_KEY[consent.SUPPORT].stops_in)
    for app in ("matching", "trajectories", "followup"):
        if app in settings.BUDDYNET_FEATURE_APPS:
            assert app in covered
