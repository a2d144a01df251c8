"""Structured receiver logs: one JSON object per line on stderr, rate-limited per event name.

A junk-spewing or flapping client can produce thousands of identical events a second; each event name
gets a budget per second, and the next line emitted after a quiet spell says how many were suppressed.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TextIO


class EventLog:
    """Writes ``{"ts", "event", ...fields}`` lines; at most ``per_second`` lines per event name."""

    def __init__(self, stream: TextIO | None = None, per_second: int = 20,
                 clock: Callable[[], float] = time.monotonic, context: dict[str, Any] | None = None) -> None:
        self._stream = stream
        self._context = context or {}  # fields of every line (a worker process's number)
        self._per_second = per_second
        self._clock = clock
        self._windows: dict[str, tuple[float, int, int]] = {}  # event -> (window start s, emitted, suppressed)
        self.counts: dict[str, int] = {}

    def emit(self, event: str, **fields: Any) -> None:
        """Count the event and write it unless its budget for this second is spent."""
        self.counts[event] = self.counts.get(event, 0) + 1
        now = self._clock()
        start, emitted, suppressed = self._windows.get(event, (now, 0, 0))
        if now - start >= 1.0:
            start, emitted = now, 0
        if emitted >= self._per_second:
            self._windows[event] = (start, emitted, suppressed + 1)
            return
        record: dict[str, Any] = {"ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
                                  "event": event, **self._context, **fields}
        if suppressed:
            record["suppressed_before"] = suppressed
        self._windows[event] = (start, emitted + 1, 0)
        stream = self._stream or sys.stderr
        stream.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        stream.flush()
