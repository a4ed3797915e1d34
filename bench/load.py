"""Load test: a realistic mix of pages and API calls against ``buddynet serve``.

Starts ``buddynet serve`` (gunicorn, 3 workers, as in production; the queue worker is
not needed: the mix only reads) on the database of the environment (``DATABASE_URL``,
``BUDDYNET_DATA_DIR``), seeded with ``seed-demo --scale 100000``, or uses a server that
is already running (``--host``). Then, at 1, 10, 20 and 50 concurrent users without
think time, two phases of ``--seconds`` each, one after the other:

- the floor: every user asks ``/healthz`` (the full middleware stack and ``SELECT 1``);
- the mix: every user picks pages and API calls by weight (``MIX``): the coordinator's
  dashboard, lists, files, waiting list and ranking; the buddy's, the professional's
  and the network coordinator's pages; API calls with a coordinator's token.

Each role logs in through the log-in form once per level (those log-ins are timed and
printed apart: a log-in is an Argon2 hash, on purpose slow); the users of a level share
the role's session. Prints, per level, each page's p50/p95/p99, requests per second and
errors (anything but a 200), the whole mix against the floor, and a summary table.

Usage: ``python bench/load.py [--seconds 25] [--users 1,10,20,50] [--host URL]``.
Needs the ``bench`` extra (Locust). Not a test: nothing fails on a slow machine.
"""

from __future__ import annotations

# Locust patches the standard library for gevent first: import it before anything else.
from locust import FastHttpUser, constant, task  # isort: skip
from locust.contrib.fasthttp import FastHttpSession  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import gevent

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "buddynet-demo"
DOMAIN = "demo.buddynet.be"
LOGINS = {
    "coordinator": f"coordinator@{DOMAIN}",
    "buddy": f"buddy@{DOMAIN}",
    "professional": f"doorverwijzer@{DOMAIN}",
    "network": f"netwerk@{DOMAIN}",
}

# The codes the mix needs, and a fresh API token for the coordinator (older ones of the
# load test revoked), read by Django in a subprocess: this process runs gevent.
SETUP = """
import json, random
from django_scopes import scopes_disabled
from buddynet.accounts.models import APIToken, User
from buddynet.accounts.services import api_token_create, api_token_revoke
from buddynet.participants.models import Participant
from buddynet.site import demo
from buddynet.tenancy.models import Network, Project
from buddynet.trajectories.models import Trajectory
from buddynet.volunteers.models import Buddy
with scopes_disabled():
    project = Project.objects.get(name="Buddywerking Gent")
    network = Network.objects.get(name=demo.NETWORK_NAME)
    coordinator = User.objects.get(email="coordinator@" + demo.DEMO_DOMAIN)
    for old in APIToken.objects.filter(user=coordinator, name="load test", revoked_at=None):
        api_token_revoke(user=coordinator, token=old)
    _token, raw = api_token_create(user=coordinator, name="load test")
    rng = random.Random(12)
    def sample(qs, k=40):
        codes = [str(c) for c in qs.order_by("pk").values_list("code", flat=True)]
        return rng.sample(codes, min(k, len(codes)))
    own = Trajectory.objects.filter(buddy__user__email="buddy@" + demo.DEMO_DOMAIN).first()
    print("SETUP" + json.dumps({
        "project": str(project.code),
        "network": str(network.code),
        "token": raw,
        "waiting": sample(Participant.objects.filter(
            project=project, status="waiting").exclude(waiting_reason="paused")),
        "participants": sample(Participant.objects.filter(project=project)),
        "buddies": sample(Buddy.objects.filter(project=project)),
        "trajectories": sample(Trajectory.objects.filter(project=project)),
        "own_trajectory": str(own.code) if own else None,
        "waiting_pages": max(1, Participant.objects.filter(
            project=project, status="waiting").count() // 50),
        "people": Participant.objects.count(),
        "people_in_project": Participant.objects.filter(project=project).count(),
        "vendor": __import__("django.db").db.connection.vendor,
    }))
"""


