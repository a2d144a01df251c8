"""Ultra-low time ratio per quarter and its premium tiers (发改价格〔2015〕2835号), transmission rates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest
from cems_support import NOX, O2, PM, SO2, Data, at, judge

from ultralow.cems import duckdb_engine, rates
from ultralow.standards import outlet_candidates, packaged_catalog, packaged_rules

START = dt.datetime(2025, 4, 1)


def outlets(ids: list[str]) -> pa.Table:
    return pa.table({"outlet_id": ids, "base": ["b"] * len(ids), "source_type": ["coal_boiler"] * len(ids),
                     "limit_sets": pa.array([["GB13223-2011", "ultra-low-2015"]] * len(ids), pa.list_(pa.string())),
                     "wet_analyser": [False] * len(ids), "utc_offset_min": pa.array([480] * len(ids), pa.int16())})


def hour_rows(outlet: str, n_hours: int, failing: int, **extra: Any) -> list[dict[str, Any]]:
    """``n_hours`` hours of PM 5, SO2 20, NOx 30 at 6 % O2; the first ``failing`` have NOx 60 (> 50)."""
    rows = []
    for i in range(n_hours):
        for code, value in ((PM, 5.0), (SO2, 20.0), (NOX, 60.0 if i < failing else 30.0)):
            row = {"outlet_id": outlet, "code": code, "hour": START + dt.timedelta(hours=i), "measured_mg_m3": value,
                   "o2_pct": 6.0, "valid": True, "judgeable": True, "exempt": False, "operating": True}
            row.update(extra.get(code, {}) if i == 0 else {})
            row["judgeable"] = row["valid"]
            rows.append(row)
    return rows


def ratios(rows: list[dict[str, Any]], ids: list[str]) -> dict[str, dict[str, Any]]:
    engine = duckdb_engine()
    cands = outlet_candidates(engine.load(outlets(ids)), engine.load(packaged_catalog().table()))
    table = rates.ultra_low_ratio(engine.load(pa.Table.from_pylist(rows)), cands, packaged_rules())
    return {r["outlet_id"]: r for r in engine.to_arrow(table).to_pylist()}


def test_premium_tiers_at_99_and_80_percent() -> None:
    # 100 assessed hours each: 1 failing -> 99 % full; 2 -> 98 % reduced (98 % x 90 % = 0.882); 21 -> 79 % none
    rows = hour_rows("a", 100, 1) + hour_rows("b", 100, 2) + hour_rows("c", 100, 21)
    got = ratios(rows, ["a", "b", "c"])
    assert [(got[k]["ratio"], got[k]["tier"]) for k in "abc"] == [(0.99, "full"), (0.98, "reduced"), (0.79, "none")]
    assert got["a"]["premium_share"] == 1.0
    assert got["b"]["premium_share"] == pytest.approx(0.882)
    assert got["c"]["premium_share"] == 0.0
    assert (got["a"]["year"], got["a"]["quarter"], got["a"]["hours_assessed"]) == (2025, 2, 100)


def test_an_hour_fails_if_any_pollutant_exceeds_even_when_another_is_invalid() -> None:
    # hour 0: SO2 invalid and NOx 60 > 50 -> assessed and failed; hour 1: SO2 invalid, no exceedance -> not assessed
    rows = hour_rows("a", 2, 1, **{SO2: {"valid": False}})
    rows[4]["valid"] = rows[4]["judgeable"] = False  # hour 1 SO2 (rows are PM, SO2, NOx per hour)
    got = ratios(rows, ["a"])["a"]
    assert (got["hours_assessed"], got["hours_unassessed"], got["hours_meeting"], got["ratio"]) == (1, 1, 0, 0.0)


def test_unassessed_hours_stay_in_the_denominator() -> None:
    # 240 operating hours, all meeting where judged; SO2 invalid in the first 60 -> 60 unassessed.
    # assessed only: 180 / 180 = 1.0 (would be the full tier); by the policy (unassessed = not_meeting):
    # 180 / (180 + 60) = 0.75 < 0.80 -> no premium
    rows = hour_rows("a", 240, 0)
    for i in range(60):
        rows[3 * i + 1]["valid"] = rows[3 * i + 1]["judgeable"] = False
    got = ratios(rows, ["a"])["a"]
    assert (got["hours_operating"], got["hours_assessed"], got["hours_unassessed"], got["hours_meeting"]) == (
        240, 180, 60, 180)
    assert (got["ratio_assessed_only"], got["ratio"], got["tier"], got["premium_share"]) == (1.0, 0.75, "none", 0.0)
    assert (got["denominator_rule"], got["denominator_status"], got["tier_status"]) == (
        "not_meeting", "unverified", "verified")


def test_exempt_hours_leave_the_ratio() -> None:
    # 100 hours meeting, 10 more with a start-up mark (exempt) and NOx 60: left out of numerator and denominator
    rows = hour_rows("a", 110, 10)
    for r in rows[:30]:
        r["exempt"] = True
    got = ratios(rows, ["a"])["a"]
    # 110 operating - 10 exempt = 100 counted, all assessed and meeting -> 100 / 100 = 1.0
    assert (got["hours_exempt"], got["hours_assessed"], got["hours_unassessed"], got["ratio"]) == (10, 100, 0, 1.0)


def test_ultra_low_is_judged_at_its_own_reference_o2() -> None:
    # NOx 45 measured at O2 8 %: 45 x 15 / 13 = 51.92 > 50 -> the hour fails
    rows = hour_rows("a", 1, 0)
    rows[2]["measured_mg_m3"] = 45.0
    for r in rows:
        r["o2_pct"] = 8.0
    assert ratios(rows, ["a"])["a"]["hours_meeting"] == 0


def test_transmission_and_effective_transmission_rates() -> None:
    data = Data().outlet("u1", "coal_boiler", ["ultra-low-2015"])
    # of 24 clock hours: 12 received, of which 6 valid (60 minutes) and 6 with 30 minutes only
    for h in range(12):
        data.hour("u1", SO2, at(h), 20.0, count=60 if h < 6 else 30).hour("u1", O2, at(h), 6.0)
    summary = judge(data).summary("u1", SO2)
    # transmission 12 / 24 = 0.5; validity 6 / 12 = 0.5; effective 0.25
    assert (summary["transmission_rate"], summary["validity_rate"], summary["effective_transmission_rate"]) == (
        0.5, 0.5, 0.25)
