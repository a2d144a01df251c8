"""The mark only ``ultralow demo`` writes into the stores it creates, and the test it applies before it
replaces a file: a store without the mark is never touched, whatever the group name of its registry (a
store filled by ``ingest`` under the demo group's name is still somebody's data)."""

from __future__ import annotations

from typing import Final

from ultralow.store import Store
from ultralow.store.sql import table_exists

MARKER_TABLE: Final = "ultralow_demo_store"  # spelled out in the statements below
MARKER_TEXT: Final = "created by ultralow demo: synthetic data, replaced by the next demo run"


def write_marker(store: Store, seed: int) -> None:
    """Mark ``store`` as a demo store (called right after the demo created it)."""
    with store.lock:
        store.con.execute("CREATE TABLE IF NOT EXISTS ultralow_demo_store (marker VARCHAR NOT NULL, seed BIGINT, "
                          "created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT current_timestamp)")
        store.con.execute("INSERT INTO ultralow_demo_store (marker, seed) VALUES (?, ?)", [MARKER_TEXT, seed])


def has_marker(store: Store) -> bool:
    """True when ``store`` carries the demo's mark."""
    with store.lock:
        if not table_exists(store.con, MARKER_TABLE):
            return False
        row = store.con.execute("SELECT count(*) FROM ultralow_demo_store WHERE marker = ?", [MARKER_TEXT]).fetchone()
    return bool(row and row[0])
