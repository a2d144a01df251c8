"""``ultralow serve --workers N``: N receiving processes on one port and one writer holding the store.

One process cannot go past about 5,000 durable frames a second: the event loop (framing, CRC, decoding,
access control, replies) and the building of readings share one interpreter lock. With ``--workers``
each worker process runs a whole :class:`~ultralow.receiver.server.Receiver` (its own event loop, limits,
back-off and quarantine gate) on the same port (``SO_REUSEPORT``: the kernel spreads connections over
the workers by their address and port), checks its frames and builds their readings
(:func:`ultralow.ingest.prepared.prepare`), and sends each batch over a pipe to the serving process. That
process (the writer: the store, the local API) commits the batches waiting from all workers in one
transaction and answers each worker with its outcomes; a worker acknowledges a frame only once that
answer came, so acknowledged still means on disk. When the writer dies the workers die with it
(``PR_SET_PDEATHSIG``), so no worker outlives it holding the port.

Per-address state is per worker. The bounds that count an attacker's connections, failed
authentications and quarantine bytes are divided between the workers (each enforces its share, rounded
up), so their sum stays the configured bound; the kernel's hash of the source port spreads one address's
connections over the workers, so each sees about its share.
"""

from __future__ import annotations

import asyncio
import ctypes
import dataclasses
import gc
import math
import multiprocessing
import os
import pickle
import queue
import signal
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Final

from ultralow.hj212 import code_tables
from ultralow.ingest import Outcome, Pipeline, Received
from ultralow.ingest.prepared import PreparedBatch, prepare, warm_up
from ultralow.receiver.events import EventLog
from ultralow.receiver.interpreter import InterpreterTuning
from ultralow.receiver.limits import ReceiverLimits
from ultralow.receiver.server import Receiver, Token, WriteItem, registry_authenticator
from ultralow.receiver.services import run_until_signalled
from ultralow.receiver.writer import BatchWriter
from ultralow.registry import Registry
from ultralow.store import CANDIDATE_SCHEMA, QuarantineRow

# Bounds on what one client may hold or try: each worker enforces its share.
SHARED_BOUNDS: Final = (
    "max_connections", "max_unauthenticated", "max_unauthenticated_per_address", "auth_failures_per_mn",
    "auth_failures_per_address", "quarantine_samples_per_address", "quarantine_quota_bytes",
)
START_TIMEOUT_S: Final = 60.0
STOP_TIMEOUT_S: Final = 60.0
_PR_SET_PDEATHSIG: Final = 1


class WriterError(RuntimeError):
    """The writer process could not commit a batch (nothing of it is acknowledged)."""


def worker_limits(limits: ReceiverLimits, workers: int) -> ReceiverLimits:
    """The share of ``limits`` one of ``workers`` workers enforces."""
    shares = {name: max(1, math.ceil(getattr(limits, name) / workers)) for name in SHARED_BOUNDS}
    return dataclasses.replace(limits, **shares)


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """What a worker process needs: its number, where to listen, its limits and the registry."""

    index: int
    host: str
    port: int
    limits: ReceiverLimits
    registry: Registry


