"""A clean long-format Parquet file straight into the store: one ``INSERT … SELECT`` from DuckDB's own
Parquet reader (the bulk-load path).

The batch path (:func:`ultralow.ingest.long_format.read_parquet_long`, then ``Pipeline.accept_rows``) checks
every row, carries the rows through Arrow from a scratch connection to the store's and checks every batch
against the stored rows: about 2.7 times the bare insert. For a file that is clean as a whole the result
is the same rows, so this path proves that first, from two aggregate passes over the file on a scratch
connection, and writes nothing unless every condition holds:

- typed columns: ``data_time`` a TIMESTAMP without a zone (s, ms or us), the numbers integers or floats, ``mn``,
  ``code``, ``flag`` and ``kind`` text. The batch path's per-row check (the same SQL,
  :func:`~ultralow.ingest.long_format.parquet_check_sql`) then depends only on (mn, code, kind, flag)
  and on whether data_time is null, so it runs over one row per such group, and every group must pass;
- no HJ 212-2005 code (a translated code could make two keys one);
- distinct keys: in each (mn, code, kind) group as many distinct data_time values as rows;
- at most :data:`MAX_ROWS` rows (the distinct count holds the file's keys in memory).

Then, in one store transaction, :func:`ultralow.store.append_clear_select` proves that no stored reading
shares a key (a range count, else the exact key join) and inserts; the rows written must be the rows
counted and the file unchanged (size, modification time), or the transaction rolls back. Whenever this
path declines, the batch path runs and gives rejects, duplicates and revisions exactly as before.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ultralow.hj212 import CodeTables
from ultralow.ingest.long_format import (
    DEFAULT_KIND,
    HEADER_ALIASES,
    KINDS,
    OPTIONAL,
    REQUIRED,
    parquet_check_sql,
    scratch_connection,
)
from ultralow.registry import Registry

MAX_ROWS: Final = 10_000_000
NUMBERS: Final = ("value", "min", "max", "cou", "zs")
TEXTS: Final = ("mn", "code", "flag", "kind")
# characters DuckDB's read_parquet would take as a glob pattern
_GLOB: Final = frozenset("*?[]{}")


@dataclass(frozen=True, slots=True)
class DirectFile:
    """A file proved clean: its rows, data_time range, outlets and kinds, and the SELECT (over the store's
    registered ``_ul_outlets``) giving its readings columns."""

    path: Path
    rows: int
    low: datetime
    high: datetime
    outlet_ids: list[str]
    kinds: list[str]
    select_sql: str
    params: list[object]
    stamp: tuple[int, int]


def file_stamp(path: Path) -> tuple[int, int]:
    """(size in bytes, modification time in ns): a file rewritten between the checks and the insert shows."""
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns


def _text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _kind(column: str | None) -> str:
    """The reading kind of a row: its kind column, or the default where there is none or it is null."""
    return f"coalesce(CAST({column} AS VARCHAR), '{DEFAULT_KIND}')" if column else f"'{DEFAULT_KIND}'"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def plan_direct(path: Path, registry: Registry, tables: CodeTables, received_at: datetime,
                source: str = "parquet") -> DirectFile | None:
    """The file's direct insert when the file qualifies (see the module text), else None."""
    if _GLOB & set(str(path)):
        return None
    try:
        stamp = file_stamp(path)
        parquet = pq.ParquetFile(path)
        schema = parquet.schema_arrow
        rows = parquet.metadata.num_rows
    except (OSError, pa.ArrowException):
        return None  # the batch path reports it
    actual = {HEADER_ALIASES.get(n.lower(), n): n for n in schema.names}
    if (len(actual) != len(schema.names) or any(n not in REQUIRED and n not in OPTIONAL for n in actual)
            or any(n not in actual for n in REQUIRED) or rows == 0 or rows > MAX_ROWS):
        return None
    types = {n: schema.field(actual[n]).type for n in actual}
    time_type = types["data_time"]
    # nanoseconds would be cut to the store's microseconds, which could make two keys one
    if not (pa.types.is_timestamp(time_type) and time_type.tz is None and time_type.unit != "ns"):
        return None
    if any(n in types and not _text(types[n]) for n in TEXTS):
        return None
    if any(n in types and not (pa.types.is_integer(types[n]) or pa.types.is_floating(types[n])) for n in NUMBERS):
        return None
    col = {n: "b." + _quoted(a) for n, a in actual.items()}
    kind = _kind(col.get("kind"))
    scan = "read_parquet(?)"
    con = scratch_connection(registry, tables)
    try:
        if not _groups_pass(con, scan, str(path), col, schema, actual):
            return None
        codes = con.execute("SELECT DISTINCT CAST(code AS VARCHAR) FROM ul_batch").fetchall()
        if any(code in tables.factor_by_2005 for (code,) in codes):
            return None
        # a repeated hash sends the file to the batch path, exact whether it is a repeated key or a collision
        repeated = con.execute(
            f"""SELECT count(*) - count(DISTINCT hash(CAST({col['mn']} AS VARCHAR), CAST({col['code']} AS VARCHAR),
                                                      {kind}, {col['data_time']}))
                FROM {scan} AS b""",  # noqa: S608  (quoted names and code constants)
            [str(path)],
        ).fetchone()
        kinds = _kind("kind" if "kind" in col else None)
        row = con.execute(
            f"SELECT sum(_n), min(_low), max(_high), list(DISTINCT CAST(mn AS VARCHAR)), list(DISTINCT {kinds}) "  # noqa: S608
            "FROM ul_batch"
        ).fetchone()
    except duckdb.Error:
        return None  # the batch path reports it
    finally:
        con.close()
    if repeated is None or repeated[0] != 0 or row is None or row[0] != rows:
        return None
    by_mn = {o.mn: o.id for o in registry.outlets}
    numbers = ", ".join(
        f"CASE WHEN isfinite(CAST({col[n]} AS DOUBLE)) THEN CAST({col[n]} AS DOUBLE) END AS {n}" if n in col
        else f"NULL::DOUBLE AS {n}" for n in NUMBERS
    )
    select_sql = f"""SELECT o.outlet_id, CAST({col['code']} AS VARCHAR) AS code, {kind} AS kind,
                            CAST({col['data_time']} AS TIMESTAMP) AS data_time, o.utc_offset_min, {numbers},
                            CAST({col['flag']} AS VARCHAR) AS flag, ?::VARCHAR AS source, NULL::BIGINT AS frame_id,
                            ?::TIMESTAMPTZ AS received_at
                     FROM {scan} AS b JOIN _ul_outlets AS o ON o.mn = CAST({col['mn']} AS VARCHAR)"""  # noqa: S608
    return DirectFile(path, rows, row[1], row[2], sorted(by_mn[mn] for mn in row[3]), sorted(row[4]), select_sql,
                      [source, received_at, str(path)], stamp)


