"""A fleet of virtual data loggers, one per outlet, driving a receiver over TCP.

Each logger gets its outlet's signal series (seeded by the fleet seed and the outlet id), the packets
for it, and a seeded schedule of link outages; during an outage its packets wait in the backlog and are
backfilled after it reconnects. ``fast`` sends as quickly as the receiver acknowledges; ``realtime`` sends
each packet at its time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from ultralow.loggers.client import LoggerStats, RetryPolicy, VirtualLogger
from ultralow.loggers.packets import KINDS, LoggerIdentity, Outgoing, logger_schedule
from ultralow.loggers.profiles import Profiles, read_profiles
from ultralow.loggers.signals import minute_series, outlet_seed

SPEEDS = ("fast", "realtime")


@dataclass(frozen=True, slots=True)
class LoggerSpec:
    """What a virtual logger needs from the registry: ``start`` is naive plant-local time."""

    outlet_id: str
    mn: str
    pw: str
    source_type: str
    start: datetime


@dataclass(slots=True)
class LoggerPlan:
    spec: LoggerSpec
    packets: list[Outgoing]
    outages_s: list[tuple[float, float]]  # [begin, end) in seconds after the series start


@dataclass
class FleetReport:
    loggers: int
    seconds: float
    stats: dict[str, LoggerStats] = field(default_factory=dict)  # by outlet id
    stopped_early: str | None = None  # why the fleet stopped before its packets were delivered

    def totals(self) -> dict[str, int]:
        keys = ("sent", "acked", "retried", "backfilled", "reconnects", "drops", "unacked")
        return {key: sum(getattr(s, key) for s in self.stats.values()) for key in keys}


def link_outages(seed: int, minutes: int, drops_per_day: float, drop_minutes: tuple[int, int]) -> list[tuple[float, float]]:
    """Seeded, non-overlapping outages as ``(begin_s, end_s)`` after the series start."""
    rng = np.random.default_rng(seed)
    count = int(rng.poisson(drops_per_day * minutes / 1440.0)) if drops_per_day > 0 else 0
    begins = np.sort(rng.uniform(0, minutes * 60.0, size=count))
    lengths = rng.integers(drop_minutes[0], drop_minutes[1] + 1, size=count) * 60.0
    outages: list[tuple[float, float]] = []
    for begin, length in zip(begins.tolist(), lengths.tolist(), strict=True):
        if outages and begin < outages[-1][1]:
            continue
        outages.append((begin, begin + length))
    return outages


def plan_fleet(specs: Sequence[LoggerSpec], seed: int, minutes: int, kinds: tuple[str, ...] = KINDS,
               drops_per_day: float | None = None, profiles: Profiles | None = None) -> list[LoggerPlan]:
    """Series, packets and outages for every logger. Same arguments, same bytes."""
    profiles = profiles or read_profiles()
    rate = profiles.link.drops_per_day if drops_per_day is None else drops_per_day
    plans = []
    for spec in specs:
        own_seed = outlet_seed(seed, spec.outlet_id)
        series = minute_series(spec.source_type, spec.start, minutes, own_seed, profiles)
        identity = LoggerIdentity(spec.mn, spec.pw, qn_ms=own_seed % 1000)
        packets = logger_schedule(series, identity, kinds)
        outages = link_outages(own_seed ^ 0x5EED, minutes, rate, profiles.link.drop_minutes)
        plans.append(LoggerPlan(spec, packets, outages))
    return plans


async def _unanswered(loggers: Sequence[VirtualLogger], started: float, window_s: float) -> bool:
    """True once ``window_s`` passed with packets sent and none acknowledged; False at the first ack."""
    while True:
        if any(logger.stats.acked for logger in loggers):
            return False
        if time.monotonic() - started >= window_s and any(logger.stats.sent for logger in loggers):
            return True
        await asyncio.sleep(0.1)


async def _run_logger(plan: LoggerPlan, logger: VirtualLogger, speed: str, wall_start: float, deadline_s: float) -> None:
    outages = list(plan.outages_s)
    in_outage = False
    for packet in plan.packets:
        if speed == "realtime":
            delay = wall_start + packet.due_s - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        while outages and packet.due_s >= outages[0][1]:
            outages.pop(0)
        down = bool(outages) and outages[0][0] <= packet.due_s
        if down and not in_outage:
            logger.stats.drops += 1
            logger.drop()
        in_outage = down
        if down:
            logger.defer(packet)
            continue
        await logger.deliver(packet, deadline_s)
    await logger.flush(deadline_s)
    logger.stats.unacked = len(logger.backlog)
    await logger.close()


async def run_fleet(plans: Sequence[LoggerPlan], host: str, port: int, speed: str = "fast",
                    policy: RetryPolicy | None = None, give_up_after_s: float = 600.0,
                    loggers_out: list[VirtualLogger] | None = None,
                    unanswered_after_s: float | None = None) -> FleetReport:
    """Run every logger concurrently until all packets are acknowledged or ``give_up_after_s`` passes.

    ``unanswered_after_s``: when packets were sent for that long and not one was acknowledged (a receiver
    that quarantines every frame, or something else listening on the port), the fleet stops early and
    ``stopped_early`` says why. ``loggers_out``, when given, receives the live loggers (a test watches
    their progress).
    """
    if speed not in SPEEDS:
        raise ValueError(f"speed must be one of {SPEEDS}, not {speed!r}")
    started = time.monotonic()
    deadline = started + give_up_after_s
    loggers = [VirtualLogger(plan.spec.mn, host, port, policy) for plan in plans]
    if loggers_out is not None:
        loggers_out.extend(loggers)
    tasks = [asyncio.ensure_future(_run_logger(plan, logger, speed, started, deadline))
             for plan, logger in zip(plans, loggers, strict=True)]
    everything = asyncio.gather(*tasks)
    stopped: str | None = None
    if unanswered_after_s is None:
        await everything
    else:
        watch = asyncio.ensure_future(_unanswered(loggers, started, unanswered_after_s))
        either: set[asyncio.Future[Any]] = {everything, watch}
        done, _ = await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        if watch in done and watch.result():
            sent = sum(logger.stats.sent for logger in loggers)
            stopped = (f"none of the {sent} packets sent in {unanswered_after_s:g} s was acknowledged "
                       "(a receiver that quarantines every frame, wrong MN/PW, or not an HJ 212 receiver)")
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for plan, logger in zip(plans, loggers, strict=True):
                logger.stats.unacked = len(plan.packets) - logger.stats.acked
                await logger.close()
        else:
            watch.cancel()
            await everything
    report = FleetReport(len(plans), time.monotonic() - started, stopped_early=stopped)
    for plan, logger in zip(plans, loggers, strict=True):
        report.stats[plan.spec.outlet_id] = logger.stats
    return report
