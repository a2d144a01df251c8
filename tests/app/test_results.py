"""Stored results kept up to date incrementally (issue 17 item 8): an hours run judges only the hours whose
minutes arrived, a settle makes the quarter-dependent columns final, and the tables then equal a full run's
on the same data (compared as tables)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner

from ultralow.app import Application
from ultralow.app.results import PROVISIONAL_COLUMNS, has_results, hour_judge, rebuild, settle, update
from ultralow.cli import main
from ultralow.store import Store

REGISTRY = """
[[bases]]
id = "sd"
name = "Shandong"
country = "CN"

[[outlets]]
id = "u1"
base = "sd"
name = "Unit 1"
mn = "MN0000000001"
pw = "123456"
source_type = "coal_boiler"
limit_sets = ["GB13223-2011", "ultra-low-2015"]

[[outlets]]
id = "u2"
base = "sd"
name = "Unit 2"
mn = "MN0000000002"
pw = "123456"
source_type = "coal_boiler"
limit_sets = ["GB13223-2011", "ultra-low-2015"]
"""
FIRST = dt.datetime(2025, 3, 1)
PEAK = dt.datetime(2025, 3, 1, 5)  # u1 SO2 80 mg/m3 for this hour
GAP = (dt.datetime(2025, 3, 2, 10), dt.datetime(2025, 3, 2, 11))  # u1 SO2 flagged D (fault)
NEW = dt.datetime(2025, 3, 3, 8)  # the new complete hour: SO2 50 mg/m3 at O2 9 %
LATE = dt.datetime(2025, 3, 2, 5, 10)  # a late correction of one u1 SO2 minute: 20 -> 80
SECOND = dt.datetime(2025, 3, 1, 12, 30)  # another one: 20 -> 26
SO2 = "a21026"
STAMP = "%Y%m%d%H%M%S"


def _lines(start: dt.datetime, minutes: int) -> list[str]:
    lines = []
    for m in range(minutes):
        t = start + dt.timedelta(minutes=m)
        hour = t.replace(minute=0)
        for n, mn in ((1, "MN0000000001"), (2, "MN0000000002")):
            so2 = 80.0 if (n == 1 and hour == PEAK) else 20.0
            o2 = 6.0
            if hour == NEW:
                so2, o2 = 50.0, 9.0
            flag = "D" if (n == 1 and hour in GAP) else "N"
            stamp = t.strftime(STAMP)
            lines += [f"{mn},{stamp},{SO2},{so2},{flag}", f"{mn},{stamp},a19001,{o2},N", f"{mn},{stamp},a00000,100,N"]
    return lines


def _ingest(db: Path, config: Path, path: Path, lines: list[str]) -> None:
    path.write_text("mn,data_time,code,value,flag\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(path), "--db", str(db), "--config", str(config)])
    assert result.exit_code == 0, result.output


def _tables(db: Path) -> dict[str, pa.Table]:
    with Store(db, read_only=True) as store:
        store.con.complete()
        out = {}
        for name, keys in (("result_hours", ["outlet_id", "code", "hour"]), ("result_days", ["outlet_id", "code", "day"]),
                           ("result_events", ["outlet_id", "code", "limit_kind", "start"])):
            table = store.con.sql(f"SELECT * EXCLUDE (run_id) FROM {name}").to_arrow_table()  # noqa: S608
            if "settled" in table.column_names:
                table = table.drop(["settled"])
            out[name] = table.sort_by([(k, "ascending") for k in keys])
    return out


def _row(table: pa.Table, outlet: str, code: str, hour: dt.datetime) -> dict:
    rows = [r for r in table.to_pylist() if r["outlet_id"] == outlet and r["code"] == code and r["hour"] == hour]
    assert len(rows) == 1
    return rows[0]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``incremental``: days 1-2 and day 3 to 07:59, full run, then the new hour 08:00-08:59 (hours run),
    settle, then the late minute (hours run). ``snap_*``: copies taken between the steps."""
    base = tmp_path_factory.mktemp("results")
    config, db = base / "ultralow.toml", base / "inc.duckdb"
    config.write_text(REGISTRY, encoding="utf-8")
    _ingest(db, config, base / "a.csv", _lines(FIRST, (2 * 24 + 8) * 60))
    # one application throughout (its recorded plans are reused); the ingests share the process's database
    with Application.open_for_writing(db, config) as app:
        rebuild(app)
        _ingest(db, config, base / "b.csv", _lines(NEW, 60))
        hours_run = update(app)
        app.store.con.execute("CHECKPOINT")
        shutil.copy(db, base / "snap_hours.duckdb")
        settle_run = settle(app)
        app.store.con.execute("CHECKPOINT")
        shutil.copy(db, base / "snap_settled.duckdb")
        _ingest(db, config, base / "c.csv", [f"MN0000000001,{LATE.strftime(STAMP)},{SO2},80.0,N"])
        late_run = update(app)
        app.store.con.execute("CHECKPOINT")
        shutil.copy(db, base / "snap_late.duckdb")
        # a second late minute of the same outlet: the replay keeps the outlets' limit candidates it made
        _ingest(db, config, base / "e.csv", [f"MN0000000001,{SECOND.strftime(STAMP)},{SO2},26.0,N"])
        second_run = update(app)
        remade = [name for key, plan in hour_judge(app)._plans.items() if key[0] == "hours" for name, _ in plan.timings]
        settle(app)
    # the reference: the same store judged from scratch
    full = base / "full.duckdb"
    shutil.copy(db, full)
    with Application.open_for_writing(full, config) as app:
        rebuild(app)
    return {"db": db, "full": full, "config": config, "base": base, "hours_run": hours_run, "settle_run": settle_run,
            "late_run": late_run, "second_run": second_run, "remade": remade}


