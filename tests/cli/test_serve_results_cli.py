"""``ultralow serve`` keeps the stored results current (issue 17 item 8): a data logger sends minutes over real
TCP, the serving process's results task judges them (full run, hours runs) and settles the provisional rows
once they are ``results_settle_after_s`` old; the stored tables then equal a full judgement of the same data."""

from __future__ import annotations

import asyncio
import math
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
from serve_process import ServeProcess

from ultralow.app import Application
from ultralow.hj212 import Flag, Message, encode
from ultralow.loggers.client import RetryPolicy, VirtualLogger
from ultralow.loggers.packets import Outgoing
from ultralow.store import Store
from ultralow.store.local_api import find_server, request

MN = "010000A8900016F000169DC0"
PW = "123456"
SO2 = "a21026"
REGISTRY = f"""\
[settings]
results_interval_s = 0.3
results_settle_after_s = 1.0

[[bases]]
id = "sd"
name = "Shandong power"
country = "CN"

[[outlets]]
id = "u1"
base = "sd"
name = "Unit 1"
mn = "{MN}"
pw = "{PW}"
source_type = "coal_boiler"
limit_sets = ["GB13223-2011", "ultra-low-2015"]
"""
START = datetime(2025, 3, 3, 22, 40)  # 20 minutes of the 22:00 hour, then 23:00 and 00:00 whole
MINUTES = 20 + 60 + 60
PEAK = datetime(2025, 3, 4, 0)  # SO2 50 mg/m3 at O2 9 % in this hour, 20 at 6 % before it


def _minute(t: datetime, serial: int) -> Outgoing:
    so2, o2 = (50.0, 9.0) if t >= PEAK else (20.0, 6.0)
    values = {SO2: {"Avg": f"{so2:.1f}", "Flag": "N"}, "a19001": {"Avg": f"{o2:.1f}", "Flag": "N"},
              "a00000": {"Avg": "100", "Flag": "N"}}
    stamp = t.strftime("%Y%m%d%H%M%S")
    qn = (t + timedelta(minutes=1)).strftime("%Y%m%d%H%M%S") + f"{serial % 1000:03d}"
    frame = encode(Message(cn="2051", qn=qn, pw=PW, mn=MN, flag=Flag(1, False, True), globals={"DataTime": stamp},
                           values=values))
    return Outgoing(float(serial), "2051", qn, stamp, frame)


async def _send(port: int) -> int:
    logger = VirtualLogger(MN, "127.0.0.1", port, RetryPolicy(timeout_s=5.0, retries=3))
    deadline = time.monotonic() + 60
    assert await logger.connect(deadline)
    for i in range(MINUTES):
        await logger.deliver(_minute(START + timedelta(minutes=i), i), deadline)
        if i % 20 == 19:
            await asyncio.sleep(0.2)  # a few results rounds while the minutes arrive
    await logger.close()
    return logger.stats.acked


