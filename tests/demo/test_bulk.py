"""The bulk vendor exports: long-format Parquet in time order, read back by the real ingest path."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pyarrow.parquet as pq

from ultralow.demo.bulk import chunk_table, write_exports
from ultralow.demo.group import group_for_run
from ultralow.demo.scenario import read_scenario
from ultralow.demo.year import generate
from ultralow.ingest import Pipeline
from ultralow.ingest.files import ingest_file
from ultralow.store import Store

START = datetime(2025, 1, 1)


def _years(count: int, days: int):
    scenario = read_scenario()
    registry = group_for_run(count, scenario.incident_outlets())
    return registry, generate(registry.outlets, scenario, days, 3, workers=1)


def test_chunk_rows_are_time_major_and_carry_the_arrays():
    registry, years = _years(2, 1)
    table = chunk_table(years, START, 10, 13)  # minutes 10, 11, 12
    pairs = sum(len(y.codes) for y in years)
    assert table.num_rows == 3 * pairs
    assert table.column_names == ["mn", "data_time", "code", "value", "flag"]
    rows = table.to_pylist()
    # minute 10 first, every outlet and factor, then minute 11 ...
    assert [r["data_time"] for r in rows[:pairs]] == [datetime(2025, 1, 1, 0, 10)] * pairs
    assert rows[pairs]["data_time"] == datetime(2025, 1, 1, 0, 11)
    first = years[0]
    for j, code in enumerate(first.codes):
        row = rows[j]
        assert (row["mn"], row["code"]) == (first.mn, code)
        assert row["value"] == first.values[10, j]
        assert row["flag"] == chr(first.flags[10, j])
    second = years[1]
    row = rows[pairs + len(first.codes)]  # minute 11, the second outlet's first factor
    assert (row["mn"], row["value"]) == (second.mn, second.values[11, 0])


def test_files_of_whole_days_go_through_ultralow_ingest(tmp_path):
    registry, years = _years(2, 3)
    files = write_exports(years, START, tmp_path / "export", days_per_file=2)
    bulk_minutes = 3 * 1440 - 60  # 3 days less the streamed last hour
    pairs = sum(len(y.codes) for y in years)
    assert [f.days for f in files] == [2, 1]
    assert [f.rows for f in files] == [2 * 1440 * pairs, (bulk_minutes - 2 * 1440) * pairs]
    assert pq.ParquetFile(files[0].path).metadata.num_rows == files[0].rows
    with Store(tmp_path / "demo.duckdb") as store:
        pipeline = Pipeline(store, registry)
        results = [ingest_file(pipeline, f.path, datetime.now(UTC)) for f in files]
        assert [r.format for r in results] == ["parquet", "parquet"]
        assert sum(r.stored for r in results) == bulk_minutes * pairs
        assert all(not r.problems and r.quarantined == 0 for r in results)
        # an outlet's SO2 at minute 0 came through unchanged
        one = next(y for y in years if y.outlet_id == "zouping-north-u2")
        value = store.con.execute(
            "SELECT value, flag FROM readings WHERE outlet_id = ? AND code = 'a21026' AND data_time = ?",
            [one.outlet_id, START],
        ).fetchone()
        assert value == (one.values[0, 0], chr(one.flags[0, 0]))
        kinds = store.con.execute("SELECT DISTINCT kind, source FROM readings").fetchall()
        assert kinds == [("minute", "parquet")]
    assert np.isfinite(years[0].values).all()