def test_an_hours_run_judges_only_the_new_hour(stores: dict) -> None:
    run = stores["hours_run"]
    # 2 outlets x 1 hour; pollutants with a judged row: SO2 only (O2 and flow are parameters) -> 2 rows
    assert (run.kind, run.outlets, run.hours) == ("hours", 2, 2)
    assert run.first_hour == NEW and run.last_hour == NEW
    hours = _tables(stores["base"] / "snap_hours.duckdb")["result_hours"]
    row = _row(hours, "u1", SO2, NEW)
    # HJ 75 O2 correction to 6 %: 50 x (21 - 6) / (21 - 9) = 50 x 15 / 12 = 62.5 mg/m3
    assert row["corrected_mg_m3"] == pytest.approx(62.5)
    assert row["valid"] and row["valid_minutes"] == 60
    # ultra-low SO2 35 mg/m3: exceeded; GB 13223-2011 coal boiler SO2 100 mg/m3 (at 6 % O2): not exceeded
    assert row["ultra_low_limit_mg_m3"] == 35 and row["ultra_low_exceeded"]
    assert row["legal_exceeded"] is False
    # emission: measured (dry, uncorrected) 50 mg/m3 x 100 m3/s x 3600 s/h x 1e-6 = 18 kg
    assert row["emission_kg"] == pytest.approx(18.0)


def test_the_new_hours_final_columns_equal_the_full_runs(stores: dict) -> None:
    hours = _tables(stores["base"] / "snap_hours.duckdb")["result_hours"]
    with Store(stores["base"] / "snap_hours.duckdb", read_only=True) as store:
        store.con.complete()
        settled = dict(store.con.execute("SELECT outlet_id || hour::VARCHAR, settled FROM result_hours "
                                         "WHERE code = ?", [SO2]).fetchall())
    assert settled[f"u1{NEW}"] is False and settled[f"u1{PEAK}"] is True
    full = _tables(stores["full"])["result_hours"]
    final = [c for c in hours.column_names if c not in PROVISIONAL_COLUMNS]
    for outlet in ("u1", "u2"):
        got = {k: v for k, v in _row(hours, outlet, SO2, NEW).items() if k in final}
        want = {k: v for k, v in _row(full, outlet, SO2, NEW).items() if k in final}
        assert got == want


def test_after_settle_the_tables_equal_a_full_run(stores: dict) -> None:
    assert (stores["second_run"].kind, stores["second_run"].hours) == ("hours", 1)
    assert any("judged" in n for n in stores["remade"])
    # the registry's tables (limit candidates, their ranking, the fallback O2 reference) were kept
    assert not any(part in n for n in stores["remade"] for part in ("candidates", "ranked", "fallback"))
    got, want = _tables(stores["db"]), _tables(stores["full"])
    # the second late minute: (59 x 20 + 26) / 60 = 1206 / 60 = 20.1 mg/m3
    assert _row(want["result_hours"], "u1", SO2, SECOND.replace(minute=0))["measured_mg_m3"] == pytest.approx(20.1)
    for name in ("result_hours", "result_days", "result_events"):
        assert got[name].num_rows == want[name].num_rows, name
        assert got[name].equals(want[name]), name
    # 3 days x 24 hours x 2 outlets SO2 rows; the new hour's u1/u2 ultra-low exceedances are 1-hour events
    assert want["result_hours"].num_rows == 3 * 24 * 2
    assert stores["settle_run"].kind == "settle"


