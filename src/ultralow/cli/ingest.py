"""``ultralow ingest FILE…``: HJ 212 logs, long-format CSV and Parquet files into the store."""

from __future__ import annotations

import json
import sys
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ultralow.app.documents import SCHEMA_VERSION
from ultralow.app.setup import open_store_for_writing
from ultralow.cli.options import config_option, db_option, format_option, given_config
from ultralow.cli.reporting import reported
from ultralow.ingest import Pipeline
from ultralow.ingest.files import FORMATS, FileResult, FileUnreadable, ingest_file
from ultralow.store import read_counts


def progress(path: str) -> AbstractContextManager[object]:
    """A spinner naming the file on a terminal; nothing when stderr is piped."""
    if sys.stderr.isatty():
        return Console(stderr=True).status(f"reading {path}")
    return nullcontext()


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@db_option
@config_option
@format_option("table", "json")
@click.option("--as", "as_format", type=click.Choice(FORMATS), default=None,
              help="Read every FILE as this format instead of detecting it.")
def ingest(files: tuple[str, ...], db: str, config: str, fmt: str, as_format: str | None) -> None:
    """Read HJ 212 logs (one packet per line), long-format CSV (mn,data_time,code,value,flag) and
    Parquet files into the store. Bad rows are reported as file:line: reason, quarantined and counted;
    re-reading a file changes nothing. Exit 0 when every file was read (quarantined rows are results),
    1 when a file could not be read."""
    def err(line: str) -> None:  # one line per problem, never wrapped
        click.echo(line, err=True)

    missing = [path for path in files if not Path(path).is_file()]
    if missing:  # nothing is read, and no store is created, when a named file is not there
        for path in missing:
            err(f"{path}: no such file" if not Path(path).exists() else f"{path}: not a file")
        err(f"{len(missing)} problem{'s' if len(missing) != 1 else ''} in the input")
        sys.exit(1)
    with reported():
        store, registry = open_store_for_writing(db, given_config(config) or config,
                                                 config_given=given_config(config) is not None)
    try:
        pipeline = Pipeline(store, registry)
        results: list[FileResult] = []
        unreadable: list[str] = []
        for path in files:
            try:
                with progress(path):
                    result = ingest_file(pipeline, path, datetime.now(UTC), as_format)
            except FileUnreadable as exc:
                unreadable.append(str(exc))
                err(str(exc))
                continue
            results.append(result)
            for problem in result.problems:
                err(problem)
        problems = sum(len(r.problems) for r in results) + len(unreadable)
        if problems:
            err(f"{problems} problem{'s' if problems != 1 else ''}")
        counts = read_counts(store)
    finally:
        store.close()
    if fmt == "json":
        document = {
            "schema_version": SCHEMA_VERSION,
            "db": db,
            "files": [r.to_json() for r in results],
            "unreadable": unreadable,
            "totals": {key: sum(getattr(r, key) for r in results)
                       for key in ("rows", "stored", "revisions", "duplicates", "quarantined", "frames")},
            "store": {"raw_frames": counts.raw_frames, "readings": counts.readings,
                      "readings_current": counts.readings_current, "quarantine": counts.quarantine},
        }
        click.echo(json.dumps(document, ensure_ascii=False))
    else:
        table = Table(title=f"ingest into {db}")
        for column in ("file", "format", "rows", "stored", "revisions", "duplicates", "quarantined"):
            table.add_column(column, justify="left" if column in ("file", "format") else "right")
        for r in results:
            table.add_row(r.path, r.format, str(r.rows), str(r.stored), str(r.revisions), str(r.duplicates),
                          str(r.quarantined))
        Console().print(table)
        Console().print(f"store: {counts.readings} readings ({counts.revisions} revisions), "
                        f"{counts.raw_frames} raw frames, {counts.quarantine} quarantined")
    if unreadable:
        sys.exit(1)
