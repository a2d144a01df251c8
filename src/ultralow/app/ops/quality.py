"""The data-quality view of one outlet: the engine's findings over the outlet's last days of data, and the
minute readings behind a finding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from ultralow.app.services import Application

QUALITY_DAYS: Final = 7
MAX_MINUTES: Final = 1440


@dataclass(frozen=True, slots=True)
class Minute:
    data_time: datetime
    value: float | None
    flag: str | None


@dataclass(frozen=True, slots=True)
class OutletQuality:
    outlet_id: str
    first: datetime | None  # the days judged (plant-local)
    last: datetime | None
    findings: tuple[dict[str, Any], ...]
    selected: dict[str, Any] | None
    minutes: tuple[Minute, ...]
    minutes_cut: bool  # more minutes than MAX_MINUTES lie in the finding; the first ones are shown


def outlet_quality(app: Application, outlet_id: str, finding: int | None = None, days: int = QUALITY_DAYS
                   ) -> OutletQuality:
    """Findings of ``outlet_id`` on its last ``days`` days with minute data; with ``finding`` (an index into
    them) also the minutes of that finding's factor and interval."""
    span = app.data_span([outlet_id])
    if span.last is None:
        return OutletQuality(outlet_id, None, None, (), None, (), False)
    last_day = span.last.date()
    first_day = max(span.first.date() if span.first else last_day, last_day - timedelta(days=days - 1))
    judgement = app.judge([outlet_id], first=first_day, last=last_day)
    rows = sorted(judgement.tables["findings"].to_pylist(), key=lambda r: (r["start"], r["code"] or ""), reverse=True)
    selected = rows[finding] if finding is not None and 0 <= finding < len(rows) else None
    minutes: list[Minute] = []
    cut = False
    if selected is not None and selected.get("code") and selected.get("start") and selected.get("end"):
        with app.store.lock:
            app.store.con.complete()
            got = app.store.con.execute(
                "SELECT data_time, value, flag FROM readings_current WHERE outlet_id = ? AND code = ? AND "
                "kind = 'minute' AND data_time >= ? AND data_time < ? ORDER BY data_time LIMIT ?",
                [outlet_id, selected["code"], selected["start"], selected["end"], MAX_MINUTES + 1]).fetchall()
        cut = len(got) > MAX_MINUTES
        minutes = [Minute(r[0], r[1], r[2]) for r in got[:MAX_MINUTES]]
    return OutletQuality(outlet_id, datetime.combine(first_day, datetime.min.time()),
                         datetime.combine(last_day, datetime.min.time()), tuple(rows), selected, tuple(minutes), cut)
