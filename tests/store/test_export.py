"""Parquet export: Hive partitions year=/month=/outlet_id= of readings_current."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from ultralow.store import CANDIDATE_SCHEMA, ExportError, Store, export_parquet, write_readings


def fill(store: Store) -> None:
    """o1: 2 minutes in Jan 2025 (one revised) + 1 in Feb 2025; o2: 1 in Feb 2025."""
    def row(outlet: str, when: datetime, value: float) -> dict[str, object]:
        return {"outlet_id": outlet, "code": "a21026", "kind": "minute", "data_time": when, "utc_offset_min": 480,
                "value": value, "min": None, "max": None, "cou": None, "zs": None, "flag": "N", "source": "csv",
                "frame_id": None, "received_at": datetime(2025, 3, 1, tzinfo=UTC), "seq": 0}
    batches = [
        [row("o1", datetime(2025, 1, 31, 23, 58), 1.0), row("o1", datetime(2025, 1, 31, 23, 59), 2.0),
         row("o1", datetime(2025, 2, 1, 0, 0), 3.0), row("o2", datetime(2025, 2, 1, 0, 0), 4.0)],
        [row("o1", datetime(2025, 1, 31, 23, 59), 2.5)],  # revision 1 of one key: still one current row
    ]
    for rows in batches:
        with store.transaction() as con:
            write_readings(con, pa.Table.from_pylist([{**r, "seq": i} for i, r in enumerate(rows)], schema=CANDIDATE_SCHEMA))


def test_partition_layout_and_row_counts(tmp_path: Path) -> None:
    out = tmp_path / "lake"
    with Store(tmp_path / "s.duckdb") as store:
        fill(store)
        summary = export_parquet(store, out)
    assert summary.rows == 4  # 5 stored rows, 4 current
    partitions = sorted(str(p.parent.relative_to(out)) for p in out.rglob("*.parquet"))
    assert sorted(set(partitions)) == ["year=2025/month=1/outlet_id=o1", "year=2025/month=2/outlet_id=o1",
                                       "year=2025/month=2/outlet_id=o2"]
    assert summary.partitions == 3 and summary.files == len(partitions)
    con = duckdb.connect()
    rows = con.execute(
        "SELECT year, month, outlet_id, count(*), sum(value) FROM read_parquet(?, hive_partitioning = true) "
        "GROUP BY ALL ORDER BY ALL", [f"{out}/**/*.parquet"]
    ).fetchall()
    # Jan o1: 1.0 + 2.5 (the current revision) = 3.5; Feb o1: 3.0; Feb o2: 4.0
    assert rows == [(2025, 1, "o1", 2, 3.5), (2025, 2, "o1", 1, 3.0), (2025, 2, "o2", 1, 4.0)]


def test_non_empty_directory_needs_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "lake"
    out.mkdir()
    (out / "keep.txt").write_text("x", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        fill(store)
        with pytest.raises(ExportError, match="directory is not empty"):
            export_parquet(store, out)
        assert export_parquet(store, out, overwrite=True).rows == 4