def _groups_pass(con: duckdb.DuckDBPyConnection, scan: str, path: str, col: dict[str, str], schema: pa.Schema,
                 actual: dict[str, str]) -> bool:
    """Every (mn, code, kind, flag) group of the file passes the batch path's row check, run over one row per
    group: a timestamp that is null if any of the group's is, numbers as typed nulls."""
    texts = [n for n in TEXTS if n in col]
    group_columns = ", ".join(f"{col[n]} AS {n}" for n in texts)
    group_names = ", ".join(texts)
    numbers = ", ".join(f"NULL::DOUBLE AS {n}" for n in NUMBERS if n in col)
    con.execute(
        f"""CREATE TABLE ul_batch AS
            SELECT {group_columns}, CASE WHEN count({col['data_time']}) = count(*) THEN min({col['data_time']}) END
                   AS data_time, {numbers}, 0::BIGINT AS row_no, count(*) AS _n, min({col['data_time']}) AS _low,
                   max({col['data_time']}) AS _high
            FROM {scan} AS b GROUP BY {group_names}""",  # noqa: S608  (quoted names and code constants)
        [path],
    )
    renamed = pa.schema([schema.field(a).with_name(n) for n, a in actual.items()])
    row = con.execute(f"SELECT count(*) FROM ({parquet_check_sql(renamed)}) WHERE reason IS NOT NULL",  # noqa: S608
                      [list(KINDS)]).fetchone()
    return row is not None and row[0] == 0
