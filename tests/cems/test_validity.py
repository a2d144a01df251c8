"""HJ 75/76 validity: 44 vs 45 valid minutes, flags, plausibility, day >= 20 hours, month >= 25 (Feb 23)."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
import pytest
from cems_support import DAY, O2, SO2, Data, at, judge

from ultralow.cems import duckdb_engine, rates
from ultralow.standards import packaged_rules

UNIT = ("u1", "coal_boiler", ["GB13223-2011", "ultra-low-2015"])


def coal(data: Data) -> Data:
    return data.outlet(*UNIT)


def test_44_valid_minutes_is_invalid_45_is_valid() -> None:
    data = coal(Data())
    # 10:00 hour: 44 minutes N + 16 minutes D (fault); 11:00 hour: 45 N + 15 D
    data.minutes("u1", SO2, at(10), [20.0] * 60, ["N"] * 44 + ["D"] * 16)
    data.minutes("u1", SO2, at(11), [20.0] * 60, ["N"] * 45 + ["D"] * 15)
    data.hour("u1", O2, at(10), 6.0).hour("u1", O2, at(11), 6.0)
    out = judge(data)
    h10, h11 = out.hour("u1", SO2, at(10)), out.hour("u1", SO2, at(11))
    # the 16 invalid minutes are all flag D: the reason is the fault, not just "too few minutes"
    assert (h10["valid_minutes"], h10["valid"], h10["invalid_reason"]) == (44, False, "fault")
    assert h10["corrected_mg_m3"] is None and h10["exceeded"] is False
    # the mean of the 44 valid minutes is indicative only: measured_mg_m3 stays null
    assert (h10["measured_mg_m3"], h10["indicative_mg_m3"]) == (None, 20.0)
    assert (h11["valid_minutes"], h11["valid"], h11["corrected_mg_m3"]) == (45, True, 20.0)  # O2 6 = reference


def test_only_flag_n_counts_and_values_must_be_plausible() -> None:
    data = coal(Data())
    # 50 N minutes, of which 6 negative (implausible) -> 44 valid; the other flags never count
    values = [20.0] * 44 + [-5.0] * 6 + [20.0] * 10
    flags = ["N"] * 50 + ["M", "S", "C", "T", "B", "F", "P", "D", "N", "N"]
    data.minutes("u1", SO2, at(10), values, flags).hour("u1", O2, at(10), 6.0)
    out = judge(data)
    hour = out.hour("u1", SO2, at(10))
    assert hour["valid_minutes"] == 44 + 2  # 44 plausible N + the 2 trailing N minutes
    assert hour["valid"] is True
    assert hour["measured_mg_m3"] == 20.0  # negatives excluded from the mean
    # raw mean of everything received except the calibration-gas minute (flag C, value 20):
    # (20 x 54 - 20 - 5 x 6) / 59 = 1030 / 59 = 17.457627
    assert hour["raw_mg_m3"] == pytest.approx(1030 / 59)


def test_o2_must_be_valid_for_an_o2_corrected_value() -> None:
    data = coal(Data())
    data.hour("u1", SO2, at(10), 20.0).minutes("u1", O2, at(10), [9.0] * 60, ["N"] * 30 + ["D"] * 30)
    out = judge(data)
    hour = out.hour("u1", SO2, at(10))
    # the pollutant had 60 valid minutes: valid for capture (HJ 75 validates each parameter separately) but
    # not judgeable against the 6 %-O2 limit, since the O2 hour has 30 valid minutes (< 45)
    assert hour["valid_minutes"] == 60
    assert (hour["valid"], hour["invalid_reason"], hour["judgeable"], hour["unjudged_reason"]) == (
        True, None, False, "o2_invalid")
    assert (hour["corrected_mg_m3"], hour["legal_exceeded"], hour["ultra_low_exceeded"]) == (None, None, None)
    assert (hour["o2_pct"], hour["indicative_o2_pct"]) == (None, 9.0)
    summary = out.summary("u1", SO2)
    # capture counts it (1 valid of 1 operating... of 24 hours, 23 with no data): valid 1; judged 0 -> rate null
    assert (summary["hours_valid"], summary["hours_unjudgeable"], summary["hours_judged"]) == (1, 1, 0)
    assert summary["compliance_rate"] is None and summary["compliance_rate_legal"] is None
    [found] = [f for f in out.findings("not_judgeable", "u1") if f["code"] == SO2]
    assert (found["start"], found["hours"]) == (at(10), 1)


def test_day_needs_20_valid_hours() -> None:
    # hours table as the engine produces it: 19 valid hours on day 1, 20 on day 2 (value 10 each)
    engine = duckdb_engine()
    rows = []
    for day, valid_count in ((DAY, 19), (DAY + dt.timedelta(days=1), 20)):
        for h in range(24):
            valid = h < valid_count
            rows.append({"outlet_id": "u1", "code": SO2, "hour": dt.datetime.combine(day, dt.time(h)),
                         "operating": True, "valid": valid, "measured_mg_m3": 10.0,
                         "corrected_mg_m3": 10.0 if valid else None})
    days = engine.to_arrow(rates.days(engine.load(pa.Table.from_pylist(rows)), packaged_rules())).to_pylist()
    by_day = {d["day"]: d for d in days}
    assert (by_day[DAY]["valid_hours"], by_day[DAY]["valid"], by_day[DAY]["corrected_mg_m3"]) == (19, False, None)
    second = by_day[DAY + dt.timedelta(days=1)]
    assert (second["valid_hours"], second["valid"], second["corrected_mg_m3"]) == (20, True, 10.0)


def test_month_needs_25_valid_days_february_23() -> None:
    engine = duckdb_engine()
    rows = []
    # March 2025: 24 valid days -> invalid; April: 25 -> valid; February: 23 -> valid; Feb 2026: 22 -> invalid
    for year, month, valid_days, length in ((2025, 3, 24, 31), (2025, 4, 25, 30), (2025, 2, 23, 28), (2026, 2, 22, 28)):
        for d in range(1, length + 1):
            ok = d <= valid_days
            rows.append({"outlet_id": "u1", "code": SO2, "day": dt.date(year, month, d), "valid": ok,
                         "corrected_mg_m3": 12.0 if ok else None})
    months = engine.to_arrow(rates.months(ibis.memtable(pa.Table.from_pylist(rows)), packaged_rules())).to_pylist()
    got = {(m["year"], m["month"]): (m["valid_days"], m["valid"]) for m in months}
    assert got == {(2025, 3): (24, False), (2025, 4): (25, True), (2025, 2): (23, True), (2026, 2): (22, False)}
