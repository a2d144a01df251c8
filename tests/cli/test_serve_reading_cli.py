"""Reading while serving: ``ultralow compliance`` works while ``ultralow serve`` holds the store and 20
loggers stream to it, through the snapshot the server publishes, with the same results as a direct read."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from serve_process import SERVE_ENTRY, ServeProcess

from ultralow.loggers.client import RetryPolicy, VirtualLogger
from ultralow.loggers.fleet import LoggerSpec, plan_fleet, run_fleet
from ultralow.store.local_api import find_server, lock_path, request

LOGGERS = 20


def registry(count: int) -> str:
    parts = ['[[bases]]\nid = "sd"\nname = "Shandong"\ncountry = "CN"\n']
    parts += [f'[[outlets]]\nid = "c{i:02d}"\nbase = "sd"\nname = "Unit {i}"\nmn = "3302{i:020d}"\n'
              f'pw = "123456"\nsource_type = "coal_boiler"\nlimit_sets = ["GB13223-2011"]\n' for i in range(count)]
    return "\n".join(parts)


def compliance(db: Path, config: Path) -> tuple[int, dict[str, Any], str]:
    done = subprocess.run([sys.executable, "-c", SERVE_ENTRY, "compliance", "--db", str(db), "--config", str(config),
                           "--format", "json"], capture_output=True, timeout=300, check=False)
    text = done.stdout.decode()
    return done.returncode, (json.loads(text) if text.strip() else {}), done.stderr.decode()


def test_compliance_runs_while_twenty_loggers_stream_and_matches_a_direct_read(tmp_path: Path) -> None:
    config = tmp_path / "ultralow.toml"
    config.write_text(registry(LOGGERS), encoding="utf-8")
    db = tmp_path / "serving.duckdb"
    server = ServeProcess(db, config, tmp_path / "serve.log", extra_args=("--batch-ms", "10", "--no-web")).start()
    specs = [LoggerSpec(f"c{i:02d}", f"3302{i:020d}", "123456", "coal_boiler", datetime(2025, 3, 3, 10, 0))
             for i in range(LOGGERS)]
    plans = plan_fleet(specs, seed=3, minutes=120, drops_per_day=0.0)
    total = sum(len(plan.packets) for plan in plans)
    loggers: list[VirtualLogger] = []

    async def scenario() -> tuple[int, dict[str, Any], str, int]:
        loop = asyncio.get_running_loop()
        fleet = asyncio.create_task(run_fleet(plans, "127.0.0.1", server.port, "fast",
                                              RetryPolicy(timeout_s=5.0, retries=3), give_up_after_s=120.0,
                                              loggers_out=loggers))
        while sum(lg.stats.acked for lg in loggers) < 100:
            await asyncio.sleep(0.02)
        # mid-stream: the store is locked by serve; compliance reads the server's snapshot
        reading = loop.run_in_executor(None, compliance, db, config)
        while not server.events("snapshot"):
            assert not reading.done(), "compliance ended without a snapshot"
            await asyncio.sleep(0.02)
        acked_at_snapshot = sum(lg.stats.acked for lg in loggers)
        code, doc, err = await reading
        report = await fleet
        assert report.totals()["unacked"] == 0
        return code, doc, err, acked_at_snapshot

    try:
        assert find_server(db) is not None and lock_path(db).exists()
        code, during, err, acked_during = asyncio.run(scenario())
        assert code == 0, err
        assert during["hours"], "the snapshot held the data committed before it"
        assert acked_during < total  # the loggers were streaming while the snapshot was taken
        health = request(find_server(db), "health", timeout_s=10)["health"]  # type: ignore[arg-type]
        assert health["tasks"]["sweeper"]["state"] == "running" and health["frames"] >= total
        code, served, err = compliance(db, config)  # every frame in, server still running: via a snapshot
        assert code == 0, err
        assert not list(tmp_path.glob(".serving.duckdb.snapshot-*")), "the reader removed its snapshot"
    finally:
        assert server.terminate() == 0
    assert not lock_path(db).exists()
    code, direct, err = compliance(db, config)  # the server is gone: the file itself
    assert code == 0, err
    for key in ("hours", "summary", "events", "findings", "emissions"):
        assert served[key] == direct[key], key
    # 120 minutes from 10:00: hours 10 and 11 have minutes, for each of the three judged pollutants
    codes = {h["code"] for h in direct["hours"]}
    assert len(codes) == 3
    assert len([h for h in direct["hours"] if h["valid_minutes"]]) == LOGGERS * 2 * len(codes)
    # the mid-stream snapshot held part of the minutes
    assert 0 < sum(h["valid_minutes"] for h in during["hours"]) < sum(h["valid_minutes"] for h in direct["hours"])