@dataclass(frozen=True)
class Page:
    weight: int
    role: str  # a role of LOGINS, or "api" (the coordinator's token)
    name: str
    path: str  # with {project}, {network}, {waiting}, ... filled in per request


# The mix: what each role opens, and how often (relative weights). Coordinators do most
# of the work; the API is used by the projects' own tools.
MIX = [
    Page(10, "coordinator", "coordinator: dashboard /", "/"),
    Page(6, "coordinator", "coordinator: participant list", "/p/{project}/participants/"),
    Page(
        2,
        "coordinator",
        "coordinator: participant list, waiting, page 5",
        "/p/{project}/participants/?status=waiting&page=5",
    ),
    Page(6, "coordinator", "coordinator: participant file", "/p/{project}/participants/{anyone}/"),
    Page(6, "coordinator", "coordinator: waiting list", "/p/{project}/waiting-list/"),
    Page(
        2,
        "coordinator",
        "coordinator: waiting list, a later page",
        "/p/{project}/waiting-list/?page={waiting_page}",
    ),
    Page(4, "coordinator", "coordinator: buddy list", "/p/{project}/buddies/"),
    Page(3, "coordinator", "coordinator: buddy file", "/p/{project}/buddies/{buddy}/"),
    Page(
        4,
        "coordinator",
        "coordinator: ranking buddies for a participant",
        "/p/{project}/matching/participants/{waiting}/",
    ),
    Page(3, "coordinator", "coordinator: trajectories", "/p/{project}/trajectories/"),
    Page(3, "coordinator", "coordinator: trajectory", "/p/{project}/trajectories/{trajectory}/"),
    Page(3, "coordinator", "coordinator: follow-up", "/p/{project}/follow-up/"),
    Page(4, "buddy", "buddy: dashboard /", "/"),
    Page(2, "buddy", "buddy: own profile", "/p/{project}/me/buddy/"),
    Page(2, "buddy", "buddy: own trajectory", "/p/{project}/trajectories/{own_trajectory}/"),
    Page(4, "professional", "professional: dashboard /", "/"),
    Page(2, "professional", "professional: participant list", "/p/{project}/participants/"),
    Page(3, "network", "network: dashboard /", "/"),
    Page(3, "network", "network: overview", "/network/{network}/"),
    Page(4, "api", "API: participants", "/api/v1/projects/{project}/participants"),
    Page(4, "api", "API: waiting list", "/api/v1/projects/{project}/waiting-list"),
    Page(2, "api", "API: trajectories", "/api/v1/projects/{project}/trajectories"),
    Page(
        2,
        "api",
        "API: ranking buddies",
        "/api/v1/projects/{project}/matching/participants/{waiting}/buddies",
    ),
]
FLOOR = "/healthz floor"
ERRORS: list[str] = []


class Shared:
    """What the users of a level share: the codes, the token and a session per role."""

    setup: dict = {}
    cookies: dict[str, str] = {}


def _fill(path: str, rng: random.Random) -> str:
    s = Shared.setup
    if "{own_trajectory}" in path and not s.get("own_trajectory"):
        path = "/p/{project}/me/buddy/"
    return path.format(
        project=s["project"],
        network=s["network"],
        waiting=rng.choice(s["waiting"]),
        anyone=rng.choice(s["participants"]),
        buddy=rng.choice(s["buddies"]),
        trajectory=rng.choice(s["trajectories"]),
        own_trajectory=s.get("own_trajectory"),
        waiting_page=rng.randint(2, max(2, s["waiting_pages"])),
    )


def _get(client: FastHttpSession, path: str, name: str, headers: dict) -> None:
    client.cookiejar.clear()  # the role's session travels in the headers only
    with client.get(
        path, name=name, headers=headers, allow_redirects=False, catch_response=True
    ) as response:
        if response.status_code != 200:
            response.failure(f"status {response.status_code}")


class FloorUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def healthz(self) -> None:
        _get(self.client, "/healthz", FLOOR, {})


class MixUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.rng = random.Random()
        self.weights = [page.weight for page in MIX]

    @task
    def one_page(self) -> None:
        (page,) = self.rng.choices(MIX, weights=self.weights)
        if page.role == "api":
            headers = {"Authorization": f"Bearer {Shared.setup['token']}"}
        else:
            headers = {"Cookie": Shared.cookies[page.role]}
        _get(self.client, _fill(page.path, self.rng), page.name, headers)


def log_in(host: str, role: str) -> float:
    """Log in through the form (GET for the CSRF token, POST); keep the session cookie.
    Returns the POST's time in ms."""
    env = Environment()
    client = FastHttpSession(base_url=host, request_event=env.events.request, user=None)
    form = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text or "")
    if form.status_code != 200 or token is None:
        sys.exit(f"log-in page: status {form.status_code}")
    started = time.perf_counter()
    answer = client.post(
        "/accounts/login/",
        data={
            "login": LOGINS[role],
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1),
        },
        headers={"Referer": host + "/accounts/login/"},
        allow_redirects=False,
    )
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != 302:
        sys.exit(f"log-in as {role}: status {answer.status_code}")
    jar = {c.name: c.value for c in client.cookiejar}
    if "sessionid" not in jar:
        sys.exit(f"log-in as {role}: no session cookie")
    Shared.cookies[role] = "; ".join(f"{k}={v}" for k, v in jar.items())
    return elapsed


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    p50: float
    p95: float
    p99: float
    rps: float


def run_phase(host: str, user_class, users: int, seconds: float, warmup: float) -> list[Row]:
    env = Environment(user_classes=[user_class], host=host)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(warmup)
    env.stats.reset_all()
    started = time.perf_counter()
    gevent.sleep(seconds)
    elapsed = time.perf_counter() - started
    rows = []
    entries = sorted(env.stats.entries.values(), key=lambda e: e.name)
    for entry in [*entries, env.stats.total]:
        if not entry.num_requests:
            continue
        rows.append(
            Row(
                name=entry.name if entry is not env.stats.total else "whole mix",
                requests=entry.num_requests,
                failures=entry.num_failures,
                p50=entry.get_response_time_percentile(0.5),
                p95=entry.get_response_time_percentile(0.95),
                p99=entry.get_response_time_percentile(0.99),
                rps=entry.num_requests / elapsed,
            )
        )
    for error in env.stats.errors.values():
        ERRORS.append(f"{users} users, {error.name}: {error.error} ({error.occurrences}x)")
    runner.quit()
    return rows


def table(rows: list[Row], floor: Row | None = None) -> str:
    head = (
        "| page | requests | req/s | p50 ms | p95 ms | p99 ms | errors |"
        + (" p95 x floor |" if floor else "")
        + "\n|---|---:|---:|---:|---:|---:|---:|"
        + ("---:|" if floor else "")
    )
    lines = [head]
    for r in rows:
        line = (
            f"| {r.name} | {r.requests:,} | {r.rps:.1f} | {r.p50:.0f} | {r.p95:.0f} | "
            f"{r.p99:.0f} | {r.failures} |"
        )
        if floor:
            line += f" {r.p95 / max(floor.p95, 1):.1f} |"
        lines.append(line)
    return "\n".join(lines)


