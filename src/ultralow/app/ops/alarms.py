"""Alarms from judged hours: a completed hour whose converted mean is above its limit (``exceedance``), and
a running hour whose converted mean so far reaches the early-warning fraction of its limit (``warning``).

:func:`judged_hours` is the one place the alarms get their hours from: the stored results
(:mod:`ultralow.app.results`, brought up to date first by an hours run that judges only what arrived) when the
store holds them, else ``Application.judge`` (the engine on the store, marks applied).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

import duckdb
import pyarrow as pa

from ultralow.app.ops.settings import OpsSettings
from ultralow.app.ops.store import Alarm
from ultralow.app.results import has_results, stored_hours, update
from ultralow.app.services import Application

HOUR_COLUMNS: Final = ("outlet_id", "code", "hour", "utc_offset_min", "valid_minutes", "valid", "status",
                       "measured_mg_m3", "o2_pct", "o2_ref_pct", "corrected_mg_m3", "limit_mg_m3", "limit_set",
                       "exceeded", "exempt", "mark_type")


def judged_hours(app: Application, outlet_ids: Sequence[str], first: date, last: date) -> pa.Table:
    """The judged clock hours of ``outlet_ids`` on the plant-local days ``first``..``last`` (HOUR_COLUMNS)."""
    if has_results(app.store):
        try:
            update(app)
        except (duckdb.InvalidInputException, duckdb.PermissionException):  # a store opened read-only
            pass
        else:
            return stored_hours(app.store, outlet_ids, first, last, HOUR_COLUMNS)
    judgement = app.judge(list(outlet_ids), first=first, last=last)
    hours = judgement.tables["hours"]
    return hours.select([c for c in HOUR_COLUMNS if c in hours.column_names])


def running_corrected(row: dict[str, Any], ambient_o2_pct: float = 21.0) -> float | None:
    """The converted mean of the valid minutes so far of a running hour: the engine's dry measured mean,
    O2-corrected as the engine corrects a complete hour (HJ 75: C = C' x (21 - O2ref) / (21 - O2)); the
    measured mean when the limit has no reference O2. None when either mean is missing."""
    measured = row.get("measured_mg_m3")
    if measured is None:
        return None
    ref, o2 = row.get("o2_ref_pct"), row.get("o2_pct")
    if ref is None:
        return float(measured)
    if o2 is None or o2 >= ambient_o2_pct:
        return None
    return float(measured) * (ambient_o2_pct - float(ref)) / (ambient_o2_pct - float(o2))


def candidates(hours: pa.Table, current_hour: dict[str, datetime], settings: OpsSettings) -> list[dict[str, Any]]:
    """Alarm candidates: ``exceedance`` for each exceeded hour before the outlet's current hour (complete),
    ``warning`` for the current hour when its running converted mean reaches the warning threshold."""
    out = []
    for row in hours.to_pylist():
        now_hour = current_hour.get(row["outlet_id"])
        limit = row.get("limit_mg_m3")
        if now_hour is None or limit is None:
            continue
        if row["hour"] < now_hour and row.get("exceeded"):
            out.append({"kind": "exceedance", "outlet_id": row["outlet_id"], "code": row["code"], "hour": row["hour"],
                        "utc_offset_min": row["utc_offset_min"], "value_mg_m3": row["corrected_mg_m3"],
                        "limit_mg_m3": limit, "threshold_mg_m3": limit, "limit_set": row.get("limit_set")})
        elif row["hour"] == now_hour:
            rule = settings.warning_for(row["code"])
            value = running_corrected(row)
            if rule is None or value is None or (row.get("valid_minutes") or 0) < rule.min_valid_minutes:
                continue
            threshold = rule.fraction * float(limit)
            if value >= threshold:
                out.append({"kind": "warning", "outlet_id": row["outlet_id"], "code": row["code"], "hour": row["hour"],
                            "utc_offset_min": row["utc_offset_min"], "value_mg_m3": round(value, 3),
                            "limit_mg_m3": limit, "threshold_mg_m3": threshold, "limit_set": row.get("limit_set")})
    return out


@dataclass(frozen=True, slots=True)
class AlarmEvent:
    """Consecutive exceedance hours of one outlet and factor: the event an engineer deals with."""

    outlet_id: str
    code: str
    start: datetime  # plant-local, first hour's start
    end: datetime  # exclusive
    duration_h: int
    peak_mg_m3: float
    limit_mg_m3: float
    alarms: tuple[Alarm, ...]

    @property
    def acknowledged(self) -> bool:
        return all(a.acknowledged for a in self.alarms)


def events(alarms: Iterable[Alarm]) -> list[AlarmEvent]:
    """Exceedance alarms merged into runs of consecutive hours per outlet and factor, newest first; the
    limit is the one of the peak hour."""
    runs: list[list[Alarm]] = []
    ordered = sorted((a for a in alarms if a.kind == "exceedance"), key=lambda a: (a.outlet_id, a.code, a.hour))
    for alarm in ordered:
        last = runs[-1][-1] if runs else None
        if last is not None and (last.outlet_id, last.code) == (alarm.outlet_id, alarm.code) \
                and alarm.hour - last.hour == timedelta(hours=1):
            runs[-1].append(alarm)
        else:
            runs.append([alarm])
    out = []
    for run in runs:
        peak = max(run, key=lambda a: a.value_mg_m3)
        out.append(AlarmEvent(run[0].outlet_id, run[0].code, run[0].hour, run[-1].hour + timedelta(hours=1), len(run),
                              peak.value_mg_m3, peak.limit_mg_m3, tuple(run)))
    return sorted(out, key=lambda e: e.start, reverse=True)
