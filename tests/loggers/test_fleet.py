"""A fleet of loggers: seeded outages and bytes, and a run against the real receiver and store."""

from __future__ import annotations

import asyncio
import io
from datetime import datetime
from pathlib import Path

from ultralow.ingest import Pipeline
from ultralow.loggers.client import RetryPolicy
from ultralow.loggers.fleet import LoggerSpec, link_outages, plan_fleet, run_fleet
from ultralow.receiver.events import EventLog
from ultralow.receiver.limits import ReceiverLimits
from ultralow.receiver.server import Receiver
from ultralow.registry import parse_registry
from ultralow.store import Store

SPECS = [
    LoggerSpec("u1", "010000A8900016F000169DC0", "123456", "coal_boiler", datetime(2025, 3, 3, 10, 0)),
    LoggerSpec("pl", "010000A8900016F000169DC1", "654321", "potline", datetime(2025, 3, 3, 10, 0)),
]
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


def test_outages_are_seeded_and_do_not_overlap() -> None:
    outages = link_outages(3, 10 * 1440, 4.0, (2, 30))
    assert outages == link_outages(3, 10 * 1440, 4.0, (2, 30))
    assert outages != link_outages(4, 10 * 1440, 4.0, (2, 30))
    assert 20 <= len(outages) <= 60  # 4 a day for 10 days, less the overlaps dropped
    for (begin, end), (next_begin, _) in zip(outages, outages[1:], strict=False):
        assert 120 <= end - begin <= 1800 and end <= next_begin
    assert link_outages(3, 1440, 0.0, (2, 30)) == []


def test_plan_is_the_same_bytes_for_the_same_seed() -> None:
    first = plan_fleet(SPECS, seed=9, minutes=30)
    second = plan_fleet(SPECS, seed=9, minutes=30)
    assert [[p.frame for p in plan.packets] for plan in first] == [[p.frame for p in plan.packets] for plan in second]
    assert [plan.outages_s for plan in first] == [plan.outages_s for plan in second]
    other = plan_fleet(SPECS, seed=10, minutes=30)
    assert [p.frame for p in other[0].packets] != [p.frame for p in first[0].packets]


def test_fleet_with_outages_delivers_everything_to_the_receiver(tmp_path: Path) -> None:
    plans = plan_fleet(SPECS, seed=2, minutes=30, drops_per_day=150.0)
    assert all(plan.outages_s for plan in plans)
    total = sum(len(plan.packets) for plan in plans)

    async def scenario() -> dict[str, int]:
        with Store(tmp_path / "fleet.duckdb") as store:
            receiver = Receiver(Pipeline(store, parse_registry(REGISTRY)).accept, port=0,
                                limits=ReceiverLimits(batch_interval_s=0.005), events=EventLog(stream=io.StringIO()))
            await receiver.start()
            try:
                report = await run_fleet(plans, "127.0.0.1", receiver.port, "fast",
                                         RetryPolicy(timeout_s=2.0), give_up_after_s=60)
            finally:
                await receiver.stop()
            row = store.con.execute("SELECT count(*) FROM raw_frames").fetchone()
            assert row == (total,)
            return report.totals()

    totals = asyncio.run(scenario())
    assert totals["sent"] == totals["acked"] == total and totals["unacked"] == 0
    assert totals["drops"] >= 2 and totals["reconnects"] >= 2
    assert totals["backfilled"] > 0
