"""Receiver load: N virtual loggers on N connections against ``ultralow serve --no-web`` in its own process.

Prints acknowledged (durable) packets per second, p50/p99 acknowledgement latency and the server's peak
RSS, and the same figures for a baseline measured in the same run: the same load against the same
receiver code in its own process, answering from the codec without storing anything (no DuckDB), which
shows what durability costs on top of the network, framing and decoding.

Load: 2051 minute packets of coal-boiler outlets (nine factors with Zs values: about 1,200 bytes, kept
whole as many real loggers do), pre-encoded before the clock starts; each connection sends stop-and-wait
like a real logger (``--window`` allows more in flight). The load generator is one uvloop process; its
CPU time is printed too, since it shares the two cores with the server.

    python benchmarks/receiver_load.py [--connections 1000] [--seconds 10] [--window 1]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import psutil
import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "cli"))
from serve_process import ServeProcess  # noqa: E402 - a test harness, not part of the package

from ultralow.hj212 import decode, reply_to
from ultralow.hj212.replies import build_9014
from ultralow.ingest import Outcome, Received
from ultralow.loggers.packets import LoggerIdentity, minute_packets
from ultralow.loggers.signals import minute_series, outlet_seed
from ultralow.receiver.events import EventLog
from ultralow.receiver.limits import ReceiverLimits
from ultralow.receiver.server import Receiver
from ultralow.receiver.services import run_until_signalled
from ultralow.store import Store

TARGET_PER_S = 10_000
TARGET_P99_MS = 100.0
TARGET_RSS = 1 << 30
# packets per second each run can take before a connection runs dry: the two-process baseline acknowledged
# every one of the 20,000/s it was given (130,000 acks in 6 s), so its figure was the supply's, not its own
SUPPLY_PER_S = 30_000
STEADY_AFTER_S = 1.0  # the informational steady-state latency line leaves out the first second


def mn_of(i: int) -> str:
    return f"3301{i:020d}"


def registry_text(count: int) -> str:
    # every connection comes from 127.0.0.1 and connects before it sends: above the per-address bound
    # for unauthenticated connections, which protects a real receiver from one address's flood
    # (twice over: with workers each enforces its share of a bound, and the kernel's spread is uneven)
    parts = [f'[settings]\nmax_unauthenticated_per_address = {2 * count + 100}\n'
             f'max_unauthenticated = {2 * count + 100}\n',
             '[[bases]]\nid = "bench"\nname = "Benchmark base"\ncountry = "CN"\n']
    parts += [f'[[outlets]]\nid = "o{i:05d}"\nbase = "bench"\nname = "Outlet {i}"\nmn = "{mn_of(i)}"\n'
              f'pw = "123456"\nsource_type = "coal_boiler"\nlimit_sets = []\n' for i in range(count)]
    return "\n".join(parts)


def prepare(connections: int, per_connection: int) -> list[list[tuple[bytes, bytes]]]:
    """Pre-encoded (frame, the 9014 it is owed) lists, one per connection, from the loggers' own signal
    model and encoder and the codec's reply builder.

    The replies are built here, before the clock starts, so that during the run the load generator checks
    an acknowledgement by comparing bytes (the exact 9014 for a frame it sent: QN, MN, PW, Flag and CRC)
    instead of decoding it: that halved its CPU per packet, which it takes from the server's two cores.
    """
    out = []
    for i in range(connections):
        seed = outlet_seed(1, f"o{i:05d}")
        series = minute_series("coal_boiler", datetime(2025, 3, 3), per_connection, seed)
        packets = minute_packets(series, LoggerIdentity(mn_of(i), "123456", qn_ms=seed % 1000), split=False)
        template = decode(packets[0].frame)  # same MN, PW and Flag throughout: only the QN differs
        pairs = []
        for p in packets:
            reply = build_9014(dataclasses.replace(template, qn=p.qn))
            pairs.append((p.frame, reply))
        if reply_to(decode(packets[-1].frame)) != pairs[-1][1]:  # the shortcut agrees with the codec
            raise SystemExit("the pre-built 9014 differs from the codec's reply_to")
        out.append(pairs)
    return out


@dataclass
class Tally:
    started: float = 0.0
    stop_sending: float = 0.0
    acked: int = 0
    acked_in_window: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    acked_at: list[float] = field(default_factory=list)  # monotonic time of each latency's acknowledgement
    bad_replies: int = 0
    server_cpu_s: float = 0.0


class LoadConnection(asyncio.Protocol):
    """One logger: sends its next frame when an acknowledgement frees a slot in its window."""

    def __init__(self, frames: list[tuple[bytes, bytes]], window: int, tally: Tally) -> None:
        self.frames = frames
        self.window = window
        self.tally = tally
        self.buffer = b""
        self.next = 0
        self.pending: dict[bytes, float] = {}  # the 9014 owed -> when its frame was sent
        self.transport: asyncio.Transport | None = None
        self.done = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def start(self) -> None:
        for _ in range(self.window):
            self._send()

    def _send(self) -> None:
        if self.next >= len(self.frames) or time.monotonic() >= self.tally.stop_sending:
            if not self.pending and not self.done.done():
                self.done.set_result(None)
            return
        frame, reply = self.frames[self.next]
        self.next += 1
        self.pending[reply] = time.monotonic()
        assert self.transport is not None
        self.transport.write(frame)

    def data_received(self, data: bytes) -> None:
        *replies, self.buffer = (self.buffer + data).split(b"\r\n")
        for reply in replies:
            # an ack counts only if it is, byte for byte, the 9014 owed for a frame we sent
            sent_at = self.pending.pop(reply + b"\r\n", None)
            if sent_at is None:
                self.tally.bad_replies += 1
                continue
            now = time.monotonic()
            self.tally.acked += 1
            if now <= self.tally.stop_sending:
                self.tally.acked_in_window += 1
                self.tally.latencies_ms.append((now - sent_at) * 1000)
                self.tally.acked_at.append(now)
            self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


def server_processes(pids: Sequence[int]) -> list[psutil.Process]:
    """The server's processes: each given one and its children (``serve --workers``)."""
    out = []
    for pid in pids:
        process = psutil.Process(pid)
        out += [process, *process.children(recursive=True)]
    return out


