"""A consistent copy of a store that its owner keeps writing to: the read path while ``serve`` runs.

DuckDB lets one process open a file for writing and no other process open it at all, so a read command
cannot open the store the receiver holds. The owner makes the copy instead: on its own connection (a
cursor of the store's database, so the receiver's commits go on meanwhile) it copies every table, view and
the schema versions into a new file in one transaction, which is a snapshot of the last commit before it
began (DuckDB's MVCC). The copy is an ordinary store file, opened read-only by the same code as any store,
so a read command gives the same results from it as from the store itself at that commit.

Cost: the copy rewrites the data (about 1 s per million readings on this machine's two cores); a store of
many years is better read from its Parquet export.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path
from typing import Final

from ultralow.store.store import Store

SNAPSHOT_PREFIX: Final = ".snapshot-"
STALE_SNAPSHOT_S: Final = 3600.0  # a reader that died leaves its copy; the owner removes it after this
_COUNTER = itertools.count(1)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def snapshot_path(store_path: Path) -> Path:
    """A new, unused path for a snapshot of ``store_path``, hidden beside it (same file system)."""
    return store_path.with_name(f".{store_path.name}{SNAPSHOT_PREFIX}{os.getpid()}-{next(_COUNTER)}.duckdb")


def publish_snapshot(store: Store, target: Path | None = None) -> Path:
    """Copy ``store`` (open for writing in this process) to ``target`` consistently; returns its path.

    Runs on a cursor of the store's database, not on ``store.con``: the writer keeps committing while
    the copy runs, and the copy holds the state of the last commit before it started.
    """
    target = target or snapshot_path(store.path)
    if target.exists():
        raise FileExistsError(f"{target}: a snapshot there already exists")
    alias = f"ul_snapshot_{os.getpid()}_{next(_COUNTER)}"  # identifiers from code, the path is ours
    cursor = store.con.cursor()
    try:
        row = cursor.execute("SELECT current_database()").fetchone()
        source = str(row[0]) if row else "main"
        literal = "'" + str(target).replace("'", "''") + "'"
        cursor.execute(f"ATTACH {literal} AS {_ident(alias)}")
        try:
            cursor.execute(f"COPY FROM DATABASE {_ident(source)} TO {_ident(alias)}")
        finally:
            cursor.execute(f"DETACH {_ident(alias)}")
    except BaseException:
        cursor.close()
        remove_snapshot(target)
        raise
    cursor.close()
    return target


def remove_snapshot(path: Path) -> None:
    """Delete a snapshot file and its write-ahead log, if any."""
    for candidate in (path, path.with_name(path.name + ".wal")):
        try:
            candidate.unlink()
        except FileNotFoundError:
            pass


def remove_stale_snapshots(store_path: Path, older_than_s: float = STALE_SNAPSHOT_S) -> int:
    """Remove snapshots of ``store_path`` older than ``older_than_s`` (readers that never cleaned up)."""
    removed = 0
    now = time.time()
    for path in store_path.parent.glob(f".{store_path.name}{SNAPSHOT_PREFIX}*.duckdb"):
        try:
            if now - path.stat().st_mtime > older_than_s:
                remove_snapshot(path)
                removed += 1
        except FileNotFoundError:
            continue
    return removed
