"""HJ 75-2017 §12.2 substitution of invalid hours' emission amounts, by hand on constructed hour tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from ultralow.cems import duckdb_engine, substitution
from ultralow.standards import packaged_rules

START = dt.datetime(2025, 1, 1)


def hours(valid_amounts: list[float], gap: int, after: int = 1, stopped: int = 0, calibration_at: int | None = None,
          out_of_control: bool = False) -> list[dict[str, Any]]:
    """Valid hours with the given kg, then ``stopped`` stopped hours, ``gap`` invalid operating hours,
    then ``after`` valid hours of 1 kg."""
    rows = []
    kinds = (["valid"] * len(valid_amounts)) + ["stopped"] * stopped + ["gap"] * gap + ["valid"] * after
    amounts = valid_amounts + [None] * (stopped + gap) + [1.0] * after
    for i, (kind, kg) in enumerate(zip(kinds, amounts, strict=True)):
        rows.append({
            "outlet_id": "u1", "code": "a21026", "hour": START + dt.timedelta(hours=i),
            "operating": kind != "stopped", "stopped": kind == "stopped", "valid": kind == "valid",
            "emission_valid": kind == "valid", "emission_kg": kg,
            "n_calibration": 1 if calibration_at == i else 0,
            "mark_type": None, "out_of_control": out_of_control and kind == "gap",
        })
    return rows


def run(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    engine = duckdb_engine()
    table = engine.load(pa.Table.from_pylist(rows))
    out = engine.to_arrow(substitution.substitute(table, packaged_rules())).to_pylist()
    return sorted(out, key=lambda r: r["hour"])


def gap_rows(out: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in out if r["operating"] and not r["emission_valid"]]


def test_short_gap_high_capture_uses_max_of_180_hours_before_the_failure() -> None:
    # 200 valid hours of 1000 - i kg (999 … 800), 3 invalid: alpha = 201 / 204 = 0.985 >= 90 %, N = 3 <= 24
    # -> max of the 180 valid hours before the failure: i = 21 … 200, 979 … 800 kg -> 979
    out = run(hours([1000.0 - i for i in range(1, 201)], gap=3))
    gap = gap_rows(out)
    assert [(r["gap_hours"], r["substitution_rule"], r["substitute_kg"]) for r in gap] == [(3, "B-90-short", 979.0)] * 3
    assert gap[0]["alpha"] == pytest.approx(201 / 204)
    assert [r["emission_total_kg"] for r in gap] == [979.0] * 3


def test_long_gap_high_capture_uses_720_hours() -> None:
    # 300 valid + 25 invalid + 1 valid: alpha = 301 / 326 = 0.923, N = 25 > 24 -> 720 hours -> all 300 -> 999
    out = run(hours([1000.0 - i for i in range(1, 301)], gap=25))
    gap = gap_rows(out)
    assert {(r["gap_hours"], r["substitution_rule"], r["substitute_kg"]) for r in gap} == {(25, "B-90-long", 999.0)}


def test_capture_between_75_and_90_uses_2160_hours() -> None:
    # 200 valid + 30 invalid + 1 valid: alpha = 201 / 231 = 0.870 -> 2160 hours -> max of all = 999
    out = run(hours([1000.0 - i for i in range(1, 201)], gap=30))
    assert {(r["substitution_rule"], r["substitute_kg"]) for r in gap_rows(out)} == {("B-75", 999.0)}


def test_capture_below_75_has_no_substitute() -> None:
    # 10 valid + 10 invalid + 1 valid: alpha = 11 / 21 = 0.524 -> no HJ 75 rule
    out = run(hours([5.0] * 10, gap=10))
    assert {(r["substitution_rule"], r["substitute_kg"], r["emission_total_kg"]) for r in gap_rows(out)} == {
        ("none-below-75", None, None)}


def test_stopped_hours_count_zero_and_stay_out_of_capture() -> None:
    # 200 valid, 100 stopped, 3 invalid, 1 valid: alpha = 201 / 204 (stopped excluded) -> still >= 90 %
    out = run(hours([1000.0 - i for i in range(1, 201)], gap=3, stopped=100))
    stopped = [r for r in out if r["stopped"]]
    assert {r["emission_total_kg"] for r in stopped} == {0.0}
    assert {r["substitution_rule"] for r in gap_rows(out)} == {"B-90-short"}


def test_out_of_control_looks_back_before_the_last_calibration() -> None:
    # amounts rise 1 … 200 kg; calibration in hour 150 (index 149); out-of-control gap after hour 200.
    # Table A: max of the 180 valid hours before the calibration = hours 1 … 149 -> 149 kg
    # (Table B would give the max before the failure: 200 kg)
    rows = hours([float(i) for i in range(1, 201)], gap=3, calibration_at=149, out_of_control=True)
    gap = gap_rows(run(rows))
    assert {(r["substitution_kind"], r["substitution_rule"], r["substitute_kg"]) for r in gap} == {
        ("out_of_control", "A-90-short", 149.0)}
    plain = gap_rows(run(hours([float(i) for i in range(1, 201)], gap=3, calibration_at=149)))
    assert {(r["substitution_rule"], r["substitute_kg"]) for r in plain} == {("B-90-short", 200.0)}


def test_annual_totals_add_measured_and_substituted() -> None:
    engine = duckdb_engine()
    rows = hours([10.0] * 200, gap=2, stopped=5)
    subst = substitution.substitute(engine.load(pa.Table.from_pylist(rows)), packaged_rules())
    [year] = engine.to_arrow(substitution.annual_emissions(subst)).to_pylist()
    # measured: 200 x 10 + 1 x 1 = 2001 kg; substituted: 2 x max(10) = 20 kg; total 2021 kg = 2.021 t
    assert (year["measured_kg"], year["substituted_kg"], year["total_kg"]) == (2001.0, 20.0, 2021.0)
    assert (year["hours_measured"], year["hours_substituted"], year["hours_stopped"]) == (201, 2, 5)
    assert year["total_t"] == pytest.approx(2.021)
