"""The store's content hash: one SHA-256 that changes when any stored fact does (readings and their
revisions, raw frames, quarantine, the registry, ledger rows and approvals, marks), and stays the same for
the same content whenever and however it is read. The annual report prints it on its first page.

Per table: the row count and the sum (mod 2^64) of DuckDB's 64-bit ``hash()`` of each row's content
columns, which is independent of row order; the digest is SHA-256 over ``table:count:sum`` lines in a fixed
table order. Receipt and import clock times (``received_at``, ``loaded_at``, ``imported_at``) and the
paths files were read from (registry ``path``, ledger ``source_file``) are left out: they record when and
from where a fact arrived, not the fact.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ultralow.store import Store
from ultralow.store.sql import aggregate_row

# (table, content columns) in digest order; a table the store does not have is recorded as absent
CONTENT_TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("readings", ("outlet_id", "code", "kind", "data_time", "utc_offset_min", "revision", "value", "min", "max",
                  "cou", "zs", "flag", "source", "frame_id")),
    ("raw_frames", ("frame_id", "peer", "mn", "cn", "qn", "raw", "data_time")),
    ("quarantine", ("id", "source", "peer", "location", "reason", "raw")),
    ("registry", ("version", "text")),  # not the path it was loaded from
    ("ledger_rows", ("row_id", "revision", "kind", "year", "base", "country", "data", "content_sha256",
                     "evidence_document", "evidence_sha256", "entered_by", "entered_at", "source_line",
                     "replaces_revision")),
    ("ledger_approvals", ("row_id", "revision", "approved_by", "approved_at", "note")),
    ("marks", ()),  # every column (the marks table's columns are owned by the marks issue)
)


@dataclass(frozen=True)
class ContentHash:
    sha256: str
    tables: dict[str, tuple[int, int] | None]  # table -> (rows, hash sum), None when absent

    @property
    def short(self) -> str:
        return self.sha256[:16]


def content_hash(store: Store) -> ContentHash:
    """The content hash of ``store`` (see the module docstring)."""
    with store.lock:
        # a long scan would draw DuckDB's progress bar on stdout (where --format json prints its one document)
        shown = store.con.execute("SELECT current_setting('enable_progress_bar')").fetchone()
        store.con.execute("SET enable_progress_bar = false")
        try:
            return _digest(store)
        finally:
            if shown is not None and shown[0]:
                store.con.execute("SET enable_progress_bar = true")


def _digest(store: Store) -> ContentHash:
    lines: list[str] = []
    tables: dict[str, tuple[int, int] | None] = {}
    present = {r[0]: None for r in store.con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    for table, wanted in CONTENT_TABLES:
        if table not in present:
            tables[table] = None
            lines.append(f"{table}:absent")
            continue
        columns = [r[0] for r in store.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = 'main' "
            "ORDER BY ordinal_position", [table]).fetchall()]
        chosen = [c for c in (wanted or tuple(columns)) if c in columns and not c.endswith(("received_at",
                                                                                         "loaded_at",
                                                                                         "imported_at"))]
        row_expr = "hash(" + ", ".join(f'"{c}"' for c in chosen) + ")"
        row = aggregate_row(
            store.con,
            f'SELECT count(*), coalesce(sum({row_expr}::HUGEINT) % 18446744073709551616, 0) FROM "{table}"')  # noqa: S608
        tables[table] = (int(row[0]), int(row[1]))
        lines.append(f"{table}:{int(row[0])}:{int(row[1])}:{','.join(chosen)}")
    return ContentHash(hashlib.sha256("\n".join(lines).encode()).hexdigest(), tables)
