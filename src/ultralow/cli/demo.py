"""``ultralow demo``: a year of the synthetic demo group, end to end (what ``make demo`` runs)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import uvloop
from rich.console import Console

from ultralow.cli.claims import print_check
from ultralow.cli.options import db_option, format_option
from ultralow.demo.job import DemoError, DemoOptions, run_demo
from ultralow.demo.ops_login import demo_login, login_hint
from ultralow.demo.render import RichSteps, print_summary, summary_json
from ultralow.demo.scenario import ScenarioError
from ultralow.demo.site import DEFAULT_HTTP_PORT, site_hint, site_service, site_url
from ultralow.ingest import Pipeline
from ultralow.receiver.events import EventLog
from ultralow.receiver.server import Receiver
from ultralow.receiver.services import run_until_signalled
from ultralow.registry import Registry, RegistryError
from ultralow.store import Store, StoreError
from ultralow.web.ops.feed import LiveFeed


@click.command()
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same data.")
@db_option
@click.option("--days", type=click.IntRange(1, 366), default=None,
              help="Days from the demo year's start (smaller runs).  [default: 365]")
@click.option("--outlets", type=click.IntRange(1), default=None,
              help="Outlets to simulate; those with planted incidents come first.  [default: all 60]")
@click.option("--no-serve", is_flag=True, help="Finish after the summary instead of serving the store.")
@click.option("--no-report", is_flag=True, help="Skip the annual report step (reports/ beside the store).")
@click.option("--hj212-port", envvar="ULTRALOW_HJ212_PORT", type=click.IntRange(0, 65535), default=9212,
              show_default=True, help="Port the receiver listens on after the summary (without --no-serve).")
@click.option("--http-port", envvar="ULTRALOW_HTTP_PORT", type=click.IntRange(0, 65535), default=DEFAULT_HTTP_PORT,
              show_default=True, help="Port of the public site after the summary (without --no-serve).")
@format_option("table", "json")
def demo(seed: int, db: str, days: int | None, outlets: int | None, no_serve: bool, no_report: bool, hj212_port: int,
         http_port: int, fmt: str) -> None:
    """Run a year of the SYNTHETIC demo group end to end: a fresh store (an earlier demo store at --db is
    replaced), minute data for every outlet bulk-loaded through `ultralow ingest`'s file path, the last hours
    streamed by virtual loggers over HJ 212/TCP to the real receiver, the compliance engine, and a summary per
    base and source type, then the claim check of the corpus text against the demo year. The store keeps the
    demo registry, so every other command works on it with just --db. Without --no-serve the receiver then
    keeps listening until Ctrl-C."""
    err = Console(stderr=True)
    options = DemoOptions(db=Path(db), seed=seed, days=days, outlets=outlets, report=not no_report)
    try:
        with RichSteps(err) as display:
            result = run_demo(options, display)
    except (DemoError, ScenarioError, RegistryError, StoreError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if fmt == "json":
        click.echo(json.dumps(summary_json(result), ensure_ascii=False, default=str))
    else:
        out = Console()
        print_summary(result, out)
        if result.claims.get("available"):
            check = result.claims["result"]
            out.print("[bold]Claim check of the corpus text against the demo year[/] (synthetic evidence)")
            print_check(check.checked, check.findings, check.evidence)
    if no_serve:
        err.print(site_hint(Path(db), http_port, serving=False), markup=False, highlight=False, soft_wrap=True)
    else:
        serve_store(Path(db), result.registry, hj212_port, err, http_port=http_port)


def serve_store(db: Path, registry: Registry, port: int, err: Console, http_port: int = DEFAULT_HTTP_PORT) -> None:
    """Keep the demo store open behind the real receiver and the public site on 127.0.0.1 until SIGTERM or
    Ctrl-C."""
    with Store(db) as store:
        receiver = Receiver(Pipeline(store, registry).accept, host="127.0.0.1", port=port, events=EventLog())
        feed = LiveFeed(registry, receiver)
        receiver.observers.append(feed.observe)
        login = demo_login(store, registry)

        def on_site(event: str, **fields: object) -> None:
            if event == "web_listening":
                bound = int(str(fields["url"]).rsplit(":", 1)[1].strip("/"))
                err.print(site_hint(db, bound, serving=True), markup=False, highlight=False, soft_wrap=True)
                err.print(login_hint(site_url(bound), *login), markup=False, highlight=False, soft_wrap=True)
            else:
                receiver.events.emit(event, **fields)

        site = site_service(store, registry, http_port, emit=on_site, ops_feed=feed)
        err.print(f"serving {db}: HJ 212 receiver on 127.0.0.1:{port} (Ctrl-C to stop)", markup=False,
                  highlight=False, soft_wrap=True)
        try:
            uvloop.run(run_until_signalled([receiver, site]))
        except OSError as exc:
            click.echo(f"error: cannot listen on 127.0.0.1:{port}: {exc}", err=True)
            sys.exit(1)
