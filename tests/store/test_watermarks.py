"""Watermarks: the bounds that let a batch above everything stored skip the collision queries, learnt from
the store, raised only by committed writes, shared by the Stores open on one file and forgotten with the
last of them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from ultralow.store import CANDIDATE_SCHEMA, Store, write_readings
from ultralow.store.frames import FrameRow, append_frames
from ultralow.store.watermarks import FrameMarks, group_ranges, micros

T0 = datetime(2025, 3, 3, 10, 0)
RECEIVED = datetime(2025, 3, 3, 2, 1, tzinfo=UTC)
MINUTE_US = 60_000_000


def batch(*rows: dict[str, Any]) -> pa.Table:
    """Candidate rows: outlet o1, code a21026, kind minute at T0 unless given."""
    full = []
    for seq, row in enumerate(rows):
        base = {"outlet_id": "o1", "code": "a21026", "kind": "minute", "data_time": T0, "utc_offset_min": 480,
                "value": None, "min": None, "max": None, "cou": None, "zs": None, "flag": "N", "source": "csv",
                "frame_id": None, "received_at": RECEIVED, "seq": seq}
        full.append({**base, **row})
    return pa.Table.from_pylist(full, schema=CANDIDATE_SCHEMA)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "w.duckdb") as s:
        yield s


def write(store: Store, table: pa.Table, distinct: bool | None = None) -> tuple[int, int, int]:
    """Through the watermark path, raising the bounds after the commit as the pipeline does."""
    with store.transaction() as con:
        result = write_readings(con, table, marks=store.watermarks, distinct=distinct)
    store.watermarks.raise_readings(result.bounds)
    return result.inserted, result.revisions, result.duplicates


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_group_ranges_by_hand() -> None:
    table = batch({"data_time": at(3)}, {"data_time": at(1)}, {"outlet_id": "o2", "data_time": at(7)},
                  {"data_time": at(2), "kind": "hour"}, {"data_time": at(5)})
    # o1/minute: 10:03, 10:01, 10:05 -> 10:01 .. 10:05; o2/minute: 10:07; o1/hour: 10:02
    assert group_ranges(table) == {
        ("o1", "minute"): (micros(at(1)), micros(at(5))),
        ("o2", "minute"): (micros(at(7)), micros(at(7))),
        ("o1", "hour"): (micros(at(2)), micros(at(2))),
    }
    # 10:01 is 2025-03-03T10:01 = 20150 days * 86400 s + 36060 s after 1970-01-01, in microseconds
    assert micros(at(1)) == (20150 * 86400 + 10 * 3600 + 60) * 1_000_000


def test_new_data_above_the_bounds_skips_the_check_and_stays_exact(store: Store) -> None:
    assert write(store, batch({"value": 1.0}, {"code": "a21002", "value": 2.0}), distinct=True) == (2, 0, 0)
    # the next minute: above the bound, appended without the collision query
    assert store.watermarks.readings_clear(store.con, group_ranges(batch({"data_time": at(1)})))
    assert write(store, batch({"data_time": at(1), "value": 3.0})) == (1, 0, 0)
    # a resend of 10:00 is at or below the bound: the exact check finds the duplicate and the revision
    assert not store.watermarks.readings_clear(store.con, group_ranges(batch({"value": 1.0})))
    assert write(store, batch({"value": 1.0}), distinct=True) == (0, 0, 1)
    assert write(store, batch({"value": 1.5}), distinct=True) == (1, 1, 0)
    rows = store.con.execute("SELECT code, data_time, revision, value FROM readings ORDER BY ALL").fetchall()
    assert rows == [("a21002", T0, 0, 2.0), ("a21026", T0, 0, 1.0), ("a21026", T0, 1, 1.5),
                    ("a21026", at(1), 0, 3.0)]


def test_repeated_keys_within_a_batch_are_found_without_the_hint(store: Store) -> None:
    # the same key twice in one batch, with different values: revision 0 then 1 (the caller gave no hint)
    assert write(store, batch({"value": 1.0}, {"value": 2.0})) == (2, 1, 0)


def test_bounds_are_learnt_from_what_the_file_holds(tmp_path: Path) -> None:
    path = tmp_path / "learn.duckdb"
    with Store(path) as first:
        write(first, batch({"data_time": at(5), "value": 5.0}))
    # another writer (as another process would) adds 10:09 directly to the file while no Store is open
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO readings VALUES ('o1', 'a21026', 'minute', ?, 480, 0, 9.0, NULL, NULL, NULL, NULL, "
                "'N', 'csv', NULL, ?)", [at(9), RECEIVED])
    con.close()
    with Store(path) as second:
        # the bounds of the first Store were dropped with it: 10:07 is below what the file holds now
        assert not second.watermarks.readings_clear(second.con, group_ranges(batch({"data_time": at(7)})))
        assert second.watermarks.readings_clear(second.con, group_ranges(batch({"data_time": at(10)})))
        assert write(second, batch({"data_time": at(9), "value": 9.0})) == (0, 0, 1)
        # a group never written is learnt as empty at and above the batch's start
        assert second.watermarks.readings_clear(second.con, group_ranges(batch({"outlet_id": "o9"})))


def test_stores_open_on_one_file_share_their_bounds(tmp_path: Path) -> None:
    path = tmp_path / "shared.duckdb"
    with Store(path) as one, Store(path) as two:
        assert one.watermarks is two.watermarks
        write(one, batch({"value": 1.0}))
        assert write(two, batch({"value": 1.0})) == (0, 0, 1)


def test_a_rolled_back_write_raises_no_bound(store: Store) -> None:
    marks = store.watermarks
    bad = batch({"data_time": at(30), "value": 1.0, "utc_offset_min": None})  # NOT NULL: the insert fails
    with pytest.raises(duckdb.ConstraintException), store.transaction() as con:
        write_readings(con, bad, marks=marks, distinct=True)
    # learnt while trying: nothing stored at or after 10:30; the failed write did not raise that bound, so a
    # batch at 10:30 is still clear (a raised bound would send it to the exact check)
    assert marks.readings_clear(store.con, group_ranges(batch({"data_time": at(30)})))
    assert write(store, batch({"data_time": at(30), "value": 1.0})) == (1, 0, 0)
    assert not marks.readings_clear(store.con, group_ranges(batch({"data_time": at(30)})))


def frame(mn: str, qn: str | None, data_time: datetime | None) -> FrameRow:
    return FrameRow(RECEIVED, "peer", mn, "2051", qn, b"##raw", data_time)


def test_frame_bounds_by_qn_and_by_data_time(store: Store) -> None:
    marks = store.watermarks
    with store.transaction() as con:
        append_frames(con, 1, [frame("MN1", "20250303100020123", T0), frame("MN2", None, T0)])
    # learnt from the file: MN1's QN and MN2's DataTime (it sends no QN) are taken
    assert not marks.frames_clear(store.con, [("MN1", "20250303100020123", T0)])
    assert marks.frames_clear(store.con, [("MN1", "20250303100120123", at(1))])
    assert not marks.frames_clear(store.con, [("MN2", None, T0)])
    assert marks.frames_clear(store.con, [("MN2", None, at(1))])
    assert marks.frames_clear(store.con, [("MN3", "20250303100020123", T0)])  # an MN never stored
    # after a committed write the bounds rise: the same keys are no longer clear
    written = FrameMarks()
    written.add("MN1", "20250303100120123", at(1))
    written.add("MN2", None, at(1))
    marks.raise_frames(written)
    assert not marks.frames_clear(store.con, [("MN1", "20250303100120123", at(1))])
    assert not marks.frames_clear(store.con, [("MN2", None, at(1))])
    assert marks.frames_clear(store.con, [("MN1", "20250303100120124", at(1))])


class CountingConnection:
    """A connection that counts the queries the watermarks send."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.queries = 0

    def execute(self, sql: str, params: Any = None) -> duckdb.DuckDBPyConnection:
        self.queries += 1
        return self.con.execute(sql, params)


