"""The stored results kept current by ``ultralow serve``: a supervised background task (logged, restarted
after a failure, visible in ``/health`` as task ``results``) running a keeper's rounds in a thread of its
own, so the event loop and the receiver's commits go on while an hours run or a settle judges.

The keeper (:class:`ultralow.app.results_keeper.ResultsKeeper`) decides what a round does; each run that did
work is logged as a ``results_run`` event (kind, rows, data cut-off, milliseconds).
"""

from __future__ import annotations

import asyncio
import contextlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from ultralow.receiver.events import EventLog
from ultralow.receiver.supervision import SupervisedTask


class _Run(Protocol):
    def as_dict(self) -> dict[str, Any]: ...


class Keeper(Protocol):
    app: Any

    def round(self) -> list[Any]: ...

    def health(self) -> dict[str, Any]: ...


class ResultsService:
    """``keeper.round()`` every ``interval_s`` under a :class:`SupervisedTask` (a service of
    ``run_until_signalled``); ``stop`` interrupts a running round's query and waits for its thread."""

    def __init__(self, keeper: Keeper, interval_s: float, events: EventLog) -> None:
        self.keeper = keeper
        self.events = events
        self.task = SupervisedTask("results", self._round, interval_s, events)
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="ultralow-results")
        self._running: asyncio.Future[list[Any]] | None = None

    async def _round(self) -> None:
        self._running = asyncio.get_running_loop().run_in_executor(self._executor, self.keeper.round)
        runs = await asyncio.shield(self._running)  # a stop waits for the thread instead of leaving it
        for run in runs:
            self.events.emit("results_run", **run.as_dict())

    async def start(self) -> None:
        self.task.start()

    async def stop(self) -> None:
        await self.task.stop()
        running = self._running
        if running is not None and not running.done():
            self.keeper.app.store.con.interrupt()  # the round's transaction rolls back
            with contextlib.suppress(Exception):
                await running
        self._executor.shutdown(wait=True)
        self.keeper.app.store.close()

    def health(self) -> dict[str, Any]:
        return self.task.health()


def with_results(health: Any, service: ResultsService | None) -> Any:
    """``health`` (a callable giving the receiver's health) with the results task among its tasks and the
    keeper's figures under ``results``."""
    if service is None:
        return health

    def combined() -> dict[str, Any]:
        out = dict(health())
        out["tasks"] = {**out.get("tasks", {}), "results": service.health()}
        out["results"] = service.keeper.health()
        return out

    return combined
