"""The site's selections from a judgement, on small tables whose figures are worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

import pyarrow as pa

from ultralow.app.judging import Judgement
from ultralow.app.site import events, monthly_tonnes, outlet_limits, performance
from ultralow.cems import Period
from ultralow.standards import packaged_rules


def judgement() -> Judgement:
    outlets = pa.Table.from_pylist([
        {"outlet_id": "u1", "base": "b1", "source_type": "coal_boiler", "utc_offset_min": 480},
        {"outlet_id": "u2", "base": "b1", "source_type": "coal_boiler", "utc_offset_min": 480},
    ])
    summary = pa.Table.from_pylist([
        {"outlet_id": "u1", "code": "a21026", "hours_valid": 10, "hours_judged": 10, "hours_exceeded": 1,
         "mean_corrected_mg_m3": 20.0, "max_corrected_mg_m3": 60.0},
        {"outlet_id": "u2", "code": "a21026", "hours_valid": 30, "hours_judged": 30, "hours_exceeded": 0,
         "mean_corrected_mg_m3": 40.0, "max_corrected_mg_m3": 45.0},
        {"outlet_id": "u2", "code": "a19001", "hours_valid": 30, "hours_judged": 0, "hours_exceeded": 0,
         "mean_corrected_mg_m3": 6.0, "max_corrected_mg_m3": 9.0},  # O2: not a published pollutant
    ])
    limits = pa.Table.from_pylist([
        {"outlet_id": "u1", "set_id": "GB13223-2011", "pollutant": "a21026", "limit_mg_m3": 100.0},
        {"outlet_id": "u1", "set_id": "GB13223-2011-special", "pollutant": "a21026", "limit_mg_m3": 50.0},
        {"outlet_id": "u1", "set_id": "ultra-low-2015", "pollutant": "a21026", "limit_mg_m3": 35.0},
        {"outlet_id": "u2", "set_id": "GB13223-2011", "pollutant": "a21026", "limit_mg_m3": 100.0},
    ])
    hours = pa.Table.from_pylist([
        {"outlet_id": "u1", "code": "a21026", "hour": datetime(2025, 1, 31, 23), "emission_total_kg": 1500.0},
        {"outlet_id": "u1", "code": "a21026", "hour": datetime(2025, 2, 1, 0), "emission_total_kg": 250.0},
        {"outlet_id": "u2", "code": "a21026", "hour": datetime(2025, 2, 1, 0), "emission_total_kg": 750.0},
        {"outlet_id": "u2", "code": "a21026", "hour": datetime(2025, 2, 1, 1), "emission_total_kg": None},
    ])
    events_table = pa.Table.from_pylist([
        {"outlet_id": "u1", "code": "a21026", "start": datetime(2025, 1, 5), "peak_multiple": 1.2},
        {"outlet_id": "u2", "code": "a21026", "start": datetime(2025, 1, 6), "peak_multiple": 3.0},
    ])
    return Judgement(period=Period(date(2025, 1, 1), date(2025, 3, 1)), outlet_ids=("u1", "u2"),
                     tables={"summary": summary, "hours": hours, "events": events_table}, limits=limits,
                     rollups=pa.table({}), offsets={"u1": 480, "u2": 480}, engine="duckdb", inputs={},
                     rules=packaged_rules(), outlets=outlets)


def test_performance_weights_means_by_valid_hours_and_takes_the_strictest_limits() -> None:
    (row,) = performance(judgement())
    # mean = (20 x 10 + 40 x 30) / (10 + 30) = 1400 / 40 = 35.0; highest hour = max(60, 45) = 60
    assert row["mean_corrected_mg_m3"] == 35.0 and row["max_corrected_mg_m3"] == 60.0
    # standard: min(100, 50, 100) = 50 (the special limits of u1); ultra-low: only u1's 35
    assert (row["limit_mg_m3"], row["ultra_low_limit_mg_m3"]) == (50.0, 35.0)
    assert (row["hours_exceeded"], row["hours_judged"], row["outlets"]) == (1, 40, ["u1", "u2"])


def test_outlet_limits_split_standard_and_ultra_low() -> None:
    limits = outlet_limits(judgement())
    assert limits[("u1", "a21026")] == {"standard": 50.0, "ultra_low": 35.0}
    assert limits[("u2", "a21026")] == {"standard": 100.0, "ultra_low": None}


def test_monthly_tonnes_sum_hourly_kg_and_keep_missing_hours_out() -> None:
    rows = monthly_tonnes(judgement())
    # January: 1500 kg = 1.5 t; February: 250 + 750 = 1000 kg = 1.0 t (the null hour adds nothing)
    assert rows == [{"month": "2025-01", "code": "a21026", "tonnes": 1.5},
                    {"month": "2025-02", "code": "a21026", "tonnes": 1.0}]
    assert monthly_tonnes(judgement(), ["u2"]) == [{"month": "2025-02", "code": "a21026", "tonnes": 0.75}]


def test_events_worst_first() -> None:
    assert [e["outlet_id"] for e in events(judgement())] == ["u2", "u1"]  # peak multiple 3.0 before 1.2
