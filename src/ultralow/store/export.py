"""Parquet export of the current readings, the hand-off to Spark and other engines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ultralow.store.store import Store


class ExportError(RuntimeError):
    """The export could not be written (names the directory)."""


@dataclass(frozen=True, slots=True)
class ExportSummary:
    directory: str
    rows: int
    files: int
    partitions: int


def export_parquet(store: Store, directory: str | Path, overwrite: bool = False) -> ExportSummary:
    """Write ``readings_current`` under ``directory`` as Hive-style partitions
    ``year=YYYY/month=M/outlet_id=ID/*.parquet`` (year and month of the plant-local data_time).

    The partition columns are not repeated inside the files; readers with Hive partitioning get them back.
    An existing non-empty directory is an error unless ``overwrite``.
    """
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target}: exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise ExportError(f"{target}: directory is not empty (use --overwrite to replace it)")
    mode = "OVERWRITE" if overwrite else "OVERWRITE_OR_IGNORE"
    with store.lock:
        row = store.con.execute("SELECT count(*) FROM readings_current").fetchone()
        rows = int(row[0]) if row else 0
        # COPY takes no parameters for its target: the path goes in as an escaped string literal
        literal = "'" + str(target).replace("'", "''") + "'"
        store.con.execute(
            f"""COPY (SELECT *, year(data_time) AS year, month(data_time) AS month FROM readings_current)
                TO {literal} (FORMAT parquet, PARTITION_BY (year, month, outlet_id), {mode} true)"""  # noqa: S608
        )
    files = sorted(target.rglob("*.parquet")) if target.exists() else []
    partitions = {f.parent for f in files}
    return ExportSummary(str(target), rows, len(files), len(partitions))