def start_server(python: str, port: int) -> subprocess.Popen:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
    except OSError:
        pass
    else:
        sys.exit(f"Something already answers on port {port}: stop it or pass --port.")
    env = {**os.environ, "BUDDYNET_HTTPS": "false", "PYTHONPATH": str(ROOT / "src")}
    buddynet = [python, "-m", "buddynet"]
    subprocess.run([*buddynet, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    server = subprocess.Popen(
        [*buddynet, "serve", "--no-worker", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("buddynet serve did not answer /healthz within a minute")


def stop_server(server: subprocess.Popen) -> None:
    """``buddynet serve`` stops gunicorn on Ctrl-C (SIGINT); anything left in its
    process group after that is ended too (a gunicorn left running would answer the
    next run)."""
    server.send_signal(signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)


def read_setup(python: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [python, "-m", "buddynet", "shell", "-c", SETUP],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("SETUP"))
    return json.loads(line[len("SETUP") :])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="1,10,20,50")
    parser.add_argument("--seconds", type=float, default=25)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--host", default=None, help="a running server; else start one")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--json", default=None, help="also write the results to this file")
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the Python that runs buddynet (default: this one; the load can run apart)",
    )
    args = parser.parse_args()

    Shared.setup = read_setup(args.python)
    server = None if args.host else start_server(args.python, args.port)
    host = args.host or f"http://127.0.0.1:{args.port}"
    s = Shared.setup
    print(
        f"{s['vendor']}, {s['people']:,} participants ({s['people_in_project']:,} in the "
        f"coordinator's project), {host}, {os.cpu_count()} cores, "
        f"load average at start {', '.join(f'{x:.1f}' for x in os.getloadavg())}",
        flush=True,
    )
    results: dict = {}
    try:
        for users in [int(n) for n in args.users.split(",")]:
            logins = {role: log_in(host, role) for role in LOGINS}
            (floor,) = [
                r
                for r in run_phase(host, FloorUser, users, args.seconds, args.warmup)
                if r.name == FLOOR
            ]
            mix = run_phase(host, MixUser, users, args.seconds, args.warmup)
            results[users] = {"floor": floor, "mix": mix, "logins": logins}
            print(f"\n### {users} user{'s' if users > 1 else ''}, {args.seconds:.0f} s per phase\n")
            print(table([floor]))
            print()
            print(table(mix, floor))
            print(
                "\nlog-ins (POST, ms): "
                + ", ".join(f"{role} {ms:.0f}" for role, ms in logins.items()),
                flush=True,
            )
    finally:
        if server is not None:
            stop_server(server)
    print("\n### Summary\n")
    levels = list(results)
    print("| | " + " | ".join(f"{n} user{'s' if n > 1 else ''}" for n in levels) + " |")
    print("|---|" + "---:|" * len(levels))

    def line(label, value):
        print(f"| {label} | " + " | ".join(value(results[n]) for n in levels) + " |")

    def whole(r):
        return next(row for row in r["mix"] if row.name == "whole mix")

    def pages(r):
        return [row for row in r["mix"] if row.name != "whole mix"]

    line("whole mix, req/s", lambda r: f"{whole(r).rps:.1f}")
    line("`/healthz` floor, req/s", lambda r: f"{r['floor'].rps:.1f}")
    line("mix / floor throughput", lambda r: f"{whole(r).rps / r['floor'].rps:.1%}")
    line("mix p50 / p95 ms", lambda r: f"{whole(r).p50:.0f} / {whole(r).p95:.0f}")
    line("floor p50 / p95 ms", lambda r: f"{r['floor'].p50:.0f} / {r['floor'].p95:.0f}")
    line(
        "slowest page p95 / floor p95",
        lambda r: "{:.1f} ({})".format(
            max(p.p95 for p in pages(r)) / max(r["floor"].p95, 1),
            max(pages(r), key=lambda p: p.p95).name,
        ),
    )
    line("errors (mix + floor)", lambda r: str(whole(r).failures + r["floor"].failures))
    if ERRORS:
        print("\nErrors:\n" + "\n".join(f"- {e}" for e in ERRORS))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    n: {
                        "floor": vars(r["floor"]),
                        "mix": [vars(m) for m in r["mix"]],
                        "logins": r["logins"],
                    }
                    for n, r in results.items()
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
