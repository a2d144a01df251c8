"""Raw frames (immutable, as received) and the quarantine of what was refused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ultralow.store.sql import aggregate_row
from ultralow.store.store import binary_array, register, timestamp_array, unregister

FRAME_SCHEMA: Final = pa.schema(
    [
        ("frame_id", pa.int64()),
        ("received_at", pa.timestamp("us", tz="UTC")),
        ("peer", pa.string()),
        ("mn", pa.string()),
        ("cn", pa.string()),
        ("qn", pa.string()),
        ("raw", pa.binary()),
        ("data_time", pa.timestamp("us")),
    ]
)
# A batch of frames as one Arrow table (the writer assigns frame_id when it appends them)
FRAME_COLUMNS: Final = pa.schema([f for f in FRAME_SCHEMA if f.name != "frame_id"])
QUARANTINE_SCHEMA: Final = pa.schema(
    [
        ("id", pa.int64()),
        ("received_at", pa.timestamp("us", tz="UTC")),
        ("source", pa.string()),
        ("peer", pa.string()),
        ("location", pa.string()),
        ("reason", pa.string()),
        ("raw", pa.binary()),
    ]
)
# Quarantine rows from these sources are live traffic (peer + offset): never the same twice, not checked.
LIVE_SOURCES: Final = frozenset({"tcp"})


@dataclass(frozen=True, slots=True)
class FrameRow:
    received_at: datetime
    peer: str | None
    mn: str | None
    cn: str | None
    qn: str | None
    raw: bytes
    data_time: datetime | None = None  # the packet's DataTime, plant-local (naive)


@dataclass(frozen=True, slots=True)
class QuarantineRow:
    received_at: datetime
    source: str
    peer: str | None
    location: str | None
    reason: str
    raw: bytes


def append_frames(con: duckdb.DuckDBPyConnection, first_id: int, frames: Sequence[FrameRow]) -> list[int]:
    """Append frames given as rows with ids from ``first_id`` (:func:`append_frame_table`); returns the ids."""
    table = frame_table([f.received_at for f in frames], [f.peer for f in frames], [f.mn for f in frames],
                        [f.cn for f in frames], [f.qn for f in frames], [f.raw for f in frames],
                        [f.data_time for f in frames])
    return [int(i) for i in append_frame_table(con, first_id, table)]


def frame_table(received_at: Sequence[datetime], peer: Sequence[str | None], mn: Sequence[str | None],
                cn: Sequence[str | None], qn: Sequence[str | None], raw: Sequence[bytes],
                data_time: Sequence[datetime | None]) -> pa.Table:
    """Frames given as columns (same length) as one FRAME_COLUMNS table."""
    if not raw:
        return FRAME_COLUMNS.empty_table()
    return pa.Table.from_arrays(
        [timestamp_array(received_at), pa.array(peer, pa.string()), pa.array(mn, pa.string()),
         pa.array(cn, pa.string()), pa.array(qn, pa.string()), binary_array(raw), timestamp_array(data_time)],
        schema=FRAME_COLUMNS)


@dataclass(frozen=True, slots=True)
class FrameDuplicates:
    """Per frame of a table (by position): the id of a stored frame with its key (-1: none) and the position
    of the first frame of the table with its key (its own position when it is the first, or has no key)."""

    stored: np.ndarray
    first: np.ndarray

    @property
    def new(self) -> np.ndarray:
        """Positions of the frames to store: not stored yet, first of their key in the table."""
        return np.flatnonzero((self.stored < 0) & (self.first == np.arange(len(self.first))))


def frames_distinct(frames: pa.Table) -> bool:
    """True when no two frames of the table have the same bytes (so none repeats another's key: a key
    includes the bytes). One hash kernel, no per-frame Python."""
    return frames.num_rows < 2 or bool(pc.count_distinct(frames["raw"]).as_py() == frames.num_rows)


# How a resent frame is found again (with the same bytes): by MN and QN ('qn'), or by MN and DataTime when it
# has no QN ('dt', 2005 devices); NULL: no key (never a duplicate)
_KEY_KIND: Final = ("CASE WHEN mn IS NULL THEN NULL WHEN qn <> '' THEN 'qn' "
                    "WHEN data_time IS NOT NULL THEN 'dt' END")
_FRAME_DUPLICATES: Final = f"""
WITH b AS (SELECT pos, mn, qn, data_time, raw, {_KEY_KIND} AS k FROM _ul_frame_batch),
stored_qn AS (
    SELECT f.mn, f.qn, f.raw, min(f.frame_id) AS frame_id
    FROM raw_frames AS f SEMI JOIN b ON b.k = 'qn' AND f.mn = b.mn AND f.qn = b.qn
    WHERE f.qn BETWEEN ? AND ? GROUP BY ALL),
stored_dt AS (
    SELECT f.mn, f.data_time, f.raw, min(f.frame_id) AS frame_id
    FROM raw_frames AS f SEMI JOIN b ON b.k = 'dt' AND f.mn = b.mn AND f.data_time = b.data_time
    WHERE (f.qn IS NULL OR f.qn = '') AND f.data_time BETWEEN ? AND ? GROUP BY ALL)
