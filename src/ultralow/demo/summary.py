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


def _sum_or_none(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def group_rows(registry: Registry, summary: pa.Table, ultra_low: pa.Table, emissions: pa.Table) -> list[GroupRow]:
    """One row per (base, source type) in registry order, then the group total (base ``ALL``)."""
    where = {o.id: (o.base, o.source_type) for o in registry.outlets}
    keys: list[tuple[str, str]] = list(dict.fromkeys(where.values()))
    sums: dict[tuple[str, str], dict[str, float]] = {k: {} for k in [*keys, ("ALL", "all")]}
    outlets: dict[tuple[str, str], set[str]] = {k: set() for k in sums}

    def add(outlet_id: str, name: str, value: float | None) -> None:
        if outlet_id not in where or value is None:
            return
        for key in (where[outlet_id], ("ALL", "all")):
            sums[key][name] = sums[key].get(name, 0.0) + value
            outlets[key].add(outlet_id)

    for row in _rows(summary):
        for name in ("hours_operating", "hours_valid", "hours_judged", "hours_exceeded"):
            add(row["outlet_id"], name, row[name])
    for row in _rows(ultra_low):
        add(row["outlet_id"], "ul_assessed", row["hours_assessed"])
        add(row["outlet_id"], "ul_meeting", row["hours_meeting"])
    for row in _rows(emissions):
        for name, code in TONNE_CODES.items():
            if row["code"] == code:
                add(row["outlet_id"], name, row["total_t"])
    for outlet_id, key in where.items():
        outlets[key].add(outlet_id)
        outlets[("ALL", "all")].add(outlet_id)
    out = []
    for key, s in sums.items():
        operating, valid = int(s.get("hours_operating", 0)), int(s.get("hours_valid", 0))
        judged, exceeded = int(s.get("hours_judged", 0)), int(s.get("hours_exceeded", 0))
        assessed, meeting = int(s.get("ul_assessed", 0)), int(s.get("ul_meeting", 0))
        out.append(GroupRow(
            base=key[0], source_type=key[1], outlets=len(outlets[key]), hours_operating=operating,
            hours_valid=valid, hours_judged=judged, hours_exceeded=exceeded,
            capture_rate=_ratio(valid, operating), compliance_rate=_ratio(judged - exceeded, judged),
            ultra_low_assessed=assessed, ultra_low_meeting=meeting, ultra_low_ratio=_ratio(meeting, assessed),
            so2_t=s.get("so2_t"), nox_t=s.get("nox_t"), pm_t=s.get("pm_t"),
        ))
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
