"""Chart specs and their SVG: the limit line sits where the scale puts it, nulls are gaps, text per language.

Pixel positions: the y axis runs from 0 (bottom, y = height) to ``axis_top`` (top, y = 0), so a value v
is drawn at ``height * (1 - v / top)``.
"""

from __future__ import annotations

import re

import pytest

from ultralow.charts import chart_text, hourly_vs_limit, kpi_trend, monthly_tonnes, to_svg
from ultralow.charts.specs import axis_top


def _hours(values: list[float | None], limit: float | list[float]) -> list[dict[str, object]]:
    limits = limit if isinstance(limit, list) else [limit] * len(values)
    return [
        {
            "hour": f"2025-03-03T{h:02d}:00:00+08:00",
            "corrected_mg_m3": v,
            "limit_mg_m3": lim,
            "exceeded": v is not None and v > lim,
        }
        for h, (v, lim) in enumerate(zip(values, limits, strict=True))
    ]


def test_axis_top_rounds_up_the_largest_value_plus_ten_percent() -> None:
    assert axis_top([66.0, 35.0]) == 100.0  # 66 x 1.1 = 72.6 -> 100 (50 < 72.6)
    assert axis_top([20.0]) == 25.0  # 22 -> 25
    assert axis_top([0.8]) == 1.0  # 0.88 -> 1
    assert axis_top([None, -3.0]) == 1.0  # nothing positive


def test_svg_has_the_limit_line_at_the_limit() -> None:
    # values 20, 22, ..., 66 (24 hours); top = 100; limit 35 at 170 * (1 - 35/100) = 110.5 px
    rows = _hours([20.0 + 2 * h for h in range(24)], 35.0)
    svg = to_svg(hourly_vs_limit(rows, title="SO2 unit 1", height_px=170, width_px=480))
    rules = re.findall(r'<line aria-label="Limit 35 mg/m³"[^>]*aria-roledescription="rule mark"[^>]*>', svg)
    assert len(rules) == 1
    assert 'transform="translate(480,110.5)"' in rules[0]
    assert 'x2="-480"' in rules[0]  # spans the whole plot width
    assert ">Limit 35 mg/m³</text>" in svg
    # hours above 35: 36, 38, ..., 66 -> h = 8..23, 16 red points
    assert svg.count('aria-label="Exceedance hour"') == 16


def test_invalid_hour_is_a_gap_not_a_zero() -> None:
    values: list[float | None] = [10.0, 12.0, None, 14.0, 16.0]
    svg = to_svg(hourly_vs_limit(_hours(values, 50.0), title="t"))
    path = re.search(r'aria-roledescription="line mark" d="([^"]*)"', svg)
    assert path is not None
    assert path.group(1).count("M") == 2  # two segments around the null hour
    # top = 100 (50 x 1.1 = 55); a zero would be drawn at y = 170 (the axis)
    assert ",170L" not in path.group(1) and not path.group(1).endswith(",170")


def test_a_changing_limit_is_a_step_line() -> None:
    rows = _hours([10.0, 10.0, 10.0, 10.0], [100.0, 100.0, 50.0, 50.0])
    svg = to_svg(hourly_vs_limit(rows, title="t"))
    assert 'aria-roledescription="rule mark"' not in svg
    steps = re.findall(r'aria-label="Limit"[^>]*aria-roledescription="line mark" d="([^"]*)"', svg)
    assert len(steps) == 1
    # top: 100 x 1.1 = 110 -> 200; 100 at 170 * (1 - 100/200) = 85, 50 at 170 * (1 - 50/200) = 127.5
    assert ",85" in steps[0] and ",127.5" in steps[0]


def test_monthly_tonnes_draws_one_bar_per_present_value() -> None:
    rows = [
        {"month": m, "pollutant": p, "tonnes": (None if (m, p) == (2, "NOx") else float(m))}
        for m in (1, 2, 3)
        for p in ("SO2", "NOx")
    ]
    svg = to_svg(monthly_tonnes(rows, title="Monthly tonnes"))
    assert len(re.findall(r'aria-roledescription="bar"', svg)) == 5  # six cells, one null
    assert ">SO2</text>" in svg and ">NOx</text>" in svg


def test_kpi_trend_target_and_values() -> None:
    rows = [
        {"period": "2023", "value": 1.2},
        {"period": "2024", "value": 1.05},
        {"period": "2025", "value": 0.9},
    ]
    svg = to_svg(kpi_trend(rows, title="Intensity", unit="t CO2e / t Al", target=1.0, height_px=150))
    # top: 1.2 x 1.1 = 1.32 -> 2; target 1.0 at 150 * (1 - 1/2) = 75
    assert re.search(r'aria-label="target 1"[^>]*transform="translate\(\d+(\.\d+)?,75\)"', svg)
    for label in ("1.2", "1.05", "0.9"):
        assert f">{label}</text>" in svg


def test_chinese_words_and_same_bytes_twice() -> None:
    spec = monthly_tonnes(
        [{"month": 1, "pollutant": "二氧化硫", "tonnes": 3.0}], title="月度排放", text=chart_text("zh")
    )
    first = to_svg(spec, lang="zh")
    assert first == to_svg(spec, lang="zh")
    assert "排放量（吨）" in first and "二氧化硫" in first and "月度排放" in first


def test_unknown_language_is_an_error() -> None:
    with pytest.raises(ValueError, match="fr"):
        chart_text("fr")