def rss_of(processes: Sequence[psutil.Process]) -> int:
    return sum(p.memory_info().rss for p in processes)


def cpu_of(processes: Sequence[psutil.Process]) -> float:
    return sum(sum(p.cpu_times()[:2]) for p in processes)


async def drive(port: int, frames: list[list[tuple[bytes, bytes]]], window: int, seconds: float,
                server_pids: Sequence[int]) -> tuple[Tally, int]:
    loop = asyncio.get_running_loop()
    tally = Tally()
    conns = []
    for chunk in range(0, len(frames), 100):  # connect in steps: the accept backlog is finite
        made = await asyncio.gather(*(loop.create_connection(lambda f=f: LoadConnection(f, window, tally),
                                                             "127.0.0.1", port) for f in frames[chunk:chunk + 100]))
        conns += [protocol for _, protocol in made]
    server = server_processes(server_pids)
    peak_rss = rss_of(server)
    tally.server_cpu_s = -cpu_of(server)
    tally.started = time.monotonic()
    tally.stop_sending = tally.started + seconds
    for conn in conns:
        conn.start()
    while time.monotonic() < tally.stop_sending:
        await asyncio.sleep(0.25)
        peak_rss = max(peak_rss, rss_of(server))
    tally.server_cpu_s += cpu_of(server)
    await asyncio.wait([c.done for c in conns], timeout=10)
    for conn in conns:
        if conn.transport is not None:
            conn.transport.close()
    return tally, peak_rss


