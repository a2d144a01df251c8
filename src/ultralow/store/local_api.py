"""The local API of the process that owns a store (``ultralow serve``), found from a lock file beside it.

While ``serve`` runs it writes ``<store>.serve.json`` (its PID and the path of a Unix socket, mode 0600:
only the same user can connect) and answers one JSON request per connection on that socket:

``{"op": "snapshot"}`` → ``{"ok": true, "path": "…"}``: a consistent copy of the store made for the caller
(:mod:`ultralow.store.snapshot`), which the caller opens read-only and deletes when done;
``{"op": "health"}`` → ``{"ok": true, "health": {…}}``: the receiver's background tasks and counters.

A request line is at most ``MAX_REQUEST_BYTES`` and must arrive within ``REQUEST_DEADLINE_S``; at most
``MAX_CLIENTS`` requests are served at once and one snapshot is made at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from ultralow.store.snapshot import publish_snapshot, remove_stale_snapshots
from ultralow.store.store import Store

LOCK_SUFFIX: Final = ".serve.json"
MAX_REQUEST_BYTES: Final = 4096
REQUEST_DEADLINE_S: Final = 5.0
MAX_CLIENTS: Final = 8
SNAPSHOT_TIMEOUT_S: Final = 900.0
_SOCKET_PATH_MAX: Final = 100  # sun_path holds 108 bytes on Linux

Emit = Callable[..., None]


class LocalApiError(RuntimeError):
    """The running server could not be reached or refused the request."""


def lock_path(db: str | Path) -> Path:
    """``<store>.serve.json`` beside the store file."""
    path = Path(db)
    return path.with_name(path.name + LOCK_SUFFIX)


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """What the lock file says about the process serving a store."""

    pid: int
    socket: str
    db: str
    started_at: str


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def find_server(db: str | Path) -> ServerInfo | None:
    """The live server of the store at ``db`` from its lock file, or None (no file, or its PID is gone)."""
    try:
        data = json.loads(lock_path(db).read_text(encoding="utf-8"))
        info = ServerInfo(int(data["pid"]), str(data["socket"]), str(data["db"]), str(data["started_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return info if _alive(info.pid) and Path(info.socket).exists() else None


def request(info: ServerInfo, op: str, timeout_s: float = SNAPSHOT_TIMEOUT_S) -> dict[str, Any]:
    """Send one request to the server and return its answer; LocalApiError when that fails."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout_s)
        try:
            sock.connect(info.socket)
            sock.sendall(json.dumps({"op": op}).encode() + b"\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError as exc:
            raise LocalApiError(f"the server of {info.db} (PID {info.pid}) did not answer {op!r}: {exc}") from exc
    try:
        answer = json.loads(data)
    except ValueError as exc:
        raise LocalApiError(f"the server of {info.db} (PID {info.pid}) sent no answer to {op!r}") from exc
    if not isinstance(answer, dict) or not answer.get("ok"):
        error = answer.get("error") if isinstance(answer, dict) else None
        raise LocalApiError(f"the server of {info.db} (PID {info.pid}) refused {op!r}: {error}")
    return answer


def _socket_path(db: Path) -> tuple[Path, Path | None]:
    """The socket path (beside the store when short enough, else in a private temp dir) and that dir."""
    beside = db.with_name(f".{db.name}.sock").resolve()
    if len(str(beside).encode()) <= _SOCKET_PATH_MAX:
        return beside, None
    private = Path(tempfile.mkdtemp(prefix="ultralow-"))
    return private / "serve.sock", private


class LocalApi:
    """Service for :func:`ultralow.receiver.services.run_until_signalled`: the lock file and the socket."""

    def __init__(self, store: Store, health: Callable[[], dict[str, Any]] | None = None,
                 emit: Emit | None = None) -> None:
        self.store = store
        self.health = health
        self.emit = emit or (lambda event, **fields: None)
        self.lock = lock_path(store.path)
        self.socket_path: Path | None = None
        self._private_dir: Path | None = None
        self._server: asyncio.AbstractServer | None = None
        self._snapshot_lock = asyncio.Lock()
        self._clients = 0
        self.snapshots = 0

    async def start(self) -> None:
        self.socket_path, self._private_dir = _socket_path(self.store.path)
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()  # a previous server's, killed (the lock file named a dead PID)
        old_umask = os.umask(0o177)
        try:
            self._server = await asyncio.start_unix_server(self._handle, path=str(self.socket_path),
                                                           limit=MAX_REQUEST_BYTES)
        finally:
            os.umask(old_umask)
        info = {"pid": os.getpid(), "socket": str(self.socket_path), "db": str(self.store.path.resolve()),
                "started_at": datetime.now(UTC).isoformat(timespec="seconds"), "api": 1}
        temporary = self.lock.with_name(self.lock.name + f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(info) + "\n", encoding="utf-8")
        os.chmod(temporary, 0o600)
        os.replace(temporary, self.lock)
        remove_stale_snapshots(self.store.path)
        self.emit("local_api", socket=str(self.socket_path), lock=str(self.lock))

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        with contextlib.suppress(OSError, ValueError):
            if json.loads(self.lock.read_text(encoding="utf-8")).get("pid") == os.getpid():
                self.lock.unlink()
        if self.socket_path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.socket_path.unlink()
        if self._private_dir is not None:
            with contextlib.suppress(OSError):
                self._private_dir.rmdir()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._clients += 1
        try:
            if self._clients > MAX_CLIENTS:
                answer: dict[str, Any] = {"ok": False, "error": "busy"}
            else:
                try:
                    line = await asyncio.wait_for(reader.readline(), REQUEST_DEADLINE_S)
                    answer = await self._answer(json.loads(line))
                except (TimeoutError, ValueError, asyncio.LimitOverrunError) as exc:
                    answer = {"ok": False, "error": f"bad request: {type(exc).__name__}"}
            writer.write(json.dumps(answer, default=str).encode() + b"\n")
            with contextlib.suppress(ConnectionError):
                await writer.drain()
        finally:
            self._clients -= 1
            writer.close()

    async def _answer(self, req: Any) -> dict[str, Any]:
        op = req.get("op") if isinstance(req, dict) else None
        if op == "health":
            return {"ok": True, "health": self.health() if self.health is not None else {}}
        if op == "snapshot":
            async with self._snapshot_lock:
                loop = asyncio.get_running_loop()
                started = loop.time()
                try:
                    path = await loop.run_in_executor(None, publish_snapshot, self.store)
                except Exception as exc:
                    self.emit("snapshot_failed", error=f"{type(exc).__name__}: {exc}")
                    return {"ok": False, "error": f"snapshot failed: {type(exc).__name__}"}
                self.snapshots += 1
                self.emit("snapshot", path=str(path), seconds=round(loop.time() - started, 3))
                return {"ok": True, "path": str(path)}
        return {"ok": False, "error": f"unknown op {op!r}"}
