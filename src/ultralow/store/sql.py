"""Helpers for the store's small catalogue and aggregate queries. An aggregate without GROUP BY always yields
one row, so a missing row is a broken connection or query, reported as such (not an ``assert``, which
``python -O`` drops)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb


def aggregate_row(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> tuple[Any, ...]:
    """The single row of an aggregate query (``SELECT count(*) …``), its result read to the end so that nothing
    stays pending on the connection."""
    rows = con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()
    if not rows:
        raise RuntimeError(f"aggregate query returned no row: {sql.split(chr(10), 1)[0][:80]}")
    return tuple(rows[0])


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """True when the store's own database (not an attached one) has table ``name`` in schema main."""
    row = aggregate_row(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
                             "AND table_schema = 'main' AND table_catalog = current_database()", [name])
    return bool(row[0])
