"""``ultralow ingest``'s work: detect a file's format and send it through the pipeline."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from ultralow.ingest.hj212_log import read_hj212_log
from ultralow.ingest.long_format import LongFormatError, LongRead, read_csv_long, read_parquet_long
from ultralow.ingest.parquet_direct import plan_direct
from ultralow.ingest.pipeline import Pipeline

FORMATS: Final = ("hj212", "csv", "parquet")
FRAME_BATCH: Final = 5_000  # frames per pipeline call (one commit each)
CSV_BATCH: Final = 1_000_000  # rows per commit for CSV files


class FileUnreadable(Exception):
    """A file that could not be read at all (``file:line: message``)."""


@dataclass(slots=True)
class FileResult:
    """What one file gave: rows (lines with frames, or data rows), readings stored (of which revisions),
    duplicates (readings or frames already stored), quarantined rows and one problem line each."""

    path: str
    format: str
    rows: int = 0
    stored: int = 0
    revisions: int = 0
    duplicates: int = 0
    quarantined: int = 0
    frames: int = 0
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def detect_format(path: Path) -> str:
    """``parquet`` (by its magic bytes), ``hj212`` (a ``##`` packet in the first lines) or ``csv``."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    if head.startswith(b"PAR1"):
        return "parquet"
    lines = head.splitlines()[:5]
    if any(b"##" in line and b"CP=&&" in line for line in lines) or any(line.startswith(b"##") for line in lines):
        return "hj212"
    return "csv"


def ingest_file(pipeline: Pipeline, path: str | Path, received_at: datetime, fmt: str | None = None) -> FileResult:
    """Read one file into the store; FileUnreadable when it cannot be read at all."""
    path = Path(path)
    label = str(path)
    try:
        fmt = fmt or detect_format(path)
    except OSError as exc:
        raise FileUnreadable(f"{label}:0: cannot read: {exc.strerror or exc}") from exc
    result = FileResult(label, fmt)
    try:
        if fmt == "hj212":
            _ingest_hj212(pipeline, path, received_at, result)
        elif fmt == "csv":
            _ingest_long(pipeline, [read_csv_long(path, pipeline.registry, pipeline.tables, received_at)], result)
        else:
            _ingest_parquet(pipeline, path, received_at, result)
    except LongFormatError as exc:
        raise FileUnreadable(str(exc)) from exc
    except OSError as exc:
        raise FileUnreadable(f"{label}:0: cannot read: {exc.strerror or exc}") from exc
    return result


def _ingest_hj212(pipeline: Pipeline, path: Path, received_at: datetime, result: FileResult) -> None:
    items = read_hj212_log(path, received_at)
    result.rows = len(items)
    for start in range(0, len(items), FRAME_BATCH):
        batch = items[start : start + FRAME_BATCH]
        for item, outcome in zip(batch, pipeline.accept(batch), strict=True):
            if outcome.status == "quarantined":
                result.quarantined += 1
                result.problems.append(f"{item.location}: {outcome.reason}")
            elif outcome.status == "duplicate":
                result.duplicates += 1
            else:
                result.frames += 1
                result.stored += outcome.rows


def _ingest_parquet(pipeline: Pipeline, path: Path, received_at: datetime, result: FileResult) -> None:
    """A file proved clean as a whole goes in with one statement; any other through the batch path."""
    direct = plan_direct(path, pipeline.registry, pipeline.tables, received_at)
    outcome = pipeline.accept_parquet(direct) if direct is not None else None
    if outcome is not None:
        result.rows += outcome.rows
        result.stored += outcome.stored
        return
    _ingest_long(pipeline, read_parquet_long(path, pipeline.registry, pipeline.tables, received_at), result)


def _ingest_long(pipeline: Pipeline, reads: Iterable[LongRead], result: FileResult) -> None:
    for read in reads:
        result.rows += read.rows
        result.problems.extend(read.problems)
        rejected = read.rejected
        for start in range(0, max(read.readings.num_rows, 1), CSV_BATCH):
            outcome = pipeline.accept_rows(read.readings.slice(start, CSV_BATCH), rejected)
            rejected = []
            result.stored += outcome.stored
            result.revisions += outcome.revisions
            result.duplicates += outcome.duplicates
            result.quarantined += outcome.quarantined
