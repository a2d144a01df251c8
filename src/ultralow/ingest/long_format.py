"""Vendor exports in the long format ``mn,data_time,code,value,flag`` (CSV or Parquet).

Columns (header row required in CSV, any order):

=============  ==========  =====================================================================
column         required    meaning
=============  ==========  =====================================================================
``mn``         yes         data logger MN of a registry outlet
``data_time``  yes         plant-local clock time: ``YYYYMMDDhhmmss`` or ISO 8601
                           ``YYYY-MM-DDThh:mm:ss`` / ``YYYY-MM-DD hh:mm:ss``, without an offset
                           (a CSV file uses one of these forms throughout; Parquet may also hold a
                           TIMESTAMP column, and a time-zone-aware one is converted to the plant's clock)
``code``       yes         HJ 212-2017 factor code (``a21026``) or a 2005 code (``02``), translated
``value``      yes         the value (Rtd for kind rtd, Avg otherwise); empty = null
``flag``       yes         HJ 212 data flag as sent; empty = null
``kind``       no          ``rtd``, ``minute`` (default), ``hour`` or ``day``
``min``,       no          Min, Max, Cou and the device-converted value (ZsAvg/ZsRtd)
``max``,
``cou``,
``zs``
=============  ==========  =====================================================================

Rows are checked by DuckDB's own readers: for CSV the checks are column types (an ENUM of the registry's
MNs, the file's time format, DOUBLE, an ENUM of the valid codes), so DuckDB's rejects table gives the line
number and the raw line of every bad row; for Parquet the same checks run as SQL over each row group.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ultralow.hj212 import CodeTables
from ultralow.registry import Registry
from ultralow.store import CANDIDATE_SCHEMA, QuarantineRow

REQUIRED: Final = ("mn", "data_time", "code", "value", "flag")
OPTIONAL: Final = ("kind", "min", "max", "cou", "zs")
KINDS: Final = ("rtd", "minute", "hour", "day")
DEFAULT_KIND: Final = "minute"
# name -> strptime format; a CSV file's format is taken from its first data row
TIME_FORMATS: Final = {
    "YYYYMMDDhhmmss": "%Y%m%d%H%M%S",
    "YYYY-MM-DDThh:mm:ss": "%Y-%m-%dT%H:%M:%S",
    "YYYY-MM-DD hh:mm:ss": "%Y-%m-%d %H:%M:%S",
}
_TIME_SHAPES: Final = {
    "YYYYMMDDhhmmss": re.compile(r"\d{14}"),
    "YYYY-MM-DDThh:mm:ss": re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"),
    "YYYY-MM-DD hh:mm:ss": re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"),
}
_CSV_TYPES: Final = {"mn": "ul_mn", "data_time": "TIMESTAMP", "code": "VARCHAR", "value": "DOUBLE",
                     "flag": "VARCHAR", "kind": "ul_kind", "min": "DOUBLE", "max": "DOUBLE", "cou": "DOUBLE",
                     "zs": "DOUBLE"}
# header spellings read as the column they name: HJ 212 writes the time as ``DataTime``
HEADER_ALIASES: Final = {"datatime": "data_time"}
_CONVERTED: Final = re.compile(r'string "(.*)" to', re.DOTALL)
_SNIFF_BYTES: Final = 1 << 16


class LongFormatError(ValueError):
    """The file as a whole cannot be read (header, encoding, type): ``file:line: message``."""


@dataclass(slots=True)
class LongRead:
    """Validated readings (``CANDIDATE_SCHEMA``), the rejected rows (for quarantine) and one
    ``file:line: reason`` problem per rejected row."""

    readings: pa.Table
    rejected: list[QuarantineRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return int(self.readings.num_rows) + len(self.rejected)


def is_factor_code(code: str, tables: CodeTables) -> bool:
    """A 2017 factor code of the HJ 212 code table, or a 2005 code the table translates."""
    return code in tables.factors or code in tables.factor_by_2005


def data_flags(tables: CodeTables) -> list[str]:
    """Every HJ 212 data flag of the code table (2017 and 2005)."""
    return sorted(set(tables.flags_2017) | set(tables.flags_2005))


def scratch_connection(registry: Registry, tables: CodeTables) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the registry's outlets, the 2005 code map and the check types."""
    con = duckdb.connect()
    con.register("ul_outlets", registry.mn_table())
    con.register("ul_codes_2005", pa.table({
        "code_2005": list(tables.factor_by_2005), "code_2017": [f.code for f in tables.factor_by_2005.values()],
    }))
    con.register("ul_codes_2017", pa.table({"code": pa.array(list(tables.factors), pa.string())}))
    con.register("ul_flags", pa.table({"flag": pa.array(data_flags(tables), pa.string())}))
    con.execute("CREATE TYPE ul_mn AS ENUM (SELECT mn FROM ul_outlets)")
    con.execute("CREATE TYPE ul_kind AS ENUM (SELECT unnest(?::VARCHAR[]))", [list(KINDS)])
    return con


