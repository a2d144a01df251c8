"""Bounds the receiver enforces so that one client can neither exhaust memory nor stall the others."""

from __future__ import annotations

from dataclasses import dataclass

from ultralow.hj212.crc import MAX_SEGMENT_BYTES


@dataclass(frozen=True, slots=True)
class ReceiverLimits:
    """Sizes in bytes, times in seconds.

    ``max_segment_bytes`` defaults to what the four-digit LLLL field can state (real devices exceed the
    standard's 1024, see the HJ 212 reference section 1); the framer then never buffers more than one
    such frame plus the chunk just read, and ``max_buffer_bytes`` closes a connection beyond that.
    """

    max_segment_bytes: int = MAX_SEGMENT_BYTES
    max_buffer_bytes: int = 128 * 1024
    idle_timeout_s: float = 300.0
    max_connections: int = 2000
    # outgoing replies a client has not read: above this the connection stops being read
    write_high_water_bytes: int = 64 * 1024
    # frames read from one connection and not yet answered: above this the connection stops being read
    max_in_flight: int = 256
    # bytes that yielded no accepted frame (junk, bad CRC, unknown MN, wrong PW) since the last accepted one
    junk_limit_bytes: int = 64 * 1024
    batch_interval_s: float = 0.02
    batch_max_frames: int = 2000
    subpacket_timeout_s: float = 120.0
