"""``ultralow results update|rebuild|status``: the stored judgement results the dashboard and the alarms read.

A front end of :mod:`ultralow.app.results`: ``update`` judges only the hours whose minutes (or marks, QA
records) arrived since the last run and, with ``--settle``, makes the quarter-dependent columns final;
``rebuild`` judges everything anew (the reference the others agree with); ``status`` lists the runs.
"""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from ultralow.app import Application
from ultralow.app.results import rebuild, runs, update
from ultralow.cli.options import config_option, db_option, format_option, given_config
from ultralow.cli.progress import terminal_progress
from ultralow.cli.reporting import reported, stderr_line


@click.group()
def results() -> None:
    """Stored results (result_hours, result_days, result_events, result_runs): judged once, updated
    incrementally as minutes arrive, read by the dashboard and the alarms."""


def _print(done_dict: dict[str, object], fmt: str, line: str) -> None:
    if fmt == "json":
        click.echo(json.dumps({"run": done_dict}, default=str))
    else:
        stderr_line(line)


@results.command("update")
@db_option
@config_option
@click.option("--settle", is_flag=True, help="Afterwards judge the quarters with provisional rows again (final).")
@format_option("table", "json")
def results_update(db: str, config: str, settle: bool, fmt: str) -> None:
    """Judge what arrived since the last run (a full run when there is none yet)."""
    with reported(), Application.open_for_writing(db, given_config(config)) as app, terminal_progress() as progress:
        done = update(app, settle_after=settle, progress=progress)
        _print(done.as_dict(), fmt, done.line())


@results.command("rebuild")
@db_option
@config_option
@format_option("table", "json")
def results_rebuild(db: str, config: str, fmt: str) -> None:
    """Judge every outlet over all the days with data and store the results anew."""
    with reported(), Application.open_for_writing(db, given_config(config)) as app, terminal_progress() as progress:
        done = rebuild(app, progress)
        _print(done.as_dict(), fmt, done.line())


@results.command("status")
@db_option
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="Newest runs shown.")
@format_option("table", "json")
def results_status(db: str, limit: int, fmt: str) -> None:
    """The newest results runs with their provenance."""
    with reported(), Application.open(db) as app:
        table = runs(app.store, limit)
        rows = table.to_pylist()
        if fmt == "json":
            click.echo(json.dumps({"runs": rows}, default=str))
            return
        out = Table(title=f"{len(rows)} results run(s)")
        for column in ("run", "kind", "run_at", "data_cut_off", "outlets", "hours", "days", "events", "ms",
                       "commit"):
            out.add_column(column)
        for r in rows:
            out.add_row(str(r["run_id"]), r["kind"], f"{r['run_at']:%Y-%m-%d %H:%M:%S}",
                        f"{r['data_cut_off']:%Y-%m-%d %H:%M:%S}" if r["data_cut_off"] else "",
                        str(r["outlets"]), f"{r['hours_written']:,}", f"{r['days_written']:,}",
                        f"{r['events_written']:,}", f"{r['seconds'] * 1000:.0f}", (r["software_commit"] or "")[:12])
        Console(width=120).print(out)
