"""The overlapped bulk load: export files written by one thread, ingested by others through `ultralow ingest`."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from ultralow.demo.group import group_for_run
from ultralow.demo.load import bulk_load
from ultralow.demo.scenario import read_scenario
from ultralow.demo.year import generate
from ultralow.ingest import Pipeline
from ultralow.registry import parse_registry
from ultralow.store import Store, read_counts

START = datetime(2025, 1, 1)


def _years(count: int, days: int):
    scenario = read_scenario()
    registry = group_for_run(count, scenario.incident_outlets())
    return registry, generate(registry.outlets, scenario, days, 4, workers=1)


def test_every_file_is_ingested_once_and_removed(tmp_path):
    registry, years = _years(3, 4)
    scratch = tmp_path / "scratch"
    seen: list[int] = []
    with Store(tmp_path / "load.duckdb") as store:
        report = bulk_load(Pipeline(store, registry), years, START, scratch, days_per_file=1, readers=2,
                           progress=seen.append)
        counts = read_counts(store)
        per_day = store.con.execute(
            "SELECT CAST(data_time AS DATE), count(*) FROM readings GROUP BY 1 ORDER BY 1").fetchall()
    pairs = sum(len(y.codes) for y in years)
    # 4 days less the streamed last hour (a short run streams 1 h): 4 x 1440 - 60 = 5700 minutes per factor
    assert report.files == 4
    assert report.exported_rows == report.rows == report.stored == counts.readings == 5700 * pairs
    assert report.quarantined == 0 and not report.problems
    # each day once (no duplicates, no revisions): 1440 minutes x pairs, the last day 1380
    assert [n for _, n in per_day] == [1440 * pairs] * 3 + [1380 * pairs]
    assert counts.revisions == 0
    assert seen and seen[-1] == report.stored and seen == sorted(seen)
    assert list(scratch.iterdir()) == []  # files removed once stored


def test_rows_of_unknown_loggers_are_quarantined_with_their_location(tmp_path):
    _, years = _years(1, 1)
    stranger = parse_registry('[[bases]]\nid = "b"\nname = "B"\ncountry = "CN"\n[[outlets]]\nid = "x"\nbase = "b"\n'
                              'name = "X"\nmn = "OTHER1"\npw = "p"\nsource_type = "potline"\nlimit_sets = []\n')
    with Store(tmp_path / "load.duckdb") as store:
        report = bulk_load(Pipeline(store, stranger), years, START, tmp_path / "s", days_per_file=1, readers=1)
        counts = read_counts(store)
        reason = store.con.execute("SELECT location, reason FROM quarantine ORDER BY id LIMIT 1").fetchone()
    rows = 1380 * len(years[0].codes)  # one day less the streamed last hour
    assert (report.stored, report.quarantined, counts.quarantine) == (0, rows, rows)
    assert len(report.problems) == rows
    assert reason[0].endswith("demo-export-20250101.parquet:row 1")
    assert reason[1] == f"unknown MN '{years[0].mn}'"


def test_a_failing_reader_stops_the_load_and_raises(tmp_path):
    registry, years = _years(1, 4)
    store = Store(tmp_path / "closed.duckdb")
    store.close()  # every write now fails inside the ingest path
    with pytest.raises(duckdb.Error):
        bulk_load(Pipeline(store, registry), years, START, tmp_path / "s", days_per_file=1, readers=2)
    # bulk_load returned (the writer was not left blocked on a full queue); files not ingested stay behind
    assert 1 <= len(list((tmp_path / "s").iterdir())) <= 4
