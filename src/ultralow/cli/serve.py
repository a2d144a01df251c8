"""``ultralow serve``: the HJ 212 receiver (and, later, the web app) in one process."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
import uvloop

from ultralow.app import Application
from ultralow.app.results_keeper import KeeperCadence, ResultsKeeper
from ultralow.app.setup import open_store_for_writing
from ultralow.cli.options import config_option, db_option, given_config
from ultralow.cli.reporting import reported
from ultralow.ingest import Pipeline
from ultralow.receiver.events import EventLog
from ultralow.receiver.limits import BOUNDS, ReceiverLimits
from ultralow.receiver.pool import WorkerPool
from ultralow.receiver.results_task import ResultsService, with_results
from ultralow.receiver.server import Receiver
from ultralow.receiver.services import Service, run_until_signalled
from ultralow.registry import Registry
from ultralow.store import Store
from ultralow.store.local_api import LocalApi
from ultralow.web.ops.feed import LiveFeed
from ultralow.web.options import http_options
from ultralow.web.reader import ReaderStore
from ultralow.web.service import DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT, SiteService

_DEFAULTS = ReceiverLimits()


def setting(flag: Any, settings: Mapping[str, Any], key: str, default: Any) -> Any:
    """Flag (or its ``ULTRALOW_<NAME>`` variable, read by click) > registry ``[settings]`` > default."""
    if flag is not None:
        return flag
    return settings.get(key, default)


def results_service(store: Store, registry: Registry, events: EventLog) -> ResultsService | None:
    """The stored results kept current on a connection of their own (``ultralow.app.results_keeper``: the
    cadence is the registry's ``results_interval_s`` / ``results_settle_after_s``); None when disabled."""
    try:
        cadence = KeeperCadence.from_settings(registry.settings)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    if not cadence.enabled:
        return None
    keeper = ResultsKeeper(Application.from_store(ReaderStore(store), registry=registry), cadence)
    return ResultsService(keeper, cadence.interval_s, events)


@click.command()
@db_option
@config_option
@click.option("--hj212-host", envvar="ULTRALOW_HJ212_HOST", default=None,
              help="Address the HJ 212 receiver listens on.  [default: 127.0.0.1]")
@click.option("--hj212-port", envvar="ULTRALOW_HJ212_PORT", type=click.IntRange(0, 65535), default=None,
              help="TCP port of the HJ 212 receiver (0: any free port, logged).  [default: 9212]")
@click.option("--max-connections", envvar="ULTRALOW_MAX_CONNECTIONS", type=click.IntRange(1), default=None,
              help=f"Connections beyond this are refused.  [default: {_DEFAULTS.max_connections}]")
@click.option("--idle-timeout", envvar="ULTRALOW_IDLE_TIMEOUT", type=click.FloatRange(0.1), default=None,
              help="Seconds without an accepted frame before an authenticated connection is closed.  "
                   f"[default: {_DEFAULTS.idle_timeout_s:g}]")
@click.option("--batch-ms", envvar="ULTRALOW_BATCH_MS", type=click.FloatRange(0.0), default=None,
              help=f"Longest wait before a batch is committed.  [default: {_DEFAULTS.batch_interval_s * 1000:g}]")
@click.option("--batch-max", envvar="ULTRALOW_BATCH_MAX", type=click.IntRange(1), default=None,
              help=f"Most frames per commit.  [default: {_DEFAULTS.batch_max_frames}]")
@click.option("--workers", envvar="ULTRALOW_WORKERS", type=click.IntRange(1), default=None,
              help="Receiving processes (1: the receiver runs in this process; more: that many worker processes "
                   "share the port and this process only commits; needs --no-web).  [default: 1]")
@http_options
@click.option("--no-web", is_flag=True, help="Receive only: do not serve the site in this process.")
def serve(db: str, config: str, hj212_host: str | None, hj212_port: int | None, max_connections: int | None,
          idle_timeout: float | None, batch_ms: float | None, batch_max: int | None, workers: int | None,
          http_host: str | None, http_port: int | None, reports_dir: str | None, no_web: bool) -> None:
    """Receive HJ 212 from data loggers: store each frame, then acknowledge it (9014/9013); serve the public
    site, API and dashboard from the same store (--http-port; --no-web to receive only); keep the stored
    results current (hours runs every ``results_interval_s`` of the registry's [settings], default 60 s;
    provisional rows settled ``results_settle_after_s`` after they were written, default 3600 s; 0 s
    interval: off).

    Logs are JSON lines on stderr. SIGTERM or Ctrl-C stops gracefully: no new connections, the frames
    read so far are committed and acknowledged, then the connections close.
    """
    if workers is not None and workers > 1 and not no_web:
        # the dashboard's live feed watches the receiver's connections, which then live in other processes
        raise click.UsageError("--workers above 1 needs --no-web (the site's live feed follows a receiver "
                               "running in this process)")
    with reported():  # the store is created only once the registry loaded and its limit sets are known
        store, registry = open_store_for_writing(db, given_config(config) or config,
                                                 config_given=given_config(config) is not None)
    settings = registry.settings
    # every bound of receiver/data/bounds.toml may be set in the registry's [settings] under its own name
    configured = {name: settings[name] for name in BOUNDS if name in settings and name not in ("max_connections", "idle_timeout_s")}
    limits = ReceiverLimits(
        **configured,
        max_connections=setting(max_connections, settings, "max_connections", _DEFAULTS.max_connections),
        idle_timeout_s=setting(idle_timeout, settings, "idle_timeout", _DEFAULTS.idle_timeout_s),
        batch_interval_s=setting(batch_ms, settings, "batch_ms", _DEFAULTS.batch_interval_s * 1000) / 1000,
        batch_max_frames=setting(batch_max, settings, "batch_max", _DEFAULTS.batch_max_frames),
    )
    pipeline = Pipeline(store, registry)
    host = setting(hj212_host, settings, "hj212_host", "127.0.0.1")
    port = setting(hj212_port, settings, "hj212_port", 9212)
    if workers is not None and workers > 1:
        events = EventLog()
        pool = WorkerPool(pipeline, host, port, limits, events, workers)
        keeping = results_service(store, registry, events)
        events.emit("starting", db=db, outlets=len(registry.outlets), registry=registry.path, workers=workers)
        pooled: list[Service] = [LocalApi(store, health=with_results(pool.health, keeping), emit=events.emit), pool]
        try:
            uvloop.run(run_until_signalled(pooled + ([keeping] if keeping else [])))
        except OSError as exc:
            click.echo(f"error: cannot listen on {host}:{port}: {exc}", err=True)
            sys.exit(1)
        finally:
            store.close()
        return
    receiver = Receiver.for_pipeline(
        pipeline,
        host=host,
        port=port,
        limits=limits,
        events=EventLog(),
    )
    receiver.events.emit("starting", db=db, outlets=len(registry.outlets), registry=registry.path)
    keeping = results_service(store, registry, receiver.events)
    health = with_results(receiver.health, keeping)
    # read commands (compliance, export, claims check, ...) find this process from the lock file beside
    # the store and read a snapshot it publishes (ultralow.store.reading)
    services: list[Service] = [LocalApi(store, health=health, emit=receiver.events.emit), receiver]
    if keeping is not None:
        services.append(keeping)
    if not no_web:
        feed = LiveFeed(registry, receiver)  # the dashboard's live view, fed after each commit
        receiver.observers.append(feed.observe)
        services.append(SiteService(
            store, registry, host=setting(http_host, settings, "http_host", DEFAULT_HTTP_HOST),
            port=setting(http_port, settings, "http_port", DEFAULT_HTTP_PORT),
            reports_dir=Path(reports_dir) if reports_dir else None, emit=receiver.events.emit, ops_feed=feed,
            health=health))
    try:
        uvloop.run(run_until_signalled(services))
    except OSError as exc:
        click.echo(f"error: cannot listen on {receiver.host}:{receiver.port}: {exc}", err=True)
        sys.exit(1)
    finally:
        store.close()
