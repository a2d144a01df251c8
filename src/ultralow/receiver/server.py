"""The HJ 212 receiver: an asyncio TCP server feeding the ingest pipeline through the batching writer.

``Receiver`` is a service with ``start()``/``stop()`` coroutines on the running event loop, so other
servers (the web app) can share the loop and the process. Built with :meth:`Receiver.for_pipeline` it
also authenticates every frame before it reaches the store (:mod:`ultralow.receiver.access`), keeps
strangers' traffic out of the disk (:mod:`ultralow.receiver.quarantine_gate`) and protects the slots of
authenticated loggers; ``docs/threat-model.md`` gives the attacks these answer.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from ultralow.hj212 import Packet
from ultralow.ingest import Outcome, Pipeline, Received
from ultralow.ingest.prepared import check, warm_up
from ultralow.receiver.access import Authenticator, Backoff, Backoffs
from ultralow.receiver.connection import LoggerConnection
from ultralow.receiver.events import EventLog
from ultralow.receiver.interpreter import InterpreterTuning
from ultralow.receiver.limits import ReceiverLimits
from ultralow.receiver.quarantine_gate import QuarantineGate
from ultralow.receiver.reassembly import SubPacketAssembler, SubPacketSet
from ultralow.receiver.supervision import SupervisedTask
from ultralow.receiver.writer import BatchWriter
from ultralow.registry import Registry
from ultralow.store import CANDIDATE_SCHEMA, QuarantineRow

Accept = Callable[[Sequence[Received]], Sequence[Outcome]]
StoreQuarantine = Callable[[Sequence[QuarantineRow]], object]
# Called on the event loop for every frame the store took (stored or duplicate) before its reply goes out.
Observer = Callable[[Packet, Outcome], None]
Token = tuple[LoggerConnection, Packet] | None  # None: a quarantine row, nobody to answer
WriteItem = Received | QuarantineRow


def registry_authenticator(registry: Registry) -> Authenticator:
    """The access control of a receiver storing through a pipeline with ``registry``; it names the other
    faults of a frame as the pipeline's check does."""
    def reason_of(packet: Packet) -> str | None:
        return check(registry, Received(packet.raw, packet, "", datetime.now(), "tcp", ""))[0]

    return Authenticator(registry, reason_of)


class NotStarted(RuntimeError):
    """A frame was handed to a receiver whose writer is not running."""


