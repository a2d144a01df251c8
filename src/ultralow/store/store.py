"""The store: one DuckDB file, one connection owner, migrated on open."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

import duckdb
import numpy as np
import pyarrow as pa

from ultralow.store import watermarks
from ultralow.store.schema import LATEST_VERSION, current_version, migrate

_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_NAIVE = datetime(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)
# DuckDB checkpoints (writes the WAL's rows into the file, compressed) inside the COMMIT that takes the WAL
# past this size, and while it runs commits wait. Its default, 16 MiB, is about 4 receiver batches of
# 2,000 frames: a stall of 0.5-1 s every second under load, and each checkpoint costs about 100 ms on top of
# its data, so a larger WAL is cheaper per row. Durability does not depend on it: every COMMIT writes and
# fsyncs the WAL. Quiet moments checkpoint earlier (Store.checkpoint_if_due); the uncheckpointed rows are
# held in memory, which bounds this size.
WAL_CHECKPOINT_BYTES = 256 * 2**20


def timestamp_array(values: Sequence[datetime | None]) -> pa.Array:
    """Datetimes as an Arrow timestamp[us] array: aware ones as instants (tz UTC), naive ones as clock
    times (no tz); all of one kind. Integer arithmetic: pyarrow's own conversion of aware datetimes
    costs about 12 µs each."""
    first = next((v for v in values if v is not None), None)
    aware = first is not None and first.tzinfo is not None
    epoch = _EPOCH_UTC if aware else _EPOCH_NAIVE
    # int64 then one cast kernel: pyarrow's conversion of Python ints straight to a timestamp type costs
    # about 18 µs each (measured: 8.9 ms for 500 against 36 µs this way)
    micros = pa.array([None if v is None else (v - epoch) // _MICROSECOND for v in values], pa.int64())
    return micros.cast(pa.timestamp("us", tz="UTC") if aware else pa.timestamp("us"))


_MAX_BINARY_BYTES = 2**31 - 1  # 32-bit offsets of pa.binary()


def binary_array(values: Sequence[bytes]) -> pa.Array:
    """Byte strings as an Arrow binary array, built from one joined buffer and its offsets.

    pyarrow's own conversion of a list of bytes costs about 12 µs per 1.2 KB frame (6.3 ms for a batch of
    500 against 0.2 ms this way), on the receiver's writer thread and under the GIL. A null, or more than
    2 GiB in all, goes the plain way."""
    if any(v is None for v in values):
        return pa.array(values, pa.binary())
    data = b"".join(values)
    if len(data) > _MAX_BINARY_BYTES:
        return pa.array(values, pa.binary())
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(np.fromiter(map(len, values), dtype=np.int32, count=len(values)), out=offsets[1:])
    return pa.Array.from_buffers(pa.binary(), len(values), [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Make an Arrow table visible to SQL as ``name`` (finishing any pending result first, which
    DuckDB requires before registering)."""
    con.complete()
    con.register(name, table)


def unregister(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Remove a registered Arrow table (finishing any pending result first)."""
    con.complete()
    con.unregister(name)


class StoreError(RuntimeError):
    """The store file cannot be opened or used (names the file)."""


class Store:
    """Owner of the DuckDB connection to one store file (default ``ultralow.duckdb``).

    Opening creates the file if needed and applies missing schema migrations. One writer at a time:
    ``lock`` serialises callers that share a Store across threads.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.lock = threading.RLock()
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
        if read_only:
            version = current_version(self.con)
            if version != LATEST_VERSION:
                self.con.close()
                raise StoreError(
                    f"{self.path}: schema version {version}, this software needs {LATEST_VERSION}; "
                    "open it once for writing to migrate"
                )
        else:
            migrate(self.con)
            self.con.execute(f"SET checkpoint_threshold = '{WAL_CHECKPOINT_BYTES}B'")  # a code constant
        self._next: dict[str, int] = {}
        self._marks_key = str(self.path.resolve())
        # bounds of what the file holds, shared by the Stores open on it in this process (read-only: unused)
        self.watermarks = watermarks.acquire(self._marks_key)
        self._closed = False

    # -- ids -----------------------------------------------------------------------------------------
    _ID_COLUMNS = {"raw_frames": "frame_id", "quarantine": "id"}

    def next_ids(self, table: str, count: int) -> int:
        """Reserve ``count`` consecutive ids for ``table`` (raw_frames, quarantine); returns the first."""
        column = self._ID_COLUMNS[table]  # identifiers from code constants only
        if table not in self._next:
            row = self.con.execute(f"SELECT coalesce(max({column}), 0) FROM {table}").fetchone()  # noqa: S608
            self._next[table] = (int(row[0]) if row else 0) + 1
        first = self._next[table]
        self._next[table] = first + count
        return first

    # -- transactions --------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """BEGIN … COMMIT (durable when the block ends), ROLLBACK on any exception."""
        with self.lock:
            self.con.begin()
            try:
                yield self.con
            except BaseException:
                self.con.rollback()
                self._next.clear()  # ids reserved inside the failed transaction are read again
                raise
            self.con.commit()

    # -- checkpoints ---------------------------------------------------------------------------------
    @property
    def wal_bytes(self) -> int:
        """Size of the store's write-ahead log now (0 when there is none)."""
        try:
            return self.path.with_name(self.path.name + ".wal").stat().st_size
        except OSError:
            return 0

    def checkpoint_if_due(self, min_wal_bytes: int = 1) -> bool:
        """Checkpoint when the WAL holds at least ``min_wal_bytes`` (a quiet moment's work: while it runs
        commits wait); True if it ran."""
        if self.read_only or self.wal_bytes < min_wal_bytes:
            return False
        with self.lock:
            self.con.execute("CHECKPOINT")
        return True

    def close(self) -> None:
        with self.lock:
            if not self._closed:
                self._closed = True
                watermarks.release(self._marks_key)
            self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
