"""One data-logger connection: framing, decoding, flow control, deadlines and acknowledgement.

Reads are cut into frames by the codec's ``StreamFramer`` and decoded by the codec; every frame goes to
the hub (the receiver), which checks who sent it and hands it to the batching writer; the reply the codec
says is owed (9014 for an upload with Flag.A = 1, 9013 for a notification) is written only after the
writer reports the frame durable. A connection stops being read while too many of its frames await their
commit or while it does not read its replies, so a slow client only slows itself.

The connection keeps the clocks the hub's deadlines need: when it opened, when it last sent a frame from
a registered MN with the right PW (``authenticated``), and since when the framer holds an unfinished frame.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol, cast

from ultralow.hj212 import Packet, StreamFramer, decode_frame
from ultralow.receiver.events import EventLog
from ultralow.receiver.limits import ReceiverLimits
from ultralow.receiver.replies import owed_reply

ACKED_STATUSES = frozenset({"stored", "duplicate"})


class OutcomeLike(Protocol):
    """What the receiver reads from a pipeline outcome."""

    @property
    def status(self) -> str: ...

    @property
    def reason(self) -> str | None: ...


class Hub(Protocol):
    """What a connection needs from the server that owns it."""

    @property
    def limits(self) -> ReceiverLimits: ...

    @property
    def events(self) -> EventLog: ...

    def admit(self, conn: LoggerConnection) -> str | None:
        """None to admit the connection, else the reason it is refused."""
        ...

    def forget(self, conn: LoggerConnection) -> None: ...

    def receive(self, conn: LoggerConnection, packet: Packet, received_at: datetime, location: str) -> None:
        """One decoded frame of ``conn``."""
        ...


@dataclass(slots=True)
class MnSession:
    """Protocol state of one MN on this connection (a gateway may carry several MNs on one socket)."""

    first_seen: datetime
    frames: int = 0
    acked: int = 0
    last_qn: str | None = None


def peer_host(peer: object) -> str:
    """The address part of a ``getpeername()`` result (the port varies per connection)."""
    if isinstance(peer, tuple) and peer:
        return str(peer[0])
    return str(peer)


class LoggerConnection(asyncio.Protocol):
    """``asyncio.Protocol`` for one TCP connection from a data logger."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        limits = hub.limits
        self.framer = StreamFramer(max_segment=limits.max_segment_bytes)
        self.transport: asyncio.Transport | None = None
        self.peer = "?"
        self.host = "?"
        self.opened_s = time.monotonic()
        self.last_activity_s = self.opened_s
        # last frame from a registered MN with the right PW (None: none yet, the connection is a stranger)
        self.authenticated_s: float | None = None
        self.partial_since_s: float | None = None  # first byte of the unfinished frame the framer holds
        self.bytes_in = 0
        self.frames_in = 0
        self.in_flight = 0
        self.acked = 0
        self.quarantined = 0
        self.dropped = 0
        self.sessions: dict[str, MnSession] = {}
        self.close_reason: str | None = None
        self.admitted = False
        self._paused: set[str] = set()
        self._junk_mark = 0  # framer.junk_bytes when the last frame was accepted
        self._rejected_bytes = 0  # bytes of frames the pipeline refused since then

    @property
    def authenticated(self) -> bool:
        return self.authenticated_s is not None

    # -- asyncio.Protocol ------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports are not subclasses
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
        self.host = peer_host(peer)
        refused = self.hub.admit(self)
        self.admitted = refused is None
        if refused is not None:
            self.close_reason = refused
            self.transport.abort()
            return
        self.transport.set_write_buffer_limits(high=self.hub.limits.write_high_water_bytes)

    def data_received(self, data: bytes) -> None:
        if self.close_reason is not None:
            return
        now_s = time.monotonic()
        self.last_activity_s = now_s
        self.bytes_in += len(data)
        frames = self.framer.feed(data)
        if self.framer.buffered == 0:
            self.partial_since_s = None
        elif frames or self.partial_since_s is None:
            self.partial_since_s = now_s  # what is left began in this read
        if frames:
            received_at = datetime.now(UTC)
            for frame in frames:
                self.frames_in += 1
                self.hub.receive(self, decode_frame(frame), received_at, f"{self.peer} frame {self.frames_in}")
                if self.close_reason is not None:  # the hub closed us (back-off): the rest is not read
                    return
        limits = self.hub.limits
        if self.framer.buffered > limits.max_buffer_bytes:
            self.close("buffer_overflow")
        elif self._junk_bytes() > limits.junk_limit_bytes:
            self.close("junk")

    def eof_received(self) -> bool | None:
        return None  # close our side too

    def pause_writing(self) -> None:
        self.pause("write")

    def resume_writing(self) -> None:
        self.resume("write")

    def connection_lost(self, exc: Exception | None) -> None:
        if self.close_reason is None:
            self.close_reason = "peer_closed" if exc is None else f"error: {exc}"
        if not self.admitted:  # refused at admission: never counted, nothing to flush
            self.hub.events.emit("refused", peer=self.peer, reason=self.close_reason)
            return
        received_at = datetime.now(UTC)
        if not self.close_reason.startswith("auth_backoff"):
            for frame in self.framer.flush():  # a frame cut off by the disconnect is still evidence
                self.frames_in += 1
                self.hub.receive(self, decode_frame(frame), received_at, f"{self.peer} frame {self.frames_in}")
        self.hub.forget(self)
        self.hub.events.emit(
            "disconnect", peer=self.peer, reason=self.close_reason,
            seconds=round(time.monotonic() - self.opened_s, 3), bytes=self.bytes_in, frames=self.frames_in,
            acked=self.acked, quarantined=self.quarantined, dropped=self.dropped,
            junk_bytes=self.framer.junk_bytes, mns=sorted(self.sessions),
        )

    # -- called by the receiver ------------------------------------------------------------------
    def close(self, reason: str) -> None:
        if self.close_reason is None:
            self.close_reason = reason
        if self.transport is not None:
            self.transport.close()

    def sent_authenticated(self, now_s: float) -> None:
        """A frame with a registered MN and its right PW arrived: the idle clock restarts."""
        self.authenticated_s = now_s

    def submitted(self) -> None:
        """One of our frames went to the writer: count it against the in-flight bound."""
        self.in_flight += 1
        if self.in_flight >= self.hub.limits.max_in_flight:
            self.pause("in_flight")

    def refused(self, size_bytes: int, stored: bool) -> None:
        """One of our frames was refused before the writer (quarantined, or only counted when not stored)."""
        if stored:
            self.quarantined += 1
        else:
            self.dropped += 1
        self._rejected_bytes += size_bytes
        if self._junk_bytes() > self.hub.limits.junk_limit_bytes:
            self.close("junk")

    def settle(self, packet: Packet, outcome: OutcomeLike | None) -> bool:
        """The writer's verdict on one of our frames: acknowledge it if it is durable; True if a reply
        was written."""
        replied = False
        self.in_flight -= 1
        if outcome is not None and outcome.status in ACKED_STATUSES:
            self._junk_mark = self.framer.junk_bytes
            self._rejected_bytes = 0
            mn = packet.mn or ""
            session = self.sessions.get(mn)
            if session is None:
                session = self.sessions[mn] = MnSession(first_seen=datetime.now(UTC))
            session.frames += 1
            session.last_qn = packet.qn
            reply = owed_reply(packet)
            if reply is not None and self.close_reason is None and self.transport is not None:
                self.transport.write(reply)
                session.acked += 1
                self.acked += 1
                replied = True
        elif outcome is not None:
            self.quarantined += 1
            self._rejected_bytes += len(packet.raw)
            self.hub.events.emit("quarantine", peer=self.peer, mn=packet.mn, cn=packet.cn, qn=packet.qn,
                                 reason=outcome.reason)
            if self._junk_bytes() > self.hub.limits.junk_limit_bytes:
                self.close("junk")
        if self.in_flight <= self.hub.limits.max_in_flight // 2:
            self.resume("in_flight")
        return replied

    def overdue(self, now_s: float) -> str | None:
        """Why this connection should be closed now (a deadline passed), or None."""
        limits = self.hub.limits
        if self.partial_since_s is not None and \
                now_s - self.partial_since_s > limits.frame_deadline_for(self.framer.buffered):
            return "frame_deadline"
        if self.authenticated_s is None:
            if now_s - self.opened_s > limits.auth_timeout_s:
                return "auth_timeout"
        elif now_s - self.authenticated_s > limits.idle_timeout_s:
            return "idle_timeout"
        return None

    @property
    def paused_for(self) -> frozenset[str]:
        """Why the connection is not being read now (in_flight, write, stopping); empty when it is."""
        return frozenset(self._paused)

    @property
    def idle_s(self) -> float:
        return time.monotonic() - self.last_activity_s

    # -- junk accounting and flow control ----------------------------------------------------------
    def _junk_bytes(self) -> int:
        return self.framer.junk_bytes - self._junk_mark + self._rejected_bytes

    def pause(self, reason: str) -> None:
        """Stop reading for ``reason``; reading resumes when every reason is gone."""
        if not self._paused and self.transport is not None and self.close_reason is None:
            self.transport.pause_reading()
        self._paused.add(reason)

    def resume(self, reason: str) -> None:
        if reason not in self._paused:
            return
        self._paused.discard(reason)
        if not self._paused and self.transport is not None and self.close_reason is None:
            self.transport.resume_reading()
