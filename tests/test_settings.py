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


def test_the_site_url_follows_the_bind_address_when_not_set():
    from buddynet.settings import default_site_url

    hosts = ["buddynet.example.be", "localhost"]
    assert default_site_url("127.0.0.1:8101", hosts) == "http://127.0.0.1:8101"
    assert default_site_url("0.0.0.0:8101", hosts) == "http://buddynet.example.be:8101"
    assert default_site_url("[::]:8000", ["*"]) == "http://127.0.0.1:8000"
    assert default_site_url("unix:/run/buddynet.sock", hosts) == "http://buddynet.example.be"
