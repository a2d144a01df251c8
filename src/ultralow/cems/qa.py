"""HJ 75 QA: out-of-control periods from the daily zero/span drift checks and the periodic comparison tests,
and the QA findings (``qa_rules.toml``; records from ``ultralow qa import``).

A drift check whose absolute drift is strictly above its out-of-control limit, or a failed comparison test,
opens an out-of-control period for that parameter from the check until the next passed check of the same
kind (still open: until ``open_until``). The periods become marks of type ``out_of_control`` (origin ``qa``):
the marking policy makes the covered minutes invalid and the substitution use Table A, and the hours say
``invalid_reason = out_of_control``. A comparison test older than ``comparison_interval_days`` when the next
one is made (or at the period's end) is a ``comparison_overdue`` finding; a failed one a ``comparison_failed``.

The QA tables are small (a few rows per analyser and day), so this is plain Python over Arrow: its outputs go
into the engine as marks and finding rows, on DuckDB or Spark alike.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa

from ultralow.cems.marks import MARK_SCHEMA
from ultralow.cems.period import Period
from ultralow.standards.rules import RuleBook

FINDING_SCHEMA = pa.schema([
    ("finding", pa.string()), ("outlet_id", pa.string()), ("code", pa.string()), ("start", pa.timestamp("us")),
    ("end", pa.timestamp("us")), ("hours", pa.int64()), ("value", pa.float64()), ("detail", pa.string()),
    ("rule", pa.string()), ("status", pa.string()),
])


def drift_limit(rules: RuleBook, code: str, kind: str) -> tuple[float, str, str] | None:
    """(out-of-control limit % F.S., rule id, status) of a drift check, None when no row covers the code."""
    for row in rules.qa_drift:
        if code in row["codes"]:
            key = "zero_out_of_control_pct" if kind == "zero_drift" else "span_out_of_control_pct"
            return float(row[key]), f"qa_drift:{row['name']}", str(row["status"])
    return None


def _passed(rules: RuleBook, r: dict[str, Any]) -> bool | None:
    if r["kind"] == "comparison":
        return None if r["passed"] is None else bool(r["passed"])
    limit = drift_limit(rules, r["code"], r["kind"])
    if limit is None or r["drift_pct"] is None:
        return None
    return abs(float(r["drift_pct"])) <= limit[0]


def out_of_control_windows(qa: pa.Table, rules: RuleBook, open_until: datetime) -> list[dict[str, Any]]:
    """One window per failed check: outlet_id, code, kind, start, end (exclusive), value, rule, status."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in qa.to_pylist():
        groups[(r["outlet_id"], r["code"], r["kind"])].append(r)
    out = []
    for (outlet, code, kind), rows in sorted(groups.items()):
        rows.sort(key=lambda r: r["checked_at"])
        for i, r in enumerate(rows):
            if _passed(rules, r) is not False:
                continue
            later = [x["checked_at"] for x in rows[i + 1:] if _passed(rules, x)]
            end = later[0] if later else max(open_until, r["checked_at"])
            if kind == "comparison":
                rule, status = "comparison_interval_days", rules.status_of("comparison_interval_days")
            else:
                found = drift_limit(rules, code, kind)
                rule, status = (found[1], found[2]) if found else ("qa_drift", "unverified")
            out.append({"outlet_id": outlet, "code": code, "kind": kind, "start": r["checked_at"], "end": end,
                        "value": r["drift_pct"], "rule": rule, "status": status})
    return out


def qa_marks(qa: pa.Table, rules: RuleBook, open_until: datetime) -> pa.Table:
    """The out-of-control windows as marks (``MARK_SCHEMA``, mark_type out_of_control, origin qa)."""
    rows = [{"outlet_id": w["outlet_id"], "code": w["code"], "start_time": w["start"], "end_time": w["end"],
             "mark_type": "out_of_control", "origin": "qa",
             "reason": f"{w['kind']} {w['value'] if w['value'] is not None else 'failed'} ({w['rule']})"}
            for w in out_of_control_windows(qa, rules, open_until) if w["end"] > w["start"]]
    return pa.Table.from_pylist(rows, schema=MARK_SCHEMA)


def _hours(start: datetime, end: datetime) -> int:
    return max(1, -(-int((end - start).total_seconds()) // 3600))


def qa_findings(qa: pa.Table, rules: RuleBook, period: Period) -> pa.Table:
    """QA findings overlapping ``period`` (``FINDING_SCHEMA``): qa_out_of_control (one per window),
    comparison_failed, comparison_overdue (value: days since the last passed comparison)."""
    start, end = period.start_time, period.end_time
    rows: list[dict[str, Any]] = []
    for w in out_of_control_windows(qa, rules, end):
        if w["start"] < end and w["end"] > start:
            what = "failed comparison test" if w["kind"] == "comparison" else f"{w['kind']} {w['value']} % F.S."
            rows.append({"finding": "qa_out_of_control", "outlet_id": w["outlet_id"], "code": w["code"],
                         "start": w["start"], "end": w["end"], "hours": _hours(w["start"], w["end"]),
                         "value": w["value"], "detail": f"out of control from {what} until the next passed check "
                         "(HJ 75-2017 §12.1.1: the parameter's data are invalid)", "rule": w["rule"],
                         "status": w["status"]})
    interval = timedelta(days=int(rules.value("comparison_interval_days")))
    status = rules.status_of("comparison_interval_days")
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in qa.to_pylist():
        if r["kind"] == "comparison":
            by_key[(r["outlet_id"], r["code"])].append(r)
    for (outlet, code), tests in sorted(by_key.items()):
        tests.sort(key=lambda r: r["checked_at"])
        for r in tests:
            if r["passed"] is False and start <= r["checked_at"] < end:
                rows.append({"finding": "comparison_failed", "outlet_id": outlet, "code": code,
                             "start": r["checked_at"], "end": r["checked_at"] + timedelta(hours=1), "hours": 1,
                             "value": None, "detail": f"comparison test with the reference method failed "
                             f"({r['reference'] or 'no reference'})", "rule": "comparison_interval_days",
                             "status": status})
        passed = [r for r in tests if r["passed"]]
        for i, r in enumerate(passed):
            due = r["checked_at"] + interval
            following = passed[i + 1]["checked_at"] if i + 1 < len(passed) else end
            if following > due and due < end and following > start:
                stop = min(following, end)
                rows.append({"finding": "comparison_overdue", "outlet_id": outlet, "code": code, "start": due,
                             "end": stop, "hours": _hours(due, stop),
                             "value": float((stop - r["checked_at"]).days),
                             "detail": f"no passed comparison test within {interval.days} days of "
                             f"{r['checked_at'].date().isoformat()} (value: days since)",
                             "rule": "comparison_interval_days", "status": status})
    return pa.Table.from_pylist(rows, schema=FINDING_SCHEMA)
