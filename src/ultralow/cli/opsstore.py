"""Opening the store for the ``user`` and ``marks`` commands: writes need the store file itself (no
``ultralow serve`` may hold it); ``marks list`` reads through ``open_for_reading`` like every read command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ultralow.app import AppError, StoreMissing
from ultralow.app.ops import OpsStore
from ultralow.app.setup import resolve_registry
from ultralow.store import Store, StoreError
from ultralow.store.local_api import find_server
from ultralow.store.reading import open_for_reading


@contextmanager
def ops_store(db: str, config: str | None, *, write: bool) -> Iterator[OpsStore]:
    path = Path(db)
    if not path.exists():
        raise StoreMissing(f"{db}: no such store")
    if write:
        server = find_server(path)
        if server is not None:
            raise AppError(f"{db}: held by ultralow serve (PID {server.pid}); enter the change in the dashboard "
                           "(/ops) or stop the server first")
        try:
            store = Store(path)
        except StoreError as exc:
            raise AppError(str(exc)) from exc
    else:
        try:
            store = open_for_reading(path)
        except StoreError as exc:
            raise AppError(str(exc)) from exc
    try:
        yield OpsStore(store, resolve_registry(config, store))
    finally:
        store.close()
