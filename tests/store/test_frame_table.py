"""Frames as one Arrow table: appended in one statement, their duplicates found in one query."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from ultralow.store import Store
from ultralow.store.frames import append_frame_table, find_frame_duplicates, frame_table, frames_distinct

RECEIVED = datetime(2025, 3, 3, 2, 1, tzinfo=UTC)
T0 = datetime(2025, 3, 3, 10, 0)
T1 = datetime(2025, 3, 3, 10, 1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "f.duckdb") as s:
        yield s


def table(*frames: tuple[str | None, str | None, datetime | None, bytes]) -> pa.Table:
    """(mn, qn, data_time, raw) per frame."""
    return frame_table([RECEIVED] * len(frames), ["peer"] * len(frames), [f[0] for f in frames],
                       ["2051"] * len(frames), [f[1] for f in frames], [f[3] for f in frames],
                       [f[2] for f in frames])


def test_appended_in_order_with_consecutive_ids(store: Store) -> None:
    with store.transaction() as con:
        ids = append_frame_table(con, 7, table(("MN1", "Q1", T0, b"##a"), ("MN2", None, T1, b"##b")))
    assert ids.tolist() == [7, 8]
    assert store.con.execute("SELECT frame_id, mn, qn, data_time, raw, received_at FROM raw_frames "
                             "ORDER BY 1").fetchall() == [
        (7, "MN1", "Q1", T0, b"##a", RECEIVED), (8, "MN2", None, T1, b"##b", RECEIVED)]


def test_duplicates_against_the_store_and_within_the_table(store: Store) -> None:
    with store.transaction() as con:
        append_frame_table(con, 1, table(("MN1", "Q1", T0, b"##a"), ("MN2", None, T0, b"##t")))
    frames = table(
        ("MN1", "Q1", T0, b"##a"),      # 0: stored as frame 1 (same MN, QN and bytes)
        ("MN1", "Q1", T0, b"##A"),      # 1: same MN and QN, other bytes: a new frame
        ("MN1", "Q1", T0, b"##A"),      # 2: a copy of 1
        ("MN2", None, T0, b"##t"),      # 3: no QN, found by MN and DataTime: stored as frame 2
        ("MN2", "", T1, b"##u"),        # 4: empty QN counts as none: new
        ("MN2", "", T1, b"##u"),        # 5: a copy of 4
        (None, "Q1", T0, b"##a"),       # 6: no MN: no key, never a duplicate
        ("MN3", None, None, b"##h"),    # 7: neither QN nor DataTime: no key
        ("MN3", None, None, b"##h"),    # 8: ... so not a copy of 7 either
    )
    assert not frames_distinct(frames)
    found = find_frame_duplicates(store.con, frames)
    assert found.stored.tolist() == [1, -1, -1, 2, -1, -1, -1, -1, -1]
    assert found.first.tolist() == [0, 1, 1, 3, 4, 4, 6, 7, 8]
    assert found.new.tolist() == [1, 4, 6, 7, 8]
    # without looking in the store (its Watermarks proved it clear) only the table's own copies count
    inside = find_frame_duplicates(store.con, frames, look_in_store=False)
    assert inside.stored.tolist() == [-1] * 9
    assert inside.new.tolist() == [0, 1, 3, 4, 6, 7, 8]


def test_distinct_bytes_are_distinct_frames() -> None:
    assert frames_distinct(table(("MN1", "Q1", T0, b"##a"), ("MN1", "Q1", T0, b"##b")))
    assert frames_distinct(table())
