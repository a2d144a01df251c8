"""Raw frames (immutable, as received) and the quarantine of what was refused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import duckdb
import pyarrow as pa

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


# How a resent frame is found again: by MN and QN, or by MN and DataTime when it has no QN (2005 devices).
FrameKey = tuple[str, str, object, bytes]


def frame_key(frame: FrameRow) -> FrameKey | None:
    """The identity of a frame's transmission, or None when it has neither QN nor DataTime."""
    if frame.mn is None:
        return None
    if frame.qn:
        return ("qn", frame.mn, frame.qn, frame.raw)
    if frame.data_time is not None:
        return ("dt", frame.mn, frame.data_time, frame.raw)
    return None


@dataclass(frozen=True, slots=True)
class QuarantineRow:
    received_at: datetime
    source: str
    peer: str | None
    location: str | None
    reason: str
    raw: bytes


def find_stored_frames(con: duckdb.DuckDBPyConnection, frames: Sequence[FrameRow]) -> dict[FrameKey, int]:
    """Frames already stored with the same bytes and the same MN and QN (or MN and DataTime when they have
    no QN): key -> frame_id. The scan is limited to the batch's QN or DataTime range (zone maps)."""
    found: dict[FrameKey, int] = {}
    by_qn = [f for f in frames if f.mn is not None and f.qn]
    if by_qn:
        keys = pa.table({"mn": [f.mn for f in by_qn], "qn": [f.qn for f in by_qn]})
        register(con, "_ul_frame_keys", keys)
        try:
            rows = con.execute(
                """SELECT f.mn, f.qn, f.raw, min(f.frame_id)
                   FROM raw_frames AS f SEMI JOIN _ul_frame_keys AS k ON f.mn = k.mn AND f.qn = k.qn
                   WHERE f.qn BETWEEN ? AND ?
                   GROUP BY ALL""",
                [min(f.qn for f in by_qn if f.qn), max(f.qn for f in by_qn if f.qn)],
            ).fetchall()
        finally:
            unregister(con, "_ul_frame_keys")
        found.update({("qn", mn, qn, bytes(raw)): int(frame_id) for mn, qn, raw, frame_id in rows})
    by_time = [f for f in frames if f.mn is not None and not f.qn and f.data_time is not None]
    if by_time:
        keys = pa.table({"mn": [f.mn for f in by_time],
                         "data_time": pa.array([f.data_time for f in by_time], pa.timestamp("us"))})
        register(con, "_ul_frame_keys", keys)
        try:
            rows = con.execute(
                """SELECT f.mn, f.data_time, f.raw, min(f.frame_id)
                   FROM raw_frames AS f SEMI JOIN _ul_frame_keys AS k ON f.mn = k.mn AND f.data_time = k.data_time
                   WHERE (f.qn IS NULL OR f.qn = '') AND f.data_time BETWEEN ? AND ?
                   GROUP BY ALL""",
                [min(f.data_time for f in by_time if f.data_time), max(f.data_time for f in by_time if f.data_time)],
            ).fetchall()
        finally:
            unregister(con, "_ul_frame_keys")
        found.update({("dt", mn, when, bytes(raw)): int(frame_id) for mn, when, raw, frame_id in rows})
    return found


def append_frames(con: duckdb.DuckDBPyConnection, first_id: int, frames: Sequence[FrameRow]) -> list[int]:
    """Append frames with ids from ``first_id``; returns the ids in order."""
    ids = list(range(first_id, first_id + len(frames)))
    if not frames:
        return ids
    table = pa.table(
        {
            "frame_id": pa.array(ids, pa.int64()),
            "received_at": timestamp_array([f.received_at for f in frames]),
            "peer": pa.array([f.peer for f in frames], pa.string()),
            "mn": pa.array([f.mn for f in frames], pa.string()),
            "cn": pa.array([f.cn for f in frames], pa.string()),
            "qn": pa.array([f.qn for f in frames], pa.string()),
            "raw": binary_array([f.raw for f in frames]),
            "data_time": timestamp_array([f.data_time for f in frames]),
        },
        schema=FRAME_SCHEMA,
    )
    _ul_frames = table  # noqa: F841  (read by name by DuckDB's replacement scan: no view to create and drop)
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
