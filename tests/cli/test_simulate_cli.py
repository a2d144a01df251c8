"""``ultralow simulate`` against ``ultralow serve`` (both as processes): summary, exit codes, determinism."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from serve_process import ServeProcess

from ultralow.store import Store

ENTRY = "from ultralow.cli import main; main()"
REGISTRY = """\
[[bases]]
id = "sd"
name = "Shandong"
country = "CN"

[[outlets]]
id = "u1"
base = "sd"
name = "Unit 1"
mn = "010000A8900016F000169DC0"
pw = "123456"
source_type = "coal_boiler"
limit_sets = []

[[outlets]]
id = "pl"
base = "sd"
name = "Potline 1"
mn = "010000A8900016F000169DC1"
pw = "654321"
source_type = "potline"
limit_sets = []
"""


def simulate(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", ENTRY, "simulate", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=120)


def test_simulate_streams_into_serve_and_prints_one_json_summary(tmp_path: Path) -> None:
    config = tmp_path / "ultralow.toml"
    config.write_text(REGISTRY, encoding="utf-8")
    db = tmp_path / "sim.duckdb"
    server = ServeProcess(db, config, tmp_path / "serve.log", extra_args=("--batch-ms", "5")).start()
    try:
        result = simulate(config, "--target", f"127.0.0.1:{server.port}", "--minutes", "20", "--seed", "3",
                          "--start", "2025-03-03T10:00", "--drops-per-day", "100", "--format", "json")
    finally:
        assert server.terminate() == 0
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)  # exactly one JSON document on stdout
    # 20 minutes: coal boiler 20 x 2011 + 20 x 2051 in two sub-packets = 60; potline 20 + 20 = 40
    assert summary["sent"] == summary["acked"] == 100 and summary["unacked"] == 0
    assert summary["outlets"]["u1"]["acked"] == 60 and summary["outlets"]["pl"]["acked"] == 40
    with Store(db, read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM raw_frames").fetchone() == (100,)
        # minute data from 10:00 to 10:19 plant time, for both outlets
        assert store.con.execute(
            "SELECT min(data_time), max(data_time), count(DISTINCT outlet_id) FROM readings WHERE kind = 'minute'"
        ).fetchone() == (datetime(2025, 3, 3, 10, 0), datetime(2025, 3, 3, 10, 19), 2)


def test_unreachable_target_fails_with_exit_1_and_names_it(tmp_path: Path) -> None:
    config = tmp_path / "ultralow.toml"
    config.write_text(REGISTRY, encoding="utf-8")
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = simulate(config, "--target", f"127.0.0.1:{port}", "--minutes", "2", "--give-up-after", "0.5",
                      "--format", "json")
    assert result.returncode == 1
    summary = json.loads(result.stdout)
    # 2 minutes: coal boiler 2 x 2011 + 2 x 2051 in two parts = 6, potline 2 + 2 = 4: all still queued
    assert (summary["acked"], summary["unacked"]) == (0, 10)
    assert f"127.0.0.1:{port}" in result.stderr and "unacknowledged" in result.stderr


def test_bad_target_is_a_usage_error(tmp_path: Path) -> None:
    config = tmp_path / "ultralow.toml"
    config.write_text(REGISTRY, encoding="utf-8")
    result = simulate(config, "--target", "no-port-here")
    assert result.returncode == 2 and "HOST:PORT" in result.stderr


def test_a_receiver_that_never_acknowledges_stops_the_fleet_early(tmp_path: Path) -> None:
    """Something listens and reads every frame but answers none (as a receiver that quarantines every
    frame does): simulate says so after one retry cycle (timeout 0.2 s x 2 attempts + 1 s), not after
    --give-up-after (600 s by default), and exits 1."""
    import threading
    import time

    config = tmp_path / "ultralow.toml"
    config.write_text(REGISTRY, encoding="utf-8")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    stop = threading.Event()

    def swallow() -> None:
        server.settimeout(0.1)
        conns = []
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                conn.setblocking(False)
                conns.append(conn)
            except TimeoutError:
                pass
            for conn in conns:
                try:
                    conn.recv(65536)
                except (BlockingIOError, OSError):
                    pass
        for conn in conns:
            conn.close()

    thread = threading.Thread(target=swallow, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        result = simulate(config, "--target", f"127.0.0.1:{port}", "--minutes", "2", "--timeout", "0.2",
                          "--retries", "1", "--format", "json")
        seconds = time.monotonic() - started
    finally:
        stop.set()
        thread.join(5)
        server.close()
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert summary["acked"] == 0 and summary["unacked"] == 10 and summary["stopped_early"]
    assert "stopped early: none of the" in result.stderr and "acknowledged" in result.stderr
    assert seconds < 30  # well before the 600 s default give-up
