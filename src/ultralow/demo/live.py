"""The last hours of the demo year, sent by virtual data loggers over HJ 212/TCP to the real receiver.

One logger per outlet sends its tail series as 2011/2051/2061 packets (``ultralow.loggers``), waits for each
9014 and backfills after its seeded link outages; the receiver (``ultralow.receiver``) stores every frame
through the ingest pipeline before acknowledging it. Both run on loopback, on a free port.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

import uvloop

from ultralow.demo.year import OutletYear
from ultralow.ingest import Pipeline
from ultralow.loggers.client import RetryPolicy, VirtualLogger
from ultralow.loggers.fleet import FleetReport, LoggerPlan, LoggerSpec, link_outages, run_fleet
from ultralow.loggers.packets import LoggerIdentity, logger_schedule
from ultralow.loggers.profiles import read_profiles
from ultralow.loggers.signals import outlet_seed
from ultralow.receiver.events import EventLog
from ultralow.receiver.limits import ReceiverLimits
from ultralow.receiver.server import Receiver
from ultralow.registry import Registry

HOST: Final = "127.0.0.1"
KINDS: Final = ("2011", "2051", "2061")
GIVE_UP_AFTER_S: Final = 300.0
_OUTAGE_SEED: Final = 0x5EED  # as the loggers' own fleet plans


@dataclass
class StreamReport:
    """What the loggers sent and the receiver did: packets, acknowledgements, receiver events by name."""

    fleet: FleetReport
    packets: int
    frames: int
    acked: int
    events: dict[str, int] = field(default_factory=dict)
    port: int = 0


def plan_tails(years: Sequence[OutletYear], registry: Registry, seed: int,
               kinds: tuple[str, ...] = KINDS) -> list[LoggerPlan]:
    """A logger plan per outlet for its tail series, with the profiles' link outages (then backfill)."""
    link = read_profiles().link
    plans = []
    for year in years:
        outlet = registry.outlet(year.outlet_id)
        own_seed = outlet_seed(seed, outlet.id)
        tail = year.tail
        start = tail.times[0].astype("datetime64[s]").item()
        spec = LoggerSpec(outlet.id, outlet.mn, outlet.pw, outlet.source_type, start)
        packets = logger_schedule(tail, LoggerIdentity(outlet.mn, outlet.pw, qn_ms=own_seed % 1000), kinds)
        outages = link_outages(own_seed ^ _OUTAGE_SEED, len(tail), link.drops_per_day, link.drop_minutes)
        plans.append(LoggerPlan(spec, packets, outages))
    return plans


async def _stream(pipeline: Pipeline, plans: list[LoggerPlan], log: io.StringIO,
                  progress: Callable[[int], None] | None) -> StreamReport:
    receiver = Receiver(pipeline.accept, host=HOST, port=0, limits=ReceiverLimits(), events=EventLog(log))
    await receiver.start()
    loggers: list[VirtualLogger] = []
    watcher: asyncio.Task[None] | None = None
    if progress is not None:
        async def watch() -> None:
            while True:
                progress(sum(logger.stats.acked for logger in loggers))
                await asyncio.sleep(0.2)
        watcher = asyncio.create_task(watch())
    try:
        fleet = await run_fleet(plans, HOST, receiver.port, "fast", RetryPolicy(), GIVE_UP_AFTER_S, loggers)
    finally:
        if watcher is not None:
            watcher.cancel()
        await receiver.stop()
    if progress is not None:
        progress(sum(logger.stats.acked for logger in loggers))
    return StreamReport(fleet, sum(len(p.packets) for p in plans), receiver.frames, receiver.acked,
                        dict(receiver.events.counts), receiver.port)


def stream_tails(pipeline: Pipeline, plans: list[LoggerPlan], log: io.StringIO,
                 progress: Callable[[int], None] | None = None) -> StreamReport:
    """Run the receiver and the loggers until every packet is acknowledged (or given up); the receiver's
    JSON-lines log goes to ``log``. ``progress`` gets the count of acknowledged packets."""
    return uvloop.run(_stream(pipeline, plans, log, progress))
