"""Small read queries over the store: counts for summaries and demos."""

from __future__ import annotations

from dataclasses import dataclass

from ultralow.store.sql import aggregate_row
from ultralow.store.store import Store


@dataclass(frozen=True, slots=True)
class StoreCounts:
    raw_frames: int
    readings: int
    readings_current: int
    revisions: int
    quarantine: int


def read_counts(store: Store) -> StoreCounts:
    """Row counts of the store's tables (revisions: readings with revision > 0)."""
    with store.lock:
        row = aggregate_row(
            store.con,
            """SELECT (SELECT count(*) FROM raw_frames), (SELECT count(*) FROM readings),
                      (SELECT count(*) FROM readings_current),
                      (SELECT count(*) FROM readings WHERE revision > 0), (SELECT count(*) FROM quarantine)""")
    return StoreCounts(*(int(v) for v in row))


def read_outlet_counts(store: Store) -> list[tuple[str, str, int]]:
    """(outlet_id, kind, current readings) per outlet and kind, ordered."""
    with store.lock:
        rows = store.con.execute(
            "SELECT outlet_id, kind, count(*) FROM readings_current GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    return [(str(o), str(k), int(n)) for o, k, n in rows]