def report(label: str, tally: Tally, seconds: float, rss: int) -> dict[str, float]:
    lat = sorted(tally.latencies_ms)
    p50 = statistics.median(lat) if lat else float("nan")
    p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))] if lat else float("nan")
    rate = tally.acked_in_window / seconds
    # CPU per acknowledgement depends far less on what else the machine runs than the rate does
    cpu_per_ack_us = tally.server_cpu_s / tally.acked_in_window * 1e6 if tally.acked_in_window else float("nan")
    print(f"  {label}: {rate:,.0f} packets/s acknowledged, p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
          f"server peak RSS {rss / 2**20:,.0f} MiB (all its processes), server CPU {tally.server_cpu_s:.1f} s "
          f"= {cpu_per_ack_us:.0f} us per acknowledged packet "
          f"({tally.acked:,} acks in all, {tally.bad_replies} stray replies)")
    # every logger sends its first frame in the same instant, which no real fleet does: that first round
    # (and the first batch's one-off costs) is in the figures above; without the first second:
    later = sorted(ms for ms, at in zip(tally.latencies_ms, tally.acked_at, strict=True)
                   if at > tally.started + STEADY_AFTER_S)
    if later:
        print(f"    after the first {STEADY_AFTER_S:g} s: p50 {statistics.median(later):.1f} ms, "
              f"p99 {later[min(len(later) - 1, int(0.99 * len(later)))]:.1f} ms ({len(later):,} acks)")
    return {"rate": rate, "p50": p50, "p99": p99, "rss": rss, "cpu_per_ack_us": cpu_per_ack_us}


