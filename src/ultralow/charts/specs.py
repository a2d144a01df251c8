"""Vega-Lite specifications for the figures the report and the site show.

Rows are plain mappings (what the application layer returns); nulls stay nulls and are drawn as gaps,
never as zeros. Hours are the plant's local clock time, labelled by their start; they are written with a
``Z`` and drawn on a UTC scale so the axis shows the plant clock whatever the renderer's time zone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from ultralow.charts.labels import ChartText, chart_text

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.21.0.json"
FONT = "Noto Sans CJK SC"
VALUE_COLOUR = "#2f6f9f"
LIMIT_COLOUR = "#c0392b"
TARGET_COLOUR = "#7f8c8d"
POLLUTANT_COLOURS = ("#2f6f9f", "#e0a030", "#5a9e6f", "#8e6c8a", "#b05a3c")

Spec = dict[str, Any]


def _config() -> dict[str, Any]:
    return {
        "font": FONT,
        "background": "white",
        "view": {"stroke": None},
        "axis": {"labelFontSize": 9, "titleFontSize": 9, "titleFontWeight": "normal", "gridColor": "#e6e6e6"},
        "legend": {"labelFontSize": 9, "titleFontSize": 9, "orient": "bottom"},
        "title": {"fontSize": 11, "anchor": "start", "fontWeight": "bold"},
    }


def axis_top(values: Sequence[float | None]) -> float:
    """Top of a value axis that starts at 0: the largest value plus 10 %, rounded up to 1, 2, 2.5 or 5
    times a power of ten (so ticks stay round). 1.0 when there is no positive value."""
    present = [v for v in values if v is not None and math.isfinite(v) and v > 0]
    if not present:
        return 1.0
    target = max(present) * 1.1
    power = 10.0 ** math.floor(math.log10(target))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if step * power >= target:
            return step * power
    return 10.0 * power  # pragma: no cover - the loop always returns


def plant_clock(hour: datetime | str) -> str:
    """An hour as the plant's clock time with ``Z`` (see the module docstring)."""
    moment = datetime.fromisoformat(hour) if isinstance(hour, str) else hour
    return moment.replace(tzinfo=None).isoformat(timespec="minutes") + "Z"


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def hourly_vs_limit(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str,
    text: ChartText | None = None,
    width_px: int = 480,
    height_px: int = 170,
) -> Spec:
    """Hourly corrected means (``hour``, ``corrected_mg_m3``) with the limit (``limit_mg_m3``) as a line and
    exceedance hours (``exceeded``) as red points. A limit that is the same for every hour is one rule; a
    limit that changes (another limit set applies) is drawn as a step line. The y axis runs from 0 to
    :func:`axis_top` of values and limits."""
    words = text or chart_text("en")
    measured = [_number(row.get("corrected_mg_m3")) for row in rows]
    limits = sorted({v for v in (_number(row.get("limit_mg_m3")) for row in rows) if v is not None})
    values: list[dict[str, Any]] = [
        {
            "hour": plant_clock(row["hour"]),
            "corrected_mg_m3": _number(row.get("corrected_mg_m3")),
            "limit_mg_m3": _number(row.get("limit_mg_m3")),
            "exceeded": bool(row.get("exceeded")),
        }
        for row in rows
    ]
    top = axis_top([*measured, *limits])
    y_scale = {"domain": [0, top], "nice": False, "zero": True}
    x = {
        "field": "hour",
        "type": "temporal",
        "scale": {"type": "utc"},
        "title": words.hour,
        "axis": {"labelOverlap": True, "format": _time_format(values), "tickCount": 8},
    }
    y = {
        "field": "corrected_mg_m3",
        "type": "quantitative",
        "scale": y_scale,
        "title": words.concentration_mg_m3,
    }
    layers: list[Spec] = [
        {
            "mark": {
                "type": "line",
                "color": VALUE_COLOUR,
                "strokeWidth": 1,
                "invalid": "break-paths-show-domains",
            },
            "encoding": {"x": x, "y": y},
        },
        {
            "transform": [{"filter": "datum.exceeded"}],
            "mark": {"type": "point", "filled": True, "size": 14, "color": LIMIT_COLOUR},
            "encoding": {"x": x, "y": y, "description": {"value": words.exceeded}},
        },
    ]
    if len(limits) == 1:
        label = f"{words.limit} {_format_number(limits[0])} mg/m³"
        layers.append(
            {
                "data": {"values": [{"limit_mg_m3": limits[0], "label": label}]},
                "mark": {"type": "rule", "color": LIMIT_COLOUR, "strokeDash": [5, 3], "strokeWidth": 1.5},
                "encoding": {
                    "y": {"field": "limit_mg_m3", "type": "quantitative", "scale": y_scale},
                    "description": {"field": "label"},
                },
            }
        )
        layers.append(
            {
                "data": {"values": [{"limit_mg_m3": limits[0], "label": label}]},
                "mark": {
                    "type": "text",
                    "align": "right",
                    "baseline": "bottom",
                    "dy": -2,
                    "x": "width",
                    "color": LIMIT_COLOUR,
                    "fontSize": 9,
                },
                "encoding": {
                    "y": {"field": "limit_mg_m3", "type": "quantitative", "scale": y_scale},
                    "text": {"field": "label"},
                },
            }
        )
    elif limits:
        layers.append(
            {
                "mark": {
                    "type": "line",
                    "color": LIMIT_COLOUR,
                    "strokeDash": [5, 3],
                    "strokeWidth": 1.5,
                    "interpolate": "step-after",
                    "invalid": "break-paths-show-domains",
                },
                "encoding": {
                    "x": x,
                    "y": {"field": "limit_mg_m3", "type": "quantitative", "scale": y_scale},
                    "description": {"value": words.limit},
                },
            }
        )
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": width_px,
        "height": height_px,
        "data": {"values": values},
        "layer": layers,
        "config": _config(),
    }


