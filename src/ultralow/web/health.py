"""``GET /health``: is the site up, and are the receiver's background tasks and writer alive.

Under ``ultralow serve`` the receiver runs in the same process and its :meth:`Receiver.health` is passed
in (``WebContext.health``); under ``ultralow web`` the receiver's health is asked of the process serving
the store through its local API (:mod:`ultralow.store.local_api`), when one runs. The answer is 200 when
everything that runs is healthy, else 503, so a load balancer or a cron probe needs only the status code.
The counters (connections, authentication failures, quarantine) are for the operator: they are shown only
to clients on the loopback interface; others see ``{"ok": …}`` alone.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ultralow.store.local_api import LocalApiError, find_server, request
from ultralow.web.context import WebContext
from ultralow.web.state import SiteState

LOOPBACK: Final = frozenset({"127.0.0.1", "::1", "localhost"})
LOCAL_API_TIMEOUT_S: Final = 2.0


def receiver_ok(health: dict[str, Any] | None) -> bool:
    """True when the receiver's writer is alive and every background task runs (no receiver: True)."""
    if not health:
        return True
    tasks = health.get("tasks", {})
    writer = health.get("writer", {})
    return bool(writer.get("alive", False)) and all(t.get("state") == "running" for t in tasks.values())


def _remote_health(context: WebContext) -> dict[str, Any] | None:
    info = find_server(context.db)
    if info is None:
        return None
    try:
        answer = request(info, "health", timeout_s=LOCAL_API_TIMEOUT_S)
    except (LocalApiError, OSError) as exc:
        return {"error": f"the serving process did not answer: {exc}", "tasks": {}, "writer": {"alive": False}}
    health = answer.get("health")
    return health if isinstance(health, dict) else None


def routes(context: WebContext, state: SiteState) -> list[Route]:
    async def health(req: Request) -> JSONResponse:
        receiver: dict[str, Any] | None
        if context.health is not None:
            receiver = context.health()
        else:
            receiver = await asyncio.get_running_loop().run_in_executor(None, _remote_health, context)
        ok = receiver_ok(receiver)
        body: dict[str, Any] = {"ok": ok}
        if req.client is not None and req.client.host in LOOPBACK:
            body["site"] = {"built": state.build is not None, "error": state.error}
            body["receiver"] = receiver
        return JSONResponse(body, status_code=200 if ok else 503, headers={"Cache-Control": "no-store"})

    return [Route("/health", health, methods=["GET"])]
