"""A virtual data logger's link to the platform: send, wait for the 9014 echoing the QN, retry, backfill.

HJ 212-2017 6.2/Table 1: a request that gets no answer within the timeout is resent, up to the retry
count (defaults 5 s / 3, the standard's ADSL values). A packet still unacknowledged after that, or cut off
by a broken connection, stays in the logger's backlog and is sent again (history backfill) once the
logger has reconnected; the backlog is sent oldest first, before new data.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from ultralow.hj212 import StreamFramer, decode_frame
from ultralow.loggers.packets import Outgoing

MAX_REPLY_SEGMENT = 1024  # replies are small; anything larger from the platform is junk to us


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Timeout per attempt (s), resends after the first attempt, reconnect back-off bounds (s)."""

    timeout_s: float = 5.0
    retries: int = 3
    reconnect_min_s: float = 0.1
    reconnect_max_s: float = 2.0


@dataclass(slots=True)
class LoggerStats:
    sent: int = 0  # distinct packets sent at least once
    acked: int = 0
    retried: int = 0  # resends after a missing acknowledgement
    backfilled: int = 0  # packets sent from the backlog after a reconnect
    reconnects: int = 0
    drops: int = 0  # simulated link outages
    unacked: int = 0  # still unacknowledged when the logger stopped
    acked_qns: list[str] = field(default_factory=list)


class _Link(asyncio.Protocol):
    """The socket: frames in, acknowledgements (9014, matched by QN) out to the logger."""

    def __init__(self, on_ack: Callable[[str], None]) -> None:
        self._on_ack = on_ack
        self._framer = StreamFramer(max_segment=MAX_REPLY_SEGMENT)
        self.transport: asyncio.Transport | None = None
        self.lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports are not subclasses

    def data_received(self, data: bytes) -> None:
        for frame in self._framer.feed(data):
            packet = decode_frame(frame)
            if packet.ok and packet.cn == "9014" and packet.qn:
                self._on_ack(packet.qn)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.lost.done():
            self.lost.set_result(None)


class VirtualLogger:
    """One data logger (one MN) talking to ``host:port``."""

    def __init__(self, mn: str, host: str, port: int, policy: RetryPolicy | None = None) -> None:
        self.mn = mn
        self.host = host
        self.port = port
        self.policy = policy or RetryPolicy()
        self.stats = LoggerStats()
        self.backlog: deque[Outgoing] = deque()
        self._link: _Link | None = None
        self._waiting: dict[str, asyncio.Future[bool]] = {}
        self._ever_connected = False
        self._sent_qns: set[str] = set()
        self._deferred: set[str] = set()  # QNs that missed their first chance (outage or failure)

    @property
    def connected(self) -> bool:
        return self._link is not None and not self._link.lost.done()

    async def connect(self, deadline_s: float) -> bool:
        """Connect, retrying with back-off until ``deadline_s`` (monotonic clock)."""
        delay = self.policy.reconnect_min_s
        loop = asyncio.get_running_loop()
        while not self.connected:
            try:
                _, link = await loop.create_connection(lambda: _Link(self._acked), self.host, self.port)
                self._link = link
                if self._ever_connected:
                    self.stats.reconnects += 1
                self._ever_connected = True
                return True
            except OSError:
                if time.monotonic() + delay > deadline_s:
                    return False
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.policy.reconnect_max_s)
        return True

    def drop(self) -> None:
        """Close the connection (a link outage, or a link that stopped answering)."""
        if self._link is not None and self._link.transport is not None:
            self._link.transport.abort()

    async def close(self) -> None:
        if self._link is not None and self._link.transport is not None:
            self._link.transport.close()
            with contextlib.suppress(asyncio.CancelledError):
                await self._link.lost

    async def send(self, packet: Outgoing) -> bool:
        """Send one packet and wait for its 9014, resending on time-out; True when acknowledged."""
        if packet.qn not in self._sent_qns:
            self._sent_qns.add(packet.qn)
            self.stats.sent += 1
        loop = asyncio.get_running_loop()
        for attempt in range(self.policy.retries + 1):
            link = self._link
            if link is None or link.lost.done() or link.transport is None:
                return False
            waiter: asyncio.Future[bool] = loop.create_future()
            self._waiting[packet.qn] = waiter
            link.transport.write(packet.frame)
            if attempt:
                self.stats.retried += 1
            either: set[asyncio.Future[Any]] = {waiter, link.lost}
            done, _ = await asyncio.wait(either, timeout=self.policy.timeout_s,
                                         return_when=asyncio.FIRST_COMPLETED)
            self._waiting.pop(packet.qn, None)
            if waiter in done:
                self.stats.acked += 1
                self.stats.acked_qns.append(packet.qn)
                return True
            waiter.cancel()
            if link.lost in done:
                return False
        return False

    def defer(self, packet: Outgoing) -> None:
        """Keep ``packet`` for later (the link is down): it is backfilled after the next reconnect."""
        self.backlog.append(packet)
        self._deferred.add(packet.qn)

    async def deliver(self, packet: Outgoing, deadline_s: float) -> None:
        """Send ``packet`` after the backlog; whatever is not acknowledged stays in the backlog."""
        self.backlog.append(packet)
        await self.flush(deadline_s)

    async def flush(self, deadline_s: float) -> bool:
        """Send the backlog oldest first; reconnect when the link broke. True when the backlog is empty."""
        while self.backlog:
            if not self.connected:
                if not await self.connect(deadline_s):
                    return False
            packet = self.backlog[0]
            if await self.send(packet):
                self.backlog.popleft()
                if packet.qn in self._deferred:
                    self._deferred.discard(packet.qn)
                    self.stats.backfilled += 1
            else:
                self._deferred.add(packet.qn)
                self.drop()  # no answer after the retries, or the link broke: start a new connection
                if time.monotonic() >= deadline_s:
                    return False
        return True

    def _acked(self, qn: str) -> None:
        waiter = self._waiting.get(qn)
        if waiter is not None and not waiter.done():
            waiter.set_result(True)
