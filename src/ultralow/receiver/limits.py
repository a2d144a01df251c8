"""Bounds the receiver enforces so that one client can neither exhaust memory nor stall the others.

The bounds that answer an attack (counts, deadlines, back-off, quarantine quota) are data, with their
reason and source, in ``data/bounds.toml``; :data:`BOUNDS` holds that file and :class:`ReceiverLimits`
takes its defaults from it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

from ultralow.hj212.crc import MAX_SEGMENT_BYTES


def _load_bounds() -> dict[str, dict[str, Any]]:
    text = resources.files("ultralow.receiver").joinpath("data/bounds.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    for name, row in data.items():
        missing = {"value", "unit", "reason", "source", "status"} - set(row)
        if missing:
            raise ValueError(f"receiver/data/bounds.toml: [{name}] lacks {', '.join(sorted(missing))}")
    return data


BOUNDS: Final = _load_bounds()


def bound(name: str) -> Any:
    """The value of one bound of ``data/bounds.toml``."""
    return BOUNDS[name]["value"]


@dataclass(frozen=True, slots=True)
class ReceiverLimits:
    """Sizes in bytes, times in seconds.

    ``max_segment_bytes`` defaults to what the four-digit LLLL field can state (real devices exceed the
    standard's 1024, see the HJ 212 reference section 1); the framer then never buffers more than one
    such frame plus the chunk just read, and ``max_buffer_bytes`` closes a connection beyond that.
    """

    max_segment_bytes: int = MAX_SEGMENT_BYTES
    max_buffer_bytes: int = 128 * 1024
    idle_timeout_s: float = bound("idle_timeout_s")
    max_connections: int = bound("max_connections")
    max_unauthenticated: int = bound("max_unauthenticated")
    max_unauthenticated_per_address: int = bound("max_unauthenticated_per_address")
    auth_timeout_s: float = bound("auth_timeout_s")
    frame_deadline_s: float = bound("frame_deadline_s")
    frame_deadline_per_kib_s: float = bound("frame_deadline_per_kib_s")
    max_pnum: int = bound("max_pnum")
    auth_failures_per_mn: int = bound("auth_failures_per_mn")
    auth_failures_per_address: int = bound("auth_failures_per_address")
    auth_failure_window_s: float = bound("auth_failure_window_s")
    auth_backoff_s: float = bound("auth_backoff_s")
    auth_backoff_max_s: float = bound("auth_backoff_max_s")
    quarantine_samples_per_address: int = bound("quarantine_samples_per_address")
    quarantine_window_s: float = bound("quarantine_window_s")
    quarantine_quota_bytes: int = bound("quarantine_quota_bytes")
    # outgoing replies a client has not read: above this the connection stops being read
    write_high_water_bytes: int = 64 * 1024
    # frames read from one connection and not yet answered: above this the connection stops being read
    max_in_flight: int = 256
    # bytes that yielded no accepted frame (junk, bad CRC, unknown MN, wrong PW) since the last accepted one
    junk_limit_bytes: int = 64 * 1024
    batch_interval_s: float = 0.02
    # The interpreter's GIL switch interval while a receiver runs (sys.setswitchinterval; Python's default
    # is 5 ms). The writer thread releases the GIL in every DuckDB and Arrow call and must then wait for
    # the event-loop thread, busy with a thousand connections, to hand it back: with 5 ms a commit of a few
    # dozen such calls took ~180 ms of waiting (the profile in notes/i10.md). 0 leaves the interval alone.
    gil_switch_interval_s: float = 0.0005
    # freeze the objects made before the start and collect less often while a receiver runs
    # (``interpreter.GC_THRESHOLDS``: full collections of a busy receiver paused it up to 190 ms)
    gc_tuned: bool = True
    batch_max_frames: int = 2000
    subpacket_timeout_s: float = 120.0
    # how often deadlines, set expiry and back-off periods are checked
    sweep_interval_s: float = 1.0
    health_interval_s: float = 60.0

    def frame_deadline_for(self, size_bytes: int) -> float:
        """Seconds a frame of ``size_bytes`` (declared or buffered) may take after its first byte."""
        return self.frame_deadline_s + self.frame_deadline_per_kib_s * size_bytes / 1024
