"""What the live view shows that the store already knows: the latest reading of each factor with its flag,
and per outlet the running hour and the last complete hour from the judged hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa

from ultralow.app.ops.alarms import running_corrected
from ultralow.store import Store

LIVE_KINDS = ("rtd", "minute")


def latest_values(store: Store, window: timedelta = timedelta(days=2)) -> dict[str, dict[str, dict[str, Any]]]:
    """outlet_id → code → {value, flag, data_time, kind}: the newest real-time or minute reading of each
    factor (minute wins over real-time at the same time), looked for within ``window`` of the store's
    newest reading."""
    with store.lock:
        store.con.complete()
        newest = store.con.execute("SELECT max(data_time) FROM readings WHERE kind IN ('rtd', 'minute')").fetchone()
        if not newest or newest[0] is None:
            return {}
        rows = store.con.execute(
            "SELECT outlet_id, code, arg_max(value, (data_time, kind = 'minute')), "
            "arg_max(flag, (data_time, kind = 'minute')), max(data_time), arg_max(kind, (data_time, kind = 'minute')) "
            "FROM readings_current WHERE kind IN ('rtd', 'minute') AND data_time >= ? GROUP BY outlet_id, code",
            [newest[0] - window]).fetchall()
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for outlet_id, code, value, flag, data_time, kind in rows:
        out.setdefault(outlet_id, {})[code] = {"value": value, "flag": flag, "data_time": data_time, "kind": kind}
    return out


@dataclass(frozen=True, slots=True)
class HourFigure:
    code: str
    hour: datetime
    value_mg_m3: float | None  # converted mean (running: of the valid minutes so far)
    limit_mg_m3: float | None
    valid_minutes: int
    status: str
    exceeded: bool

    def as_dict(self) -> dict[str, Any]:
        value = None if self.value_mg_m3 is None else round(self.value_mg_m3, 2)
        return {"code": self.code, "hour": self.hour.isoformat(), "value_mg_m3": value,
                "limit_mg_m3": self.limit_mg_m3, "valid_minutes": self.valid_minutes, "status": self.status,
                "exceeded": self.exceeded}


@dataclass(frozen=True, slots=True)
class OutletHours:
    outlet_id: str
    current_hour: datetime
    running: tuple[HourFigure, ...]
    last_hour: tuple[HourFigure, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"outlet_id": self.outlet_id, "current_hour": self.current_hour.isoformat(),
                "running": [f.as_dict() for f in self.running], "last_hour": [f.as_dict() for f in self.last_hour]}


def outlet_hours(hours: pa.Table, current_hour: dict[str, datetime]) -> dict[str, OutletHours]:
    """Per outlet: the running hour (converted running mean of each pollutant with a limit) and the hour
    before it (the engine's converted mean against the limit)."""
    by_outlet: dict[str, tuple[list[HourFigure], list[HourFigure]]] = {}
    for row in hours.to_pylist():
        now = current_hour.get(row["outlet_id"])
        if now is None or row.get("limit_mg_m3") is None:
            continue
        running, last = by_outlet.setdefault(row["outlet_id"], ([], []))
        if row["hour"] == now:
            value = running_corrected(row)
            running.append(HourFigure(row["code"], row["hour"], None if value is None else round(value, 3),
                                      row["limit_mg_m3"], int(row.get("valid_minutes") or 0), "running",
                                      value is not None and value > row["limit_mg_m3"]))
        elif row["hour"] == now - timedelta(hours=1):
            value = row.get("corrected_mg_m3")
            last.append(HourFigure(row["code"], row["hour"], value, row["limit_mg_m3"],
                                   int(row.get("valid_minutes") or 0), str(row.get("status")), bool(row.get("exceeded"))))
    return {o: OutletHours(o, current_hour[o], tuple(sorted(r, key=lambda f: f.code)), tuple(sorted(la, key=lambda f: f.code)))
            for o, (r, la) in by_outlet.items()}


@dataclass(frozen=True, slots=True)
class HourReference:
    """What the last judgement said about an outlet's factor: its limit and the reference O2 it is
    converted to (None: the limit is not O2-referenced)."""

    limit_mg_m3: float
    o2_ref_pct: float | None


def references(hours: pa.Table) -> dict[tuple[str, str], HourReference]:
    """(outlet_id, code) → the limit and reference O2 of its latest judged hour with a limit."""
    out: dict[tuple[str, str], tuple[datetime, HourReference]] = {}
    for row in hours.select(["outlet_id", "code", "hour", "limit_mg_m3", "o2_ref_pct"]).to_pylist():
        if row["limit_mg_m3"] is None:
            continue
        key = (row["outlet_id"], row["code"])
        if key not in out or row["hour"] >= out[key][0]:
            out[key] = (row["hour"], HourReference(float(row["limit_mg_m3"]), row["o2_ref_pct"]))
    return {k: v for k, (_, v) in out.items()}


def running_hours(store: Store, current_hour: dict[str, datetime], refs: dict[tuple[str, str], HourReference],
                  valid_flags: list[str], offsets: dict[str, int], o2_code: str = "a19001") -> pa.Table:
    """A provisional running hour between two judgements, in the shape of the judged hours the monitor
    reads: per outlet and factor with a known limit, the mean of the minutes so far whose flag counts as
    valid (``minute_valid_flags``) and the O2 mean of the same kind; marks and plausibility are applied
    when the hour is judged. The reference O2 and limit are those of the last judgement."""
    if not current_hour:
        return pa.table({"outlet_id": pa.array([], pa.string())})
    keys = pa.table({"k_outlet": list(current_hour), "k_hour": list(current_hour.values())})
    flags = pa.table({"k_flag": valid_flags})
    with store.lock:
        store.con.complete()
        store.con.register("_ops_hours", keys)
        store.con.register("_ops_flags", flags)
        try:
            rows = store.con.execute(
                "SELECT r.outlet_id, r.code, k.k_hour, count(*) AS n, avg(r.value) AS mean FROM readings_current r "
                "JOIN _ops_hours k ON r.outlet_id = k.k_outlet AND r.data_time >= k.k_hour "
                "AND r.data_time < k.k_hour + INTERVAL 1 HOUR "
                "WHERE r.kind = 'minute' AND r.flag IN (SELECT k_flag FROM _ops_flags) AND r.value IS NOT NULL "
                "GROUP BY ALL").fetchall()
        finally:
            store.con.unregister("_ops_hours")
            store.con.unregister("_ops_flags")
    o2 = {(o, h): m for o, c, h, _, m in rows if c == o2_code}
    out = []
    for outlet_id, code, hour, n, mean in rows:
        ref = refs.get((outlet_id, code))
        if ref is None:
            continue
        out.append({"outlet_id": outlet_id, "code": code, "hour": hour,
                    "utc_offset_min": offsets.get(outlet_id, 0), "valid_minutes": int(n),
                    "valid": False, "status": "running", "measured_mg_m3": mean, "o2_pct": o2.get((outlet_id, hour)),
                    "o2_ref_pct": ref.o2_ref_pct, "corrected_mg_m3": None, "limit_mg_m3": ref.limit_mg_m3,
                    "limit_set": None, "exceeded": False, "exempt": False, "mark_type": None})
    return pa.Table.from_pylist(out) if out else pa.table({"outlet_id": pa.array([], pa.string())})