class Receiver:
    """Accepts data-logger connections on ``host:port`` and stores what they send through ``accept``.

    Without an ``authenticator`` every frame goes to ``accept`` (the pipeline decides alone, and no
    connection counts as authenticated); :meth:`for_pipeline` wires the access control.
    """

    def __init__(self, accept: Accept, host: str = "127.0.0.1", port: int = 9212,
                 limits: ReceiverLimits | None = None, events: EventLog | None = None, *,
                 authenticator: Authenticator | None = None, quarantine: StoreQuarantine | None = None,
                 reuse_port: bool = False) -> None:
        self.accept = accept
        # True in a worker process of ``serve --workers``: the workers listen on one port (SO_REUSEPORT)
        # and the kernel spreads the connections over them
        self.reuse_port = reuse_port
        self.host = host
        self.port = port
        self.limits = limits or ReceiverLimits()
        self.events = events or EventLog()
        self.authenticator = authenticator
        self.quarantine = quarantine
        self.connections: set[LoggerConnection] = set()
        self.assembler = SubPacketAssembler(self.limits.subpacket_timeout_s, max_pnum=self.limits.max_pnum)
        self.backoffs = Backoffs(self.limits)
        self.gate = QuarantineGate(self.limits)
        self.observers: list[Observer] = []
        self.frames = 0
        self.acked = 0
        self.complete_sets = 0
        self.refused = Counter[str]()
        self.evicted = 0  # strangers closed to admit a newcomer
        self._unauthenticated: OrderedDict[LoggerConnection, None] = OrderedDict()  # oldest first
        self._unauthenticated_by_host: Counter[str] = Counter()
        self._server: asyncio.Server | None = None
        self._writer: BatchWriter[WriteItem, Token, Outcome | None] | None = None
        self._tasks = [
            SupervisedTask("sweeper", self._sweep_round, self.limits.sweep_interval_s, self.events),
            SupervisedTask("health", self._health_round, self.limits.health_interval_s, self.events),
        ]
        self._last_stats = (time.monotonic(), 0)
        self._stopped = False
        self._tuning = InterpreterTuning()  # applied by start(), restored by stop()

    @classmethod
    def for_pipeline(cls, pipeline: Pipeline, host: str = "127.0.0.1", port: int = 9212,
                     limits: ReceiverLimits | None = None, events: EventLog | None = None) -> Receiver:
        """A receiver storing through ``pipeline`` that authenticates frames against its registry."""
        empty = CANDIDATE_SCHEMA.empty_table()

        def quarantine(rows: Sequence[QuarantineRow]) -> object:
            return pipeline.accept_rows(empty, rows)

        return cls(pipeline.accept, host, port, limits, events,
                   authenticator=registry_authenticator(pipeline.registry), quarantine=quarantine)

    @property
    def listening(self) -> bool:
        return self._server is not None

    # -- service life cycle ----------------------------------------------------------------------
    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        warm_up()  # before the GC freeze: what it imports is frozen with the rest
        self._tuning.apply(self.limits)
        self._writer = self._new_writer(loop)
        self._server = await loop.create_server(
            lambda: LoggerConnection(self), self.host, self.port,
            backlog=min(self.limits.max_connections, 4096), reuse_address=True, reuse_port=self.reuse_port or None,
        )
        self._writer.start()  # only once listening: a failed bind leaves no thread behind
        sock = self._server.sockets[0].getsockname()
        self.port = sock[1]
        for task in self._tasks:
            task.start()
        self.events.emit("listening", protocol="hj212", host=self.host, port=self.port,
                         max_connections=self.limits.max_connections,
                         authentication=self.authenticator is not None)

    def _new_writer(self, loop: asyncio.AbstractEventLoop) -> BatchWriter[WriteItem, Token, Outcome | None]:
        """The writer that commits this receiver's frames (a worker process's sends them to the writer
        process: :mod:`ultralow.receiver.pool`)."""
        return BatchWriter(
            self._write, self._settle, loop,
            interval_s=self.limits.batch_interval_s, max_frames=self.limits.batch_max_frames,
            on_error=self._store_failed,
        )

    async def stop(self) -> None:
        """Graceful stop: refuse new connections, commit and acknowledge what was read, then close."""
        if self._stopped:
            return
        self._stopped = True
        if self._server is not None:
            self._server.close()
        for conn in list(self.connections):
            conn.pause("stopping")
        for task in self._tasks:
            await task.stop()
        if self._writer is not None:
            for row in self.gate.close_windows(time.monotonic(), every=True):
                self._writer.submit(row, None)
            await self._writer.stop()
        for conn in list(self.connections):
            conn.close("server_stopping")
        await asyncio.sleep(0)  # let transports flush the last acknowledgements and report lost
        self.events.emit("stopped", protocol="hj212", frames=self.frames, acked=self.acked,
                         open_subpacket_sets=self.assembler.open_sets)
        self._tuning.restore()

    # -- called by connections -------------------------------------------------------------------
    def admit(self, conn: LoggerConnection) -> str | None:
        """None to admit ``conn``, else why it is refused. A newcomer may push out the oldest connection
        that has not authenticated; authenticated connections are never pushed out."""
        reason = self._admission(conn)
        if reason is not None:
            self.refused[reason] += 1
            return reason
        self.connections.add(conn)
        self._unauthenticated[conn] = None
        self._unauthenticated_by_host[conn.host] += 1
        self.events.emit("connect", peer=conn.peer, connections=len(self.connections))
        return None

    def _admission(self, conn: LoggerConnection) -> str | None:
        if self._stopped:
            return "stopping"
        limits = self.limits
        if self.authenticator is None:  # nobody can authenticate: only the overall bound applies
            return "max_connections" if len(self.connections) >= limits.max_connections else None
        if self.backoffs.banned_for(conn.host, time.monotonic()) > 0:
            self.backoffs.refused_connections += 1
            return "auth_backoff"
        if self._unauthenticated_by_host[conn.host] >= limits.max_unauthenticated_per_address:
            return "per_address_limit"
        while len(self.connections) >= limits.max_connections or \
                len(self._unauthenticated) >= limits.max_unauthenticated:
            if not self._unauthenticated:
                return "max_connections"
            victim = next(iter(self._unauthenticated))
            self.forget(victim)
            victim.close("evicted")
            self.evicted += 1
        return None

    def forget(self, conn: LoggerConnection) -> None:
        self.connections.discard(conn)
        self._drop_unauthenticated(conn)

    def _drop_unauthenticated(self, conn: LoggerConnection) -> None:
        if self._unauthenticated.pop(conn, False) is None:
            left = self._unauthenticated_by_host[conn.host] - 1
            if left > 0:
                self._unauthenticated_by_host[conn.host] = left
            else:
                del self._unauthenticated_by_host[conn.host]

    def receive(self, conn: LoggerConnection, packet: Packet, received_at: datetime, location: str) -> None:
        """One decoded frame: to the store when its sender authenticated, else through the gate."""
        self.frames += 1
        now_s = time.monotonic()
        if self.authenticator is None:  # no registry to check against: every readable frame counts
            if packet.crc_variant is not None:
                conn.sent_authenticated(now_s)
                self._drop_unauthenticated(conn)
            self._submit(conn, packet, received_at, location)
            return
        if not conn.authenticated and self.backoffs.banned_for(conn.host, now_s) > 0:
            conn.refused(len(packet.raw), stored=False)
            conn.close("auth_backoff")
            return
        verdict = self.authenticator.verdict(packet, conn.host)
        if verdict.authenticated:
            conn.sent_authenticated(now_s)
            self._drop_unauthenticated(conn)
            too_many = self._over_bound(packet)
            if too_many is not None:  # the sender is known: the frame is evidence, kept whole
                self._quarantine_row(QuarantineRow(received_at, "tcp", conn.peer, location, too_many, packet.raw))
                conn.refused(len(packet.raw), stored=True)
                self.events.emit("quarantine", peer=conn.peer, mn=packet.mn, cn=packet.cn, qn=packet.qn,
                                 reason=too_many)
                return
            self._submit(conn, packet, received_at, location)
            return
        backoff = self.backoffs.failed(conn.host, packet.mn or "", now_s) if verdict.auth_failure else None
        if conn.authenticated and not verdict.auth_failure:
            self._submit(conn, packet, received_at, location)  # a known logger's bad frame: the store judges it
        else:
            reason = verdict.reason or "not authenticated"
            row = self.gate.offer(conn.host, packet.raw, reason, received_at, now_s, conn.peer, location)
            if row is not None:
                self._quarantine_row(row)
            conn.refused(len(packet.raw), stored=row is not None)
            self.events.emit("quarantine", peer=conn.peer, mn=packet.mn, cn=packet.cn, qn=packet.qn,
                             reason=reason, kept=row is not None)
        if backoff is not None:
            self._back_off(conn, backoff)

    def _over_bound(self, packet: Packet) -> str | None:
        bound = self.limits.max_pnum
        for name, value in (("PNUM", packet.pnum), ("PNO", packet.pno)):
            if value is not None and value > bound:
                return f"{name} {value} is above the bound {bound} (HJ 212-2017 Table 3: four digits)"
        return None

    def _back_off(self, conn: LoggerConnection, backoff: Backoff) -> None:
        self.events.emit("auth_backoff", host=backoff.host, mn=backoff.mn, failures=backoff.failures,
                         seconds=backoff.seconds, strikes=backoff.strikes)
        conn.close("auth_backoff")
        for other in [c for c in self._unauthenticated if c.host == backoff.host]:
            other.close("auth_backoff")

    def _submit(self, conn: LoggerConnection, packet: Packet, received_at: datetime, location: str) -> None:
        if self._writer is None:
            raise NotStarted("the receiver's writer is not running")
        item = Received(raw=packet.raw, packet=packet, peer=conn.peer, received_at=received_at,
                        source="tcp", location=location)
        conn.submitted()
        self._writer.submit(item, (conn, packet))

    def _quarantine_row(self, row: QuarantineRow) -> None:
        if self._writer is not None and self.quarantine is not None:
            self._writer.submit(row, None)

    @property
    def queued(self) -> int:
        return self._writer.queued if self._writer is not None else 0

    @property
    def unauthenticated(self) -> int:
        return len(self._unauthenticated)

    # -- health ----------------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        """State of every background task and of the writer, with the counters an operator watches."""
        writer = self._writer
        return {
            "tasks": {task.name: task.health() for task in self._tasks},
            "writer": {"alive": writer is not None and writer.alive, "queued": self.queued,
                       "batches": writer.batches if writer else 0,
                       "failed_batches": writer.failed_batches if writer else 0},
            "connections": len(self.connections), "unauthenticated": len(self._unauthenticated),
            "frames": self.frames, "acked": self.acked, "open_subpacket_sets": self.assembler.open_sets,
            "refused": dict(self.refused), "evicted": self.evicted,
            "auth": {"failures": self.backoffs.failures, "backoffs": self.backoffs.backoffs,
                     "refused_connections": self.backoffs.refused_connections,
                     "addresses_tracked": self.backoffs.refusing},
            "quarantine": {"kept_whole": self.gate.kept, "counted": self.gate.counted,
                           "summary_rows": self.gate.summaries, "quota_used_bytes": self.gate.quota_used_bytes},
        }

    # -- internals -------------------------------------------------------------------------------
    def _write(self, items: list[WriteItem]) -> list[Outcome | None]:
        """Writer thread: frames through ``accept``, quarantine rows straight to the store."""
        if not items:
            self.accept([])  # the idle tick
            return []
        frames = [item for item in items if isinstance(item, Received)]
        rows = [item for item in items if isinstance(item, QuarantineRow)]
        outcomes = iter(self.accept(frames) if frames else [])
        if rows and self.quarantine is not None:
            self.quarantine(rows)
        return [next(outcomes) if isinstance(item, Received) else None for item in items]

    def _settle(self, tokens: list[Token], outcomes: Sequence[Outcome | None] | None) -> None:
        now_s = time.monotonic()
        for index, token in enumerate(tokens):
            if token is None:
                continue
            conn, packet = token
            outcome = outcomes[index] if outcomes is not None else None
            if outcome is not None and outcome.acknowledge:
                self._observe(packet, outcome)
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

    def _observe(self, packet: Packet, outcome: Outcome) -> None:
        for observer in self.observers:
            try:
                observer(packet, outcome)
            except Exception as exc:  # an observer never holds up an acknowledgement
                self.events.emit("observer_failed", error=f"{type(exc).__name__}: {exc}")

    def _log_set(self, event: str, subset: SubPacketSet) -> None:
        mn, cn, data_time = subset.key
        fields: dict[str, Any] = {"mn": mn, "cn": cn, "data_time": data_time, "pnum": subset.pnum}
        if subset.complete:
            fields["split_factors"] = subset.split_factors()
        else:
            fields["missing"] = subset.missing_summary()
        self.events.emit(event, **fields)

    def _store_failed(self, exc: BaseException, count: int) -> None:
        # called on the writer thread; the event log is only written from the loop thread
        loop = self._server.get_loop() if self._server is not None else None
        if loop is not None:
            loop.call_soon_threadsafe(lambda: self.events.emit(
                "store_error", frames=count, error=f"{type(exc).__name__}: {exc}"))

    def _sweep_round(self) -> None:
        """Deadlines, sub-packet set expiry, quarantine summaries, back-off bookkeeping."""
        now_s = time.monotonic()
        for conn in list(self.connections):
            reason = conn.overdue(now_s)
            if reason is not None:
                conn.close(reason)
        for expired in self.assembler.expire(now_s):
            self._log_set("subpacket_set_incomplete", expired)
        for row in self.gate.close_windows(now_s):
            self._quarantine_row(row)
        self.backoffs.expire(now_s)

    def _health_round(self) -> None:
        now_s = time.monotonic()
        last_s, last_frames = self._last_stats
        self.events.emit("stats", connections=len(self.connections), frames=self.frames, acked=self.acked,
                         frames_per_s=round((self.frames - last_frames) / max(now_s - last_s, 1e-9), 1),
                         queued=self.queued)
        self._last_stats = (now_s, self.frames)
        self.events.emit("health", **self.health())
