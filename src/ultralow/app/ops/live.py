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
