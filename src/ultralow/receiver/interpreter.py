"""The interpreter settings a receiving process runs with: set when a receiver (or the writer process of
``serve --workers``) starts, given back when it stops."""

from __future__ import annotations

import gc
import sys
from typing import Final

from ultralow.receiver.limits import ReceiverLimits

# Cyclic GC while a receiver runs: a frame in flight is a few dozen objects (packet, dicts, texts), so at
# thousands a second the default thresholds ran a full collection every couple of seconds, each a pause
# of up to 190 ms and 0.7-0.8 s of CPU per receiving process in a 10 s benchmark. With the objects made
# before the start frozen and a gen-0 threshold of 50,000 it was 0.04 s, at most 41 ms (notes: h10).
# Frames make no reference cycles; the collector still runs.
GC_THRESHOLDS: Final = (50_000, 20, 50)


class InterpreterTuning:
    """The GIL switch interval and GC thresholds of ``ReceiverLimits``, applied once and restored."""

    def __init__(self) -> None:
        self._switch_interval_s: float | None = None  # the interpreter's own, restored by restore()
        self._gc_thresholds: tuple[int, int, int] | None = None  # likewise

    def apply(self, limits: ReceiverLimits) -> None:
        if limits.gil_switch_interval_s > 0 and self._switch_interval_s is None:
            self._switch_interval_s = sys.getswitchinterval()
            sys.setswitchinterval(limits.gil_switch_interval_s)
        if limits.gc_tuned and self._gc_thresholds is None:
            self._gc_thresholds = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(*GC_THRESHOLDS)

    def restore(self) -> None:
        if self._switch_interval_s is not None:
            sys.setswitchinterval(self._switch_interval_s)
            self._switch_interval_s = None
        if self._gc_thresholds is not None:
            gc.set_threshold(*self._gc_thresholds)
            gc.unfreeze()
            self._gc_thresholds = None
