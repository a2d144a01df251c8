"""The HJ 212 receiver: an asyncio TCP server feeding the ingest pipeline through the batching writer.

``Receiver`` is a service with ``start()``/``stop()`` coroutines on the running event loop, so other
servers (the web app) can share the loop and the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from ultralow.hj212 import Packet
from ultralow.ingest import Outcome, Received
from ultralow.receiver.connection import LoggerConnection
from ultralow.receiver.events import EventLog
from ultralow.receiver.limits import ReceiverLimits
from ultralow.receiver.reassembly import SubPacketAssembler, SubPacketSet
from ultralow.receiver.writer import BatchWriter

Accept = Callable[[Sequence[Received]], Sequence[Outcome]]
Token = tuple[LoggerConnection, Packet]

SWEEP_INTERVAL_S = 1.0
STATS_INTERVAL_S = 60.0


class Receiver:
    """Accepts data-logger connections on ``host:port`` and stores what they send through ``accept``."""

    def __init__(self, accept: Accept, host: str = "127.0.0.1", port: int = 9212,
                 limits: ReceiverLimits | None = None, events: EventLog | None = None) -> None:
        self.accept = accept
        self.host = host
        self.port = port
        self.limits = limits or ReceiverLimits()
        self.events = events or EventLog()
        self.connections: set[LoggerConnection] = set()
        self.assembler = SubPacketAssembler(self.limits.subpacket_timeout_s)
        self.frames = 0
        self.acked = 0
        self.complete_sets = 0
        self._server: asyncio.Server | None = None
        self._writer: BatchWriter[Received, Token, Outcome] | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._stopped = False

    # -- service life cycle ----------------------------------------------------------------------
    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._writer = BatchWriter(
            lambda items: self.accept(items), self._settle, loop,
            interval_s=self.limits.batch_interval_s, max_frames=self.limits.batch_max_frames,
            on_error=self._store_failed,
        )
        self._server = await loop.create_server(
            lambda: LoggerConnection(self), self.host, self.port,
            backlog=min(self.limits.max_connections, 4096), reuse_address=True,
        )
        self._writer.start()  # only once listening: a failed bind leaves no thread behind
        sock = self._server.sockets[0].getsockname()
        self.port = sock[1]
        self._sweeper = asyncio.create_task(self._sweep())
        self.events.emit("listening", protocol="hj212", host=self.host, port=self.port,
                         max_connections=self.limits.max_connections)

    async def stop(self) -> None:
        """Graceful stop: refuse new connections, commit and acknowledge what was read, then close."""
        if self._stopped:
            return
        self._stopped = True
        if self._server is not None:
            self._server.close()
        for conn in list(self.connections):
            conn.pause("stopping")
        if self._writer is not None:
            await self._writer.stop()
        for conn in list(self.connections):
            conn.close("server_stopping")
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        await asyncio.sleep(0)  # let transports flush the last acknowledgements and report lost
        self.events.emit("stopped", protocol="hj212", frames=self.frames, acked=self.acked,
                         open_subpacket_sets=self.assembler.open_sets)

    # -- called by connections -------------------------------------------------------------------
    def admit(self, conn: LoggerConnection) -> bool:
        if len(self.connections) >= self.limits.max_connections:
            return False
        self.connections.add(conn)
        self.events.emit("connect", peer=conn.peer, connections=len(self.connections))
        return True

    def forget(self, conn: LoggerConnection) -> None:
        self.connections.discard(conn)

    def submit(self, conn: LoggerConnection, packet: Packet, received_at: datetime, location: str) -> None:
        assert self._writer is not None
        self.frames += 1
        item = Received(raw=packet.raw, packet=packet, peer=conn.peer, received_at=received_at,
                        source="tcp", location=location)
        self._writer.submit(item, (conn, packet))

    @property
    def queued(self) -> int:
        return self._writer.queued if self._writer is not None else 0

    # -- internals -------------------------------------------------------------------------------
    def _settle(self, tokens: list[Token], outcomes: Sequence[Outcome] | None) -> None:
        now_s = time.monotonic()
        for index, (conn, packet) in enumerate(tokens):
            outcome = outcomes[index] if outcomes is not None else None
            if conn.settle(packet, outcome):
                self.acked += 1
            if outcome is not None and outcome.status == "stored" and packet.flag is not None \
                    and packet.flag.split:
                done, dropped = self.assembler.add(packet, now_s)
                if done is not None:
                    self.complete_sets += 1
                    if done.split_factors():  # complete sets are routine; a factor cut apart is worth a line
                        self._log_set("subpacket_split_factor", done)
                for incomplete in dropped:
                    self._log_set("subpacket_set_incomplete", incomplete)

    def _log_set(self, event: str, subset: SubPacketSet) -> None:
        mn, cn, data_time = subset.key
        fields: dict[str, Any] = {"mn": mn, "cn": cn, "data_time": data_time, "pnum": subset.pnum}
        if subset.complete:
            fields["split_factors"] = subset.split_factors()
        else:
            fields["missing_pno"] = subset.missing
        self.events.emit(event, **fields)

    def _store_failed(self, exc: BaseException, count: int) -> None:
        # called on the writer thread; the event log is only written from the loop thread
        loop = self._server.get_loop() if self._server is not None else None
        if loop is not None:
            loop.call_soon_threadsafe(lambda: self.events.emit(
                "store_error", frames=count, error=f"{type(exc).__name__}: {exc}"))

    async def _sweep(self) -> None:
        last_stats = time.monotonic()
        last_frames = 0
        while True:
            await asyncio.sleep(SWEEP_INTERVAL_S)
            idle_limit = self.limits.idle_timeout_s
            for conn in list(self.connections):
                if conn.idle_s > idle_limit:
                    conn.close("idle_timeout")
            for expired in self.assembler.expire(time.monotonic()):
                self._log_set("subpacket_set_incomplete", expired)
            now = time.monotonic()
            if now - last_stats >= STATS_INTERVAL_S:
                self.events.emit("stats", connections=len(self.connections), frames=self.frames,
                                 acked=self.acked, frames_per_s=round((self.frames - last_frames) /
                                                                      (now - last_stats), 1),
                                 queued=self.queued)
                last_stats, last_frames = now, self.frames
