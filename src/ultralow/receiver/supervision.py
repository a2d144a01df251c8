"""Background tasks that cannot die silently: a failure is logged and the task restarted; health is visible.

Issue 10 found a ``MemoryError`` in the receiver's sweeper ending idle timeouts and set expiry for good.
Each periodic job now runs under :class:`SupervisedTask`: an exception is logged (``task_failed``), the
job restarts after a back-off that doubles up to ``MAX_RESTART_DELAY_S``, and :meth:`health` says whether
it runs, when it last finished a round, how often it failed and why.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any, Final

from ultralow.receiver.events import EventLog

FIRST_RESTART_DELAY_S: Final = 0.5
MAX_RESTART_DELAY_S: Final = 30.0


class SupervisedTask:
    """Runs ``round()`` every ``interval_s`` on the event loop; restarts it after a failure."""

    def __init__(self, name: str, round_: Callable[[], Awaitable[None] | None], interval_s: float,
                 events: EventLog) -> None:
        self.name = name
        self._round = round_
        self.interval_s = interval_s
        self.events = events
        self.rounds = 0
        self.failures = 0
        self.last_error: str | None = None
        self.last_round_s: float | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name=f"ultralow-{self.name}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        delay = FIRST_RESTART_DELAY_S
        while True:
            await asyncio.sleep(self.interval_s)
            try:
                result = self._round()
                if result is not None:
                    await result
            except asyncio.CancelledError:
                raise
            except BaseException as exc:  # noqa: BLE001 - MemoryError too: log, wait, go on
                self.failures += 1
                self.last_error = f"{type(exc).__name__}: {str(exc)[:200]}"
                self.events.emit("task_failed", task=self.name, error=self.last_error, failures=self.failures,
                                 restart_in_s=delay)
                await asyncio.sleep(delay)
                delay = min(MAX_RESTART_DELAY_S, delay * 2)
                continue
            delay = FIRST_RESTART_DELAY_S
            self.rounds += 1
            self.last_round_s = time.monotonic()

    def health(self) -> dict[str, Any]:
        running = self._task is not None and not self._task.done()
        age = None if self.last_round_s is None else round(time.monotonic() - self.last_round_s, 1)
        late = age is not None and age > 3 * self.interval_s + MAX_RESTART_DELAY_S
        return {"state": "running" if running and not late else ("late" if running else "stopped"),
                "rounds": self.rounds, "failures": self.failures, "last_error": self.last_error,
                "last_round_age_s": age}
