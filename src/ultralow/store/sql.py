"""One helper for the store's aggregate queries: an aggregate without GROUP BY always yields one row, so a
missing row is a broken connection or query, reported as such (not an ``assert``, which ``python -O`` drops)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb


def aggregate_row(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> tuple[Any, ...]:
    """The single row of an aggregate query (``SELECT count(*) …``)."""
    row = con.execute(sql, params).fetchone() if params is not None else con.execute(sql).fetchone()
    if row is None:
        raise RuntimeError(f"aggregate query returned no row: {sql.split(chr(10), 1)[0][:80]}")
    return tuple(row)
