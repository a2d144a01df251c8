"""The engine's SQL recorded once and replayed on new inputs (ultralow.cems.replay): the same rows as a fresh run,
a guard that refuses inputs choosing another pipeline shape, and kept tables whose inputs did not change."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from cems_support import DAY, FLOW, O2, SO2, Data, at

from ultralow.cems import Period, duckdb_engine, run
from ultralow.cems.replay import PlanMismatch, RecordingEngine
from ultralow.standards import packaged_catalog

WIDE = Period(dt.date(2000, 1, 1), dt.date(2100, 1, 1))
KEYS = [("code", "ascending"), ("hour", "ascending")]


def _data(day: dt.date, so2: float, o2: float = 6.0, mark: bool = False) -> Data:
    d = Data().outlet("u1", "coal_boiler", ["GB13223-2011", "ultra-low-2015"])
    for h in range(3):
        d.hour("u1", SO2, at(h, day=day), so2 + h)
        d.hour("u1", O2, at(h, day=day), o2)
        d.hour("u1", FLOW, at(h, day=day), 100.0)
    if mark:
        d.mark("u1", SO2, at(1, day=day), at(2, day=day), "maintenance")
    return d


def _grid(day: dt.date) -> pa.Table:
    return pa.table({"hour": pa.array([at(h, day=day) for h in range(3)], pa.timestamp("us"))})


def _record(data: Data, grid: pa.Table) -> tuple[RecordingEngine, pa.Table]:
    engine = RecordingEngine("duckdb", duckdb_engine().con)
    readings = engine.role("readings", data.readings_table())
    outlets = engine.role("outlets", data.outlets_table())
    grid = engine.role("hour_grid", grid)
    result = run(engine.load(readings), engine.load(outlets), engine.load(packaged_catalog().table()), None, WIDE,
                 engine=engine, context=WIDE, hour_grid=grid)
    engine.building = False
    return engine, engine.to_arrow(result.hours)


def _fresh(data: Data, day: dt.date) -> pa.Table:
    engine = duckdb_engine()
    result = run(engine.load(data.readings_table()), engine.load(data.outlets_table()),
                 engine.load(packaged_catalog().table()), None, WIDE, engine=engine, context=WIDE, hour_grid=_grid(day))
    return engine.to_arrow(result.hours)


def test_a_replay_gives_a_fresh_runs_rows() -> None:
    engine, first = _record(_data(DAY, 20.0), _grid(DAY))
    plan = engine.plan()
    day2 = DAY + dt.timedelta(days=1)
    later = _data(day2, 200.0, o2=9.0)
    inputs = {"readings": later.readings_table(), "outlets": later.outlets_table(), "hour_grid": _grid(day2)}
    (got,) = plan.run(inputs)
    want = _fresh(later, day2)
    assert got.sort_by(KEYS).equals(want.sort_by(KEYS))
    # HJ 75 O2 correction to 6 %: 200 x (21 - 6) / (21 - 9) = 200 x 15 / 12 = 250 mg/m3 (then 251.25, 252.5)
    so2 = [r for r in got.sort_by(KEYS).to_pylist() if r["code"] == SO2]
    assert [r["corrected_mg_m3"] for r in so2] == pytest.approx([250.0, 251.25, 252.5])
    assert all(r["legal_exceeded"] for r in so2)  # GB 13223-2011 coal boiler SO2 100 mg/m3
    # the same inputs again: every table is kept, the rows stay the same
    (again,) = plan.run(inputs)
    assert again.sort_by(KEYS).equals(got.sort_by(KEYS))
    assert [name for name, _ in plan.timings if name.startswith("ul_")] == []
    # new minutes of the same outlet: the tables made from the outlets alone (limit candidates, their ranking,
    # the fallback O2 reference) are kept; the parsed statements of the first replays read the new inputs
    day3 = day2 + dt.timedelta(days=1)
    third = _data(day3, 30.0)
    (got3,) = plan.run({"readings": third.readings_table(), "outlets": third.outlets_table(), "hour_grid": _grid(day3)})
    made = [name for name, _ in plan.timings]
    assert not any(part in n for n in made for part in ("candidates", "ranked", "fallback"))
    assert any("judged" in n for n in made)
    assert got3.sort_by(KEYS).equals(_fresh(third, day3).sort_by(KEYS))
    assert first.num_rows == got.num_rows == 3  # 3 SO2 hours (O2 and flow are parameters)


def test_inputs_of_another_shape_are_refused() -> None:
    # a plan recorded with a mark and replayed without any: the guard (is there a mark at all?) refuses
    marked = _data(DAY, 20.0, mark=True)
    engine = RecordingEngine("duckdb", duckdb_engine().con)
    tables = {"readings": marked.readings_table(), "outlets": marked.outlets_table(), "hour_grid": _grid(DAY),
              "marks": marked.marks_table()}
    given = {k: engine.role(k, v) for k, v in tables.items()}
    result = run(engine.load(given["readings"]), engine.load(given["outlets"]), engine.load(packaged_catalog().table()),
                 engine.load(given["marks"]), WIDE, engine=engine, context=WIDE, hour_grid=given["hour_grid"])
    engine.building = False
    engine.to_arrow(result.hours)
    plan = engine.plan()
    with pytest.raises(PlanMismatch):
        plan.run({**tables, "marks": marked.marks_table().slice(0, 0)})
    with pytest.raises(ValueError, match="hour_grid"):
        plan.run({"readings": marked.readings_table(), "outlets": marked.outlets_table(), "marks": marked.marks_table()})
