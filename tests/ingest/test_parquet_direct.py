"""Clean Parquet files go into the store with one INSERT … SELECT and give the very rows of the batch path;
anything the direct path cannot prove clean goes through the batch path as before."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from ingest_support import RECEIVED_AT

from ultralow.hj212 import code_tables
from ultralow.ingest import Pipeline
from ultralow.ingest.files import FileResult, _ingest_long, ingest_file
from ultralow.ingest.long_format import read_parquet_long
from ultralow.ingest.parquet_direct import plan_direct
from ultralow.registry import Registry
from ultralow.store import Store

T0 = datetime(2025, 3, 3, 10, 0)


def readings(store: Store) -> list[tuple[object, ...]]:
    return store.con.execute("SELECT * FROM readings ORDER BY outlet_id, code, kind, data_time, revision").fetchall()


def clean_table(start: datetime = T0, mns: tuple[str, ...] = ("MN0001", "MN0003")) -> pa.Table:
    """Per MN 2 codes x 3 minutes, typed columns, one NaN value (stored as null) and one null value."""
    rows: dict[str, list[object]] = {"mn": [], "data_time": [], "code": [], "value": [], "flag": []}
    for mn in mns:
        for code in ("a21026", "a34013"):
            for minute in range(3):
                rows["mn"].append(mn)
                rows["data_time"].append(start + timedelta(minutes=minute))
                rows["code"].append(code)
                rows["value"].append(10.0 * minute + len(code))
                rows["flag"].append("N")
    rows["value"][1] = float("nan")
    rows["value"][2] = None
    return pa.table({**rows, "data_time": pa.array(rows["data_time"], pa.timestamp("us"))})


def batch_path(pipeline: Pipeline, path: Path) -> FileResult:
    result = FileResult(str(path), "parquet")
    _ingest_long(pipeline, read_parquet_long(path, pipeline.registry, pipeline.tables, RECEIVED_AT), result)
    return result


def test_a_clean_file_goes_in_directly_with_the_batch_paths_rows(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "clean.parquet"
    pq.write_table(clean_table(), path)
    direct = plan_direct(path, registry, code_tables(), RECEIVED_AT)
    # 2 MNs x 2 codes x 3 minutes = 12 rows, 10:00 to 10:02
    assert direct is not None and (direct.rows, direct.low, direct.high) == (12, T0, T0 + timedelta(minutes=2))
    assert (direct.outlet_ids, direct.kinds) == (["calciner", "u1"], ["minute"])
    with Store(tmp_path / "direct.duckdb") as one, Store(tmp_path / "batch.duckdb") as two:
        result = ingest_file(Pipeline(one, registry), path, RECEIVED_AT)
        assert (result.rows, result.stored, result.duplicates, result.problems) == (12, 12, 0, [])
        assert batch_path(Pipeline(two, registry), path).stored == 12
        assert readings(one) == readings(two)
        first = readings(one)[7]  # after the 6 calciner rows: u1 a21026 10:00, then 10:01 (NaN: null)
        assert first[:7] == ("u1", "a21026", "minute", T0 + timedelta(minutes=1), 480, 0, None)


def test_the_same_file_again_is_declined_and_counted_as_duplicates(tmp_path: Path, pipeline: Pipeline,
                                                                   store: Store) -> None:
    path = tmp_path / "clean.parquet"
    pq.write_table(clean_table(), path)
    assert ingest_file(pipeline, path, RECEIVED_AT).stored == 12
    direct = plan_direct(path, pipeline.registry, pipeline.tables, RECEIVED_AT)
    assert direct is not None and pipeline.accept_parquet(direct) is None  # stored keys: nothing written
    again = ingest_file(pipeline, path, RECEIVED_AT)
    assert (again.stored, again.duplicates) == (0, 12)
    changed = clean_table().set_column(3, "value", pa.array([99.0] * 12))
    pq.write_table(changed, path)
    # every key stored with another value (the null and the NaN ones too): 12 revisions 1
    assert ingest_file(pipeline, path, RECEIVED_AT).revisions == 12


def test_stored_rows_in_the_same_minutes_of_other_keys_do_not_stop_it(tmp_path: Path, pipeline: Pipeline,
                                                                       store: Store) -> None:
    first, second = tmp_path / "u1.parquet", tmp_path / "calciner.parquet"
    pq.write_table(clean_table(mns=("MN0001",)), first)
    pq.write_table(clean_table(mns=("MN0003",)), second)
    assert ingest_file(pipeline, first, RECEIVED_AT).stored == 6
    direct = plan_direct(second, pipeline.registry, pipeline.tables, RECEIVED_AT)
    assert direct is not None and direct.outlet_ids == ["calciner"]
    outcome = pipeline.accept_parquet(direct)  # other outlet in the same minutes: the range count is 0
    assert outcome is not None and outcome.stored == 6
    codes = tmp_path / "u1-o2.parquet"
    pq.write_table(clean_table(mns=("MN0001",)).set_column(2, "code", pa.array(["a19001"] * 6)).slice(0, 3), codes)
    direct = plan_direct(codes, pipeline.registry, pipeline.tables, RECEIVED_AT)
    assert direct is not None
    outcome = pipeline.accept_parquet(direct)  # same outlet and minutes, new code: the key join finds none
    assert outcome is not None and outcome.stored == 3
    assert len(readings(store)) == 15


def test_files_it_cannot_prove_clean_take_the_batch_path(tmp_path: Path, pipeline: Pipeline, store: Store) -> None:
    table = clean_table()
    cases = {
        "repeated-key": pa.concat_tables([table, table.slice(0, 1)]),
        "unknown-mn": table.set_column(0, "mn", pa.array(["MN9999"] + table["mn"].to_pylist()[1:])),
        "code-2005": table.set_column(2, "code", pa.array(["02"] + table["code"].to_pylist()[1:])),
        "text-time": table.set_column(1, "data_time", pa.array([f"20250303{10 + i % 2:02d}0000" for i in range(12)])),
        "null-time": table.set_column(1, "data_time", pa.array([None] + table["data_time"].to_pylist()[1:],
                                                               pa.timestamp("us"))),
        "bad-flag": table.set_column(4, "flag", pa.array(["Q"] + ["N"] * 11)),
        # a nanosecond column: two times within one microsecond would be one key in the store
        "nanoseconds": table.set_column(1, "data_time", table["data_time"].cast(pa.timestamp("ns"))),
    }
    for name, case in cases.items():
        path = tmp_path / f"{name}.parquet"
        pq.write_table(case, path)
        assert plan_direct(path, pipeline.registry, pipeline.tables, RECEIVED_AT) is None, name
    result = ingest_file(pipeline, tmp_path / "unknown-mn.parquet", RECEIVED_AT)
    assert (result.stored, result.quarantined) == (11, 1)
    repeated = ingest_file(pipeline, tmp_path / "repeated-key.parquet", RECEIVED_AT)
    # 13 rows: the 11 keys the unknown-mn file stored are duplicates; row 0's key (u1 a21026 10:00, MN9999
    # there) is new and comes twice with the same values: 1 stored, 1 more duplicate = 12
    assert (repeated.rows, repeated.stored, repeated.duplicates) == (13, 1, 12)
