"""buddynet behind Debian's nginx: the client's own address reaches the app, however the
client fills in X-Forwarded-For, and a request that goes around the proxy cannot pass
itself off as someone else.

The public sign-up form counts attempts per client address (five an hour). Everything
runs on this machine: the "people" connect from loopback addresses of their own
(127.x.y.z), nginx reaches the live server from 127.0.0.1, the one proxy address buddynet
trusts.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter

from buddynet.participants.views import SIGNUPS_PER_HOUR
from tests.nginx import LOCATION, nginx_proxy

pytestmark = pytest.mark.django_db(transaction=True)

DEPLOY_CONF = Path(__file__).resolve().parents[1] / "deploy" / "systemd" / "nginx-buddynet.conf"


class _From(HTTPAdapter):
    """Connect from a given local address."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def person(last: int) -> requests.Session:
    """Someone at an address of their own (all of 127.0.0.0/8 is this machine's): a fresh
    one per run, so no count left in a shared cache by an earlier run gets in the way."""
    session = requests.Session()
    session.mount("http://", _From(f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{last}"))
    return session


def sign_up(session: requests.Session, base: str, path: str, attempt: int, forwarded=None) -> int:
    """One (incomplete) sign-up: 400 when counted and refused, 429 when over the limit."""
    page = session.get(base + path, timeout=20)
    assert page.status_code == 200, page.status_code
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    headers = {"Referer": base + path}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    answer = session.post(
        base + path,
        data={"csrfmiddlewaretoken": token, "attempt": str(attempt)},  # not a repeat
        headers=headers,
        timeout=20,
    )
    return answer.status_code


def test_the_client_address_is_the_one_nginx_passes_on(world, live_server, settings):
    settings.TRUSTED_PROXIES = 1
    settings.PROXY_ADDRESSES = ["127.0.0.1"]
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.CSRF_COOKIE_SECURE = False  # plain http here
    settings.SESSION_COOKIE_SECURE = False
    port = urlsplit(live_server.url).port
    direct = f"http://127.0.0.1:{port}"
    path = f"/public/projects/{world.project.code}/sign-up/"
    with nginx_proxy([f"127.0.0.1:{port}"], workers="1") as proxy:
        alice = person(2)
        # Through nginx, with another made-up address in X-Forwarded-For each time: all
        # counted as Alice's own address, the one nginx saw.
        codes = [
            sign_up(alice, proxy, path, n, forwarded=f"198.51.100.{n}")
            for n in range(SIGNUPS_PER_HOUR + 1)
        ]
        assert codes == [400] * SIGNUPS_PER_HOUR + [429]
        # Bob behind the same nginx is not Alice (nor nginx's 127.0.0.1).
        assert sign_up(person(3), proxy, path, 0) == 400
        # Alice around the proxy, straight at the web server, claiming another address:
        # she is not a proxy, so her header is ignored and she is still herself.
        assert sign_up(alice, direct, path, 99, forwarded="198.51.100.200") == 429


def test_the_production_nginx_passes_the_same_headers():
    wanted = {line.strip() for line in DEPLOY_CONF.read_text().splitlines()}
    for line in LOCATION.splitlines():
        if line.strip().startswith("proxy_set_header"):
            assert line.strip() in wanted, f"{DEPLOY_CONF.name} lacks: {line.strip()}"
