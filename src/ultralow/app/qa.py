"""HJ 75 QA records in the store (``qa_records``, migration 40): import from a CSV file, list, read for the
engine.

File format (UTF-8 CSV, header required)::

    outlet,code,kind,checked_at,drift_pct,passed,reference
    u1,a21026,zero_drift,2025-03-03T08:00:00,1.2,,daily auto calibration
    u1,a21026,span_drift,2025-03-03T08:05:00,11.5,,daily auto calibration
    u1,a21026,comparison,2025-01-15T10:00:00,,true,report 2025-007 (HJ 57 reference method)

``kind``: ``zero_drift`` or ``span_drift`` (``drift_pct``: drift in % of full scale, signed; judged against
``qa_rules.toml``) or ``comparison`` (the periodic comparison test with the reference method, ``passed``
true/false as the test report states). ``checked_at``: plant-local time. The file is read completely first:
any problem is reported as ``file:line:column: message`` and nothing is imported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from ultralow.hj212 import code_tables
from ultralow.problems import ProblemsError
from ultralow.registry import Registry
from ultralow.store import Store
from ultralow.store.sql import table_exists

KINDS = ("zero_drift", "span_drift", "comparison")
COLUMNS = ("outlet", "code", "kind", "checked_at", "drift_pct", "passed", "reference")
QA_SCHEMA = pa.schema([
    ("outlet_id", pa.string()), ("code", pa.string()), ("kind", pa.string()), ("checked_at", pa.timestamp("us")),
    ("drift_pct", pa.float64()), ("passed", pa.bool_()), ("reference", pa.string()),
])


class QAImportError(ProblemsError):
    """A QA file has problems; nothing was imported."""

    subject = "the QA file"


@dataclass(frozen=True)
class QAImport:
    path: str
    rows: int
    import_id: int


def _column(header: list[str], name: str) -> int:
    return header.index(name) + 1


def parse(path: Path, registry: Registry) -> list[dict[str, Any]]:
    """The file's rows, checked; :class:`QAImportError` lists every problem as file:line:column."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise QAImportError([f"{name}: cannot read: {exc.strerror or exc}"]) from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise QAImportError([f"{name}:1:1: empty file (expected the header {','.join(COLUMNS)})"])
    header = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise QAImportError([f"{name}:1:1: header: missing column(s) {', '.join(missing)}"])
    outlets = {o.id for o in registry.outlets}
    factors = code_tables().factors
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    for line_no, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append(f"{name}:{line_no}:1: {len(values)} fields, the header has {len(header)}")
            continue
        item = {h: v.strip() for h, v in zip(header, values, strict=True)}

        def bad(column: str, message: str, item: dict[str, str] = item, line_no: int = line_no) -> None:
            problems.append(f"{name}:{line_no}:{_column(header, column)}: {column}: {message} "
                            f"({item.get(column, '')!r})")

        before = len(problems)
        if item["outlet"] not in outlets:
            bad("outlet", "not an outlet of the registry")
        if item["code"] not in factors:
            bad("code", "not an HJ 212-2017 factor code")
        if item["kind"] not in KINDS:
            bad("kind", f"must be one of {', '.join(KINDS)}")
        checked: datetime | None = None
        try:
            checked = datetime.fromisoformat(item["checked_at"])
            if checked.tzinfo is not None:
                bad("checked_at", "must be plant-local time without an offset")
        except ValueError:
            bad("checked_at", "not an ISO 8601 date-time")
        drift: float | None = None
        passed: bool | None = None
        if item["kind"] in ("zero_drift", "span_drift"):
            try:
                drift = float(item["drift_pct"])
            except ValueError:
                bad("drift_pct", "a drift check needs a number (% of full scale)")
        elif item["kind"] == "comparison":
            if item["passed"].lower() not in ("true", "false"):
                bad("passed", "a comparison test needs true or false")
            else:
                passed = item["passed"].lower() == "true"
        if len(problems) == before:
            rows.append({"outlet_id": item["outlet"], "code": item["code"], "kind": item["kind"],
                         "checked_at": checked, "drift_pct": drift, "passed": passed,
                         "reference": item["reference"] or None, "source_line": line_no})
    if problems:
        raise QAImportError(problems)
    return rows


def import_file(store: Store, registry: Registry, path: str | Path) -> QAImport:
    """Check the whole file, then insert its rows in one transaction (all or nothing)."""
    source = Path(path)
    rows = parse(source, registry)
    now = datetime.now(UTC)
    with store.transaction() as con:
        found = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM qa_records").fetchone()
        import_id = int(found[0]) if found else 1
        con.executemany(
            "INSERT INTO qa_records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[r["outlet_id"], r["code"], r["kind"], r["checked_at"], r["drift_pct"], r["passed"], r["reference"],
              import_id, str(source), r["source_line"], now] for r in rows],
        )
    return QAImport(str(source), len(rows), import_id)


def has_table(con: Any) -> bool:
    return table_exists(con, "qa_records")


def records(con: Any, outlet_ids: list[str] | None = None) -> pa.Table:
    """The QA records (``QA_SCHEMA``) of ``outlet_ids`` (all when None), in (outlet, code, time) order."""
    if not has_table(con):
        return QA_SCHEMA.empty_table()
    # a NULL list selects every outlet
    found = con.execute(
        "SELECT outlet_id, code, kind, checked_at, drift_pct, passed, reference FROM qa_records "
        "WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], outlet_id) "
        "ORDER BY outlet_id, code, checked_at, kind",
        [None if outlet_ids is None else list(outlet_ids)] * 2).fetchall()
    return pa.Table.from_pylist([dict(zip(QA_SCHEMA.names, row, strict=True)) for row in found], schema=QA_SCHEMA)
