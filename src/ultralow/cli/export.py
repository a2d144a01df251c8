"""``ultralow export --parquet DIR``: the current readings as partitioned Parquet."""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console

from ultralow.cli.options import config_option, db_option, format_option
from ultralow.store import ExportError, Store, StoreError, export_parquet


@click.command()
@click.option("--parquet", "directory", required=True, type=click.Path(file_okay=False),
              help="Directory for year=/month=/outlet_id= partitions of readings_current.")
@click.option("--overwrite", is_flag=True, help="Replace the contents of a non-empty directory.")
@db_option
@config_option
@format_option("table", "json")
def export(directory: str, overwrite: bool, db: str, config: str, fmt: str) -> None:
    """Write the current readings (highest revision per key) as Parquet, partitioned by year, month
    (of the plant-local data time) and outlet, Hive style. The registry (--config) is not needed."""
    try:
        with Store(db) as store:
            summary = export_parquet(store, directory, overwrite=overwrite)
    except (StoreError, ExportError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if fmt == "json":
        click.echo(json.dumps({"directory": summary.directory, "rows": summary.rows, "files": summary.files,
                               "partitions": summary.partitions}))
    else:
        Console().print(f"{summary.rows} readings -> {summary.files} files in {summary.partitions} partitions "
                        f"under {summary.directory}")
