"""Property-based API check (schemathesis): for every operation of the OpenAPI schema and
every role, generated requests with that role's personal token never answer 5xx, and
every answer matches the schema the API publishes.

Bounded for CI: a few examples per operation (``EXAMPLES``), no deadline, no shrinking;
each operation runs once with generated codes and once with the World's real project,
buddy and participant codes, so the endpoints' own rules are reached too. Requests go
through Django's test client, so the test runs in the usual test transaction, on SQLite
and PostgreSQL alike. All failures are collected and reported per operation.
"""

from __future__ import annotations

import time

import pytest
import requests
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import response_schema_conformance

from buddynet.accounts.services import api_token_create
from buddynet.api import api

EXAMPLES = 3
ROLES = ["project_coordinator", "professional", "buddy", "participant", "network_coordinator"]
CHECKS = [not_a_server_error, response_schema_conformance]


def _real_codes(world, path: str) -> dict[str, str]:
    codes = {
        "code": str(
            world.network.code if path.startswith("/api/v1/networks/") else world.project.code
        ),
        "buddy": str(world.buddy.code),
        "participant": str(world.participant.code),
    }
    return {name: value for name, value in codes.items() if "{" + name + "}" in path}


def _send(client: Client, case, token: str) -> Response:
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    headers = {**(kwargs.get("headers") or {}), "Authorization": f"Bearer {token}"}
    prepared = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        headers=headers,
        params=kwargs.get("params"),
        cookies=kwargs.get("cookies"),
        json=kwargs.get("json"),
        data=kwargs.get("data"),
    ).prepare()
    path = prepared.path_url
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    started = time.monotonic()
    response = client.generic(
        prepared.method,
        path,
        data=body,
        content_type=prepared.headers.get("Content-Type", "application/octet-stream"),
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    return Response(
        status_code=response.status_code,
        headers={key: [value] for key, value in response.headers.items()},
        content=response.content,
        request=prepared,
        elapsed=time.monotonic() - started,
        verify=False,
    )


def _property(operation, client: Client, token: str, real: dict[str, str], seen: set):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        if real:
            case.path_parameters = {**(case.path_parameters or {}), **real}
        response = _send(client, case, token)
        seen.add(response.status_code)
        case.validate_response(response, checks=CHECKS)

    return run


@pytest.fixture
def api_schema():
    return schemathesis.openapi.from_dict(api.get_openapi_schema())


@pytest.mark.parametrize("role", ROLES)
def test_the_api_holds_to_its_schema_and_never_fails(role, world, api_schema):
    _token, token = api_token_create(user=world.user(role), name="schemathesis")
    client = Client()
    failures: dict[str, str] = {}
    seen: set[int] = set()
    for result in api_schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        real = _real_codes(world, operation.path)
        for with_real_codes in (False, True):
            if with_real_codes and not real:
                continue

            run = _property(operation, client, token, real if with_real_codes else {}, seen)
            try:
                run()
            except Exception as exc:  # collect every operation's failure, then report all
                failures[label + (" (real codes)" if with_real_codes else "")] = (
                    f"{type(exc).__name__}: {str(exc)[:600]}"
                )
    assert 200 in seen  # the real codes reached real answers, not only 404s and 422s
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
