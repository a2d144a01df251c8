"""The demo's readable summary, computed from the compliance engine's tables (pure: Arrow tables in, rows out).

Per base and source type over the period: valid-hour capture (valid / operating pollutant hours), hourly
compliance (judged hours not exceeded / judged hours), exceedance hours, the ultra-low time ratio (hours
meeting all three ultra-low limits / hours assessed, coal units only) and the tonnes of SO2, NOx and PM
(measured + HJ 75 substitutes). Rates are ratios 0..1; tonnes are t over the period.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import pyarrow as pa

from ultralow.demo.incidents import Planted
from ultralow.registry import Registry

SO2: Final = "a21026"
NOX: Final = "a21002"
PM: Final = "a34013"
TONNE_CODES: Final = {"so2_t": SO2, "nox_t": NOX, "pm_t": PM}
WORST_EVENTS: Final = 8


@dataclass(frozen=True, slots=True)
class GroupRow:
    """One base and source type (``base`` "ALL" for the group total)."""

    base: str
    source_type: str
    outlets: int
    hours_operating: int
    hours_valid: int
    hours_judged: int
    hours_exceeded: int
    capture_rate: float | None
    compliance_rate: float | None
    ultra_low_assessed: int
    ultra_low_meeting: int
    ultra_low_ratio: float | None
    so2_t: float | None
    nox_t: float | None
    pm_t: float | None


@dataclass(frozen=True, slots=True)
class IncidentCheck:
    """A planted incident and what the engine found in its window."""

    kind: str
    outlet_id: str
    label: str
    start: str
    end: str
    exceedance_events: int
    exceedance_hours: int
    findings: dict[str, int]
    capture_rate: float | None
    found: bool


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _rows(table: pa.Table | None) -> list[dict[str, Any]]:
    return table.to_pylist() if table is not None else []


def group_rows(rollups: pa.Table) -> list[GroupRow]:
    """The roll-ups of the application layer (``ultralow.app.rollups``) per base and source type, in
    registry order, then the group total (base ``ALL``)."""
    fields = GroupRow.__dataclass_fields__
    out = []
    for r in rollups.to_pylist():
        if r["level"] not in ("base_source_type", "group"):
            continue
        row = {k: v for k, v in r.items() if k in fields}
        if r["level"] == "group":
            row.update(base="ALL", source_type="all")
        out.append(GroupRow(**row))
    return out


def worst_events(events: pa.Table, registry: Registry, count: int = WORST_EVENTS) -> list[dict[str, Any]]:
    """The ``count`` exceedance events with the highest peak multiple (then the longest), with their base."""
    rows = [r for r in _rows(events) if r["peak_multiple"] is not None]
    rows.sort(key=lambda r: (-r["peak_multiple"], -r["duration_h"], r["outlet_id"], r["start"]))
    out = []
    for r in rows[:count]:
        outlet = registry.outlet(r["outlet_id"])
        out.append({"base": outlet.base, "outlet_id": r["outlet_id"], "source_type": outlet.source_type,
                    "code": r["code"], "start": r["start"], "end": r["end"], "duration_h": r["duration_h"],
                    "peak_corrected_mg_m3": r["peak_corrected_mg_m3"], "limit_mg_m3": r["limit_mg_m3"],
                    "peak_multiple": r["peak_multiple"], "limit_set": r["limit_set"]})
    return out


def finding_counts(findings: pa.Table) -> dict[str, dict[str, int]]:
    """Per finding kind: runs (findings) and hours."""
    out: dict[str, dict[str, int]] = {}
    for r in _rows(findings):
        entry = out.setdefault(r["finding"], {"findings": 0, "hours": 0})
        entry["findings"] += 1
        entry["hours"] += int(r["hours"] or 0)
    return dict(sorted(out.items()))


def _overlaps(row: dict[str, Any], start: datetime, end: datetime) -> bool:
    return bool(row["start"] < end and row["end"] > start)


def check_incidents(planted: Sequence[Planted], period_start: datetime, summary: pa.Table, events: pa.Table,
                    findings: pa.Table) -> list[IncidentCheck]:
    """For each planted incident: the exceedance events and findings of its outlet that overlap its window,
    and the outlet's capture rate. ``found`` says whether the engine saw what the incident should cause:
    a breach an exceedance event, a fault invalid hours (data availability), a stop stopped hours followed
    by a high-O2 start-up finding, a flat line a flat-line finding."""
    event_rows, finding_rows, summary_rows = _rows(events), _rows(findings), _rows(summary)
    out = []
    for p in planted:
        incident = p.incident
        start = period_start + timedelta(minutes=p.start)
        end = period_start + timedelta(minutes=p.end)
        own_events = [e for e in event_rows if e["outlet_id"] == incident.outlet and _overlaps(e, start, end)]
        kinds: dict[str, int] = {}
        for f in finding_rows:
            if f["outlet_id"] == incident.outlet and _overlaps(f, start, end):
                kinds[f["finding"]] = kinds.get(f["finding"], 0) + int(f["hours"] or 0)
        own = [s for s in summary_rows if s["outlet_id"] == incident.outlet]
        capture = _ratio(sum(int(s["hours_valid"]) for s in own), sum(int(s["hours_operating"]) for s in own))
        stopped = sum(int(s["hours_stopped"]) for s in own)
        if incident.kind == "breach":
            found = any(e["code"] in incident.codes for e in own_events)
        elif incident.kind == "fault":
            found = kinds.get("data_availability", 0) > 0
        elif incident.kind == "stop":
            found = stopped > 0 and kinds.get("high_o2_operating", 0) > 0
        else:
            found = kinds.get("flat_line", 0) > 0
        out.append(IncidentCheck(
            kind=incident.kind, outlet_id=incident.outlet, label=incident.label, start=start.isoformat(),
            end=end.isoformat(), exceedance_events=len(own_events),
            # distinct exceeded hours: events come per limit kind (legal, ultra_low) and may cover the same hour
            exceedance_hours=len({(e["code"], e["start"] + timedelta(hours=k)) for e in own_events
                                  for k in range(int(e["duration_h"]))}), findings=dict(sorted(kinds.items())),
            capture_rate=capture, found=found,
        ))
    return out


def as_json(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Dataclass rows as JSON-ready dicts (datetimes as ISO text)."""
    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value

    return [{k: plain(v) for k, v in (asdict(r) if not isinstance(r, dict) else r).items()} for r in rows]
