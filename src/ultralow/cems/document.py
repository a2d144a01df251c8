"""The compliance result as one JSON-ready document (what ``ultralow compliance --format json`` prints).

Times become ISO 8601 with the outlet's UTC offset (hours labelled by their start); ``outlet_id`` is
shown as ``outlet``; NaN never appears (nulls stay nulls). Every list is sorted, so two engines give the
same document for the same data.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pyarrow as pa

from ultralow import __version__
from ultralow.cems.period import Period
from ultralow.standards.rules import RuleBook

SORT_KEYS: dict[str, tuple[str, ...]] = {
    "hours": ("outlet_id", "code", "hour"),
    "summary": ("outlet_id", "code"),
    "events": ("outlet_id", "code", "start"),
    # triage order: the most severe episode first (cems/episodes.py), then the findings inside it in time order
    "findings": ("episode_rank", "start", "finding", "outlet_id", "code", "end", "detail"),
    "days": ("outlet_id", "code", "day"),
    "months": ("outlet_id", "code", "year", "month"),
    "ultra_low": ("outlet_id", "year", "quarter"),
    "emissions": ("outlet_id", "code", "year"),
    "limits": ("outlet_id", "pollutant", "set_id", "row_id"),
}
TIME_COLUMNS = ("hour", "start", "end", "episode_start", "episode_end")


def sorted_rows(name: str, table: pa.Table) -> list[dict[str, Any]]:
    """The table's rows as dicts in the document's order."""
    keys = [k for k in SORT_KEYS.get(name, ()) if k in table.column_names]
    if keys:
        table = table.sort_by([(k, "ascending") for k in keys])
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


def _offset(minutes: int) -> timezone:
    return timezone(timedelta(minutes=minutes))


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return value


def to_json_rows(rows: list[dict[str, Any]], offsets: dict[str, int]) -> list[dict[str, Any]]:
    """Rename outlet_id -> outlet, give times their outlet's offset, replace NaN by null."""
    out = []
    for row in rows:
        outlet = row.get("outlet_id")
        zone = _offset(offsets.get(str(outlet), 480))
        item: dict[str, Any] = {}
        for key, value in row.items():
            if key == "outlet_id":
                item["outlet"] = value
            elif key == "utc_offset_min":
                continue
            elif key in TIME_COLUMNS and isinstance(value, datetime):
                item[key] = value.replace(tzinfo=zone).isoformat()
            else:
                item[key] = _clean(value)
        out.append(item)
    return out


def evidence(rules: RuleBook, period: Period, engine: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """Where the figures come from: software version, engine, period, inputs and every rule with status."""
    return {
        "software": f"ultralow {__version__}",
        "engine": engine,
        "period": period.as_dict(),
        "inputs": inputs,
        "rules": [{"id": r.id, "value": r.value, "unit": r.unit, "source": r.source, "status": r.status}
                  for r in rules.all_rules()],
    }


def compliance_document(tables: dict[str, pa.Table], limits: pa.Table, offsets: dict[str, int],
                        rules: RuleBook, period: Period, engine: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """One object: hours, summary, events, findings (the issue's keys) plus days, months, ultra_low,
    emissions, limits (the rows applied, with source and status) and evidence."""
    doc: dict[str, Any] = {}
    for name in ("hours", "summary", "events", "findings", "days", "months", "ultra_low", "emissions"):
        doc[name] = to_json_rows(sorted_rows(name, tables[name]), offsets)
    doc["limits"] = to_json_rows(sorted_rows("limits", limits), offsets)
    doc["evidence"] = evidence(rules, period, engine, inputs)
    return doc