def serve_without_store(port_file: str, max_connections: int, batch_ms: float, port: int) -> None:
    """Baseline server process: the receiver answering from the codec, storing nothing (one of several
    on ``port`` when the durable run has workers)."""
    def accept(items: list[Received]) -> list[Outcome]:
        return [Outcome("stored") for _ in items]

    limits = ReceiverLimits(max_connections=max_connections, batch_interval_s=batch_ms / 1000)
    receiver = Receiver(accept, port=port, limits=limits,  # type: ignore[arg-type]
                        events=EventLog(stream=open("/dev/null", "w")),  # noqa: SIM115
                        reuse_port=port != 0)

    async def main() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(run_until_signalled([receiver], stop))
        while receiver._server is None:
            await asyncio.sleep(0.01)
        Path(port_file).write_text(str(receiver.port))
        await task

    uvloop.run(main())


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--window", type=int, default=1, help="packets in flight per connection")
    parser.add_argument("--batch-ms", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=1,
                        help="receiving processes: `serve --workers`, and as many baseline processes on one port")
    parser.add_argument("--serve-baseline", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--target", help="PORT:PID of a receiver already running (e.g. under a profiler): "
                        "drive it only, no baseline; its registry must be registry_text(--connections)")
    args = parser.parse_args()
    if args.serve_baseline:
        serve_without_store(args.serve_baseline, 2 * args.connections + 100, args.batch_ms, args.port)
        return
    if args.target:
        port, pid = (int(x) for x in args.target.split(":"))
        per_connection = max(30, int(SUPPLY_PER_S * args.seconds / args.connections) + 10)
        frames = prepare(args.connections, per_connection)
        tally, rss = uvloop.run(drive(port, frames, args.window, args.seconds, [pid]))
        report("target receiver", tally, args.seconds, rss)
        return

    # enough packets that no connection runs dry within the measurement
    per_connection = max(30, int(SUPPLY_PER_S * args.seconds / args.connections) + 10)
    started = time.monotonic()
    frames = prepare(args.connections, per_connection)
    sizes = [len(f) for conn in frames for f, _ in conn]
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before the runs "
          "(other work on the machine slows both runs)")
    print(f"receiver_load: {args.connections} connections, window {args.window}, {args.seconds:g} s each run, "
          f"2051 packets of {min(sizes)}-{max(sizes)} bytes (mean {statistics.mean(sizes):.0f}), "
          f"prepared in {time.monotonic() - started:.1f} s")

    with tempfile.TemporaryDirectory(prefix="ultralow-bench-") as tmp:
        work = Path(tmp)
        # baseline: same load, receiver without a store, in its own process (as many as --workers, on one
        # port, like the workers of the durable run)
        holder = socket.socket()
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        holder.bind(("127.0.0.1", 0))  # bound, never listening: the baselines' common port
        port = holder.getsockname()[1] if args.workers > 1 else 0
        port_files = [work / f"baseline-{i}.port" for i in range(args.workers)]
        baselines = [subprocess.Popen([sys.executable, __file__, "--serve-baseline", str(port_file),
                                       "--connections", str(args.connections), "--batch-ms", str(args.batch_ms),
                                       "--port", str(port)]) for port_file in port_files]
        try:
            for port_file, baseline in zip(port_files, baselines, strict=True):
                while not port_file.exists() or not port_file.read_text():
                    if baseline.poll() is not None:
                        raise SystemExit("baseline server died")
                    time.sleep(0.05)
            holder.close()
            cpu0 = cpu_seconds()
            tally, rss = uvloop.run(drive(int(port_files[0].read_text()), frames, args.window, args.seconds,
                                          [b.pid for b in baselines]))
            base_cpu = cpu_seconds() - cpu0
        finally:
            for baseline in baselines:
                baseline.terminate()
                baseline.wait(30)
        base = report("baseline, receiver without store", tally, args.seconds, rss)
        print(f"    load generator CPU {base_cpu:.1f} s for the run")

        config = work / "ultralow.toml"
        config.write_text(registry_text(args.connections), encoding="utf-8")
        db = work / "bench.duckdb"
        # twice the connections: with workers each enforces its share, and the kernel's spread is uneven
        server = ServeProcess(db, config, work / "serve.log",
                              extra_args=("--no-web", "--max-connections", str(2 * args.connections + 100),
                                          "--batch-ms", str(args.batch_ms), "--workers", str(args.workers))).start()
        try:
            cpu0 = cpu_seconds()
            tally, rss = uvloop.run(drive(server.port, frames, args.window, args.seconds, [server.pid]))
            real_cpu = cpu_seconds() - cpu0
            wal = db.with_name(db.name + ".wal")
            wal_bytes = wal.stat().st_size if wal.exists() else 0
        finally:
            stop_started = time.monotonic()
            server.terminate()
            stop_s = time.monotonic() - stop_started
        real = report("ultralow serve, durable (DuckDB)", tally, args.seconds, rss)
        print(f"    load generator CPU {real_cpu:.1f} s for the run")
        # committed and fsynced, but not yet checkpointed into the file: that work is deferred, not saved
        print(f"    WAL after the run: {wal_bytes / 2**20:,.0f} MiB; graceful stop (checkpoint included) took "
              f"{stop_s:.1f} s")
        with Store(db, read_only=True) as store:
            row = store.con.execute("SELECT count(*) FROM raw_frames").fetchone()
        stored = int(row[0]) if row else 0
        print(f"    frames in the store after the run: {stored:,} (acknowledged: {tally.acked:,}; "
              f"every acknowledged frame must be there)")
        ok = stored >= tally.acked
        print(f"  target: >= {TARGET_PER_S:,} packets/s, p99 < {TARGET_P99_MS:g} ms, RSS < 1 GiB -> "
              f"{'met' if real['rate'] >= TARGET_PER_S and real['p99'] < TARGET_P99_MS and real['rss'] < TARGET_RSS else 'NOT met'}"
              f"; durable acknowledged frames {'all stored' if ok else 'MISSING'}; "
              f"durability costs {base['rate'] / real['rate'] if real['rate'] else float('inf'):.1f}x the baseline rate")
        print(f"  load average after the runs: {os.getloadavg()[0]:.1f}")
        if not ok:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
