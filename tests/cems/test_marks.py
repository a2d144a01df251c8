"""Marks as intervals with a policy table: they change judgements, never the readings."""

from __future__ import annotations

from cems_support import O2, SO2, Data, at, judge

from ultralow.cems import duckdb_engine

COAL = ("u1", "coal_boiler", ["ultra-low-2015"])


def test_maintenance_mark_invalidates_minutes_but_keeps_raw_values() -> None:
    data = Data().outlet(*COAL)
    data.hour("u1", SO2, at(10), 50.0).hour("u1", O2, at(10), 6.0)
    # maintenance 10:40-11:00 covers 20 minutes: 60 - 20 = 40 valid minutes < 45 -> invalid, no exceedance
    data.mark("u1", SO2, at(10, 40), at(11), "maintenance")
    engine = duckdb_engine()
    readings = engine.load(data.readings_table())
    before = engine.to_arrow(readings).to_pylist()
    out = judge(data, engine=engine)
    hour = out.hour("u1", SO2, at(10))
    assert (hour["valid_minutes"], hour["valid"], hour["exceeded"]) == (40, False, False)
    # the raw mean keeps every minute; the mean of the 40 valid minutes is only indicative
    assert hour["raw_mg_m3"] == 50.0 and hour["indicative_mg_m3"] == 50.0 and hour["measured_mg_m3"] is None
    assert (hour["mark_type"], hour["invalid_reason"]) == ("maintenance", "marked_invalid")
    assert engine.to_arrow(readings).to_pylist() == before  # readings untouched


def test_mark_for_all_codes_covers_o2_too() -> None:
    data = Data().outlet(*COAL)
    data.hour("u1", SO2, at(10), 20.0).hour("u1", O2, at(10), 6.0)
    data.mark("u1", None, at(10, 30), at(11), "calibration")  # 30 minutes of every factor
    hour = judge(data).hour("u1", SO2, at(10))
    assert (hour["valid_minutes"], hour["valid"]) == (30, False)


def test_startup_mark_exempts_the_hour_but_keeps_the_raw_exceedance() -> None:
    data = Data().outlet(*COAL)
    data.hour("u1", SO2, at(10), 80.0).hour("u1", O2, at(10), 6.0)
    data.hour("u1", SO2, at(11), 80.0).hour("u1", O2, at(11), 6.0)
    data.mark("u1", None, at(10, 15), at(10, 45), "startup_shutdown")
    out = judge(data)
    marked, unmarked = out.hour("u1", SO2, at(10)), out.hour("u1", SO2, at(11))
    assert (marked["valid"], marked["raw_exceeded"], marked["exempt"], marked["exceeded"]) == (True, True, True, False)
    assert (unmarked["raw_exceeded"], unmarked["exempt"], unmarked["exceeded"]) == (True, False, True)
    summary = out.summary("u1", SO2)
    # compliance over valid non-exempt hours: 1 judged, 1 exceeded -> 0; the exempt hour is reported apart
    assert (summary["hours_exempt"], summary["hours_judged"], summary["compliance_rate"]) == (1, 1, 0.0)
    assert [(e["start"], e["duration_h"]) for e in out.tables["events"]] == [(at(11), 1)]


def test_stopped_mark_covering_the_hour_makes_it_source_stopped() -> None:
    data = Data().outlet(*COAL)
    data.hour("u1", SO2, at(10), 5.0).hour("u1", O2, at(10), 20.5)
    data.mark("u1", None, at(10), at(11), "stopped")
    hour = judge(data).hour("u1", SO2, at(10))
    assert (hour["status"], hour["exceeded"]) == ("stopped", False)
