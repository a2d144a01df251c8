"""The operations dashboard at ``/ops``: live stacks, alarms, marks, data quality and the audit trail,
behind a login (``ultralow.web.ops.views``). Built by :func:`build` for ``ultralow.web.subapps``."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from ultralow.app import Application
from ultralow.app.ops import OpsStore
from ultralow.web.context import WebContext
from ultralow.web.ops.feed import LiveFeed
from ultralow.web.ops.monitor import Monitor
from ultralow.web.ops.quality import QualityView
from ultralow.web.ops.views import Ops, routes
from ultralow.web.reader import ReaderStore


def build(context: WebContext) -> ASGIApp:
    """The dashboard on ``context``'s store: its own connections for requests, the monitor and the quality
    judgements (a cursor each: the receiver's commits and the site's builds go on meanwhile). The live feed
    is ``context.ops_feed`` when the receiver runs in this process (``ultralow serve``), else a feed that
    only the monitor feeds. On a read-only store (``ultralow web``) every page says where the dashboard runs:
    sign-ins, acknowledgements and marks are written to the store."""
    if _read_only(context):
        return Starlette(routes=[Route("/{path:path}", read_only_notice, methods=["GET", "POST"])])
    registry = context.registry
    stores = [ReaderStore(context.store) for _ in range(3)]
    ops = OpsStore(stores[0], registry)
    feed = context.ops_feed if isinstance(context.ops_feed, LiveFeed) else LiveFeed(registry)
    monitor = Monitor(Application.from_store(stores[1], registry=registry), ops, feed,
                      interval_s=context.ops_interval_s)
    shared = Ops(registry, ops, feed, monitor, QualityView(Application.from_store(stores[2], registry=registry)))

    def shutdown() -> None:
        monitor.stop()
        for store in stores:
            store.close()

    def start() -> None:
        try:
            ops.audit_registry_versions()  # registry versions taken from files since the last start
        except Exception:  # noqa: S110 - a read-only store (ultralow web) cannot take audit rows
            pass
        monitor.start()

    context.on_start.append(start)
    context.before_stop.append(feed.close)
    context.on_shutdown.append(shutdown)
    app = Starlette(routes=routes(shared))
    app.state.ops = shared
    return app


READ_ONLY_NOTICE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Operations dashboard</title></head>
<body><main><h1>The operations dashboard runs with <code>ultralow serve</code></h1>
<p>This site (<code>ultralow web</code>) reads the store read-only; the dashboard writes sign-ins,
acknowledgements and marks, so it is served by <code>ultralow serve</code> on the store it holds.</p>
<p lang="zh-Hans">运行监控平台由 <code>ultralow serve</code> 提供：本站只读数据库，而登录、报警确认和标记需要写入。</p>
</main></body></html>
"""


def _read_only(context: WebContext) -> bool:
    """The store's database is attached read-only (``ultralow web``). Asked of DuckDB: under ``ultralow serve``
    the site reads through a cursor of the receiver's writable connection (a ReaderStore, read_only by role)."""
    with context.store.lock:
        row = context.store.con.execute(
            "SELECT readonly FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return bool(row and row[0])


async def read_only_notice(request: Request) -> HTMLResponse:
    """503 for every dashboard path on a read-only store (a clear answer, never a failed write)."""
    return HTMLResponse(READ_ONLY_NOTICE, status_code=503)
