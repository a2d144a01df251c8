"""The site as one more service of ``ultralow serve`` and ``ultralow demo``, beside the HJ 212 receiver.

The receiver is what must not stop: when the site's port cannot be bound, that is logged as
``web_error`` and the receiver keeps running.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ultralow.app import Application
from ultralow.registry import Registry
from ultralow.store import Store
from ultralow.web.app import create_app
from ultralow.web.context import WebContext, default_reports_dir
from ultralow.web.reader import ReaderStore
from ultralow.web.server import WebServer

DEFAULT_HTTP_HOST = "127.0.0.1"
DEFAULT_HTTP_PORT = 8080


class SiteService:
    """The site on uvicorn for ``run_until_signalled``; ``emit(event, **fields)`` logs ``web_listening``
    (with the URL) or ``web_error``; ``health`` is the receiver's, for ``GET /health``."""

    def __init__(self, store: Store, registry: Registry, *, host: str = DEFAULT_HTTP_HOST,
                 port: int = DEFAULT_HTTP_PORT, reports_dir: Path | None = None,
                 emit: Callable[..., Any] | None = None, ops_feed: Any = None,
                 health: Callable[[], dict[str, Any]] | None = None) -> None:
        context = WebContext(app=Application.from_store(ReaderStore(store), registry=registry),
                             reports_dir=reports_dir or default_reports_dir(store.path), ops_feed=ops_feed,
                             health=health)
        self.context = context
        self.emit = emit or (lambda event, **fields: None)
        self.app = create_app(context)
        self.server = WebServer(self.app, host=host, port=port,
                                on_listening=lambda url: self.emit("web_listening", url=url + "/"))
        self.running = False

    @property
    def url(self) -> str:
        return self.server.url + "/"

    async def start(self) -> None:
        try:
            await self.server.start()
        except OSError as exc:
            self.emit("web_error", host=self.server.host, port=self.server.port, error=str(exc))
            return
        self.running = True

    async def stop(self) -> None:
        if self.running:
            await self.server.stop()
            self.running = False
        # a rebuild still judging on the site's connection: cancel its query, let the thread end
        self.context.store.con.interrupt()
        await asyncio.get_running_loop().run_in_executor(None, self.app.state.site.join, 30.0)
        self.context.store.close()
