"""Signal models: ranges from the profiles, the O2 conversion, events and flags, aggregation, determinism."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from ultralow.loggers.signals import (
    FLOW,
    O2,
    Event,
    aggregate_flags,
    ar1,
    hourly_series,
    minute_series,
    outlet_seed,
)

SO2, NOX, PM, FLUORIDE, NO, NO2 = "a21026", "a21002", "a34013", "a21018", "a21003", "a21004"
DAY = 1440


def quiet(events: list[Event], n: int) -> np.ndarray:
    """Minutes outside every scheduled event."""
    mask = np.ones(n, dtype=bool)
    for event in events:
        mask[event.start : event.start + event.minutes] = False
    return mask


def test_same_arguments_give_the_same_series_and_another_seed_does_not() -> None:
    a = minute_series("coal_boiler", datetime(2025, 3, 3), 3 * DAY, seed=11)
    b = minute_series("coal_boiler", datetime(2025, 3, 3), 3 * DAY, seed=11)
    c = minute_series("coal_boiler", datetime(2025, 3, 3), 3 * DAY, seed=12)
    for code in a.avg:
        assert np.array_equal(a.avg[code], b.avg[code], equal_nan=True)
        assert np.array_equal(a.flags[code], b.flags[code])
    assert a.events == b.events
    assert not np.array_equal(a.avg[SO2], c.avg[SO2])


def test_coal_boiler_stays_in_the_issue_ranges_at_6_percent_o2() -> None:
    series = minute_series("coal_boiler", datetime(2025, 3, 3), 10 * DAY, seed=3)
    calm = quiet(series.events, len(series))
    assert calm.sum() > 5 * DAY
    # issue 3: SO2 10-25, NOx 20-40, PM 0.5-3 mg/m3 at 6 % O2; O2 5-8 %
    for code, (low, high) in {SO2: (10, 25), NOX: (20, 40), PM: (0.5, 3)}.items():
        converted = series.converted[code][calm]
        assert converted.min() >= low - 1e-9 and converted.max() <= high + 1e-9
    o2 = series.avg[O2][calm]
    assert o2.min() >= 5.0 and o2.max() <= 8.0


def test_measured_and_converted_values_follow_the_o2_correction() -> None:
    # HJ 75 / GB 13223: c_ref = c_meas * (21 - 6) / (21 - O2). At O2 = 7 % a measured 14 mg/m3 is
    # 14 * 15 / 14 = 15 mg/m3 at 6 %: the series must satisfy c_meas = c_ref * (21 - O2) / 15 everywhere.
    series = minute_series("coal_boiler", datetime(2025, 3, 3), DAY, seed=5)
    ok = ~np.isnan(series.converted[SO2])
    expected = series.converted[SO2][ok] * (21.0 - series.avg[O2][ok]) / 15.0
    assert np.allclose(series.avg[SO2][ok], expected, rtol=1e-12)
    assert 14.0 * 15 / (21 - 7) == 15.0


def test_nox_species_add_up_to_nox_as_no2() -> None:
    # NOx (as NO2) = NO * 46.0055 / 30.0061 + NO2, NO2 being 5 % of NOx (profiles.toml [nox_species])
    series = minute_series("coal_boiler", datetime(2025, 3, 3), 120, seed=5)
    total = series.avg[NO] * 1.5332 + series.avg[NO2]
    assert np.allclose(total, series.avg[NOX], rtol=1e-12)
    assert np.allclose(series.avg[NO2], 0.05 * series.avg[NOX])


def test_potline_is_measured_at_ambient_o2_without_conversion() -> None:
    series = minute_series("potline", datetime(2025, 3, 3), 3 * DAY, seed=8)
    assert series.converted == {}  # GB 25465: measured concentration, no O2 reference
    calm = quiet(series.events, len(series))
    assert 20.6 <= series.avg[O2][calm].min() and series.avg[O2][calm].max() <= 20.9
    assert 0.1 <= series.avg[FLUORIDE][calm].min() and series.avg[FLUORIDE][calm].max() <= 1.0
    assert 1.0 <= series.avg[PM][calm].min() and series.avg[PM][calm].max() <= 5.0


def test_daily_calibration_flags_the_gas_analysers_c_for_15_minutes_a_day() -> None:
    series = minute_series("coal_boiler", datetime(2025, 3, 3), 3 * DAY, seed=21)
    calibrations = [e for e in series.events if e.kind == "calibration"]
    assert len(calibrations) == 3
    assert {e.minutes for e in calibrations} == {15}
    assert calibrations[1].start - calibrations[0].start == DAY  # same time each night
    first = calibrations[0]
    window = slice(first.start, first.start + first.minutes)
    assert set(first.codes) == {SO2, NOX}
    for code in first.codes:
        assert set(series.flags[code][window]) <= {"C", "M", "F"}
        assert np.isnan(series.converted[code][window][series.flags[code][window] == "C"]).all()


def test_unit_stop_is_flagged_f_and_followed_by_a_genuine_start_up_excursion() -> None:
    series = minute_series("gas_turbine", datetime(2025, 3, 3), 30 * DAY, seed=4)
    stops = [e for e in series.events if e.kind == "stop"]
    startups = [e for e in series.events if e.kind == "startup"]
    assert stops and startups
    stop = stops[0]
    during = slice(stop.start, stop.start + stop.minutes)
    assert set(series.flags[SO2][during]) == {"F"}
    assert (series.load_fraction[during] == 0).all() and (series.avg[O2][during] == 20.9).all()
    assert np.isnan(series.converted[NOX][during]).all()  # no conversion near ambient O2: null, not 0
    up = next(e for e in startups if e.start == stop.start + stop.minutes)
    after = slice(up.start, up.start + up.minutes)
    assert set(series.flags[NOX][after]) == {"N"}  # real emissions, not an instrument state
    assert 60.0 <= series.avg[NOX][after].min() and series.avg[NOX][after].max() <= 120.0


def test_amount_is_concentration_times_flow_over_the_minute() -> None:
    # Cou (kg) = c (mg/m3) * Q (m3/s) * 60 s * 1e-6 kg/mg; e.g. 20 mg/m3 at 300 m3/s -> 0.36 kg
    assert 20 * 300 * 60 * 1e-6 == pytest.approx(0.36)
    series = minute_series("coal_boiler", datetime(2025, 3, 3), 60, seed=2)
    assert np.allclose(series.amount[SO2], series.avg[SO2] * series.avg[FLOW] * 60 * 1e-6)
    assert np.allclose(series.amount[FLOW], series.avg[FLOW] * 60)


def test_period_flag_is_normal_from_75_percent_normal_values() -> None:
    def flags(**counts: int) -> np.ndarray:
        return np.array([flag for flag, count in counts.items() for _ in range(count)])

    assert aggregate_flags(flags(N=45, C=15), 0.75) == "N"  # 45 / 60 = 0.75
    assert aggregate_flags(flags(N=44, C=16), 0.75) == "C"  # 44 / 60 < 0.75: the dominant other flag
    assert aggregate_flags(flags(N=30, M=20, D=10), 0.75) == "M"


def test_hours_are_complete_clock_hours_with_their_statistics() -> None:
    series = minute_series("alumina_calciner", datetime(2025, 3, 3, 10, 30), 150, seed=9)
    hours = hourly_series(series)
    # 10:30 + 150 min = 13:00: complete hours are 11:00 and 12:00 (10:00 is cut)
    assert hours.times.astype("datetime64[m]").tolist() == [datetime(2025, 3, 3, 11), datetime(2025, 3, 3, 12)]
    eleven = slice(30, 90)
    assert hours.avg[SO2][0] == pytest.approx(series.avg[SO2][eleven].mean())
    assert hours.low[SO2][0] == series.low[SO2][eleven].min()
    assert hours.high[SO2][0] == series.high[SO2][eleven].max()
    assert hours.amount[SO2][0] == pytest.approx(series.amount[SO2][eleven].sum())


def test_ar1_noise_has_unit_variance_and_its_memory_across_blocks() -> None:
    x = ar1(np.random.default_rng(1), 200_000, 0.9)
    assert np.std(x) == pytest.approx(1.0, abs=0.03)
    assert np.corrcoef(x[:-1], x[1:])[0, 1] == pytest.approx(0.9, abs=0.01)
    # at the block boundaries (every 512 values) the step is no larger than elsewhere
    steps = np.abs(np.diff(x))
    assert steps[511::512].mean() == pytest.approx(steps.mean(), rel=0.15)


def test_outlet_seeds_are_stable_and_distinct() -> None:
    assert outlet_seed(1, "u1") == outlet_seed(1, "u1")
    assert len({outlet_seed(1, f"u{i}") for i in range(100)} | {outlet_seed(2, "u1")}) == 101
