"""Appending readings with the revision rule, a batch at a time.

A reading is unique per (outlet_id, code, kind, data_time). A row identical to any stored revision of
its key (same value, min, max, cou, zs and flag) is a duplicate and is not written; a different row is
written as the next revision (0 for a new key), never over an earlier one. Rows of one batch are taken
in arrival order (``seq``). The check reads only the stored rows that can collide: those in the batch's
data_time range (zone maps prune the rest) that join the batch's keys. A batch lying above everything the
store holds for its (outlet_id, kind) (:mod:`ultralow.store.watermarks`), with distinct keys, cannot
collide: it is appended in one statement without reading the table, which is what new data does.
:func:`append_clear_select` appends the rows of a query (a clean Parquet file read by DuckDB itself) the same
way, once a range check has proved that no stored row can share a key with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ultralow.store.sql import aggregate_row
from ultralow.store.store import register, unregister
from ultralow.store.watermarks import ReadingGroup, Watermarks, group_ranges, reading_bounds

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


# Distinct key hashes as many as rows proves the keys distinct; a hash collision only sends the batch down
# the general path, which is exact. (Cheaper than grouping by the four key columns.)
_REPEATED_KEYS: Final = f"SELECT count(*) - count(DISTINCT hash({', '.join(KEY)})) FROM _ul_batch"  # noqa: S608
_FAST_PATH_CHECK: Final = f"""SELECT
    (SELECT count(*) FROM readings AS r SEMI JOIN _ul_batch AS b ON {_on(_ON_KEY, 'r', 'b')}
     WHERE r.data_time BETWEEN ? AND ?),
    ({_REPEATED_KEYS})"""  # noqa: S608
_INSERT_NEW: Final = (
    f"INSERT INTO readings ({_OUT_COLUMNS}) SELECT {_SELECT_NEW.format(revision='0')} FROM _ul_batch"  # noqa: S608
)


@dataclass(slots=True)
class ReadingsWritten:
    """What one batch did: rows written (of which revisions > 0) and rows that were duplicates."""

    candidates: int = 0
    inserted: int = 0
    revisions: int = 0
    inserted_by_frame: dict[int, int] = field(default_factory=dict)
    # per (outlet_id, kind): the bound the batch's rows lie below (microseconds), to raise the store's
    # Watermarks by once committed; empty when written without them
    bounds: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def duplicates(self) -> int:
        return self.candidates - self.inserted


def write_readings(con: duckdb.DuckDBPyConnection, batch: pa.Table, by_frame: bool = False, *,
                   marks: Watermarks | None = None, distinct: bool | None = None,
                   ranges: Mapping[ReadingGroup, tuple[int, int]] | None = None) -> ReadingsWritten:
    """Append the candidate rows of ``batch`` (CANDIDATE_SCHEMA) inside the caller's transaction.

    ``by_frame`` also counts the rows written per frame_id (for per-packet outcomes). With ``marks`` (the
    store's :class:`Watermarks`) a batch lying entirely above what the store holds is appended without
    the collision query; ``distinct`` True says the caller knows the batch's keys to be distinct (else
    the writer checks); ``ranges``, when the caller knows them, are the batch's :func:`group_ranges` or
    wider ones (a superset only makes the shortcut rarer and the raised bounds true). After the commit, still holding the store's lock, the caller raises ``marks`` by
    ``ReadingsWritten.bounds``; a caller writing without ``marks`` to a store whose bounds may be known
    forgets them first (``Watermarks.forget_readings``).
    """
    result = ReadingsWritten(candidates=batch.num_rows)
    if batch.num_rows == 0:
        return result
    if batch.schema != CANDIDATE_SCHEMA:
        batch = batch.select(CANDIDATE_SCHEMA.names).cast(CANDIDATE_SCHEMA)
    if marks is not None:
        if not ranges:
            ranges = group_ranges(batch)
        clear = marks.readings_clear(con, ranges)
        result.bounds = reading_bounds(ranges)
    else:
        clear = False
    # the fast path reads the batch by name through DuckDB's replacement scan (no view to create and drop)
    _ul_batch = batch  # noqa: F841
    con.complete()
    if clear and distinct:
        fresh = True
    elif clear:
        row = con.execute(_REPEATED_KEYS).fetchone()
        fresh = row is not None and row[0] == 0
    else:
        # One statement for the usual case without bounds: no stored row shares a key with the batch (only
        # row groups whose data_time range meets the batch's are read: zone maps) and the batch's keys
        # are distinct.
        bounds = pc.min_max(batch["data_time"])
        row = con.execute(_FAST_PATH_CHECK, [bounds["min"].as_py(), bounds["max"].as_py()]).fetchone()
        fresh = row == (0, 0)
    con.complete()
    if fresh:
        con.execute(_INSERT_NEW)
        result.inserted = batch.num_rows
        if by_frame:
            result.inserted_by_frame = _rows_by_frame(batch)
        return result
    register(con, "_ul_batch", batch)  # the general path reads it from several functions
    try:
        bounds = pc.min_max(batch["data_time"])
        _copy_stored_collisions(con, bounds["min"].as_py(), bounds["max"].as_py())
        _write_with_revisions(con, result, by_frame)
    finally:
        con.execute("DROP TABLE IF EXISTS _ul_stored")
        con.execute("DROP TABLE IF EXISTS _ul_new")
        unregister(con, "_ul_batch")
    return result


def append_clear_select(con: duckdb.DuckDBPyConnection, select_sql: str, params: list[object], low: datetime,
                        high: datetime, outlet_ids: list[str], kinds: list[str]) -> int | None:
    """Append the rows of ``select_sql`` (the readings columns without revision, by name) as revision 0
    inside the caller's transaction, when no stored reading can share a key with them; None, with nothing
    written, when one may (the caller then takes the exact path, :func:`write_readings`).

    The caller proves the query's keys distinct among themselves and gives their data_time range
    [``low``, ``high``], outlets and kinds. A count of the stored rows of those outlets and kinds in that range
    (zone maps read only the row groups that meet it) proves most batches clear; else the stored rows are
    joined to the query's keys, and any match sends the rows to the exact path. Returns the rows written.
    """
    con.complete()
    stored_in_range = aggregate_row(
        con, "SELECT count(*) FROM readings WHERE data_time BETWEEN ? AND ? AND outlet_id IN (SELECT unnest(?)) "
        "AND kind IN (SELECT unnest(?))", [low, high, outlet_ids, kinds])[0]
    if stored_in_range != 0:
        sharing_a_key = aggregate_row(
            con, f"""SELECT count(*) FROM readings AS r SEMI JOIN ({select_sql}) AS b ON {_on(_ON_KEY, 'r', 'b')}
                WHERE r.data_time BETWEEN ? AND ?""",  # noqa: S608  (SQL built from code constants)
            [*params, low, high])[0]
        if sharing_a_key != 0:
            return None
    row = con.execute(
        f"INSERT INTO readings ({_OUT_COLUMNS}) SELECT {_SELECT_NEW.format(revision='0')} FROM ({select_sql})",  # noqa: S608
        params,
    ).fetchone()
    return int(row[0]) if row is not None else 0


def _rows_by_frame(batch: pa.Table) -> dict[int, int]:
    """Rows per non-null frame_id, counted in NumPy (no Arrow kernel: see ``ultralow.ingest.packet_rows``)."""
    column = batch["frame_id"]
    if column.null_count:
        column = column.filter(column.is_valid())
    ids, counts = np.unique(column.to_numpy(), return_counts=True)
    return dict(zip(ids.tolist(), counts.tolist(), strict=True))


def _copy_stored_collisions(con: duckdb.DuckDBPyConnection, low: datetime, high: datetime) -> None:
    """Copy the stored rows sharing a key with the batch into ``_ul_stored``."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _ul_stored AS
            SELECT r.outlet_id, r.code, r.kind, r.data_time, r.revision, r.value, r.min, r.max, r.cou, r.zs,
                   r.flag
            FROM readings AS r SEMI JOIN _ul_batch AS b ON {_on(_ON_KEY, 'r', 'b')}
            WHERE r.data_time BETWEEN ? AND ?""",  # noqa: S608
        [low, high],
    )


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
    row = aggregate_row(con, "SELECT count(*), count(*) FILTER (WHERE revision > 0) FROM _ul_new")
    result.inserted, result.revisions = int(row[0]), int(row[1])
    if by_frame:
        result.inserted_by_frame = _count_by_frame(con, "_ul_new")


def _count_by_frame(con: duckdb.DuckDBPyConnection, table: str) -> dict[int, int]:
    rows = con.execute(
        f"SELECT frame_id, count(*) FROM {table} WHERE frame_id IS NOT NULL GROUP BY frame_id"  # noqa: S608
    ).fetchall()
    return {int(frame_id): int(count) for frame_id, count in rows}
