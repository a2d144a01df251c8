"""Readings writer: new keys, duplicates, revisions, nulls, and the readings_current view."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from ultralow.store import CANDIDATE_SCHEMA, Store, write_readings

T0 = datetime(2025, 3, 3, 10, 0)
RECEIVED = datetime(2025, 3, 3, 2, 1, tzinfo=UTC)


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
    with Store(tmp_path / "s.duckdb") as s:
        yield s


def write(store: Store, table: pa.Table) -> tuple[int, int, int]:
    with store.transaction() as con:
        result = write_readings(con, table)
    return result.inserted, result.revisions, result.duplicates


def stored(store: Store, view: str = "readings") -> list[tuple[Any, ...]]:
    return store.con.execute(
        f"SELECT outlet_id, code, data_time, revision, value, flag FROM {view} ORDER BY ALL"  # noqa: S608
    ).fetchall()


def test_new_keys_get_revision_0(store: Store) -> None:
    assert write(store, batch({"value": 12.5}, {"code": "a21002", "value": 30.0})) == (2, 0, 0)
    assert stored(store) == [("o1", "a21002", T0, 0, 30.0, "N"), ("o1", "a21026", T0, 0, 12.5, "N")]


def test_identical_resend_changes_nothing(store: Store) -> None:
    write(store, batch({"value": 12.5, "min": 11.0, "max": 14.0}))
    assert write(store, batch({"value": 12.5, "min": 11.0, "max": 14.0})) == (0, 0, 1)
    assert len(stored(store)) == 1


def test_a_different_value_is_a_revision_not_an_overwrite(store: Store) -> None:
    write(store, batch({"value": 12.5}))
    assert write(store, batch({"value": 13.0})) == (1, 1, 0)
    # a flag change alone is also a new revision
    assert write(store, batch({"value": 13.0, "flag": "C"})) == (1, 1, 0)
    assert stored(store) == [("o1", "a21026", T0, 0, 12.5, "N"), ("o1", "a21026", T0, 1, 13.0, "N"),
                             ("o1", "a21026", T0, 2, 13.0, "C")]
    assert stored(store, "readings_current") == [("o1", "a21026", T0, 2, 13.0, "C")]


def test_a_value_equal_to_an_older_revision_is_a_duplicate(store: Store) -> None:
    write(store, batch({"value": 1.0}))
    write(store, batch({"value": 2.0}))
    assert write(store, batch({"value": 1.0})) == (0, 0, 1)
    assert [row[3] for row in stored(store)] == [0, 1]


def test_nulls_compare_equal_and_stay_null(store: Store) -> None:
    write(store, batch({"value": None, "flag": "D"}))
    assert write(store, batch({"value": None, "flag": "D"})) == (0, 0, 1)
    assert stored(store) == [("o1", "a21026", T0, 0, None, "D")]


def test_one_batch_with_repeats_and_changes_in_arrival_order(store: Store) -> None:
    # seq 0: 5.0, seq 1: 5.0 again (duplicate), seq 2: 6.0 (revision 1), seq 3: other key
    result = write(store, batch({"value": 5.0}, {"value": 5.0}, {"value": 6.0}, {"outlet_id": "o2", "value": 5.0}))
    assert result == (3, 1, 1)
    assert stored(store) == [("o1", "a21026", T0, 0, 5.0, "N"), ("o1", "a21026", T0, 1, 6.0, "N"),
                             ("o2", "a21026", T0, 0, 5.0, "N")]


def test_keys_differ_by_kind_and_time(store: Store) -> None:
    write(store, batch({"value": 1.0}))
    later = datetime(2025, 3, 3, 10, 1)
    assert write(store, batch({"kind": "hour", "value": 9.0}, {"data_time": later, "value": 9.0})) == (2, 0, 0)
    assert store.con.execute("SELECT max(revision) FROM readings").fetchone() == (0,)


def test_readings_current_keeps_unrevised_rows(store: Store) -> None:
    write(store, batch({"value": 1.0}, {"code": "a21002", "value": 2.0}))
    write(store, batch({"value": 1.5}))
    current = stored(store, "readings_current")
    assert current == [("o1", "a21002", T0, 0, 2.0, "N"), ("o1", "a21026", T0, 1, 1.5, "N")]
