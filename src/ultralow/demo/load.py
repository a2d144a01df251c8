"""The bulk load of the demo year: vendor export files written and read through ``ultralow ingest``'s own
file path (:func:`ultralow.ingest.files.ingest_file`), overlapped.

One thread writes the export files (:mod:`ultralow.demo.bulk`) while ``readers`` threads ingest the files
already written, each file once, oldest first. The pipeline serialises the writes to the store (its
transaction lock); what overlaps is the work outside it — building and writing the next file, and reading and
checking a file on the reader's own scratch connection — so both cores stay busy. A file is deleted once it
is in the store.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from ultralow.demo.bulk import ExportFile, write_exports
from ultralow.demo.year import OutletYear
from ultralow.ingest import Pipeline
from ultralow.ingest.files import FileResult, ingest_file

QUEUE_FILES: Final = 2  # files written ahead of the readers (bounds the scratch disk and memory)
_DONE: Final = None


@dataclass
class LoadReport:
    """Rows exported and what ``ultralow ingest`` made of them; ``export_seconds``: the writer thread's own
    work (building and writing files, without waiting for the readers)."""

    files: int = 0
    exported_rows: int = 0
    rows: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    problems: list[str] = field(default_factory=list)
    export_seconds: float = 0.0


def bulk_load(pipeline: Pipeline, years: Sequence[OutletYear], start: datetime, directory: Path,
              days_per_file: int, readers: int, progress: Callable[[int], None] | None = None) -> LoadReport:
    """Export the bulk part of ``years`` and ingest it; an exception of the writer or of a reader
    (``FileUnreadable`` from the ingest path) is raised once every thread has stopped. ``progress`` gets the
    rows ingested so far."""
    report = LoadReport()
    ready: queue.Queue[ExportFile | None] = queue.Queue(maxsize=QUEUE_FILES)
    lock = threading.Lock()
    errors: list[BaseException] = []
    stop = threading.Event()
    received_at = datetime.now(UTC)

    waited = [0.0]

    def write() -> None:
        began = time.perf_counter()
        try:
            def put(exported: ExportFile) -> None:
                queued = time.perf_counter()
                try:
                    while not stop.is_set():
                        try:
                            ready.put(exported, timeout=0.2)
                            return
                        except queue.Full:
                            continue
                    raise _Stopped()
                finally:
                    waited[0] += time.perf_counter() - queued

            files = write_exports(years, start, directory, days_per_file, put)
            with lock:
                report.files = len(files)
                report.exported_rows = sum(f.rows for f in files)
        except _Stopped:
            pass
        except BaseException as exc:  # handed to the caller after the threads stopped
            with lock:
                errors.append(exc)
            stop.set()
        finally:
            report.export_seconds = time.perf_counter() - began - waited[0]
            for _ in range(readers):
                ready.put(_DONE)

    def read() -> None:
        while True:
            exported = ready.get()
            if exported is _DONE:
                return
            if stop.is_set():
                continue  # drain the queue so that the writer is never left blocked
            try:
                result = ingest_file(pipeline, exported.path, received_at, "parquet")
                exported.path.unlink(missing_ok=True)
                with lock:
                    _add(report, result)
                    done = report.rows
                if progress is not None:
                    progress(done)
            except BaseException as exc:  # handed to the caller after the threads stopped
                with lock:
                    errors.append(exc)
                stop.set()

    threads = [threading.Thread(target=write, name="demo-export")]
    threads += [threading.Thread(target=read, name=f"demo-ingest-{i}") for i in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return report


class _Stopped(Exception):
    """The load was stopped (a reader failed): the writer ends quietly."""


def _add(report: LoadReport, result: FileResult) -> None:
    report.rows += result.rows
    report.stored += result.stored
    report.duplicates += result.duplicates
    report.quarantined += result.quarantined
    report.problems.extend(result.problems)

