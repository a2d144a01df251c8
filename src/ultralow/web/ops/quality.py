"""The data-quality page's content: the app layer's findings and a server-drawn SVG line chart of the
minutes behind a finding (no script; presentation attributes only, as the CSP allows no inline style)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ultralow.app.ops.quality import Minute, OutletQuality, outlet_quality
from ultralow.app.services import Application

WIDTH, HEIGHT, PAD = 720, 220, 36


@dataclass(frozen=True)
class Chart:
    points: str  # "x,y x,y …" of the polyline
    flagged: tuple[tuple[float, float, str], ...]  # minutes whose flag is not N: x, y, flag
    y_min: float
    y_max: float
    first: str
    last: str
    width: int = WIDTH
    height: int = HEIGHT
    pad: int = PAD


def chart(minutes: tuple[Minute, ...]) -> Chart | None:
    values = [m.value for m in minutes if m.value is not None]
    if len(values) < 2:
        return None
    lo, hi = min(values), max(values)
    if hi == lo:
        lo, hi = lo - 1.0, hi + 1.0
    span_s = (minutes[-1].data_time - minutes[0].data_time).total_seconds() or 1.0

    def xy(m: Minute) -> tuple[float, float]:
        x = PAD + (m.data_time - minutes[0].data_time).total_seconds() / span_s * (WIDTH - 2 * PAD)
        y = HEIGHT - PAD - ((m.value or 0.0) - lo) / (hi - lo) * (HEIGHT - 2 * PAD)
        return round(x, 1), round(y, 1)

    points = " ".join(f"{x},{y}" for x, y in (xy(m) for m in minutes if m.value is not None))
    flagged = tuple((*xy(m), m.flag or "") for m in minutes if m.value is not None and m.flag not in (None, "N"))
    return Chart(points, flagged[:500], lo, hi, minutes[0].data_time.strftime("%Y-%m-%d %H:%M"),
                 minutes[-1].data_time.strftime("%Y-%m-%d %H:%M"))


@dataclass(frozen=True)
class QualityPage:
    quality: OutletQuality
    chart: Chart | None


class QualityView:
    """Judges on its own connection, one request at a time (a judgement takes about a second)."""

    def __init__(self, app: Application) -> None:
        self.app = app
        self._lock = threading.Lock()

    def outlet(self, outlet_id: str, finding: int | None) -> QualityPage:
        with self._lock:
            quality = outlet_quality(self.app, outlet_id, finding)
        return QualityPage(quality, chart(quality.minutes))
