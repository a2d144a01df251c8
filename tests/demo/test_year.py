"""An outlet's demo period: bulk part, tail, rounding, flags, seeds."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from ultralow.demo.group import demo_registry
from ultralow.demo.scenario import read_scenario
from ultralow.demo.year import demo_profiles, flag_codes, generate, outlet_year, tail_series
from ultralow.loggers.signals import Event, minute_series


def test_bulk_and_tail_split_the_period():
    scenario = read_scenario()
    outlet = demo_registry().outlet("binzhou-port-pl2")
    year = outlet_year(outlet, scenario, days=2, seed=5)
    # 2 days < short_run_days: the tail is short_run_stream_hours (1 h) = 60 min, the bulk 2880 - 60 = 2820
    assert len(year.tail) == 60 and year.values.shape[0] == 2 * 1440 - 60
    # potline exports SO2, PM, fluoride, O2 and flow (no NOx in its profile), in the scenario's order
    assert year.codes == ("a21026", "a34013", "a21018", "a19001", "a00000")
    assert year.values.shape == year.flags.shape == (2820, 5)
    assert str(year.tail.times[0]) == "2025-01-02T23:00"  # the last hour starts on a whole hour
    # rounded as sent: flow 1 decimal, fluoride 3, others 2
    flow = year.values[:, year.codes.index("a00000")]
    assert np.allclose(flow, np.round(flow, 1)) and not np.allclose(flow, np.round(flow, 0))
    so2 = year.values[:, 0]
    assert np.array_equal(so2, np.round(so2, 2))
    assert set(np.unique(year.flags).tolist()) <= {ord(c) for c in "NCDMFS"}
    # the planted breach, 2 days: from 0.62 x 48 h = 29.76 h -> hour 30, length min(300, 0.1 x 2880 = 288) = 288
    [planted] = year.planted
    assert (planted.start, planted.end) == (30 * 60, 30 * 60 + 288)
    assert year.values[30 * 60:30 * 60 + 288, 1].min() >= 32.0


def test_same_seed_same_data_and_background_rates():
    scenario = read_scenario()
    outlet = demo_registry().outlet("zouping-north-u1")
    a = outlet_year(outlet, scenario, days=3, seed=1)
    b = outlet_year(outlet, scenario, days=3, seed=1)
    c = outlet_year(outlet, scenario, days=3, seed=2)
    assert np.array_equal(a.values, b.values) and np.array_equal(a.flags, b.flags)
    assert not np.array_equal(a.values, c.values)
    profiles = demo_profiles(scenario)
    assert profiles.get("coal_boiler").rates_per_30d["stop"] == 0.0
    assert profiles.get("potline").rates_per_30d["breach"] == 0.0
    assert profiles.get("coal_boiler").rates_per_30d["fault"] > 0.0  # background faults stay


def test_generate_in_processes_equals_in_process():
    scenario = read_scenario()
    outlets = demo_registry().outlets[:3]
    one = generate(outlets, scenario, 1, 9, workers=1)
    two = generate(outlets, scenario, 1, 9, workers=2)
    assert [y.outlet_id for y in two] == [o.id for o in outlets]
    assert all(np.array_equal(x.values, y.values) for x, y in zip(one, two, strict=True))


def test_flag_codes_are_ascii():
    assert flag_codes(np.array(["N", "C", "D"])).tolist() == [78, 67, 68]


def test_tail_series_reindexes_events():
    series = minute_series("coal_boiler", datetime(2025, 1, 1), 180, seed=3)
    series.events = [Event("fault", 100, 50, ("a21026",)), Event("stop", 10, 20, ("a21026",))]
    tail = tail_series(series, 120)
    assert len(tail) == 60 and tail.times[0] == series.times[120]
    # the fault ran minutes 100..150: 30 of them are in the tail, from its minute 0; the stop is not
    assert tail.events == [Event("fault", 0, 30, ("a21026",))]
    assert np.array_equal(tail.avg["a21026"], series.avg["a21026"][120:])


def test_release_bulk_frees_the_arrays():
    year = outlet_year(demo_registry().outlet("huimin-u1"), read_scenario(), days=1, seed=0)
    tail = len(year.tail)
    year.release_bulk()
    assert year.values.shape == (0, len(year.codes)) and year.flags.shape == (0, len(year.codes))
    assert year.values.base is None  # a new empty array, not a view that would keep the year alive
    assert len(year.tail) == tail