def test_a_late_minute_changes_exactly_its_hour(stores: dict) -> None:
    run = stores["late_run"]
    assert (run.kind, run.outlets, run.hours) == ("hours", 1, 1)  # u1, 2 March 05:00, SO2
    before = _tables(stores["base"] / "snap_settled.duckdb")
    after = _tables(stores["base"] / "snap_late.duckdb")
    keep = [c for c in before["result_hours"].column_names if c not in PROVISIONAL_COLUMNS]
    old = before["result_hours"].select(keep).to_pylist()
    new = after["result_hours"].select(keep).to_pylist()
    changed = [(a["outlet_id"], a["code"], a["hour"]) for a, b in zip(old, new, strict=True) if a != b]
    assert changed == [("u1", SO2, LATE.replace(minute=0))]
    row = _row(after["result_hours"], "u1", SO2, LATE.replace(minute=0))
    # 59 minutes at 20 and one at 80: (59 x 20 + 80) / 60 = 1260 / 60 = 21.0 mg/m3
    assert row["measured_mg_m3"] == pytest.approx(21.0)
    day_old = [r for r in before["result_days"].to_pylist() if r["outlet_id"] == "u1" and r["code"] == SO2]
    day_new = [r for r in after["result_days"].to_pylist() if r["outlet_id"] == "u1" and r["code"] == SO2]
    assert [a["day"] for a, b in zip(day_old, day_new, strict=True) if a != b] == [LATE.date()]


def test_nothing_new_is_no_run(stores: dict) -> None:
    with Application.open_for_writing(stores["db"], stores["config"]) as app:
        assert has_results(app.store)
        assert update(app).kind == "none"


def test_the_alarms_read_stored_results_brought_up_to_date(stores: dict, tmp_path: Path) -> None:
    from ultralow.app.ops.alarms import judged_hours

    db = tmp_path / "alarms.duckdb"
    shutil.copy(stores["db"], db)
    nine = NEW + dt.timedelta(hours=1)  # 3 March 09:00: SO2 20 mg/m3 at O2 6 % -> corrected 20 (no correction)
    _ingest(db, stores["config"], tmp_path / "d.csv", [
        line for line in _lines(nine, 60) if line.startswith("MN0000000001")])
    with Application.open_for_writing(db, stores["config"]) as app:
        hours = judged_hours(app, ["u1"], NEW.date(), NEW.date())
        kinds = [r["kind"] for r in app.store.con.sql("SELECT kind FROM result_runs ORDER BY run_id").to_arrow_table()
                 .to_pylist()]
    assert kinds[-1] == "hours"  # judged_hours ran an hours run first: only u1's new hour was judged
    row = _row(hours, "u1", SO2, nine)
    assert row["corrected_mg_m3"] == pytest.approx(20.0) and row["valid"] and not row["exceeded"]
    assert _row(hours, "u1", SO2, NEW)["corrected_mg_m3"] == pytest.approx(62.5)  # the stored rows around it
    assert set(hours["outlet_id"].to_pylist()) == {"u1"}


def test_a_mark_entered_later_makes_its_hours_dirty(stores: dict, tmp_path: Path) -> None:
    db = tmp_path / "marks.duckdb"
    shutil.copy(stores["db"], db)
    result = CliRunner().invoke(main, ["marks", "add", "--outlet", "u2", "--type", "maintenance", "--from",
                                       "2025-03-02T14:00", "--to", "2025-03-02T16:00", "--reason", "test: probe cleaned",
                                       "--db", str(db), "--config", str(stores["config"])])
    assert result.exit_code == 0, result.output
    with Application.open_for_writing(db, stores["config"]) as app:
        run = update(app)
    # 2 hours of u2 (14:00, 15:00) x SO2: maintenance minutes are invalid, so the hours are (HJ 75 §12.1)
    assert (run.kind, run.outlets, run.hours) == ("hours", 1, 2)
    hours = _tables(db)["result_hours"]
    for hour in (dt.datetime(2025, 3, 2, 14), dt.datetime(2025, 3, 2, 15)):
        row = _row(hours, "u2", SO2, hour)
        assert row["valid"] is False and row["mark_type"] == "maintenance"
    assert _row(hours, "u2", SO2, dt.datetime(2025, 3, 2, 16))["valid"] is True