def _candidates(con: duckdb.DuckDBPyConnection, rows: str, present: list[str], source: str,
                received_at: datetime) -> pa.Table:
    """Candidate readings from the checked rows in table ``rows`` (columns mn, data_time, code, … and
    seq), joined to their outlet and with 2005 codes translated."""
    def optional(name: str, default: str) -> str:
        return f"r.{name}" if name in present else default

    kind = f"coalesce(CAST({optional('kind', 'NULL')} AS VARCHAR), '{DEFAULT_KIND}')"
    value_columns = ", ".join(
        f"CASE WHEN isfinite({optional(name, 'NULL::DOUBLE')}) THEN {optional(name, 'NULL::DOUBLE')} END AS {name}"
        for name in ("value", "min", "max", "cou", "zs")
    )
    con.complete()  # DuckDB refuses a new relation while an execute() result is open
    relation = con.sql(
        f"""SELECT o.outlet_id, coalesce(c.code_2017, r.code) AS code, {kind} AS kind, r.data_time,
                   o.utc_offset_min, {value_columns}, r.flag, ? AS source, NULL::BIGINT AS frame_id,
                   ?::TIMESTAMPTZ AS received_at, r.seq
            FROM {rows} AS r
            JOIN ul_outlets AS o ON o.mn = CAST(r.mn AS VARCHAR)
            LEFT JOIN ul_codes_2005 AS c ON c.code_2005 = r.code
            ORDER BY r.seq""",  # noqa: S608  (identifiers and SQL from code constants only)
        params=[source, received_at],
    )
    if relation is None:
        raise RuntimeError("DuckDB returned no relation for the candidate readings")
    table = relation.to_arrow_table()
    return table.select(CANDIDATE_SCHEMA.names).cast(CANDIDATE_SCHEMA)