SELECT b.pos,
       coalesce(sq.frame_id, sd.frame_id, -1) AS stored,
       CASE WHEN b.k IS NULL THEN b.pos
            ELSE min(b.pos) OVER (PARTITION BY b.k, b.mn, CASE WHEN b.k = 'qn' THEN b.qn END,
                                               CASE WHEN b.k = 'dt' THEN b.data_time END, b.raw) END AS first
FROM b
LEFT JOIN stored_qn AS sq ON b.k = 'qn' AND sq.mn = b.mn AND sq.qn = b.qn AND sq.raw = b.raw
LEFT JOIN stored_dt AS sd ON b.k = 'dt' AND sd.mn = b.mn AND sd.data_time = b.data_time AND sd.raw = b.raw
ORDER BY b.pos"""  # noqa: S608  (SQL built from code constants)


def find_frame_duplicates(con: duckdb.DuckDBPyConnection, frames: pa.Table, *, look_in_store: bool = True
                          ) -> FrameDuplicates:
    """Duplicates (same key, _KEY_KIND, and same bytes) of a FRAME_COLUMNS table, in one query: against the
    stored frames (the scan limited to the table's QN and DataTime ranges, for the zone maps; skipped when
    ``look_in_store`` is False, e.g. when the store's Watermarks prove that none can be there) and among
    the table's own frames."""
    n = frames.num_rows
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return FrameDuplicates(empty, empty)
    qn_low = qn_high = time_low = time_high = None
    if look_in_store:
        keyed = pc.is_valid(frames["mn"])
        with_qn = pc.and_(keyed, pc.fill_null(pc.not_equal(frames["qn"], ""), False))
        qns = pc.min_max(frames["qn"].filter(with_qn))
        qn_low, qn_high = qns["min"].as_py(), qns["max"].as_py()
        times = pc.min_max(frames["data_time"].filter(pc.and_(keyed, pc.invert(with_qn))))
        time_low, time_high = times["min"].as_py(), times["max"].as_py()
    _ul_frame_batch = frames.append_column("pos", pa.array(np.arange(n, dtype=np.int64)))  # noqa: F841
    con.complete()
    found = con.execute(_FRAME_DUPLICATES, [qn_low, qn_high, time_low, time_high]).fetchnumpy()
    return FrameDuplicates(np.asarray(found["stored"], dtype=np.int64), np.asarray(found["first"], dtype=np.int64))


def append_frame_table(con: duckdb.DuckDBPyConnection, first_id: int, frames: pa.Table) -> np.ndarray:
    """Append a FRAME_COLUMNS table with ids from ``first_id``, in one statement; returns the ids."""
    ids = np.arange(first_id, first_id + frames.num_rows, dtype=np.int64)
    if not frames.num_rows:
        return ids
    _ul_frames = frames.append_column("frame_id", pa.array(ids))  # noqa: F841  (DuckDB's replacement scan)
    con.complete()
    con.execute(
        "INSERT INTO raw_frames (frame_id, received_at, peer, mn, cn, qn, raw, data_time) "
        "SELECT frame_id, received_at, peer, mn, cn, qn, raw, data_time FROM _ul_frames"
    )
    return ids


def append_quarantine(con: duckdb.DuckDBPyConnection, first_id: int, rows: Sequence[QuarantineRow]) -> int:
    """Append quarantine rows; rows from files identical to a stored one (same source, location, reason
    and bytes) are not repeated, so re-reading a file changes nothing. Returns the rows written."""
    if not rows:
        return 0
    table = pa.table(
        {
            "id": pa.array(range(first_id, first_id + len(rows)), pa.int64()),
            "received_at": timestamp_array([r.received_at for r in rows]),
            "source": pa.array([r.source for r in rows], pa.string()),
            "peer": pa.array([r.peer for r in rows], pa.string()),
            "location": pa.array([r.location for r in rows], pa.string()),
            "reason": pa.array([r.reason for r in rows], pa.string()),
            "raw": binary_array([r.raw for r in rows]),
        },
        schema=QUARANTINE_SCHEMA,
    )
    register(con, "_ul_quarantine", table)
    try:
        before = aggregate_row(con, "SELECT count(*) FROM quarantine")
        con.execute(
            """INSERT INTO quarantine (id, received_at, source, peer, location, reason, raw)
               SELECT q.id, q.received_at, q.source, q.peer, q.location, q.reason, q.raw
               FROM _ul_quarantine AS q
               WHERE list_contains(?, q.source)
                  OR NOT EXISTS (
                      SELECT 1 FROM quarantine AS s
                      WHERE s.source = q.source AND s.location IS NOT DISTINCT FROM q.location
                        AND s.reason = q.reason AND s.raw = q.raw)""",
            [sorted(LIVE_SOURCES)],
        )
        after = aggregate_row(con, "SELECT count(*) FROM quarantine")
    finally:
        unregister(con, "_ul_quarantine")
    return int(after[0]) - int(before[0])
