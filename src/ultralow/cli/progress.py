"""Progress on stderr: a Rich progress bar when stderr is a terminal, nothing when it is piped."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from ultralow.app.judging import Progress as ProgressCallback
from ultralow.app.judging import no_progress

STAGE_LABELS = {
    "readings": "reading the store",
    "engine": "judging (HJ 75/76 engine)",
    "tables": "collecting the results",
    "write": "writing",
}


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def terminal_progress(enabled: bool | None = None) -> Iterator[ProgressCallback]:
    """A callback ``(stage, done, total)`` driving a progress bar on a terminal (no-op when piped)."""
    if not (stderr_is_terminal() if enabled is None else enabled):
        yield no_progress
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,.0f}/{task.total}"),
                   TimeElapsedColumn(), console=Console(stderr=True), transient=True)
    tasks: dict[str, TaskID] = {}

    def update(stage: str, done: int, total: int | None) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(STAGE_LABELS.get(stage, stage), total=total)
        bar.update(tasks[stage], completed=done, total=total)

    with bar:
        yield update