def test_one_learning_query_serves_every_group_met_later(tmp_path: Path) -> None:
    path = tmp_path / "floor.duckdb"
    con = duckdb.connect(str(path))
    con.close()
    with Store(path) as store:
        # o2 at 10:09 and o5 at 08:00 are in the file before this process learns anything
        for outlet, when in (("o2", at(9)), ("o5", at(-120))):
            store.con.execute("INSERT INTO readings VALUES (?, 'a21026', 'minute', ?, 480, 0, 9.0, NULL, NULL, "
                              "NULL, NULL, 'N', 'csv', NULL, ?)", [outlet, when, RECEIVED])
        marks = store.watermarks
        counting = CountingConnection(store.con)
        # o1 at 10:00: one query reads every group at or after 10:00 (finds o2), the floor is 10:00
        assert marks.readings_clear(counting, group_ranges(batch({"data_time": at(0)})))  # type: ignore[arg-type]
        assert counting.queries == 1
        # o2 was found by that query: 10:07 is below its 10:09, 10:10 above; no new query
        assert not marks.readings_clear(counting, group_ranges(batch({"outlet_id": "o2", "data_time": at(7)})))  # type: ignore[arg-type]
        assert marks.readings_clear(counting, group_ranges(batch({"outlet_id": "o2", "data_time": at(10)})))  # type: ignore[arg-type]
        # o3, never stored, at 10:01 (at or above the floor): clear without a query
        assert marks.readings_clear(counting, group_ranges(batch({"outlet_id": "o3", "data_time": at(1)})))  # type: ignore[arg-type]
        assert counting.queries == 1
        # o5 at 07:00 lies below the floor: that needs its own query, which finds 08:00
        assert not marks.readings_clear(counting, group_ranges(batch({"outlet_id": "o5", "data_time": at(-180)})))  # type: ignore[arg-type]
        assert counting.queries == 2
        # that query (from 07:00) lowered the floor to 07:00. A bound raised for a group not yet known (o7,
        # rows written up to 05:00) becomes at least the floor: its older rows may lie anywhere below it
        marks.raise_readings({("o7", "minute"): micros(at(-300)) + 1})
        assert not marks.readings_clear(counting, group_ranges(batch({"outlet_id": "o7", "data_time": at(-240)})))  # type: ignore[arg-type]
        assert marks.readings_clear(counting, group_ranges(batch({"outlet_id": "o7", "data_time": at(-180)})))  # type: ignore[arg-type]
        assert counting.queries == 2


def test_one_qn_query_serves_every_mn_met_later(store: Store) -> None:
    marks = store.watermarks
    with store.transaction() as con:
        append_frames(con, 1, [frame("MN1", "20250303100020123", T0), frame("MN2", "20250303100920123", at(9))])
    counting = CountingConnection(store.con)
    assert marks.frames_clear(counting, [("MN1", "20250303100120123", at(1))])  # type: ignore[arg-type]
    assert counting.queries == 1
    # MN2 was found by that query, MN3 (never stored, above the floor) needs none
    assert not marks.frames_clear(counting, [("MN2", "20250303100920123", at(9))])  # type: ignore[arg-type]
    assert marks.frames_clear(counting, [("MN3", "20250303100520123", at(5))])  # type: ignore[arg-type]
    assert counting.queries == 1
