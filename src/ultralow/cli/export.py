"""``ultralow export``: the current readings as partitioned Parquet (``--parquet DIR``) and the judged hours
as one Parquet or CSV file (``--hours FILE``, the file ``ultralow claims check --hours`` reads).

A front end of :class:`ultralow.app.Application`: the store is opened read-only and never created.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from datetime import date

import click
import duckdb
from rich.console import Console

from ultralow.app import (
    HOURS_FORMATS,
    SCHEMA_VERSION,
    AppError,
    Application,
    UsageProblem,
    open_store_read_only,
)
from ultralow.cli.options import config_option, db_option, format_option, given_config, period_options
from ultralow.cli.progress import terminal_progress
from ultralow.cli.reporting import reported
from ultralow.store import ExportError, Store, export_parquet
from ultralow.store.export import ExportSummary


@click.command()
@click.option("--parquet", "directory", type=click.Path(file_okay=False), default=None,
              help="Directory for year=/month=/outlet_id= partitions of readings_current.")
@click.option("--hours", "hours_file", type=click.Path(dir_okay=False), default=None,
              help="Judged hours to this file (.parquet or .csv): the file `claims check --hours` reads.")
@click.option("--hours-format", type=click.Choice(HOURS_FORMATS), default=None,
              help="Format of --hours when its name does not end in .parquet or .csv.")
@click.option("--outlet", "outlets", multiple=True, help="With --hours: only this outlet id (repeatable).")
@period_options
@click.option("--overwrite", is_flag=True, help="Replace a non-empty directory or an existing file.")
@db_option
@config_option
@format_option("table", "json")
def export(directory: str | None, hours_file: str | None, hours_format: str | None, outlets: tuple[str, ...],
           first: date | None, last: date | None, year: int | None, overwrite: bool, db: str, config: str,
           fmt: str) -> None:
    """Write the current readings (highest revision per key) as Parquet, partitioned by year, month (of
    the plant-local data time) and outlet, Hive style (--parquet DIR); and/or the judged hours of the
    compliance engine as one file (--hours FILE; Parquet keeps the engine's columns and types, CSV is
    UTF-8 with a BOM and true/false). The period follows the rule of `ultralow compliance`."""
    with reported():
        if directory is None and hours_file is None:
            raise UsageProblem("give --parquet DIR and/or --hours FILE")
        if hours_file is None and (outlets or first or last or year):
            raise UsageProblem("--outlet, --from, --to and --year apply to --hours only")
        document: dict[str, object] = {"schema_version": SCHEMA_VERSION}
        lines: list[str] = []
        with ExitStack() as stack:
            if hours_file is not None:
                opened = stack.enter_context(Application.open(db, given_config(config)))
                app: Application | None = opened
                store = opened.store
            else:  # the readings alone need no registry
                app = None
                store = stack.enter_context(open_store_read_only(db))
            if directory is not None:
                summary = write_parquet(store, directory, overwrite)
                document.update({"directory": summary.directory, "rows": summary.rows, "files": summary.files,
                                 "partitions": summary.partitions})
                lines.append(f"{summary.rows:,} readings -> {summary.files} files in {summary.partitions} "
                             f"partitions under {summary.directory}")
            if app is not None and hours_file is not None:
                with terminal_progress() as progress:
                    judgement = app.judge(outlets or None, first=first, last=last, year=year, progress=progress)
                    written = app.export_hours(hours_file, fmt=hours_format, judgement=judgement,
                                               overwrite=overwrite, progress=progress)
                period = judgement.period.as_dict()
                document["hours"] = {"path": str(written.path), "format": written.format, "rows": written.rows,
                                     "bytes": written.bytes, "period": period,
                                     "outlets": list(judgement.outlet_ids)}
                lines.append(f"{written.rows:,} judged hours ({period['from']} .. {period['to']}, "
                             f"{len(judgement.outlet_ids)} outlets) -> {written.path} ({written.format})")
        if fmt == "json":
            click.echo(json.dumps(document, ensure_ascii=False))
        else:
            out = Console()
            for line in lines:
                out.print(line, markup=False, highlight=False, soft_wrap=True)


def write_parquet(store: Store, directory: str, overwrite: bool) -> ExportSummary:
    """The Parquet export; a directory that cannot be written is one problem line, not a traceback."""
    try:
        return export_parquet(store, directory, overwrite=overwrite)
    except ExportError as exc:
        raise AppError(str(exc)) from exc
    except OSError as exc:
        raise AppError(f"{directory}: cannot write: {exc.strerror or exc}") from exc
    except duckdb.Error as exc:  # DuckDB's IOException/PermissionException when it cannot make the files
        raise AppError(f"{directory}: cannot write: {str(exc).splitlines()[0]}") from exc
