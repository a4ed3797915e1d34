"""Settings read from the environment fail loudly on bad values."""

from __future__ import annotations

import pytest

from buddynet import settings as s


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    assert s.env_bool("X_BOOL", False) is True
    monkeypatch.setenv("X_BOOL", "perhaps")
    with pytest.raises(s.EnvError):
        s.env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "12")
    assert s.env_int("X_INT", 1) == 12
    monkeypatch.setenv("X_INT", "twelve")
    with pytest.raises(s.EnvError):
        s.env_int("X_INT", 1)
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert s.env_list("X_LIST", []) == ["a", "b", "c"]
    monkeypatch.delenv("X_REQ", raising=False)
    with pytest.raises(s.EnvError):
        s.env_str("X_REQ")


def test_dutch_is_the_default_language_and_english_is_offered():
    assert s.LANGUAGE_CODE == "nl"
    assert [code for code, _ in s.LANGUAGES] == ["nl", "en"]
