"""``ultralow serve`` as a separate process: zero loss across a SIGKILL, graceful SIGTERM, bad registry."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pytest
from serve_process import SERVE_ENTRY, ServeProcess

from ultralow.hj212 import decode
from ultralow.loggers.client import RetryPolicy, VirtualLogger
from ultralow.loggers.fleet import LoggerSpec, plan_fleet, run_fleet
from ultralow.registry import SOURCE_TYPES
from ultralow.store import Store
from ultralow.store.local_api import find_server, request
from ultralow.store.store import register

LOGGERS = 50


def fleet_registry(count: int) -> str:
    """A base and ``count`` outlets cycling through the source types (MN ``3301`` + 20 digits)."""
    parts = ['[[bases]]\nid = "sd"\nname = "Shandong"\ncountry = "CN"\n']
    for i in range(count):
        parts.append(
            f'[[outlets]]\nid = "o{i:03d}"\nbase = "sd"\nname = "Outlet {i}"\nmn = "3301{i:020d}"\n'
            f'pw = "{100000 + i}"\nsource_type = "{SOURCE_TYPES[i % len(SOURCE_TYPES)]}"\nlimit_sets = []\n'
        )
    return "\n".join(parts)


def specs(count: int, start: datetime) -> list[LoggerSpec]:
    return [LoggerSpec(f"o{i:03d}", f"3301{i:020d}", str(100000 + i), SOURCE_TYPES[i % len(SOURCE_TYPES)], start)
            for i in range(count)]


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_zero_loss_across_a_sigkill_of_the_receiver(tmp_path: Path, workers: int) -> None:
    config = tmp_path / "ultralow.toml"
    config.write_text(fleet_registry(LOGGERS), encoding="utf-8")
    db = tmp_path / "zero-loss.duckdb"
    # with workers the SIGKILL hits the writer process, which holds the store; its workers die with it
    pool = ("--workers", "2", "--no-web") if workers > 1 else ()
    server = ServeProcess(db, config, tmp_path / "serve.log", extra_args=("--batch-ms", "10", *pool)).start()
    port = server.port
    # one hour of 2011/2051/2061 from 50 loggers, with link outages (backfilled) on top of the crash
    plans = plan_fleet(specs(LOGGERS, datetime(2025, 3, 3, 10, 0)), seed=7, minutes=60, drops_per_day=24.0)
    total = sum(len(plan.packets) for plan in plans)
    loggers: list[VirtualLogger] = []
    restarted: list[ServeProcess] = []

    async def scenario() -> int:
        loop = asyncio.get_running_loop()
        fleet = asyncio.create_task(run_fleet(plans, "127.0.0.1", port, "fast",
                                              RetryPolicy(timeout_s=2.0, retries=3), give_up_after_s=120.0,
                                              loggers_out=loggers))
        while sum(lg.stats.acked for lg in loggers) < total // 3:
            assert not fleet.done(), "the fleet ended before the crash"
            await asyncio.sleep(0.01)
        assert server.kill() == -9  # mid-stream: frames in flight, some committed and not yet acknowledged
        acked_before_crash = sum(lg.stats.acked for lg in loggers)
        await asyncio.sleep(0.5)  # the loggers notice, retry and back off against a closed port
        restarted.append(await loop.run_in_executor(
            None, ServeProcess(db, config, tmp_path / "serve.log", port=port, extra_args=pool).start))
        report = await fleet
        assert report.totals()["unacked"] == 0
        return acked_before_crash

    try:
        acked_before_crash = asyncio.run(scenario())
    finally:
        for process in [server, *restarted]:
            process.kill()
    assert 0 < acked_before_crash < total
    totals = {key: sum(getattr(lg.stats, key) for lg in loggers) for key in ("acked", "backfilled", "reconnects")}
    assert totals["acked"] == total  # after the retries every packet was acknowledged ...
    assert totals["reconnects"] >= LOGGERS  # ... after every logger reconnected at least once (the crash)
    assert totals["backfilled"] > 0

    acked = pa.table({
        "mn": [lg.mn for lg in loggers for _ in lg.stats.acked_qns],
        "qn": [qn for lg in loggers for qn in lg.stats.acked_qns],
    })
    expected_rows = sum(len(decode(p.frame).values) for plan in plans for p in plan.packets)
    with Store(db, read_only=True) as store:
        con = store.con
        register(con, "acked", acked)
        # every acknowledged packet is in raw_frames exactly once
        stored_once = con.execute(
            "SELECT count(*) FILTER (WHERE n = 1), count(*) FILTER (WHERE n <> 1) FROM "
            "(SELECT a.mn, a.qn, count(f.frame_id) AS n FROM acked a "
            " LEFT JOIN raw_frames f ON f.mn = a.mn AND f.qn = a.qn GROUP BY ALL)").fetchone()
        assert stored_once == (total, 0)
        assert con.execute("SELECT count(*) FROM raw_frames").fetchone() == (total,)
        # readings: one row per factor of every packet, each key once, no revision (resends were identical)
        assert con.execute("SELECT count(*) FROM readings").fetchone() == (expected_rows,)
        assert con.execute(
            "SELECT count(*) FROM (SELECT outlet_id, code, kind, data_time FROM readings "
            "GROUP BY ALL HAVING count(*) > 1)").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (0,)


def test_sigterm_stops_gracefully(tmp_path: Path) -> None:
    config = tmp_path / "ultralow.toml"
    config.write_text(fleet_registry(1), encoding="utf-8")
    server = ServeProcess(tmp_path / "s.duckdb", config, tmp_path / "serve.log").start()
    assert server.terminate() == 0
    (stopped,) = server.events("stopped")
    assert stopped["frames"] == 0


def test_workers_store_and_acknowledge_and_stop_gracefully(tmp_path: Path) -> None:
    """``--workers 2``: two receiving processes on one port, this process commits; what was acknowledged
    is stored, and SIGTERM stops the workers, then the writer, with exit code 0."""
    config = tmp_path / "ultralow.toml"
    config.write_text(fleet_registry(4), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    server = ServeProcess(db, config, tmp_path / "serve.log", extra_args=("--workers", "2", "--no-web")).start()
    plans = plan_fleet(specs(4, datetime(2025, 3, 3, 10, 0)), seed=3, minutes=10, drops_per_day=0.0)
    total = sum(len(plan.packets) for plan in plans)  # no link drops: each packet is sent and acknowledged once
    try:
        report = asyncio.run(run_fleet(plans, "127.0.0.1", server.port, "fast", RetryPolicy(timeout_s=5.0, retries=3),
                                       give_up_after_s=60.0))
        assert report.totals()["unacked"] == 0
        assert len(server.events("listening")) == 3  # each worker, then the pool once all listen
        worker_pids = [int(str(e["pid"])) for e in server.events("worker_started")]
        assert len(worker_pids) == 2
        # the local API answers for every worker: its background tasks, as it last reported them (and the
        # writer process's own: the stored results kept current)
        info = find_server(db)
        assert info is not None
        health = request(info, "health", timeout_s=30)["health"]
        assert set(health["tasks"]) == {"worker0.sweeper", "worker0.health", "worker1.sweeper", "worker1.health",
                                        "results"}
        assert all(task["state"] == "running" for task in health["tasks"].values())
        assert health["writer"]["alive"] is True and health["writer"]["frames"] == total
    finally:
        assert server.terminate() == 0
    stopped = server.events("stopped")
    assert sorted(str(e.get("worker", "writer")) for e in stopped) == ["0", "1", "writer"]
    assert sum(int(str(e["acked"])) for e in stopped if "worker" in e) == total
    for pid in worker_pids:  # the workers are gone too
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with Store(db, read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM raw_frames").fetchone() == (total,)


def test_the_site_reports_the_receivers_health(tmp_path: Path) -> None:
    config = tmp_path / "ultralow.toml"
    config.write_text(fleet_registry(1), encoding="utf-8")
    server = ServeProcess(tmp_path / "h.duckdb", config, tmp_path / "serve.log",
                          extra_args=("--http-port", "0")).start()
    try:
        deadline = time.monotonic() + 60
        while not server.events("web_listening") and time.monotonic() < deadline:
            time.sleep(0.05)
        url = str(server.events("web_listening")[0]["url"])
        with urllib.request.urlopen(url + "health", timeout=10) as response:  # noqa: S310 - loopback
            assert response.status == 200
            body = json.loads(response.read())
        # the receiver of this very process: its writer and the background tasks run (the receiver's two and
        # the stored results' task)
        assert body["ok"] is True
        assert body["receiver"]["writer"]["alive"] is True
        assert set(body["receiver"]["tasks"]) == {"sweeper", "health", "results"}
        assert all(task["state"] == "running" for task in body["receiver"]["tasks"].values())
    finally:
        assert server.terminate() == 0


def test_registry_errors_are_reported_with_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "ultralow.toml"
    config.write_text(fleet_registry(1).replace('source_type = "coal_boiler"', 'source_type = 7'), encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", SERVE_ENTRY, "serve", "--db", str(tmp_path / "s.duckdb"),
                             "--config", str(config), "--hj212-port", "0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout == ""
    # source_type is on line 12 of the generated file: 4 lines of [[bases]], a blank, 7th key of the outlet
    assert f"{config}:12: " in result.stderr and "source_type" in result.stderr
