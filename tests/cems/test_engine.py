"""The same expressions on DuckDB (store file, read-only) and on Spark (Parquet export): identical results."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from cems_support import DAY, FLOW, HUM, NO, NO2, O2, PM, SO2, Data, at

from ultralow.cems import Period, duckdb_engine, parquet_readings, run, spark_engine, store_readings
from ultralow.cems.document import sorted_rows
from ultralow.standards import packaged_catalog
from ultralow.store import CANDIDATE_SCHEMA, Store, export_parquet, write_readings


def parity_data() -> Data:
    data = Data()
    data.outlet("u1", "coal_boiler", ["GB13223-2011", "ultra-low-2015"])
    data.outlet("w1", "coal_boiler", ["GB13223-2011:existing"], wet=True)
    data.outlet("p1", "potline", ["GB25465-2010"])
    for h in range(8):
        so2 = [18.0 + (h % 3) + (i % 7) * 0.25 for i in range(60)]
        flags = ["N"] * 60 if h != 3 else ["N"] * 40 + ["D"] * 20
        data.minutes("u1", SO2, at(h), [v * (3.0 if h in (5, 6) else 1.0) for v in so2], flags)
        data.minutes("u1", PM, at(h), [4.0 + (i % 5) * 0.1 for i in range(60)])
        data.minutes("u1", O2, at(h), [6.5 + (i % 4) * 0.2 for i in range(60)])
        data.minutes("u1", FLOW, at(h), [120.0 + i * 0.1 for i in range(60)])
        data.minutes("w1", NO, at(h), [25.0 + (i % 3) for i in range(60)])
        data.minutes("w1", NO2, at(h), [2.0] * 60)
        data.minutes("w1", O2, at(h), [5.0 + (i % 2) * 0.1 for i in range(60)])
        data.minutes("w1", HUM, at(h), [9.0] * 60)
        data.minutes("p1", PM, at(h), [18.0 + h * 0.5 + (i % 2) for i in range(60)])
        data.minutes("p1", "a21018", at(h), [1.5 + (i % 4) * 0.05 for i in range(60)])
        data.minutes("p1", O2, at(h), [20.8] * 60)
    data.hour("u1", SO2, at(9), 0.0, flag="F").hour("u1", O2, at(9), 20.9, flag="F")
    data.minutes("u1", SO2, at(10), [20.0] * 30 + [-2.0] + [20.0] * 29)
    data.mark("u1", None, at(2, 30), at(3), "maintenance")
    data.mark("u1", SO2, at(6), at(7), "startup_shutdown")
    return data


def write_store(path: Path, data: Data) -> None:
    table = data.readings_table()
    n = table.num_rows
    extra = {"source": pa.array(["csv"] * n), "frame_id": pa.array([None] * n, pa.int64()),
             "received_at": pa.array([dt.datetime(2025, 3, 5, tzinfo=dt.UTC)] * n, pa.timestamp("us", tz="UTC")),
             "seq": pa.array(range(n), pa.int64())}
    for name, column in extra.items():
        table = table.append_column(name, column)
    store = Store(path)
    try:
        with store.transaction() as con:
            write_readings(con, table.select(CANDIDATE_SCHEMA.names).cast(CANDIDATE_SCHEMA))
    finally:
        store.close()


def results(engine, readings, data: Data) -> dict[str, list[dict[str, Any]]]:
    marks = data.marks_table()
    result = run(readings, engine.load(data.outlets_table()), engine.load(packaged_catalog().table()),
                 engine.load(marks) if marks is not None else None, Period.inclusive(DAY, DAY), engine=engine)
    return {name: sorted_rows(name, engine.to_arrow(expr)) for name, expr in result.tables().items()}


def assert_same(left: dict[str, list[dict[str, Any]]], right: dict[str, list[dict[str, Any]]]) -> None:
    assert left.keys() == right.keys()
    for name in left:
        assert len(left[name]) == len(right[name]), name
        for a, b in zip(left[name], right[name], strict=True):
            assert a.keys() == b.keys(), name
            for key in a:
                x, y = a[key], b[key]
                if isinstance(x, float) and isinstance(y, float):
                    assert math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9), (name, key, a, b)
                else:
                    assert x == y, (name, key, a, b)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Data]:
    base = tmp_path_factory.mktemp("parity")
    data = parity_data()
    write_store(base / "store.duckdb", data)
    store = Store(base / "store.duckdb", read_only=True)
    try:
        export_parquet(store, base / "export")
    finally:
        store.close()
    return base / "store.duckdb", base / "export", data


def test_duckdb_reads_the_parquet_export_like_the_store(exported: tuple[Path, Path, Data]) -> None:
    store_path, export_dir, data = exported
    on_store = duckdb_engine(store_path)
    from_store = results(on_store, store_readings(on_store), data)
    on_parquet = duckdb_engine()
    assert_same(from_store, results(on_parquet, parquet_readings(on_parquet, export_dir), data))
    # the dataset exercises what it should
    assert any(e["outlet_id"] == "u1" for e in from_store["events"])
    assert {h["status"] for h in from_store["hours"] if h["outlet_id"] == "u1"} == {"valid", "invalid", "stopped"}
    assert any(h["code"] == "a21002" and h["valid"] for h in from_store["hours"] if h["outlet_id"] == "w1")


def test_spark_gives_identical_results(exported: tuple[Path, Path, Data], spark: Any) -> None:
    store_path, export_dir, data = exported
    duck = duckdb_engine(store_path)
    expected = results(duck, store_readings(duck), data)
    engine = spark_engine(spark)
    assert_same(expected, results(engine, parquet_readings(engine, export_dir), data))


def test_missing_export_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere"):
        parquet_readings(duckdb_engine(), tmp_path / "nowhere")


def test_store_opened_read_only(exported: tuple[Path, Path, Data], tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(exported[0], copy)
    engine = duckdb_engine(copy)
    with pytest.raises(Exception, match="read-only"):
        engine.con.raw_sql("CREATE TABLE t (a INTEGER)")
