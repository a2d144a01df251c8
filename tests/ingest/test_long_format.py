"""Long-format CSV and Parquet files: exact line numbers for bad rows, idempotent re-reads."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ingest_support import RECEIVED_AT

from ultralow.hj212 import code_tables
from ultralow.ingest import Pipeline
from ultralow.ingest.files import FileUnreadable, detect_format, ingest_file
from ultralow.ingest.long_format import read_csv_long
from ultralow.registry import Registry
from ultralow.store import Store

CSV = """\
mn,data_time,code,value,flag
MN0001,20250303100000,a21026,12.5,N
MN0001,20250303100000,02,99,N
MN0001,20250303100100,a21026,abc,N
MN9999,20250303100200,a21026,3,N

MN0001,2025-03-03T10:03:00,a21026,4,N
MN0001,20250303100400,SO2,5,N
MN0001,20250303100500,a21002,,D
MN0003,20250303100000,a34013,1.5,N,extra
,20250303100600,a21026,5,N
MN0003,20250303100000,a34013,1.5,N
"""
# line 1 header; 2 good; 3 good (2005 code 02 = a21026, same key as line 2 with another value: revision 1);
# 4 non-numeric value; 5 unknown MN; 6 blank; 7 ISO time in a 14-digit file; 8 bad code; 9 good (null value);
# 10 too many columns; 11 missing MN; 12 good (Conakry outlet)


def stored(store: Store) -> list[tuple[object, ...]]:
    return store.con.execute(
        "SELECT outlet_id, code, kind, data_time, utc_offset_min, revision, value, flag, source, frame_id "
        "FROM readings ORDER BY ALL"
    ).fetchall()


def table_counts(store: Store) -> tuple[int, ...]:
    row = store.con.execute("SELECT (SELECT count(*) FROM readings), (SELECT count(*) FROM quarantine)").fetchone()
    assert row is not None
    return tuple(row)


def test_csv_bad_rows_have_exact_lines(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "export.csv"
    path.write_text(CSV, encoding="utf-8")
    read = read_csv_long(path, registry, code_tables(), RECEIVED_AT)
    assert read.readings.num_rows == 4
    assert read.problems == [
        f"{path}:4: non-numeric value 'abc'",
        f"{path}:5: unknown MN 'MN9999'",
        f"{path}:7: unparseable data_time '2025-03-03T10:03:00' (this file uses YYYYMMDDhhmmss, plant-local, no offset)",
        f"{path}:8: unknown factor code 'SO2' (not in the HJ 212 code table)",
        f"{path}:10: malformed CSV row (too many columns): Expected Number of Columns: 5 Found: 6",
        f"{path}:11: missing MN",
    ]
    assert [r.raw for r in read.rejected][:2] == [b"MN0001,20250303100100,a21026,abc,N", b"MN9999,20250303100200,a21026,3,N"]


def test_csv_through_the_pipeline_then_again(tmp_path: Path, pipeline: Pipeline, store: Store) -> None:
    path = tmp_path / "export.csv"
    path.write_text(CSV, encoding="utf-8")
    assert detect_format(path) == "csv"
    first = ingest_file(pipeline, path, RECEIVED_AT)
    # 11 data lines minus the blank one = 10 rows: 4 valid, 6 quarantined; line 3 revises line 2
    assert (first.rows, first.stored, first.revisions, first.duplicates, first.quarantined) == (10, 4, 1, 0, 6)
    t = datetime(2025, 3, 3, 10, 0)
    assert stored(store) == [
        ("calciner", "a34013", "minute", t, 0, 0, 1.5, "N", "csv", None),
        ("u1", "a21002", "minute", datetime(2025, 3, 3, 10, 5), 480, 0, None, "D", "csv", None),
        ("u1", "a21026", "minute", t, 480, 0, 12.5, "N", "csv", None),
        ("u1", "a21026", "minute", t, 480, 1, 99.0, "N", "csv", None),
    ]
    locations = [loc for (loc,) in store.con.execute("SELECT location FROM quarantine ORDER BY id").fetchall()]
    assert locations == [f"{path}:{n}" for n in (4, 5, 7, 8, 10, 11)]
    before = table_counts(store)
    again = ingest_file(pipeline, path, RECEIVED_AT)
    assert (again.stored, again.revisions, again.duplicates, again.quarantined) == (0, 0, 4, 6)
    assert table_counts(store) == before == (4, 6)


def test_csv_with_kind_column_iso_times_and_crlf(tmp_path: Path, pipeline: Pipeline, store: Store) -> None:
    path = tmp_path / "hourly.csv"
    text = ("code,mn,value,flag,data_time,kind\r\n"
            "a21026,MN0001,14.0,N,2025-03-03 10:00:00,hour\r\n"
            "a21026,MN0001,13.0,N,2025-03-03 00:00:00,day\r\n"
            "a21026,MN0001,13.0,N,2025-03-03 00:00:00,week\r\n")
    path.write_text(text, encoding="utf-8", newline="")
    result = ingest_file(pipeline, path, RECEIVED_AT)
    assert result.problems == [f"{path}:4: unknown kind 'week' (one of rtd, minute, hour, day)"]
    assert store.con.execute("SELECT kind, data_time, value FROM readings ORDER BY kind").fetchall() == [
        ("day", datetime(2025, 3, 3, 0, 0), 13.0), ("hour", datetime(2025, 3, 3, 10, 0), 14.0)]


def test_csv_without_the_required_header_cannot_be_read(tmp_path: Path, pipeline: Pipeline) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("station,time,pollutant,value\nA,1,2,3\n", encoding="utf-8")
    with pytest.raises(FileUnreadable) as caught:
        ingest_file(pipeline, path, RECEIVED_AT)
    assert str(caught.value).startswith(f"{path}:1: header: missing column(s) mn, data_time, code, flag")


def test_parquet_rows_with_row_numbers(tmp_path: Path, pipeline: Pipeline, store: Store) -> None:
    path = tmp_path / "bulk.parquet"
    table = pa.table({
        "mn": ["MN0001", "MN0001", "MN0002", "MN0003", "MN0001"],
        "data_time": ["20250303100000", "2025-03-03 10:01:00", "20250303100200", "20250303100000", "yesterday"],
        "code": ["a21026", "a21026", "a21026", "a34013", "a21026"],
        "value": [12.5, None, 3.0, 2.0, 1.0],
        "flag": ["N", "D", "N", "N", "N"],
    })
    pq.write_table(table, path)
    assert detect_format(path) == "parquet"
    result = ingest_file(pipeline, path, RECEIVED_AT)
    assert result.problems == [f"{path}:row 3: unknown MN 'MN0002'", f"{path}:row 5: unparseable data_time 'yesterday'"]
    assert (result.rows, result.stored, result.quarantined) == (5, 3, 2)
    assert stored(store)[0] == ("calciner", "a34013", "minute", datetime(2025, 3, 3, 10, 0), 0, 0, 2.0, "N",
                                "parquet", None)
    raw = store.con.execute("SELECT raw FROM quarantine ORDER BY id LIMIT 1").fetchone()
    assert raw is not None and b'"mn":"MN0002"' in raw[0]
    assert ingest_file(pipeline, path, RECEIVED_AT).stored == 0
    assert table_counts(store) == (3, 2)


def test_parquet_aware_timestamps_become_plant_clock_time(tmp_path: Path, pipeline: Pipeline, store: Store) -> None:
    path = tmp_path / "aware.parquet"
    instant = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)  # 02:00 UTC = 10:00 in Shandong (UTC+8)
    pq.write_table(pa.table({
        "mn": ["MN0001"], "data_time": pa.array([instant], pa.timestamp("us", tz="UTC")),
        "code": ["a21026"], "value": ["7.5"], "flag": ["N"], "kind": ["hour"],
    }), path)
    ingest_file(pipeline, path, RECEIVED_AT)
    assert store.con.execute("SELECT kind, data_time, utc_offset_min, value FROM readings").fetchall() == [
        ("hour", datetime(2025, 3, 3, 10, 0), 480, 7.5)]


def test_unknown_factor_codes_and_flags_are_rejected_with_their_lines(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "codes.csv"
    path.write_text("mn,data_time,code,value,flag\n"
                    "MN0001,20250303100000,a21026,12.5,N\n"
                    "MN0001,20250303100000,a99999,1,N\n"      # line 3: well formed, but no such factor
                    "MN0001,20250303100100,a21026,13.5,X\n"   # line 4: no such flag
                    "MN0001,20250303100200,a21026,14.5,\n", encoding="utf-8")  # empty flag: null, kept
    read = read_csv_long(path, registry, code_tables(), RECEIVED_AT)
    assert read.readings.num_rows == 2
    assert read.problems == [f"{path}:3: unknown factor code 'a99999' (not in the HJ 212 code table)",
                             f"{path}:4: unknown data flag 'X' (not an HJ 212 flag)"]
    parquet = tmp_path / "codes.parquet"
    pq.write_table(pa.table({"mn": ["MN0001"] * 3, "data_time": ["20250303100000"] * 3,
                             "code": ["a21026", "a99999", "a21002"], "value": [1.0, 2.0, 3.0],
                             "flag": ["N", "N", "X"]}), parquet)
    reasons = [q.reason for q in ingest_problems(parquet, registry)]
    assert reasons == ["unknown factor code 'a99999' (not in the HJ 212 code table)",
                       "unknown data flag 'X' (not an HJ 212 flag)"]


def ingest_problems(path: Path, registry: Registry) -> list:
    from ultralow.ingest.long_format import read_parquet_long

    return [q for read in read_parquet_long(path, registry, code_tables(), RECEIVED_AT) for q in read.rejected]


def test_datatime_header_is_read_as_data_time(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "hj212-names.csv"
    path.write_text("mn,DataTime,code,value,flag\nMN0001,20250303100000,a21026,12.5,N\n", encoding="utf-8")
    read = read_csv_long(path, registry, code_tables(), RECEIVED_AT)
    assert (read.readings.num_rows, read.problems) == (1, [])
    parquet = tmp_path / "hj212-names.parquet"
    pq.write_table(pa.table({"mn": ["MN0001"], "DataTime": ["20250303100000"], "code": ["a21026"],
                             "value": [12.5], "flag": ["N"]}), parquet)
    from ultralow.ingest.long_format import read_parquet_long

    [batch] = list(read_parquet_long(parquet, registry, code_tables(), RECEIVED_AT))
    assert (batch.readings.num_rows, batch.rejected) == (1, [])


def test_gbk_file_gets_a_hint(tmp_path: Path, registry: Registry) -> None:
    from ultralow.ingest.long_format import LongFormatError

    path = tmp_path / "excel.csv"
    path.write_bytes(b"mn,data_time,code,value,flag\n" + "MN0001,20250303100000,a21026,12.5,正常\n".encode("gbk"))
    with pytest.raises(LongFormatError) as caught:
        read_csv_long(path, registry, code_tables(), RECEIVED_AT)
    message = str(caught.value)
    assert message.startswith(f"{path}:2: not UTF-8 text")
    assert "GBK" in message and "CSV UTF-8" in message