def test_agreement_tolerates_only_summation_order() -> None:
    from ultralow.app.results import agreement

    hour = dt.datetime(2025, 12, 31, 23)
    stored = pa.table({"outlet_id": ["a", "a"], "code": ["a21002", "a21026"], "hour": [hour, hour],
                       "measured_mg_m3": [55.594500000000004, 24.0], "valid": [True, True]})
    # the first differs in its last bits (relative 3e-16, the demo's case); the second by 1e-6 mg/m3
    judged = pa.table({"outlet_id": ["a", "a"], "code": ["a21002", "a21026"], "hour": [hour, hour],
                       "measured_mg_m3": [55.59450000000002, 24.000001], "valid": [True, True]})
    assert agreement(stored, judged) == (1, 2)
    assert agreement(stored, judged.set_column(4, "valid", pa.array([False, True]))) == (0, 2)


def test_a_full_run_stores_what_a_judgement_fetches(stores: dict) -> None:
    # the full run writes the engine's tables inside DuckDB (no Arrow round trip): the same rows as the
    # tables ``ultralow compliance`` fetches, column by column, and the result tables' types are the Arrow
    # types of those tables (what the hours runs insert)
    stored = _tables(stores["full"])
    with Application.open(stores["full"], stores["config"]) as app:
        judged = app.judge().tables
    for name, keys in (("hours", ["outlet_id", "code", "hour"]), ("days", ["outlet_id", "code", "day"]),
                       ("events", ["outlet_id", "code", "limit_kind", "start"])):
        want = judged[name].sort_by([(k, "ascending") for k in keys])
        got = stored[f"result_{name}"].select(want.column_names)
        assert got.schema.equals(want.schema), name
        assert got.to_pylist() == want.to_pylist(), name
    # 3 days x 24 h x 2 outlets of SO2; the day rows: 3 x 2
    assert (stored["result_hours"].num_rows, stored["result_days"].num_rows) == (144, 6)


def test_an_hours_run_without_exceedance_keeps_the_events(stores: dict) -> None:
    # the late minute makes 2 March 05:00 21.0 mg/m3 at O2 6 % (corrected 21.0 <= ultra-low 35): neither it
    # nor the stored row it replaces is exceeded, so the run judges no event and the stored events stay
    run = stores["late_run"]
    assert run.events == 0
    before = _tables(stores["base"] / "snap_settled.duckdb")["result_events"]
    after = _tables(stores["base"] / "snap_late.duckdb")["result_events"]
    assert before.num_rows > 0 and after.equals(before)
    # the first hours run judged the events of the pairs its new hour exceeds in (62.5 > 35: u1 and u2 SO2), all
    # of them: the new hour's two and u1's 1 March 05:00 (80 > 35) = 3
    assert stores["hours_run"].events == 3


def test_minutes_fingerprint_equals_the_stores(stores: dict) -> None:
    from ultralow.app.provenance import minutes_fingerprint, readings_fingerprint
    from ultralow.cems import Period

    day = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 2))
    with Store(stores["db"], read_only=True) as store:
        con = store.con
        whole = readings_fingerprint(con, ["u1", "u2"], day, day)
        con.complete()  # its fetchone() leaves the result pending
        minutes = con.sql("SELECT data_time, value, flag FROM readings_current WHERE kind = 'minute' "
                          "AND data_time >= ? AND data_time < ?", params=[day.start_time, day.end_time]).to_arrow_table()
        read = minutes_fingerprint(con, minutes)
        one_changed = minutes.set_column(1, "value", pa.array([minutes["value"][0].as_py() + 1.0]
                                                              + minutes["value"].to_pylist()[1:], pa.float64()))
        changed = minutes_fingerprint(con, one_changed)
    # 1 March: 24 h x 60 min x 2 outlets x 3 codes (SO2, O2, flow) = 8,640 minute rows
    assert whole["context_rows"] == read["context_rows"] == 8640
    assert read["sum"] == whole["sum"]
    assert changed["context_rows"] == 8640 and changed["sum"] != whole["sum"]