# -- worker process ------------------------------------------------------------------------------------
class WriterLink:
    """A worker's end of its pipe to the writer. Requests go out from one thread and their answers come
    back, in order, to another, so that a worker's next batch travels while the last one commits."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._sending = threading.Lock()  # batches from the writer thread, health from the event loop

    def send(self, payload: object) -> None:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            with self._sending:
                self._conn.send_bytes(data)
        except OSError as exc:
            raise WriterError(f"the writer process is gone: {exc}") from exc

    def receive(self) -> Any:
        try:
            status, value = pickle.loads(self._conn.recv_bytes())  # noqa: S301 - our own writer process
        except (EOFError, OSError) as exc:
            raise WriterError(f"the writer process is gone: {exc}") from exc
        if status != "ok":
            raise WriterError(str(value))
        return value


class RemoteBatchWriter(BatchWriter[WriteItem, Token, "Outcome | None"]):
    """A worker's writer: gathers batches as :class:`BatchWriter` does, prepares each (checks, readings)
    and sends it to the writer process; a second thread takes the answers (after the commit) back to the
    event loop. At most ``depth`` batches are out at once."""

    def __init__(self, link: WriterLink, encode: Callable[[list[WriteItem]], object],
                 on_done: Callable[[list[Token], Sequence[Outcome | None] | None], None],
                 loop: asyncio.AbstractEventLoop, interval_s: float, max_frames: int,
                 on_error: Callable[[BaseException, int], None], depth: int = 2) -> None:
        super().__init__(self._unused, on_done, loop, interval_s=interval_s, max_frames=max_frames,
                         on_error=on_error)
        self._link = link
        self._encode = encode
        self._slots = threading.Semaphore(depth)
        self._sent: queue.SimpleQueue[tuple[list[Token], list[WriteItem]] | None] = queue.SimpleQueue()
        self._answers = threading.Thread(target=self._answer_loop, name="ultralow-worker-answers", daemon=True)

    @staticmethod
    def _unused(items: list[WriteItem]) -> list[Outcome | None]:  # pragma: no cover - _run replaces it
        raise NotImplementedError

    def start(self) -> None:
        self._answers.start()
        super().start()

    def _run(self) -> None:
        try:
            while True:
                batch = self._take()
                if batch is None:
                    return
                if not batch:
                    continue  # the idle tick: the writer process checkpoints on its own quiet moments
                items = [item for _, item, _ in batch]
                tokens = [token for _, _, token in batch]
                self._slots.acquire()
                try:
                    self._link.send(self._encode(items))  # ("batch", prepared frames, quarantine rows)
                except Exception as exc:
                    self._slots.release()
                    self._failed(tokens, items, exc)
                    continue
                self._sent.put((tokens, items))
        finally:
            self._sent.put(None)
            self._answers.join()

    def _answer_loop(self) -> None:
        while True:
            sent = self._sent.get()
            if sent is None:
                return
            tokens, items = sent
            try:
                # (status, reason, rows, frame_id) per frame: plain tuples pickle about 14 times faster than
                # the dataclass, on the writer's one commit thread
                frames = [Outcome(*fields) for fields in self._link.receive()]
            except Exception as exc:
                self._slots.release()
                self._failed(tokens, items, exc)
                continue
            self._slots.release()
            outcomes = iter(frames)
            self._done(tokens, [next(outcomes) if isinstance(item, Received) else None for item in items])
            self.items += len(items)

    def _failed(self, tokens: list[Token], items: list[WriteItem], exc: BaseException) -> None:
        """Nothing of the batch is acknowledged; the loggers resend."""
        self.failed_batches += 1
        if self._on_error is not None:
            self._on_error(exc, len(items))
        self._done(tokens, None)

    def _done(self, tokens: list[Token], outcomes: Sequence[Outcome | None] | None) -> None:
        self.batches += 1
        try:
            self._loop.call_soon_threadsafe(self._on_done, tokens, outcomes)
        except RuntimeError:  # the loop is gone: nobody is left to acknowledge
            pass


class WorkerReceiver(Receiver):
    """The receiver of one worker process: its batches are committed by the writer process."""

    def __init__(self, spec: WorkerSpec, link: WriterLink) -> None:
        super().__init__(self._no_accept, spec.host, spec.port, spec.limits, EventLog(context={"worker": spec.index}),
                         authenticator=registry_authenticator(spec.registry), quarantine=self._no_accept,
                         reuse_port=True)
        self.link = link
        self.registry = spec.registry
        self.tables = code_tables()

    @staticmethod
    def _no_accept(items: Sequence[Any]) -> Any:  # pragma: no cover - the remote writer replaces it
        raise NotImplementedError

    def _encode(self, items: list[WriteItem]) -> tuple[str, PreparedBatch | None, list[QuarantineRow]]:
        frames = [item for item in items if isinstance(item, Received)]
        rows = [item for item in items if isinstance(item, QuarantineRow)]
        return "batch", (prepare(self.registry, self.tables, frames) if frames else None), rows

    def _health_round(self) -> None:
        super()._health_round()
        self.report_health()

    def report_health(self) -> None:
        """Tell the writer process this worker's health (its local API answers for all workers)."""
        try:
            self.link.send(("health", self.health(), []))
        except WriterError:
            pass  # the writer is gone; this process goes with it

    def _new_writer(self, loop: asyncio.AbstractEventLoop) -> BatchWriter[WriteItem, Token, Outcome | None]:
        return RemoteBatchWriter(self.link, self._encode, self._settle, loop,
                                 interval_s=self.limits.batch_interval_s, max_frames=self.limits.batch_max_frames,
                                 on_error=self._store_failed)


