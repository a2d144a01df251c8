"""The batching writer: one thread owns the store and commits frames in batches (group commit).

Frames queue up from the event loop; the thread takes a batch when ``max_frames`` are waiting or the
oldest has waited ``interval_s``, calls ``accept`` (durable when it returns), and only then hands the
outcomes back to the event loop, which sends the acknowledgements. While a commit runs, the next
batch gathers, so the commit rate adapts to the load. After ``idle_s`` without items the thread calls
``accept([])`` once: the quiet moment in which the pipeline checkpoints the store.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

ItemT = TypeVar("ItemT")
TokenT = TypeVar("TokenT")
OutcomeT = TypeVar("OutcomeT")

# Called on the event loop with the tokens of one batch and their outcomes (None: the batch failed).
DoneCallback = Callable[[list[TokenT], Sequence[OutcomeT] | None], None]


class BatchWriter(Generic[ItemT, TokenT, OutcomeT]):
    """Group commit of items through ``accept`` on a dedicated thread."""

    def __init__(
        self,
        accept: Callable[[list[ItemT]], Sequence[OutcomeT]],
        on_done: DoneCallback[TokenT, OutcomeT],
        loop: asyncio.AbstractEventLoop,
        interval_s: float = 0.02,
        max_frames: int = 2000,
        on_error: Callable[[BaseException, int], None] | None = None,
        idle_s: float = 1.0,
    ) -> None:
        self._accept = accept
        self._on_done = on_done
        self._loop = loop
        self._interval_s = interval_s
        self._max_frames = max_frames
        self._on_error = on_error
        self._idle_s = idle_s
        self._idle_ticked = True  # nothing written yet: nothing to tidy
        self._queue: deque[tuple[float, ItemT, TokenT]] = deque()
        self._cond = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="ultralow-writer", daemon=True)
        self.batches = 0
        self.items = 0
        self.failed_batches = 0

    @property
    def alive(self) -> bool:
        """The writer thread runs."""
        return self._thread.is_alive()

    @property
    def queued(self) -> int:
        return len(self._queue)

    def start(self) -> None:
        self._thread.start()

    def submit(self, item: ItemT, token: TokenT) -> None:
        """Queue one item (event-loop thread); its token comes back with its outcome."""
        with self._cond:
            self._queue.append((time.monotonic(), item, token))
            size = len(self._queue)
            if size == 1 or size >= self._max_frames:
                self._cond.notify()

    async def stop(self) -> None:
        """Commit everything queued, hand the last outcomes back, and end the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        await asyncio.get_running_loop().run_in_executor(None, self._thread.join)
        await asyncio.sleep(0)  # the outcomes were scheduled before the join returned: let them run

    # -- writer thread ---------------------------------------------------------------------------
    def _take(self) -> list[tuple[float, ItemT, TokenT]] | None:
        """The next batch; [] for the idle tick; None when stopping with nothing queued."""
        with self._cond:
            while not self._queue:
                if self._stopping:
                    return None
                if self._idle_ticked:
                    self._cond.wait()
                elif not self._cond.wait(self._idle_s) and not self._queue and not self._stopping:
                    self._idle_ticked = True
                    return []
            self._idle_ticked = False
            deadline = self._queue[0][0] + self._interval_s
            while len(self._queue) < self._max_frames and not self._stopping:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            count = min(len(self._queue), self._max_frames)
            return [self._queue.popleft() for _ in range(count)]

    def _run(self) -> None:
        while True:
            batch = self._take()
            if batch is None:
                return
            if not batch:
                try:
                    self._accept([])
                except Exception as exc:  # housekeeping only: nothing was waiting on it
                    if self._on_error is not None:
                        self._on_error(exc, 0)
                continue
            items = [item for _, item, _ in batch]
            tokens = [token for _, _, token in batch]
            outcomes: Sequence[OutcomeT] | None
            try:
                outcomes = self._accept(items)
            except Exception as exc:  # a failed commit acknowledges nothing; the loggers resend
                outcomes = None
                self.failed_batches += 1
                if self._on_error is not None:
                    self._on_error(exc, len(items))
            self.batches += 1
            self.items += len(items)
            try:
                self._loop.call_soon_threadsafe(self._on_done, tokens, outcomes)
            except RuntimeError:  # the loop is gone: nobody is left to acknowledge
                return
