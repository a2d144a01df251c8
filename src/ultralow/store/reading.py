"""Opening a store for reading, whether or not ``ultralow serve`` holds it.

:func:`open_for_reading` is the one door every read command goes through (the application layer calls
it): with no server it opens the file read-only; when the lock file beside the store names a live server,
it asks that server for a consistent snapshot (:mod:`ultralow.store.local_api`) and opens the snapshot
read-only instead, deleting it when the store is closed. Either way the caller gets a read-only
:class:`Store` with the same schema, so results do not depend on the path taken.
"""

from __future__ import annotations

from pathlib import Path

from ultralow.store.local_api import LocalApiError, find_server, request
from ultralow.store.snapshot import remove_snapshot
from ultralow.store.store import Store, StoreError


class SnapshotStore(Store):
    """A read-only store on a snapshot the server published; ``source`` is the store it copies.

    Closing it deletes the snapshot file."""

    def __init__(self, snapshot: Path, source: Path) -> None:
        self.source = source
        try:
            super().__init__(snapshot, read_only=True)
        except BaseException:
            remove_snapshot(snapshot)
            raise

    def close(self) -> None:
        try:
            super().close()
        finally:
            remove_snapshot(self.path)


def open_for_reading(db: str | Path) -> Store:
    """The store at ``db`` for reading: the file itself, or a snapshot from the server that holds it.

    StoreError when neither works (names the file, and the server's PID when one holds it).
    """
    path = Path(db)
    server = find_server(path)
    if server is None:
        return Store(path, read_only=True)
    try:
        answer = request(server, "snapshot")
    except LocalApiError as exc:
        raise StoreError(f"{path}: held by ultralow serve (PID {server.pid}), and {exc}") from exc
    return SnapshotStore(Path(str(answer["path"])), path)
