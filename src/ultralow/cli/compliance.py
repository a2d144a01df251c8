"""``ultralow compliance``: HJ 75/76 processing and judgement of the store's minute data.

A front end of :class:`ultralow.app.Application`: it opens the store read-only, judges, and prints the
tables (80 columns and up), the JSON document (written incrementally from Arrow) or the hours as CSV.
"""

from __future__ import annotations

import sys
import time
from datetime import date

import click
from rich.console import Console

from ultralow.app import Application, Judgement, write_csv, write_json
from ultralow.cli.compliance_tables import print_tables
from ultralow.cli.options import config_option, db_option, format_option, given_config, period_options
from ultralow.cli.progress import terminal_progress
from ultralow.cli.reporting import reported, stderr_line


def no_data_note(judgement: Judgement) -> str | None:
    """The one-line note for a period without any minute reading of the selected outlets."""
    if not judgement.empty:
        return None
    period = judgement.period.as_dict()
    return f"no data in this period ({period['from']} .. {period['to']}) for the selected outlets"


@click.command()
@db_option
@config_option
@click.option("--outlet", "outlets", multiple=True, help="Only this outlet id (repeatable).")
@period_options
@format_option("table", "json", "csv")
@click.option("--summary-only", is_flag=True,
              help="Leave out the per-hour and per-day rows (json: no hours/days lists; table: no events).")
@click.option("--engine", "engine_name", type=click.Choice(["duckdb", "spark"]), default="duckdb",
              show_default=True, help="duckdb (embedded) or spark (PySpark local[2] over the Parquet export).")
@click.option("--parquet", type=click.Path(file_okay=False), default=None,
              help="With --engine spark: the Parquet export to read (default: export the store to a temp dir).")
def compliance(db: str, config: str, outlets: tuple[str, ...], first: date | None, last: date | None,
               year: int | None, fmt: str, summary_only: bool, engine_name: str, parquet: str | None) -> None:
    """Judge the store's minute data by HJ 75/76 and the limit sets: valid hours, O2-corrected values,
    exceedances and events, capture and compliance rates, ultra-low ratios, data-quality findings, roll-ups
    per base and source type. --format csv prints the hours. Exit 0 when the run completed (exceedances are
    results), 1 when it could not run, 2 on usage errors."""
    with reported() as problems:
        with Application.open(db, given_config(config)) as app:
            started = time.perf_counter()
            with terminal_progress() as progress:
                judgement = app.judge(outlets or None, first=first, last=last, year=year, progress=progress,
                                      engine=engine_name, parquet=parquet)
            seconds = time.perf_counter() - started
            note = no_data_note(judgement)
            if note:
                problems.note(note)
            stderr_line(f"judged {judgement.hours.num_rows:,} outlet-pollutant hours in {seconds:.1f} s")
            if fmt == "json":
                write_json(judgement, sys.stdout.write, summary_only=summary_only)
            elif fmt == "csv":
                write_csv("hours", judgement.hours, judgement.offsets, sys.stdout.write)
            else:
                print_tables(judgement, app.registry, Console(), summary_only=summary_only)