# -- CSV ------------------------------------------------------------------------------------------
def _csv_head(path: Path, label: str) -> tuple[list[str], str]:
    """Column names from the header row and the time format name of the first data row."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise LongFormatError(f"{label}:0: cannot read: {exc.strerror or exc}") from exc
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sniffed block
            line = head[: exc.start].count(b"\n") + 1
            raise LongFormatError(f"{label}:{line}: not UTF-8 text (byte {exc.start}){_encoding_hint(head)}") from exc
        text = head[: exc.start].decode("utf-8-sig")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise LongFormatError(f"{label}:1: empty file or missing header row ({','.join(REQUIRED)})")
    names = [HEADER_ALIASES.get(n, n) for n in (name.strip().lower() for name in next(csv.reader([lines[0]])))]
    unknown = [n for n in names if n not in REQUIRED and n not in OPTIONAL]
    missing = [n for n in REQUIRED if n not in names]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if unknown or missing or repeated:
        parts = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
            [f"unknown column(s) {', '.join(unknown)}"] if unknown else []) + (
            [f"repeated column(s) {', '.join(repeated)}"] if repeated else [])
        raise LongFormatError(
            f"{label}:1: header: {'; '.join(parts)} (expected {','.join(REQUIRED)}[,{','.join(OPTIONAL)}])"
        )
    position = names.index("data_time")
    for row in csv.reader(io.StringIO("\n".join(lines[1:200]))):
        if len(row) > position:
            for name, shape in _TIME_SHAPES.items():
                if shape.fullmatch(row[position].strip()):
                    return names, name
    return names, "YYYYMMDDhhmmss"


def _encoding_hint(head: bytes) -> str:
    """A hint for the usual cause of non-UTF-8 input: a Chinese Excel export in GBK (GB 18030)."""
    try:
        head.decode("gb18030")
    except UnicodeDecodeError:
        return ""
    return ("; it reads as GBK/GB 18030, the encoding of a Chinese Excel 'CSV' export: save it as "
            "'CSV UTF-8' in Excel, or convert it with `iconv -f GB18030 -t UTF-8`")


def _line_numbers(path: Path, positions: list[int]) -> dict[int, int]:
    """1-based line number of each 1-based byte position, counting newlines in one pass over the file."""
    wanted = sorted(set(positions))
    found: dict[int, int] = {}
    if not wanted:
        return found
    newlines = 0
    offset = 0
    index = 0
    with path.open("rb") as handle:
        while index < len(wanted):
            chunk = handle.read(1 << 24)
            if not chunk:
                break
            while index < len(wanted) and wanted[index] - 1 <= offset + len(chunk):
                found[wanted[index]] = newlines + chunk.count(b"\n", 0, wanted[index] - 1 - offset) + 1
                index += 1
            newlines += chunk.count(b"\n")
            offset += len(chunk)
    for position in wanted[index:]:
        found[position] = newlines + 1
    return found


def _reason(column: str | None, error_type: str, message: str, time_format: str) -> str:
    if error_type != "CAST" or column is None:
        return f"malformed CSV row ({error_type.lower()}): {message}"
    found = _CONVERTED.search(message)
    text = found.group(1) if found else ""
    if column == "mn":
        return f"unknown MN {text!r}" if text else "missing MN"
    if column == "data_time":
        return (f"unparseable data_time {text!r} (this file uses {time_format}, plant-local, no offset)"
                if text else "missing data_time")
    if column == "code":
        return f"unknown factor code {text!r} (not in the HJ 212 code table)" if text else "missing code"
    if column == "flag":
        return f"unknown data flag {text!r} (not an HJ 212 flag)"
    if column == "kind":
        return f"unknown kind {text!r} (one of {', '.join(KINDS)})"
    return f"non-numeric {column} {text!r}"


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, names: list[str], time_format: str,
              code_type: str, flag_type: str = "VARCHAR") -> None:
    types = dict(_CSV_TYPES, code=code_type, flag=flag_type)
    columns = "{" + ", ".join(f"'{name}': '{types[name]}'" for name in names) + "}"  # names from REQUIRED/OPTIONAL
    not_null = ["mn", "data_time", "code"]  # an empty field then fails its type check and is rejected
    con.execute("DROP TABLE IF EXISTS ul_rows")
    con.execute("DROP TABLE IF EXISTS ul_rejects")
    con.execute("DROP TABLE IF EXISTS ul_reject_scans")
    con.execute(
        f"""CREATE TABLE ul_rows AS SELECT * FROM read_csv(?, header = true, delim = ',', quote = '"',
                escape = '"', columns = {columns}, timestampformat = ?, force_not_null = ?,
                store_rejects = true, rejects_table = 'ul_rejects', rejects_scan = 'ul_reject_scans',
                encoding = 'utf-8')""",  # noqa: S608  (column names and types from code constants)
        [str(path), TIME_FORMATS[time_format], not_null],
    )


def read_csv_long(path: str | Path, registry: Registry, tables: CodeTables, received_at: datetime,
                  source: str = "csv") -> LongRead:
    """Read and check a long-format CSV file (see the module text); LongFormatError when the file as a
    whole cannot be read."""
    path = Path(path)
    label = str(path)
    names, time_format = _csv_head(path, label)
    con = scratch_connection(registry, tables)
    try:
        try:
            _read_csv(con, path, names, time_format, "VARCHAR")
            codes = [row[0] for row in con.execute("SELECT DISTINCT code FROM ul_rows").fetchall()]
            bad = [c for c in codes if not is_factor_code(c, tables)]
            flags = [row[0] for row in con.execute(
                "SELECT DISTINCT flag FROM ul_rows WHERE nullif(trim(flag), '') IS NOT NULL").fetchall()]
            known_flags = data_flags(tables)
            bad_flags = [f for f in flags if f not in known_flags]
            if bad or bad_flags:
                # read again with the codes (and flags) as ENUMs of the valid ones: DuckDB then rejects,
                # with their line numbers, exactly the rows whose code or flag is not valid
                code_type = flag_type = "VARCHAR"
                if bad:
                    con.execute("DROP TYPE IF EXISTS ul_code")
                    con.execute("CREATE TYPE ul_code AS ENUM (SELECT unnest(?::VARCHAR[]))",
                                [[c for c in codes if c not in bad] or ["a00000"]])
                    code_type = "ul_code"
                if bad_flags:
                    con.execute("DROP TYPE IF EXISTS ul_flag")
                    con.execute("CREATE TYPE ul_flag AS ENUM (SELECT unnest(?::VARCHAR[]))", [known_flags])
                    flag_type = "ul_flag"
                _read_csv(con, path, names, time_format, code_type, flag_type)
        except duckdb.Error as exc:
            raise LongFormatError(f"{label}:0: cannot read as CSV: {exc}") from exc
        con.execute("ALTER TABLE ul_rows ADD COLUMN seq BIGINT")
        con.execute("UPDATE ul_rows SET seq = rowid")
        readings = _candidates(con, "ul_rows", names, source, received_at)
        rejects = con.execute(
            "SELECT line, line_byte_position, column_name, CAST(error_type AS VARCHAR), error_message, csv_line "
            "FROM ul_rejects ORDER BY line_byte_position, column_idx"
        ).fetchall()
    finally:
        con.close()
    lines = _line_numbers(path, [position for _, position, *_ in rejects if position is not None])
    by_line: dict[int, tuple[list[str], str]] = {}
    for line, position, column, error_type, message, raw in rejects:
        raw = raw or ""
        if position is not None:
            # DuckDB's line_byte_position (1-based) is exact, its line counter is not for errors found
            # when casting to an ENUM; csv_line starts with the blank lines before the row, if any
            blank = raw[: len(raw) - len(raw.lstrip("\r\n"))].count("\n")
            line = lines[position] + blank
        reasons, _ = by_line.setdefault(int(line), ([], raw))
        reason = _reason(column, error_type, message or "", time_format)
        if reason not in reasons:
            reasons.append(reason)
    result = LongRead(readings)
    for line, (reasons, raw) in sorted(by_line.items()):
        location = f"{label}:{line}"
        reason = "; ".join(reasons)
        result.problems.append(f"{location}: {reason}")
        result.rejected.append(QuarantineRow(received_at, source, "file", location, reason,
                                             raw.strip("\r\n").encode("utf-8")))
    return result


# -- Parquet --------------------------------------------------------------------------------------
def parquet_check_sql(schema: pa.Schema) -> str:
    """SQL over ``ul_batch`` giving every row with its reason (NULL when valid) and its parsed fields."""
    def typed(name: str) -> str:
        kind = schema.field(name).type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            return f"TRY_CAST(nullif(trim(b.{name}), '') AS DOUBLE)"
        return f"CAST(b.{name} AS DOUBLE)"

    def bad_number(name: str) -> str:
        kind = schema.field(name).type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            return (f"CASE WHEN nullif(trim(b.{name}), '') IS NOT NULL AND {typed(name)} IS NULL "
                    f"THEN 'non-numeric {name} ' || '''' || CAST(b.{name} AS VARCHAR) || '''' END")
        return "NULL"

    time_kind = schema.field("data_time").type
    if pa.types.is_timestamp(time_kind) and time_kind.tz is not None:
        # an instant: the plant's clock time is UTC plus the outlet's offset
        data_time = "CAST(b.data_time AS TIMESTAMP) + to_minutes(CAST(o.utc_offset_min AS BIGINT))"
    elif pa.types.is_timestamp(time_kind) or pa.types.is_date(time_kind):
        data_time = "CAST(b.data_time AS TIMESTAMP)"
    else:
        formats = ", ".join(f"'{f}'" for f in TIME_FORMATS.values())
        data_time = f"try_strptime(trim(CAST(b.data_time AS VARCHAR)), [{formats}])"
    numbers = [n for n in ("value", "min", "max", "cou", "zs") if n in schema.names]
    kind = "CAST(b.kind AS VARCHAR)" if "kind" in schema.names else "NULL"
    checks = [
        "CASE WHEN nullif(CAST(b.mn AS VARCHAR), '') IS NULL THEN 'missing MN' "
        "WHEN o.outlet_id IS NULL THEN 'unknown MN ' || '''' || CAST(b.mn AS VARCHAR) || '''' END",
        f"CASE WHEN b.data_time IS NULL THEN 'missing data_time' WHEN {data_time} IS NULL THEN "
        "'unparseable data_time ' || '''' || CAST(b.data_time AS VARCHAR) || '''' END",
        "CASE WHEN nullif(CAST(b.code AS VARCHAR), '') IS NULL THEN 'missing code' "
        "WHEN NOT (CAST(b.code AS VARCHAR) IN (SELECT code FROM ul_codes_2017) OR c.code_2005 IS NOT NULL) "
        "THEN 'unknown factor code ' || '''' || CAST(b.code AS VARCHAR) || ''' (not in the HJ 212 code table)' END",
        "CASE WHEN nullif(trim(CAST(b.flag AS VARCHAR)), '') IS NOT NULL AND CAST(b.flag AS VARCHAR) NOT IN "
        "(SELECT flag FROM ul_flags) THEN 'unknown data flag ' || '''' || CAST(b.flag AS VARCHAR) || "
        "''' (not an HJ 212 flag)' END",
        f"CASE WHEN {kind} IS NOT NULL AND NOT list_contains(?, {kind}) THEN 'unknown kind ' || '''' || CAST({kind} AS VARCHAR) || '''' END",
        *[bad_number(n) for n in numbers],
    ]
    fields = ", ".join(f"{typed(n)} AS {n}" for n in numbers)
    return f"""SELECT b.row_no, nullif(concat_ws('; ', {', '.join(checks)}), '') AS reason,
                      CAST(b.mn AS VARCHAR) AS mn, {data_time} AS data_time, CAST(b.code AS VARCHAR) AS code,
                      {fields}, CAST(b.flag AS VARCHAR) AS flag, {kind} AS kind, b.row_no AS seq
               FROM ul_batch AS b
               LEFT JOIN ul_outlets AS o ON o.mn = CAST(b.mn AS VARCHAR)
               LEFT JOIN ul_codes_2005 AS c ON c.code_2005 = CAST(b.code AS VARCHAR)"""  # noqa: S608


def read_parquet_long(path: str | Path, registry: Registry, tables: CodeTables, received_at: datetime,
                      batch_rows: int = 1_000_000, source: str = "parquet") -> Iterator[LongRead]:
    """Read and check a long-format Parquet file, one :class:`LongRead` per batch of rows (locations are
    ``file:row N``, N counted from 1); LongFormatError when the file as a whole cannot be read."""
    path = Path(path)
    label = str(path)
    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise LongFormatError(f"{label}:0: cannot read as Parquet: {exc}") from exc
    schema = parquet.schema_arrow
    names = [HEADER_ALIASES.get(n.lower(), n) for n in schema.names]
    schema = pa.schema([f.with_name(n) for f, n in zip(schema, names, strict=True)])
    unknown = [n for n in names if n not in REQUIRED and n not in OPTIONAL]
    missing = [n for n in REQUIRED if n not in names]
    if unknown or missing:
        raise LongFormatError(f"{label}:0: columns: missing {missing or 'none'}, unknown {unknown or 'none'} "
                              f"(expected {','.join(REQUIRED)}[,{','.join(OPTIONAL)}])")
    con = scratch_connection(registry, tables)
    query = parquet_check_sql(schema)
    offset = 0
    try:
        for batch in parquet.iter_batches(batch_size=batch_rows):
            table = pa.Table.from_batches([batch]).rename_columns(names).append_column(
                "row_no", pa.array(np.arange(offset + 1, offset + 1 + batch.num_rows, dtype=np.int64)))
            offset += batch.num_rows
            con.complete()
            con.register("ul_batch", table)
            con.execute(f"CREATE OR REPLACE TABLE ul_checked AS {query}", [list(KINDS)])
            bad = con.execute(
                "SELECT c.row_no, c.reason, to_json(b) FROM ul_checked AS c JOIN ul_batch AS b USING (row_no) "
                "WHERE c.reason IS NOT NULL ORDER BY c.row_no"
            ).fetchall()
            con.complete()
            con.unregister("ul_batch")
            valid = "(SELECT * FROM ul_checked WHERE reason IS NULL)"
            read = LongRead(_candidates(con, valid, names, source, received_at))
            for row_no, reason, raw in bad:
                location = f"{label}:row {row_no}"
                read.problems.append(f"{location}: {reason}")
                read.rejected.append(QuarantineRow(received_at, source, "file", location, reason,
                                                   str(raw).encode("utf-8")))
            yield read
    except (duckdb.Error, pa.ArrowException) as exc:
        raise LongFormatError(f"{label}:0: cannot read as Parquet: {exc}") from exc
    finally:
        con.close()
