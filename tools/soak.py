"""Soak: hostile clients beside 60 simulated loggers against ``ultralow serve`` for N minutes.

The loggers (one per outlet, the virtual loggers of ``ultralow simulate`` with their retries and backfill)
stream rounds of an hour of 2011/2051/2061 data each, as fast as they are acknowledged, from 127.0.0.1.
Beside them, from other loopback addresses: drippers (a frame begun and a byte every second), a
connect-and-close storm of 13-byte fragments, unknown-MN spam, password guessers, frames cut off after
a large LLLL, sub-packets with PNUM 999,999,999, and random bytes. At the end the script checks:

- every logger was served: no packet left unacknowledged, no logger refused for good;
- every acknowledged frame is in the store exactly once;
- quarantine stayed bounded (rows and bytes printed) and the server's RSS stayed below 1 GiB;
- the background tasks ran throughout (health through the local API) and SIGTERM exits 0.

    python tools/soak.py [--minutes 5] [--loggers 60] [--workers 1]

Exit 0 when every check holds, 1 otherwise. Loopback only; the server runs in its own process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import psutil
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "cli"))
from serve_process import ServeProcess  # noqa: E402 - a test harness, not part of the package

from ultralow.hj212 import Flag, Message, encode  # noqa: E402
from ultralow.loggers.client import RetryPolicy, VirtualLogger  # noqa: E402
from ultralow.loggers.fleet import LoggerSpec, plan_fleet, run_fleet  # noqa: E402
from ultralow.registry import SOURCE_TYPES  # noqa: E402
from ultralow.store import Store  # noqa: E402
from ultralow.store.local_api import find_server, request  # noqa: E402
from ultralow.store.store import register  # noqa: E402

RSS_LIMIT = 1 << 30


def registry(count: int) -> str:
    parts = ['[settings]\nauth_timeout_s = 20.0\n',
             '[[bases]]\nid = "soak"\nname = "Soak base"\ncountry = "CN"\n']
    parts += [f'[[outlets]]\nid = "s{i:03d}"\nbase = "soak"\nname = "Outlet {i}"\nmn = "3303{i:020d}"\n'
              f'pw = "{200000 + i}"\nsource_type = "{SOURCE_TYPES[i % len(SOURCE_TYPES)]}"\nlimit_sets = []\n'
              for i in range(count)]
    return "\n".join(parts)


def frame(mn: str, pw: str, qn: str, **extra: object) -> bytes:
    return encode(Message(cn="2051", qn=qn, pw=pw, mn=mn, flag=Flag(1, False, True),
                          globals={"DataTime": "20250303100000"},
                          values={"a21026": {"Avg": "1.0", "Flag": "N"}}, **extra))  # type: ignore[arg-type]


class Attack:
    """Counts what each hostile client did."""

    def __init__(self, port: int, until: float) -> None:
        self.port = port
        self.until = until
        self.counts: Counter[str] = Counter()

    async def connect(self, source: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        try:
            return await asyncio.open_connection("127.0.0.1", self.port, local_addr=(source, 0))
        except OSError:
            self.counts["connect_failed"] += 1
            return None

    async def send(self, writer: asyncio.StreamWriter, data: bytes) -> bool:
        try:
            writer.write(data)
            await writer.drain()
            return True
        except (ConnectionError, OSError):
            return False

    @staticmethod
    def close(writer: asyncio.StreamWriter) -> None:
        writer.close()

    async def dripper(self, source: str) -> None:
        while time.monotonic() < self.until:
            link = await self.connect(source)
            if link is None:
                await asyncio.sleep(1.0)
                continue
            _, writer = link
            self.counts["drip_connections"] += 1
            ok = await self.send(writer, b"##0500QN=")
            while ok and time.monotonic() < self.until:
                await asyncio.sleep(1.0)
                ok = await self.send(writer, b"1")
            self.close(writer)

    async def storm(self, source: str) -> None:
        while time.monotonic() < self.until:
            link = await self.connect(source)
            if link is not None:
                await self.send(link[1], b"##0101QN=2025")  # 13 bytes, then gone
                self.close(link[1])
                self.counts["storm_connections"] += 1
            await asyncio.sleep(0.01)

    async def spam(self, source: str) -> None:
        rng = random.Random(source)
        while time.monotonic() < self.until:
            link = await self.connect(source)
            if link is None:
                await asyncio.sleep(1.0)
                continue
            writer = link[1]
            ok = True
            while ok and time.monotonic() < self.until:
                batch = b"".join(frame(f"99{rng.randrange(10**20):022d}", "123456", f"2025030310{n:07d}")
                                 for n in range(50))
                ok = await self.send(writer, batch + os.urandom(256))
                self.counts["spam_frames"] += 50
                await asyncio.sleep(0.05)
            self.close(writer)

    async def guesser(self, source: str, mn: str) -> None:
        guess = 0
        while time.monotonic() < self.until:
            link = await self.connect(source)
            if link is None:
                await asyncio.sleep(1.0)
                continue
            writer = link[1]
            ok = True
            while ok and time.monotonic() < self.until:
                guess += 1
                ok = await self.send(writer, frame(mn, f"{guess:06d}", f"20250303100{guess:06d}"))
                self.counts["guesses"] += 1
                await asyncio.sleep(0.01)
            self.close(writer)
            await asyncio.sleep(0.5)

    async def cutter(self, source: str) -> None:
        n = 0
        while time.monotonic() < self.until:
            link = await self.connect(source)
            if link is None:
                await asyncio.sleep(1.0)
                continue
            writer = link[1]
            n += 1
            await self.send(writer, b"##9999QN=20250303100105001;ST=31;CN=2051;PW=1")
            await self.send(writer, frame("99" + "0" * 22, "000000", f"2025030310{n:07d}", pnum=999_999_999, pno=1))
            await self.send(writer, os.urandom(4096))
            self.counts["cut_frames"] += 1
            await asyncio.sleep(0.5)
            self.close(writer)


def rss(processes: list[psutil.Process]) -> int:
    """Resident memory of the server's processes (a worker that exited counts 0)."""
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


