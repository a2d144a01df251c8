"""``ultralow simulate``: virtual data loggers for the registry's outlets, streaming HJ 212 to a receiver."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import click
import uvloop
from rich.console import Console
from rich.table import Table

from ultralow.app.documents import SCHEMA_VERSION
from ultralow.app.setup import load_checked_registry
from ultralow.cli.options import config_option, format_option
from ultralow.loggers.client import RetryPolicy
from ultralow.loggers.fleet import SPEEDS, FleetReport, LoggerSpec, plan_fleet, run_fleet
from ultralow.loggers.packets import KINDS
from ultralow.registry import Outlet, Registry, RegistryError


def parse_target(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(f"{text!r} is not HOST:PORT", param_hint="--target")
    return host.strip("[]"), int(port)


def plant_start(start: str | None, outlet: Outlet, speed: str, now: datetime) -> datetime:
    """The first simulated minute in the outlet's plant-local clock (naive).

    ``--start`` without an offset is plant-local time; with an offset it is converted to each plant's
    zone. Without ``--start``: midnight today (fast) or the current minute (realtime), plant-local.
    """
    zone = ZoneInfo(outlet.timezone)
    if start is None:
        local = now.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
        return local.replace(hour=0, minute=0) if speed == "fast" else local
    moment = datetime.fromisoformat(start)
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone).replace(tzinfo=None)
    return moment.replace(second=0, microsecond=0)


def select_outlets(registry: Registry, outlets: str) -> list[Outlet]:
    if outlets == "all":
        return list(registry.outlets)
    chosen = []
    unknown = []
    for outlet_id in (part.strip() for part in outlets.split(",") if part.strip()):
        try:
            chosen.append(registry.outlet(outlet_id))
        except KeyError:
            unknown.append(outlet_id)
    if unknown:
        raise click.BadParameter(f"unknown outlet id(s): {', '.join(unknown)}", param_hint="--outlets")
    return chosen


def _print_table(report: FleetReport, target: str) -> None:
    console = Console()
    table = Table(title=f"Virtual data loggers → {target} ({report.seconds:.1f} s)")
    keys = ("sent", "acked", "retried", "backfilled", "reconnects", "drops", "unacked")
    table.add_column("outlet")
    for key in keys:
        table.add_column(key, justify="right")
    for outlet_id, stats in report.stats.items():
        table.add_row(outlet_id, *(str(getattr(stats, key)) for key in keys))
    totals = report.totals()
    table.add_row("[bold]total[/]", *(f"[bold]{totals[key]}[/]" for key in keys))
    console.print(table)


@click.command()
@config_option
@click.option("--target", required=True, envvar="ULTRALOW_TARGET", help="Receiver address HOST:PORT.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same bytes.")
@click.option("--minutes", type=click.IntRange(1), default=60, show_default=True, help="Simulated minutes.")
@click.option("--outlets", default="all", show_default=True, help="Comma-separated outlet ids, or all.")
@click.option("--start", default=None, help="First minute, ISO 8601 (no offset: plant-local time).")
@click.option("--speed", type=click.Choice(SPEEDS), default="fast", show_default=True,
              help="fast: send as fast as acknowledged; realtime: each packet at its time.")
@click.option("--kinds", default=",".join(KINDS), show_default=True, help="CNs to send (2011, 2051, 2061).")
@click.option("--timeout", "timeout_s", type=click.FloatRange(0.01), default=5.0, show_default=True,
              help="Seconds to wait for a 9014 (HJ 212-2017 Table 1).")
@click.option("--retries", type=click.IntRange(0, 99), default=3, show_default=True,
              help="Resends after a missing 9014.")
@click.option("--drops-per-day", type=click.FloatRange(0.0), default=None,
              help="Link outages per logger per day (followed by backfill).  [default: profiles.toml]")
@click.option("--give-up-after", type=click.FloatRange(0.1), default=600.0, show_default=True,
              help="Seconds after which unacknowledged packets are given up.")
@format_option("table", "json")
def simulate(config: str, target: str, seed: int, minutes: int, outlets: str, start: str | None, speed: str,
             kinds: str, timeout_s: float, retries: int, drops_per_day: float | None, give_up_after: float,
             fmt: str) -> None:
    """Virtual data loggers for the registry's outlets send 2011/2051/2061 (Flag=5) to a receiver,
    wait for each 9014, retry, and backfill after link outages. Exit 1 when packets stay unacknowledged."""
    host, port = parse_target(target)
    chosen_kinds = tuple(k.strip() for k in kinds.split(",") if k.strip())
    bad = [k for k in chosen_kinds if k not in KINDS]
    if bad or not chosen_kinds:
        raise click.BadParameter(f"unknown kind(s) {', '.join(bad) or '(none)'}; use {', '.join(KINDS)}",
                                 param_hint="--kinds")
    try:
        registry = load_checked_registry(config)
    except RegistryError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    try:
        now = datetime.now().astimezone()
        specs = [LoggerSpec(o.id, o.mn, o.pw, o.source_type, plant_start(start, o, speed, now))
                 for o in select_outlets(registry, outlets)]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--start") from exc
    try:
        plans = plan_fleet(specs, seed, minutes, chosen_kinds, drops_per_day)
    except KeyError as exc:  # a source type without a signal profile
        click.echo(f"error: {exc.args[0]}", err=True)
        sys.exit(1)
    click.echo(f"simulate: {len(plans)} loggers, {sum(len(p.packets) for p in plans)} packets → {host}:{port}",
               err=True)
    policy = RetryPolicy(timeout_s=timeout_s, retries=retries)
    # one full retry cycle of the first packet without any acknowledgement: stop early and say so
    window = min(give_up_after, timeout_s * (retries + 1) + 1.0)
    report = uvloop.run(run_fleet(plans, host, port, speed, policy, give_up_after, unanswered_after_s=window))
    totals = report.totals()
    if fmt == "json":
        doc = {"schema_version": SCHEMA_VERSION, "target": f"{host}:{port}", "seed": seed, "minutes": minutes, "speed": speed,
               "loggers": report.loggers, "seconds": round(report.seconds, 3), **totals,
               "stopped_early": report.stopped_early,
               "outlets": {oid: {k: getattr(s, k) for k in totals} for oid, s in report.stats.items()}}
        click.echo(json.dumps(doc))
    else:
        _print_table(report, f"{host}:{port}")
    if report.stopped_early:
        click.echo(f"error: stopped early: {report.stopped_early}", err=True)
        sys.exit(1)
    if totals["unacked"]:
        click.echo(f"error: {totals['unacked']} packets unacknowledged after {give_up_after:g} s "
                   f"(is a receiver listening on {host}:{port}?)", err=True)
        sys.exit(1)
