"""``GET /health``: 200 while the receiver's writer and tasks run, 503 when one stopped; detail for loopback
clients only."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from dataclasses import replace
from typing import Any

from ultralow.web.app import create_app
from ultralow.web.context import WebContext
from ultralow.web.server import ThreadedWebServer


def receiver_health(sweeper: str = "running", writer_alive: bool = True) -> dict[str, Any]:
    # the shape of Receiver.health(), trimmed to what /health judges
    return {"tasks": {"sweeper": {"state": sweeper}, "health": {"state": "running"}},
            "writer": {"alive": writer_alive, "queued": 0}, "connections": 3}


def get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback test server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_health_is_200_with_the_receivers_detail_for_a_loopback_client(example_context: WebContext) -> None:
    context = replace(example_context, health=receiver_health)
    with ThreadedWebServer(create_app(context, build_on_start=False)) as server:
        status, body = get(server.url + "/health")
    assert status == 200
    assert body["ok"] is True
    assert body["receiver"]["connections"] == 3
    assert body["site"] == {"built": False, "error": None}


def test_a_stopped_task_or_a_dead_writer_is_503(example_context: WebContext) -> None:
    for health in (lambda: receiver_health(sweeper="stopped"), lambda: receiver_health(writer_alive=False)):
        context = replace(example_context, health=health)
        with ThreadedWebServer(create_app(context, build_on_start=False)) as server:
            status, body = get(server.url + "/health")
        assert status == 503
        assert body["ok"] is False


def test_without_a_receiver_the_site_alone_is_healthy(example_context: WebContext) -> None:
    # no receiver in this process and no serve lock file beside the store: nothing to ask
    with ThreadedWebServer(create_app(example_context, build_on_start=False)) as server:
        status, body = get(server.url + "/health")
    assert status == 200
    assert body["ok"] is True and body["receiver"] is None


def test_a_remote_client_sees_only_ok(example_context: WebContext) -> None:
    app = create_app(replace(example_context, health=receiver_health), build_on_start=False)
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": "/health", "raw_path": b"/health", "query_string": b"", "headers": [],
             "client": ("10.2.3.4", 40000), "server": ("192.0.2.1", 80), "root_path": ""}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))  # a client off the loopback interface
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert start["status"] == 200
    assert json.loads(body) == {"ok": True}
    assert (b"cache-control", b"no-store") in start["headers"]
