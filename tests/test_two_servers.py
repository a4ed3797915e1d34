"""Two application servers behind one address lose nothing: nothing one needs is kept
on the other's disk.

Two gunicorn instances (production settings, each with a data folder of its own) run on
two ports over the same PostgreSQL and Redis, with uploads on an S3-compatible object
store (moto's server, started here). A person logs in on one and continues on the other
(sessions in the database), uploads a clip on one and downloads it from the other
(storage API), and an e-mail queued by one is delivered exactly once although two queue
workers listen (Redis queue), to a real SMTP server.

SQLite cannot be shared between machines, so this runs on the PostgreSQL suite.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import make_password
from django.db import connection

from tests.network import factories as nf
from tests.smtp import free_port, smtp_server

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",  # the test engine is buddynet.core.fastflush
        reason="SQLite is one machine's file: several servers need PostgreSQL",
    ),
]

BIN = Path(sys.executable).parent
REDIS = "redis://127.0.0.1:6379/12"


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def object_store():
    boto3 = pytest.importorskip("boto3")
    moto_server = pytest.importorskip("moto.server")
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    bucket = f"buddynet-{uuid.uuid4().hex[:8]}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    s3.create_bucket(Bucket=bucket)
    yield {"endpoint": endpoint, "bucket": bucket, "client": s3}
    server.stop()


def _stop(process: subprocess.Popen) -> None:
    """Stop a server or worker and wait, so no connection to the test database is left."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"{url} stopped: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not start")


def _login(session: requests.Session, base: str, email: str, password: str) -> None:
    page = session.get(base + "/accounts/login/", timeout=20)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = session.post(
        base + "/accounts/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/accounts/login/"},
        timeout=20,
    )
    assert done.status_code == 200 and "/accounts/login/" not in done.url, done.text[:500]


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=20)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def test_two_servers_share_sessions_files_and_the_queue(world, object_store, tmp_path):
    if not _redis_up():
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    queue_name = f"buddynet-two-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    common = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "buddynet.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS,
        "BUDDYNET_QUEUE_NAME": queue_name,
        "BUDDYNET_SECRET_KEY": "two-servers-" + "s" * 50,
        "BUDDYNET_HTTPS": "false",
        "BUDDYNET_DEBUG": "false",
        "BUDDYNET_ALLOWED_HOSTS": "127.0.0.1",
        "BUDDYNET_STATIC_ROOT": str(tmp_path / "static"),
        "BUDDYNET_S3_BUCKET": object_store["bucket"],
        "BUDDYNET_S3_ENDPOINT_URL": object_store["endpoint"],
        "BUDDYNET_S3_REGION": "us-east-1",
        "BUDDYNET_S3_ACCESS_KEY": "test",
        "BUDDYNET_S3_SECRET_KEY": "test",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(Path.cwd() / "src"), os.environ.get("PYTHONPATH")])
        ),
    }
    common.pop("DJANGO_SETTINGS_MODULE_TEST", None)

    def env(name: str, **extra: str) -> dict[str, str]:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        return {**common, "BUDDYNET_DATA_DIR": str(folder), **extra}

    subprocess.run(
        [str(BIN / "buddynet"), "collectstatic", "--noinput", "-v0"], env=env("static"), check=True
    )
    with smtp_server() as inbox, ExitStack() as stack:
        mail = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(inbox.port)}
        servers = []
        for name in ("a", "b"):
            port = free_port()
            process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "buddynet.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                ],
                env=env(name, **mail),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            stack.callback(_stop, process)
            servers.append((f"http://127.0.0.1:{port}", process))
        for name in ("worker1", "worker2"):
            worker = subprocess.Popen(
                [str(BIN / "buddynet"), "run_huey", "--workers", "1", "--quiet"],
                env=env(name, **mail),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            stack.callback(_stop, worker)
        (a, process_a), (b, process_b) = servers
        _wait_for(a, process_a)
        _wait_for(b, process_b)

        session = requests.Session()
        # Log in on A, continue on B.
        from tests.factories import PASSWORD

        # The servers run the production hashers (the suite's are fast MD5 ones).
        world.netco.password = make_password(PASSWORD, hasher="argon2")
        world.netco.save(update_fields=["password"])
        _login(session, a, world.netco.email, PASSWORD)
        library = f"/network/{world.network.code}/library/"
        assert session.get(b + library, timeout=20).status_code == 200

        # Upload on B, download on A.
        add = b + f"/network/{world.network.code}/library/add/"
        upload = session.post(
            add,
            data={
                "csrfmiddlewaretoken": _csrf(session, add),
                "kind": "clip",
                "title": "Twee servers",
                "language": "nl",
                "themes": ["recruitment"],
                "audience": "both",
            },
            files={"file": ("clip.mp4", nf.MP4, "video/mp4")},
            headers={"Referer": add},
            timeout=30,
            allow_redirects=False,
        )
        assert upload.status_code == 302, upload.text[:2000]
        item_path = upload.headers["Location"]
        page = session.get(a + item_path, timeout=20)
        file_path = re.search(r'(/network/[^"]+/file)"', page.text).group(1)
        clip = session.get(a + file_path, timeout=20)
        assert clip.status_code == 200 and clip.content == nf.MP4
        stored = object_store["client"].list_objects_v2(Bucket=object_store["bucket"])
        assert stored["KeyCount"] >= 1
        assert not list((tmp_path / "a").rglob("*.mp4")) and not list(
            (tmp_path / "b").rglob("*.mp4")
        )

        # A job queued by A runs once, although two workers listen.
        reset = a + "/accounts/password/reset/"
        anonymous = requests.Session()
        sent = anonymous.post(
            reset,
            data={"email": world.coord.email, "csrfmiddlewaretoken": _csrf(anonymous, reset)},
            headers={"Referer": reset},
            timeout=20,
        )
        assert sent.status_code == 200
        deadline = time.monotonic() + 60
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.3)
        time.sleep(3)  # time for a second delivery, if the job ran twice
        assert len(inbox.messages) == 1
        assert world.coord.email in inbox.messages[0]["To"]
