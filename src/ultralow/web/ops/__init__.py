"""The operations dashboard at ``/ops``: live stacks, alarms, marks, data quality and the audit trail,
behind a login (``ultralow.web.ops.views``). Built by :func:`build` for ``ultralow.web.subapps``."""

from __future__ import annotations

from starlette.applications import Starlette
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
    only the monitor feeds."""
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
