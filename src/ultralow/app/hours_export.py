"""Judged hours to a file: Parquet (the file ``ultralow claims check --hours`` reads) or CSV for people.

Parquet keeps the engine's columns and types (``hour`` is the plant-local clock time of the hour's start,
``utc_offset_min`` its offset) plus each outlet's ``base`` and ``source_type``; CSV has the same rows as
the JSON document (``outlet``, times with offsets) in UTF-8 with a BOM and ``true``/``false``.
The file is written beside its target and renamed at the end: a failed export leaves nothing behind.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyarrow.parquet as pq

from ultralow.app.documents import BATCH_ROWS, sorted_batches, write_csv
from ultralow.app.judging import Judgement, Progress, no_progress
from ultralow.app.problems import AppError, UsageProblem

HOURS_FORMATS: Final = ("parquet", "csv")


@dataclass(frozen=True, slots=True)
class HoursExport:
    path: Path
    format: str
    rows: int
    bytes: int


def export_hours(judgement: Judgement, path: str | Path, fmt: str | None = None, *, overwrite: bool = False,
                 progress: Progress = no_progress) -> HoursExport:
    """Write the judgement's hours to ``path`` (format from ``fmt`` or the suffix: .parquet or .csv)."""
    target = Path(path)
    kind = fmt or target.suffix.lower().lstrip(".")
    if kind not in HOURS_FORMATS:
        raise UsageProblem(f"{target}: say --hours-format parquet or csv (or end the name in .parquet/.csv)")
    if target.exists() and not overwrite:
        raise UsageProblem(f"{target}: exists (give --overwrite to replace it)")
    if not target.parent.is_dir():
        raise AppError(f"{target.parent}: no such directory")
    hours = judgement.with_outlet_columns("hours")  # sorted batch by batch as written (no sorted copy)
    partial = target.with_name(f".{target.name}.partial")
    try:
        if kind == "parquet":
            with pq.ParquetWriter(partial, hours.schema, compression="zstd") as writer:
                done = 0
                for batch in sorted_batches("hours", hours, BATCH_ROWS * 32):
                    writer.write_table(batch)
                    done += batch.num_rows
                    progress("write", done, hours.num_rows)
        else:
            with open(partial, "w", encoding="utf-8", newline="") as out:
                write_csv("hours", hours, judgement.offsets, out.write, progress=progress)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise AppError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    return HoursExport(target, kind, hours.num_rows, target.stat().st_size)
