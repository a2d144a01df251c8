"""Dashboard load: 60 virtual loggers streaming at real time x60 into ``ultralow serve`` while a live view
is subscribed to ``/ops/events``; the receiver alone (``--no-web``) under the same load in the same run.

Prints, for both runs, the acknowledged (durable) frames per second and the acknowledgement latency, and
for the dashboard run the latency from a frame's acknowledgement (seen by its logger) to the live view's
server-sent event for that frame (seen by the subscriber; both clocks are this process's), p50/p95/max.
The subscriber is an HTTP client reading the event stream like the page's EventSource does (the browser
tests check the page itself).

Each logger sends what a real one sends (2011 every minute, 2051 per minute, 2061 per hour), stop-and-wait,
each packet at its due time divided by ``--speed``. The data start at 09:30, so every outlet completes the
hour 09:00 during the run and the dashboard's monitor judges 60 outlets while the loggers stream.

    python benchmarks/dashboard.py [--loggers 60] [--speed 60] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "cli"))
from serve_process import ServeProcess  # noqa: E402 - a test harness, not part of the package

from ultralow.app.ops import OpsStore
from ultralow.loggers.client import RetryPolicy, VirtualLogger
from ultralow.loggers.packets import LoggerIdentity, Outgoing, logger_schedule
from ultralow.loggers.signals import minute_series, outlet_seed
from ultralow.registry import parse_registry
from ultralow.store import Store, save_registry

START = datetime(2025, 3, 3, 9, 30)
PASSWORD = "benchmark-password"
TARGET_P95_MS = 1000.0
TARGET_RATIO = 0.90


def mn_of(i: int) -> str:
    return f"3302{i:020d}"


def registry_text(count: int) -> str:
    parts = [f"[settings]\nmax_unauthenticated_per_address = {count + 100}\nmax_unauthenticated = {count + 100}\n",
             '[[bases]]\nid = "bench"\nname = "Benchmark base"\ncountry = "CN"\n']
    parts += [f'[[outlets]]\nid = "o{i:03d}"\nbase = "bench"\nname = "Outlet {i}"\nmn = "{mn_of(i)}"\n'
              f'pw = "123456"\nsource_type = "coal_boiler"\nlimit_sets = ["ultra-low-2015"]\n' for i in range(count)]
    return "\n".join(parts)


def plans(count: int, seconds: float, speed: float) -> list[list[Outgoing]]:
    minutes = int(seconds * speed / 60) + 2
    out = []
    for i in range(count):
        series = minute_series("coal_boiler", START, minutes, outlet_seed(3, f"o{i:03d}"))
        packets = logger_schedule(series, LoggerIdentity(mn_of(i), "123456", qn_ms=i))
        out.append([p for p in packets if p.due_s / speed <= seconds])
    return out


@dataclass
class Run:
    acked: int = 0
    ack_ms: list[float] = field(default_factory=list)
    acked_at: dict[tuple[str, str], float] = field(default_factory=dict)  # (outlet, qn) -> monotonic
    event_at: dict[tuple[str, str], float] = field(default_factory=dict)
    seconds: float = 0.0
    events: int = 0
    cookie: dict[str, str] = field(default_factory=dict)
    monitor: dict[str, object] = field(default_factory=dict)


async def drive(port: int, schedule: list[list[Outgoing]], speed: float, run: Run) -> None:
    started = time.monotonic()

    async def one(i: int, packets: list[Outgoing]) -> None:
        logger = VirtualLogger(mn_of(i), "127.0.0.1", port, RetryPolicy())
        await logger.connect(started + 30)
        for packet in packets:
            delay = started + packet.due_s / speed - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            sent = time.monotonic()
            if await logger.send(packet):
                now = time.monotonic()
                run.acked += 1
                run.ack_ms.append((now - sent) * 1000)
                run.acked_at[(f"o{i:03d}", packet.qn)] = now
        await logger.close()

    await asyncio.gather(*(one(i, p) for i, p in enumerate(schedule)))
    run.seconds = time.monotonic() - started


async def subscribe(base: str, run: Run, ready: asyncio.Event, stop: asyncio.Event) -> None:
    """Sign in, then read the event stream until ``stop``; at the end, the monitor's counters."""
    async with httpx.AsyncClient(base_url=base, timeout=None) as client:
        page = await client.get("/ops/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token is not None
        login_cookie = page.headers["set-cookie"].split(";", 1)[0]
        answer = await client.post("/ops/login", data={"csrf": token.group(1), "name": "bench", "password": PASSWORD},
                                   headers={"cookie": login_cookie})
        session = next(h for h in answer.headers.get_list("set-cookie") if h.startswith("ops_session="))
        cookie = {"cookie": session.split(";", 1)[0]}
        run.cookie = cookie
        async with client.stream("GET", "/ops/events", headers=cookie) as stream:
            ready.set()
            async for line in stream.aiter_lines():
                if stop.is_set():
                    break
                if line.startswith("data: "):
                    message = json.loads(line[6:])
                    run.events += 1
                    if message.get("type") == "values" and message.get("qn"):
                        run.event_at.setdefault((message["outlet_id"], message["qn"]), time.monotonic())


def serve(folder: Path, name: str, count: int, web: bool) -> ServeProcess:
    config = folder / "bench.toml"
    config.write_text(registry_text(count), encoding="utf-8")
    db = folder / f"{name}.duckdb"
    registry = parse_registry(config.read_text(encoding="utf-8"), str(config))
    with Store(db) as store:
        save_registry(store, registry)
        OpsStore(store, registry).add_user("bench", "viewer", PASSWORD, actor="benchmark")
    extra = ("--http-port", "0") if web else ("--no-web",)
    return ServeProcess(db, config, folder / f"{name}.log", extra_args=extra).start()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def dashboard_run(proc: ServeProcess, schedule: list[list[Outgoing]], speed: float) -> Run:
    deadline = time.monotonic() + 60
    while not proc.events("web_listening"):
        if time.monotonic() > deadline:
            raise RuntimeError(proc.tail())
        await asyncio.sleep(0.05)
    base = str(proc.events("web_listening")[0]["url"]).rstrip("/")
    run = Run()
    ready, stop = asyncio.Event(), asyncio.Event()
    listener = asyncio.create_task(subscribe(base, run, ready, stop))
    await asyncio.wait_for(ready.wait(), 30)
    await drive(proc.port, schedule, speed, run)
    await asyncio.sleep(2.0)  # the last events
    stop.set()
    listener.cancel()
    async with httpx.AsyncClient(base_url=base) as client:
        run.monitor = (await client.get("/ops/live.json", headers=run.cookie)).json()["monitor"]
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loggers", type=int, default=60)
    parser.add_argument("--speed", type=float, default=60.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    schedule = plans(args.loggers, args.seconds, args.speed)
    frames = sum(len(p) for p in schedule)
    print(f"{args.loggers} loggers at x{args.speed:g} for {args.seconds:g} s: {frames} frames offered "
          f"({frames / args.seconds:.1f}/s)")
    with tempfile.TemporaryDirectory(prefix="i13-bench-") as tmp:
        folder = Path(tmp)
        alone = serve(folder, "alone", args.loggers, web=False)
        try:
            base_run = Run()
            asyncio.run(drive(alone.port, schedule, args.speed, base_run))
        finally:
            alone.terminate()
        with_web = serve(folder, "dashboard", args.loggers, web=True)
        try:
            dash = asyncio.run(dashboard_run(with_web, schedule, args.speed))
        finally:
            with_web.terminate()
    latencies = [(dash.event_at[k] - t) * 1000 for k, t in dash.acked_at.items() if k in dash.event_at]
    missing = len(dash.acked_at) - len(latencies)
    rate_alone = base_run.acked / base_run.seconds
    rate_dash = dash.acked / dash.seconds
    print(f"receiver alone:   {base_run.acked} acked in {base_run.seconds:.1f} s = {rate_alone:.1f} frames/s; "
          f"ack p50 {percentile(base_run.ack_ms, .5):.1f} ms, p99 {percentile(base_run.ack_ms, .99):.1f} ms")
    print(f"with dashboard:   {dash.acked} acked in {dash.seconds:.1f} s = {rate_dash:.1f} frames/s; "
          f"ack p50 {percentile(dash.ack_ms, .5):.1f} ms, p99 {percentile(dash.ack_ms, .99):.1f} ms")
    print(f"throughput ratio: {rate_dash / rate_alone:.3f} (target >= {TARGET_RATIO})")
    print(f"ack -> live view: {len(latencies)} frames matched, {missing} without an event; p50 "
          f"{percentile(latencies, .5):.1f} ms, p95 {percentile(latencies, .95):.1f} ms, max "
          f"{max(latencies, default=float('nan')):.1f} ms (target p95 < {TARGET_P95_MS:g} ms; negative: the event "
          f"reached the subscriber before the ack reached the logger); {dash.events} events in all")
    print(f"dashboard monitor: {dash.monitor}")
    ok = rate_dash >= TARGET_RATIO * rate_alone and percentile(latencies, .95) < TARGET_P95_MS and missing == 0
    print("PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
