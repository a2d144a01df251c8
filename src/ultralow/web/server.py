"""The web application on uvicorn as a service of ``run_until_signalled`` (beside the HJ 212 receiver),
and in a thread for tests."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Callable, Iterator

import uvicorn
from starlette.types import ASGIApp


class _Embedded(uvicorn.Server):
    """uvicorn without its own signal handlers: the process's service runner owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # accepted sockets inherit it: without it a response written in two parts waits for the client's
    # delayed ACK (about 40 ms a request on loopback)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.setblocking(False)
    return sock


class WebServer:
    """``app`` served by uvicorn on ``host:port``; ``start``/``stop`` on the running event loop."""

    def __init__(self, app: ASGIApp, *, host: str = "127.0.0.1", port: int = 8000,
                 access_log: bool = False, timeout_keep_alive_s: float = 5.0,
                 on_listening: Callable[[str], None] | None = None) -> None:
        self.app = app
        self.on_listening = on_listening
        self.host = host
        self.port = port
        self.config = uvicorn.Config(
            app, host=host, port=port, lifespan="on", access_log=access_log, log_level="warning",
            timeout_keep_alive=int(timeout_keep_alive_s), server_header=False,
            limit_concurrency=256, h11_max_incomplete_event_size=16 * 1024,
        )
        self.server = _Embedded(self.config)
        self._socket: socket.socket | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        self._socket = bind(self.host, self.port)
        self.port = int(self._socket.getsockname()[1])
        self._task = asyncio.create_task(self.server.serve(sockets=[self._socket]))
        while not self.server.started:
            if self._task.done():
                self._task.result()  # raises the start-up error
                raise RuntimeError("the web server stopped during start-up")
            await asyncio.sleep(0.01)
        if self.on_listening is not None:
            self.on_listening(self.url)

    async def stop(self) -> None:
        # long-lived responses (the dashboard's event streams) end first: uvicorn waits for every connection
        for hook in getattr(getattr(self.app, "state", None), "before_stop", ()):
            hook()
        self.server.should_exit = True
        if self._task is not None:
            await self._task
            self._task = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None


class ThreadedWebServer:
    """``WebServer`` on its own event loop in a daemon thread (tests, benchmarks, the demo)."""

    def __init__(self, app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.web = WebServer(app, host=host, port=port)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="ultralow-web", daemon=True)

    @property
    def url(self) -> str:
        return self.web.url

    def start(self) -> ThreadedWebServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.web.start(), self._loop).result(timeout=30)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.web.stop(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()

    def __enter__(self) -> ThreadedWebServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