def _die_with_parent(parent: int) -> None:
    """SIGKILL this process when its parent dies (Linux); if the parent is already gone, exit now."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux: the writer link's EOF still stops us
        pass
    if os.getppid() != parent:
        os._exit(1)


def run_worker(spec: WorkerSpec, conn: Connection, parent: int) -> None:
    """A worker process's body: a receiver whose batches are committed by the writer process."""
    _die_with_parent(parent)
    import uvloop

    receiver = WorkerReceiver(spec, WriterLink(conn))  # its start freezes the GC's objects (interpreter.GC_THRESHOLDS)

    async def main() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(run_until_signalled([receiver], stop))
        while not receiver.listening and not task.done():
            await asyncio.sleep(0.01)
        if task.done():  # the bind failed: say why
            exc = task.exception()
            conn.send_bytes(pickle.dumps(("failed", f"{type(exc).__name__}: {exc}")))
            return
        conn.send_bytes(pickle.dumps(("listening", receiver.port)))
        receiver.report_health()  # a first report: the writer's health shows this worker at once
        await task

    try:
        uvloop.run(main())
    finally:
        gc.unfreeze()  # frozen objects outlive the interpreter's shutdown (nanobind then reports leaks)


def _add_counts(into: dict[str, Any], report: dict[str, Any]) -> None:
    """Sum the numbers of ``report`` into ``into``, recursing into dicts (other values: the last wins)."""
    for key, value in report.items():
        if isinstance(value, dict):
            _add_counts(into.setdefault(key, {}), value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            into[key] = into.get(key, 0) + value
        else:
            into[key] = value


# -- writer process ------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Worker:
    index: int
    process: BaseProcess
    conn: Connection
    reader: threading.Thread | None = None
    health: dict[str, Any] | None = None  # as the worker last reported it
    health_at: float = 0.0


class WorkerPool:
    """The service ``ultralow serve --workers N`` runs in its own process: N receiving workers and the
    commit thread that writes their batches through ``pipeline``."""

    def __init__(self, pipeline: Pipeline, host: str, port: int, limits: ReceiverLimits, events: EventLog,
                 workers: int, idle_s: float = 1.0) -> None:
        if workers < 2:
            raise ValueError("a worker pool has at least 2 workers (1: the receiver runs in this process)")
        self.pipeline = pipeline
        self.host = host
        self.port = port
        self.limits = limits
        self.events = events
        self.size = workers
        self.idle_s = idle_s
        self.workers: list[_Worker] = []
        self.batches = 0
        self.commits = 0
        self.frames = 0
        self.failed_commits = 0
        self.commit_s = 0.0  # time spent committing, all commits
        self._queue: list[tuple[_Worker, PreparedBatch | None, list[QuarantineRow]]] = []
        self._cond = threading.Condition()
        self._stopping = False
        self._committer = threading.Thread(target=self._commit_loop, name="ultralow-pool-writer", daemon=True)
        self._empty = CANDIDATE_SCHEMA.empty_table()
        self._tuning = InterpreterTuning()  # applied by start(), restored by stop()

    @property
    def listening(self) -> bool:
        return bool(self.workers)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        warm_up()  # the first commit's one-off costs, before the GC freeze
        # the commit thread releases the GIL in every DuckDB call and must get it back from the reader
        # threads unpickling the next batches: as in the in-process receiver, a short switch interval
        self._tuning.apply(self.limits)
        # hold the port (bound, not listening: not in the kernel's group of listeners) so that port 0 gives
        # every worker the same port
        holder = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM)
        try:
            holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            holder.bind((self.host, self.port))
            self.port = holder.getsockname()[1]
            context = multiprocessing.get_context("spawn")  # never fork a process holding DuckDB's threads
            share = worker_limits(self.limits, self.size)
            for index in range(self.size):
                mine, theirs = context.Pipe()
                spec = WorkerSpec(index, self.host, self.port, share, self.pipeline.registry)
                process = context.Process(target=run_worker, args=(spec, theirs, os.getpid()),
                                          name=f"ultralow-receiver-{index}")
                process.start()
                theirs.close()
                self.events.emit("worker_started", worker=index, pid=process.pid)
                self.workers.append(_Worker(index, process, mine))
            for worker in self.workers:
                ready = await loop.run_in_executor(None, self._first_message, worker)
                if ready[0] != "listening":
                    raise OSError(f"receiver worker {worker.index}: {ready[1]}")
        except BaseException:
            await self._end_workers()
            raise
        finally:
            holder.close()
        self._committer.start()
        for worker in self.workers:
            worker.reader = threading.Thread(target=self._read_loop, args=(worker,),
                                             name=f"ultralow-pool-reader-{worker.index}", daemon=True)
            worker.reader.start()
        self.events.emit("listening", protocol="hj212", host=self.host, port=self.port, workers=self.size,
                         max_connections=self.limits.max_connections, authentication=True)

    def _first_message(self, worker: _Worker) -> tuple[str, Any]:
        if not worker.conn.poll(START_TIMEOUT_S):
            return ("failed", f"not listening after {START_TIMEOUT_S:g} s")
        try:
            message: tuple[str, Any] = pickle.loads(worker.conn.recv_bytes())  # noqa: S301 - our own worker
        except (EOFError, OSError):
            return ("failed", f"exited with {worker.process.exitcode}")
        return message

    async def stop(self) -> None:
        """Each worker stops gracefully (its last frames committed here and acknowledged), then the
        commit thread ends."""
        await self._end_workers()
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._committer.is_alive():
            await asyncio.get_running_loop().run_in_executor(None, self._committer.join)
        self.events.emit("stopped", protocol="hj212", workers=self.size, frames=self.frames, commits=self.commits,
                         commit_seconds=round(self.commit_s, 3))
        self._tuning.restore()

    async def _end_workers(self) -> None:
        loop = asyncio.get_running_loop()
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()  # SIGTERM: the worker's graceful stop
        for worker in self.workers:
            await loop.run_in_executor(None, worker.process.join, STOP_TIMEOUT_S)
            if worker.process.is_alive():
                worker.process.kill()
                await loop.run_in_executor(None, worker.process.join)
            if worker.reader is not None:
                await loop.run_in_executor(None, worker.reader.join)

    def health(self) -> dict[str, Any]:
        """The writer's state and every worker's last report: tasks named ``worker<i>.<task>`` (a worker
        that died, or stopped reporting for three health intervals, shows as such), counters summed."""
        now = time.monotonic()
        tasks: dict[str, Any] = {}
        totals: dict[str, Any] = {}
        workers: dict[str, Any] = {}
        for worker in self.workers:
            alive = worker.process.is_alive()
            report = worker.health or {}
            age = round(now - worker.health_at, 1) if worker.health is not None else None
            stale = age is None or age > 3 * self.limits.health_interval_s
            workers[str(worker.index)] = {"alive": alive, "pid": worker.process.pid, "reported_age_s": age}
            for name, task in report.get("tasks", {}).items():
                state = task["state"] if alive and not stale else ("unreported" if alive else "stopped")
                tasks[f"worker{worker.index}.{name}"] = {**task, "state": state}
            _add_counts(totals, {k: v for k, v in report.items() if k not in ("tasks", "writer")})
        return {"workers": workers, "tasks": tasks,
                "writer": {"alive": self._committer.is_alive(), "queued": len(self._queue),
                           "batches": self.batches, "commits": self.commits, "failed_commits": self.failed_commits,
                           "commit_seconds": round(self.commit_s, 3), "frames": self.frames},
                **totals}

    # -- threads -------------------------------------------------------------------------------------
    def _read_loop(self, worker: _Worker) -> None:
        """Reader thread of one worker's pipe: its requests to the commit queue, until it exits."""
        while True:
            try:
                kind, batch, rows = pickle.loads(worker.conn.recv_bytes())  # noqa: S301 - our own worker
            except (EOFError, OSError):
                return
            if kind == "health":
                worker.health, worker.health_at = batch, time.monotonic()
                continue
            with self._cond:
                self._queue.append((worker, batch, rows))
                self._cond.notify()

    def _take(self) -> list[tuple[_Worker, PreparedBatch | None, list[QuarantineRow]]] | None:
        with self._cond:
            while not self._queue:
                if self._stopping:
                    return None
                if not self._cond.wait(self.idle_s) and not self._queue and not self._stopping:
                    return []
            taken, self._queue = self._queue, []
            return taken

    def _commit_loop(self) -> None:
        """One transaction for every batch waiting (from all workers), then each worker's answer."""
        idle_ticked = True
        while True:
            taken = self._take()
            if taken is None:
                return
            if not taken:
                if not idle_ticked:
                    idle_ticked = True
                    try:
                        self.pipeline.accept([])  # the quiet moment: checkpoint
                    except Exception as exc:  # housekeeping only: nobody waits on it
                        self.events.emit("store_error", frames=0, error=f"{type(exc).__name__}: {exc}")
                continue
            idle_ticked = False
            self._commit(taken)

    def _commit(self, requests: list[tuple[_Worker, PreparedBatch | None, list[QuarantineRow]]]) -> None:
        started = time.monotonic()
        batches = [batch for _, batch, _ in requests if batch is not None]
        rows = [row for _, _, batch_rows in requests for row in batch_rows]
        replies: list[tuple[str, object]]
        try:
            outcomes = self.pipeline.commit(PreparedBatch.concat(batches)) if batches else []
            if rows:
                self.pipeline.accept_rows(self._empty, rows)
        except Exception as exc:  # a failed commit acknowledges nothing; the loggers resend
            self.failed_commits += 1
            self.events.emit("store_error", frames=sum(b.count for b in batches), error=f"{type(exc).__name__}: {exc}")
            replies = [("error", f"{type(exc).__name__}: {exc}")] * len(requests)
        else:
            replies = []
            offset = 0
            for _, batch, _ in requests:
                count = batch.count if batch is not None else 0
                replies.append(("ok", [(o.status, o.reason, o.rows, o.frame_id)
                                       for o in outcomes[offset:offset + count]]))
                offset += count
            self.frames += offset
        self.commits += 1
        self.batches += len(requests)
        for (worker, _, _), reply in zip(requests, replies, strict=True):
            self._answer(worker, reply)
        self.commit_s += time.monotonic() - started
        if time.monotonic() - started > 1.0:
            self.events.emit("slow_commit", seconds=round(time.monotonic() - started, 3), batches=len(requests))

    def _answer(self, worker: _Worker, reply: tuple[str, object]) -> None:
        try:
            worker.conn.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:  # the worker is gone: nobody is left to acknowledge
            pass