def _time_format(values: Sequence[Mapping[str, Any]]) -> str:
    """Hours within two days, days within two months, months beyond."""
    if not values:
        return "%m-%d"
    hours = sorted(datetime.fromisoformat(str(v["hour"]).rstrip("Z")) for v in values)
    span_days = (hours[-1] - hours[0]).total_seconds() / 86400
    if span_days <= 2:
        return "%m-%d %H:%M"
    if span_days <= 62:
        return "%m-%d"
    return "%Y-%m"


def _month_label(month: Any) -> str:
    if isinstance(month, date):
        return f"{month.year:04d}-{month.month:02d}"
    if isinstance(month, int):
        return f"{month:02d}"
    return str(month)


def monthly_tonnes(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str,
    text: ChartText | None = None,
    width_px: int = 480,
    height_px: int = 170,
) -> Spec:
    """Monthly emissions in tonnes (``month``, ``pollutant``, ``tonnes``) as grouped bars, one colour per
    pollutant in the order first seen. A null month is no bar (not a zero bar)."""
    words = text or chart_text("en")
    tonnes = [_number(row.get("tonnes")) for row in rows]
    months = sorted({_month_label(row["month"]) for row in rows})
    pollutants = list(dict.fromkeys(str(row["pollutant"]) for row in rows))
    values = [
        {"month": _month_label(row["month"]), "pollutant": str(row["pollutant"]), "tonnes": t}
        for row, t in zip(rows, tonnes, strict=True)
    ]
    colours = [POLLUTANT_COLOURS[i % len(POLLUTANT_COLOURS)] for i in range(len(pollutants))]
    top = axis_top(tonnes)
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": width_px,
        "height": height_px,
        "data": {"values": values},
        "transform": [{"filter": "isValid(datum.tonnes)"}],
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "month",
                "type": "ordinal",
                "sort": months,
                "title": words.month,
                "scale": {"domain": months},
                "axis": {"labelAngle": 0},
            },
            "xOffset": {"field": "pollutant", "type": "nominal", "sort": pollutants},
            "y": {
                "field": "tonnes",
                "type": "quantitative",
                "title": words.tonnes,
                "scale": {"domain": [0, top], "nice": False},
            },
            "color": {
                "field": "pollutant",
                "type": "nominal",
                "title": words.pollutant,
                "scale": {"domain": pollutants, "range": colours},
            },
            "description": {"field": "pollutant"},
        },
        "config": _config(),
    }


def kpi_trend(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str,
    unit: str,
    text: ChartText | None = None,
    target: float | None = None,
    width_px: int = 300,
    height_px: int = 150,
) -> Spec:
    """A KPI over periods (``period``, ``value``) as a line with points and the value printed on each point;
    ``target`` adds a dashed grey rule. A null period is a gap."""
    words = text or chart_text("en")
    numbers = [_number(row.get("value")) for row in rows]
    periods = [str(row["period"]) for row in rows]
    values = [{"period": p, "value": n} for p, n in zip(periods, numbers, strict=True)]
    top = axis_top(numbers + ([target] if target is not None else []))
    y_scale = {"domain": [0, top], "nice": False}
    x = {
        "field": "period",
        "type": "ordinal",
        "sort": periods,
        "title": words.period,
        "scale": {"domain": periods},
        "axis": {"labelAngle": 0},
    }
    y = {"field": "value", "type": "quantitative", "title": unit, "scale": y_scale}
    layers: list[Spec] = [
        {
            "mark": {
                "type": "line",
                "color": VALUE_COLOUR,
                "point": {"filled": True, "size": 30},
                "invalid": "break-paths-show-domains",
            },
            "encoding": {"x": x, "y": y},
        },
        {
            "transform": [{"filter": "isValid(datum.value)"}],
            "mark": {"type": "text", "dy": -8, "fontSize": 9},
            "encoding": {
                "x": x,
                "y": y,
                "text": {"field": "value", "type": "quantitative", "format": ",.4~g"},
            },
        },
    ]
    if target is not None:
        layers.append(
            {
                "data": {"values": [{"value": target}]},
                "mark": {"type": "rule", "color": TARGET_COLOUR, "strokeDash": [4, 3]},
                "encoding": {
                    "y": {"field": "value", "type": "quantitative", "scale": y_scale},
                    "description": {"value": f"target {_format_number(target)}"},
                },
            }
        )
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": width_px,
        "height": height_px,
        "data": {"values": values},
        "layer": layers,
        "config": _config(),
    }


def _format_number(value: float) -> str:
    return f"{value:g}"
