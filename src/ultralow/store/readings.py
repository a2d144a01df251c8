"""Appending readings with the revision rule, a batch at a time.

A reading is unique per (outlet_id, code, kind, data_time). A row identical to any stored revision of
its key (same value, min, max, cou, zs and flag) is a duplicate and is not written; a different row is
written as the next revision (0 for a new key), never over an earlier one. Rows of one batch are taken
in arrival order (``seq``). The check reads only the stored rows that can collide: those in the batch's
data_time range (zone maps prune the rest) that join the batch's keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

import duckdb
import pyarrow as pa

from ultralow.store.store import register, unregister

KEY: Final = ("outlet_id", "code", "kind", "data_time")
VALUES: Final = ("value", "min", "max", "cou", "zs", "flag")
# The candidate rows a writer takes: the readings columns without revision, plus the arrival order.
CANDIDATE_SCHEMA: Final = pa.schema(
    [
        ("outlet_id", pa.string()),
        ("code", pa.string()),
        ("kind", pa.string()),
        ("data_time", pa.timestamp("us")),
        ("utc_offset_min", pa.int16()),
        ("value", pa.float64()),
        ("min", pa.float64()),
        ("max", pa.float64()),
        ("cou", pa.float64()),
        ("zs", pa.float64()),
        ("flag", pa.string()),
        ("source", pa.string()),
        ("frame_id", pa.int64()),
        ("received_at", pa.timestamp("us", tz="UTC")),
        ("seq", pa.int64()),
    ]
)
_OUT_COLUMNS: Final = (
    "outlet_id, code, kind, data_time, utc_offset_min, revision, value, min, max, cou, zs, flag, source, "
    "frame_id, received_at"
)
_SELECT_NEW: Final = (
    "outlet_id, code, kind, data_time, utc_offset_min, {revision}, value, min, max, cou, zs, flag, source, "
    "frame_id, received_at"
)
_ON_KEY: Final = " AND ".join(f"{{a}}.{k} = {{b}}.{k}" for k in KEY)
_SAME_VALUES: Final = " AND ".join(f"{{a}}.{v} IS NOT DISTINCT FROM {{b}}.{v}" for v in VALUES)


def _on(template: str, a: str, b: str) -> str:
    return template.format(a=a, b=b)


@dataclass(slots=True)
class ReadingsWritten:
    """What one batch did: rows written (of which revisions > 0) and rows that were duplicates."""

    candidates: int = 0
    inserted: int = 0
    revisions: int = 0
    inserted_by_frame: dict[int, int] = field(default_factory=dict)

    @property
    def duplicates(self) -> int:
        return self.candidates - self.inserted


def write_readings(con: duckdb.DuckDBPyConnection, batch: pa.Table, by_frame: bool = False) -> ReadingsWritten:
    """Append the candidate rows of ``batch`` (CANDIDATE_SCHEMA) inside the caller's transaction.

    ``by_frame`` also counts the rows written per frame_id (for per-packet outcomes).
    """
    result = ReadingsWritten(candidates=batch.num_rows)
    if batch.num_rows == 0:
        return result
    batch = batch.select(CANDIDATE_SCHEMA.names).cast(CANDIDATE_SCHEMA)
    register(con, "_ul_batch", batch)
    try:
        bounds = con.execute("SELECT min(data_time), max(data_time) FROM _ul_batch").fetchone()
        assert bounds is not None
        low, high = bounds
        collisions = _stored_collisions(con, low, high)
        # Distinct key hashes as many as rows proves the keys distinct; a hash collision only sends the
        # batch down the general path, which is exact. (Cheaper than grouping by the four key columns.)
        repeated = con.execute(
            f"SELECT count(*) - count(DISTINCT hash({', '.join(KEY)})) FROM _ul_batch"  # noqa: S608
        ).fetchone()
        if collisions == 0 and repeated is not None and repeated[0] == 0:
            # the common case: every key is new
            con.execute(
                f"INSERT INTO readings ({_OUT_COLUMNS}) SELECT {_SELECT_NEW.format(revision='0')} FROM _ul_batch"  # noqa: S608
            )
            result.inserted = batch.num_rows
            if by_frame:
                counts = batch.group_by("frame_id").aggregate([("seq", "count")])
                result.inserted_by_frame = {
                    int(f): int(n) for f, n in zip(counts["frame_id"].to_pylist(), counts["seq_count"].to_pylist(),
                                                   strict=True) if f is not None
                }
        else:
            _write_with_revisions(con, result, by_frame)
    finally:
        unregister(con, "_ul_batch")
        con.execute("DROP TABLE IF EXISTS _ul_stored")
        con.execute("DROP TABLE IF EXISTS _ul_new")
    return result


def _stored_collisions(con: duckdb.DuckDBPyConnection, low: datetime, high: datetime) -> int:
    """Copy the stored rows sharing a key with the batch into ``_ul_stored``; returns their count."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _ul_stored AS
            SELECT r.outlet_id, r.code, r.kind, r.data_time, r.revision, r.value, r.min, r.max, r.cou, r.zs,
                   r.flag
            FROM readings AS r SEMI JOIN _ul_batch AS b ON {_on(_ON_KEY, 'r', 'b')}
            WHERE r.data_time BETWEEN ? AND ?""",  # noqa: S608
        [low, high],
    )
    row = con.execute("SELECT count(*) FROM _ul_stored").fetchone()
    return int(row[0]) if row else 0


def _write_with_revisions(con: duckdb.DuckDBPyConnection, result: ReadingsWritten, by_frame: bool) -> None:
    keys = ", ".join(KEY)
    values = ", ".join(VALUES)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _ul_new AS
            WITH fresh AS (
                SELECT b.* FROM _ul_batch AS b
                ANTI JOIN _ul_stored AS s ON {_on(_ON_KEY, 'b', 's')} AND {_on(_SAME_VALUES, 'b', 's')}
            ),
            firsts AS (
                SELECT * FROM fresh
                QUALIFY row_number() OVER (PARTITION BY {keys}, {values} ORDER BY seq) = 1
            ),
            top AS (SELECT {keys}, max(revision) AS top FROM _ul_stored GROUP BY ALL)
            SELECT f.*, coalesce(t.top, -1)
                        + row_number() OVER (PARTITION BY f.outlet_id, f.code, f.kind, f.data_time ORDER BY f.seq)
                        AS revision
            FROM firsts AS f LEFT JOIN top AS t ON {_on(_ON_KEY, 'f', 't')}"""  # noqa: S608
    )
    con.execute(f"INSERT INTO readings ({_OUT_COLUMNS}) SELECT {_OUT_COLUMNS} FROM _ul_new")  # noqa: S608
    row = con.execute("SELECT count(*), count(*) FILTER (WHERE revision > 0) FROM _ul_new").fetchone()
    assert row is not None
    result.inserted, result.revisions = int(row[0]), int(row[1])
    if by_frame:
        result.inserted_by_frame = _count_by_frame(con, "_ul_new")


def _count_by_frame(con: duckdb.DuckDBPyConnection, table: str) -> dict[int, int]:
    rows = con.execute(
        f"SELECT frame_id, count(*) FROM {table} WHERE frame_id IS NOT NULL GROUP BY frame_id"  # noqa: S608
    ).fetchall()
    return {int(frame_id): int(count) for frame_id, count in rows}