def _quiet_after_settle(server: ServeProcess, since: str, quiet_s: float, timeout_s: float) -> list[dict[str, Any]]:
    """The results_run events once a settle logged after ``since`` (ISO time) is the last run for ``quiet_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        runs = server.events("results_run")
        if runs and runs[-1]["kind"] == "settle" and str(runs[-1]["ts"]) > since:
            time.sleep(quiet_s)
            if len(server.events("results_run")) == len(runs):
                return runs
        time.sleep(0.1)
    raise AssertionError(f"no quiet settle after {since}: {server.events('results_run')} {server.tail()}")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return bool(a == b)


def test_serve_judges_and_settles_what_loggers_send(tmp_path: Path) -> None:
    config = tmp_path / "ultralow.toml"
    config.write_text(REGISTRY, encoding="utf-8")
    db = tmp_path / "results.duckdb"
    server = ServeProcess(db, config, tmp_path / "serve.log", extra_args=("--batch-ms", "10", "--no-web")).start()
    try:
        acked = asyncio.run(_send(server.port))
        assert acked == MINUTES
        sent_at = datetime.now().astimezone().isoformat()
        runs = _quiet_after_settle(server, sent_at, quiet_s=1.5, timeout_s=60)
        info = find_server(db)
        assert info is not None
        health = request(info, "health", timeout_s=5.0)["health"]
    finally:
        assert server.terminate() == 0
    kinds = [r["kind"] for r in runs]
    assert kinds[0] == "full" and "hours" in kinds and kinds[-1] == "settle", kinds
    assert health["tasks"]["results"]["state"] == "running"
    assert health["tasks"]["results"]["failures"] == 0
    assert health["results"]["runs"]["settle"] >= 1

    with Store(db, read_only=True) as store:
        store.con.complete()
        stored = store.con.sql("SELECT * FROM result_hours ORDER BY outlet_id, code, hour").to_arrow_table()
        days = store.con.sql(f"SELECT day, valid_hours FROM result_days WHERE code = '{SO2}' "  # noqa: S608
                             "ORDER BY day").to_arrow_table().to_pylist()
        events = store.con.sql(f"SELECT limit_kind, start, duration_h FROM result_events WHERE code = '{SO2}'"  # noqa: S608
                               ).to_arrow_table().to_pylist()
    assert all(stored["settled"].to_pylist())
    # a full run grids whole local days: 2 days x 24 hours of SO2 (O2 and flow are parameters, no rows)
    assert stored.num_rows == 48
    rows = {r["hour"]: r for r in stored.to_pylist() if r["code"] == SO2}
    assert len(rows) == 48
    so2 = [rows[datetime(2025, 3, 3, 22)], rows[datetime(2025, 3, 3, 23)], rows[PEAK]]
    # 22:00 holds 20 minutes (< 45: invalid); 23:00 20 mg/m3 at the reference 6 % O2: 20 x 15/15;
    # 00:00 50 mg/m3 at 9 %: 50 x (21 - 6) / (21 - 9) = 62.5, above the ultra-low 35, below the legal limit
    assert [r["valid_minutes"] for r in so2] == [20, 60, 60]
    assert [r["status"] for r in so2] == ["invalid", "valid", "valid"]
    assert so2[0]["invalid_reason"] == "missing_minutes"
    assert so2[1]["corrected_mg_m3"] == 20.0
    assert so2[2]["corrected_mg_m3"] == 62.5
    assert [r["ultra_low_exceeded"] for r in so2] == [None, False, True]
    assert so2[2]["legal_exceeded"] is False
    # the other 45 hours: no data (operating, invalid)
    assert sum(1 for r in rows.values() if r["invalid_reason"] == "no_data") == 45
    # settled: the quarter's capture, 2 valid of 48 operating hours = 1/24, on every row of the quarter
    assert {r["alpha"] for r in rows.values()} == {2 / 48}
    assert [(d["day"].isoformat(), d["valid_hours"]) for d in days] == [("2025-03-03", 1), ("2025-03-04", 1)]
    assert [(e["limit_kind"], e["start"], e["duration_h"]) for e in events] == [("ultra_low", PEAK, 1)]

    # the stored rows are a full judgement's, every column (floats within the agreement tolerance)
    with Application.open(db, config) as app:
        judged = app.judge().tables["hours"].sort_by([("outlet_id", "ascending"), ("code", "ascending"),
                                                      ("hour", "ascending")])
    columns = [c for c in judged.column_names if c in stored.column_names]
    assert set(judged.column_names) - set(columns) <= {"operating", "stopped", "emission_valid", "n_records"}
    mine, theirs = stored.select(columns).to_pylist(), judged.select(columns).to_pylist()
    assert len(mine) == len(theirs)
    for a, b in zip(mine, theirs, strict=True):
        differ = {c: (a[c], b[c]) for c in columns if not _same(a[c], b[c])}
        assert not differ, (a["code"], a["hour"], differ)
    assert isinstance(stored, pa.Table)