async def soak(args: argparse.Namespace, work: Path) -> int:
    config = work / "ultralow.toml"
    config.write_text(registry(args.loggers), encoding="utf-8")
    db = work / "soak.duckdb"
    server = ServeProcess(db, config, work / "serve.log",
                          extra_args=("--no-web", "--workers", str(args.workers))).start()
    process = psutil.Process(server.pid)
    processes = [process, *process.children(recursive=True)]  # serve --workers: the workers too
    started = time.monotonic()
    until = started + args.minutes * 60
    attack = Attack(server.port, until)
    hostile = [asyncio.create_task(coro) for coro in (
        *(attack.dripper("127.0.0.2") for _ in range(args.drippers)),
        attack.storm("127.0.0.3"), attack.storm("127.0.0.4"),
        attack.spam("127.0.0.5"),
        attack.guesser("127.0.0.6", "3303" + "0" * 20), attack.guesser("127.0.0.7", "3303" + "0" * 19 + "1"),
        attack.cutter("127.0.0.8"),
    )]
    loggers: list[VirtualLogger] = []
    total = rounds = unacked = 0
    peak_rss = rss(processes)
    start = datetime(2025, 3, 3, 0, 0)
    specs = [LoggerSpec(f"s{i:03d}", f"3303{i:020d}", str(200000 + i), SOURCE_TYPES[i % len(SOURCE_TYPES)], start)
             for i in range(args.loggers)]
    failures: list[str] = []
    while time.monotonic() < until:
        round_specs = [LoggerSpec(s.outlet_id, s.mn, s.pw, s.source_type, start + timedelta(hours=rounds))
                       for s in specs]
        plans = plan_fleet(round_specs, seed=rounds, minutes=60, drops_per_day=48.0)
        total += sum(len(plan.packets) for plan in plans)
        fleet = asyncio.create_task(run_fleet(plans, "127.0.0.1", server.port, "fast",
                                              RetryPolicy(timeout_s=5.0, retries=3), give_up_after_s=300.0,
                                              loggers_out=loggers))
        while not fleet.done():
            peak_rss = max(peak_rss, rss(processes))
            await asyncio.sleep(0.5)
        report = fleet.result()
        unacked += report.totals()["unacked"]
        rounds += 1
        print(f"round {rounds}: {sum(len(p.packets) for p in plans):,} packets, "
              f"unacked {report.totals()['unacked']}, {time.monotonic() - started:.0f} s, "
              f"server RSS {rss(processes) / 2**20:,.0f} MiB", flush=True)
    for task in hostile:
        task.cancel()
    await asyncio.gather(*hostile, return_exceptions=True)
    info = find_server(db)
    health = request(info, "health", timeout_s=30)["health"] if info is not None else {}
    code = server.terminate()
    acked = pa.table({"mn": [lg.mn for lg in loggers for _ in lg.stats.acked_qns],
                      "qn": [qn for lg in loggers for qn in lg.stats.acked_qns]})
    with Store(db, read_only=True) as store:
        register(store.con, "acked", acked)
        once, other = store.con.execute(
            "SELECT count(*) FILTER (WHERE n = 1), count(*) FILTER (WHERE n <> 1) FROM "
            "(SELECT a.mn, a.qn, count(f.frame_id) AS n FROM acked a "
            " LEFT JOIN raw_frames f ON f.mn = a.mn AND f.qn = a.qn GROUP BY ALL)").fetchone() or (0, 0)
        rows, raw_bytes = store.con.execute(
            "SELECT count(*), coalesce(sum(octet_length(raw)), 0) FROM quarantine").fetchone() or (0, 0)
        kinds = store.con.execute("SELECT source, count(*) FROM quarantine GROUP BY ALL ORDER BY 1").fetchall()
    print(f"soak: {args.minutes:g} min, {args.loggers} loggers, {rounds} rounds, {total:,} packets, "
          f"{acked.num_rows:,} acknowledged, {unacked} unacknowledged")
    print(f"  hostile: {dict(attack.counts)}")
    print(f"  store: acknowledged frames stored once {once:,}, missing or duplicated {other:,}")
    print(f"  quarantine: {rows:,} rows, {raw_bytes / 2**20:,.1f} MiB raw ({dict(kinds)})")
    print(f"  server: {args.workers} receiving process(es), peak RSS {peak_rss / 2**20:,.0f} MiB (all processes), "
          f"SIGTERM exit {code}")
    print(f"  health: {health.get('tasks')}, refused {health.get('refused')}, evicted {health.get('evicted')}, "
          f"auth {health.get('auth')}, quarantine {health.get('quarantine')}")
    print(f"  load average at the end: {os.getloadavg()[0]:.1f} (a shared machine slows everything)")
    if unacked:
        failures.append(f"{unacked} packets unacknowledged")
    if other or once != acked.num_rows:
        failures.append("acknowledged frames missing or stored twice")
    if peak_rss >= RSS_LIMIT:
        failures.append("server RSS above 1 GiB")
    if code != 0:
        failures.append(f"SIGTERM exit {code}")
    tasks = health.get("tasks", {})
    if not tasks or any(task["state"] != "running" or task["failures"] for task in tasks.values()):
        failures.append(f"background tasks not healthy: {tasks}")
    print("soak: " + ("every check held" if not failures else "FAILED: " + "; ".join(failures)))
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--loggers", type=int, default=60)
    parser.add_argument("--drippers", type=int, default=200, help="dripping connections from one address")
    parser.add_argument("--workers", type=int, default=1, help="receiving processes (serve --workers)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ultralow-soak-") as tmp:
        sys.exit(asyncio.run(soak(args, Path(tmp))))


if __name__ == "__main__":
    main()
