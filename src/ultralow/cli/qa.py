"""``ultralow qa import FILE`` and ``ultralow qa list``: HJ 75 QA records (drift checks, comparison tests).

A front end of :mod:`ultralow.app.qa`: the file is checked completely before anything is stored (problems as
``file:line:column: message``, then a count, exit 1).
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ultralow.app import AppError, resolve_registry
from ultralow.app.qa import import_file, records
from ultralow.cli.options import config_option, db_option, format_option, given_config
from ultralow.cli.reporting import reported, stderr_line
from ultralow.store import Store


@click.group()
def qa() -> None:
    """HJ 75 QA records: daily zero/span drift checks and periodic comparison tests. Drift beyond the
    out-of-control limits (standards/data/qa_rules.toml) makes the parameter's hours invalid until the next
    passed check; an overdue or failed comparison test is a finding of `ultralow compliance`."""


@qa.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
@config_option
def qa_import(file: str, db: str, config: str) -> None:
    """Import a QA CSV (outlet,code,kind,checked_at,drift_pct,passed,reference): all rows or none."""
    with reported():
        if not Path(db).exists():
            raise AppError(f"{db}: no such store (run `ultralow ingest` or `ultralow demo` first)")
        store = Store(db)
        try:
            registry = resolve_registry(given_config(config), store)
            done = import_file(store, registry, file)
        finally:
            store.close()
        stderr_line(f"{done.path}: {done.rows} QA record(s) imported (import {done.import_id})")


@qa.command("list")
@db_option
@click.option("--outlet", "outlets", multiple=True, help="Only this outlet id (repeatable).")
@format_option("table", "json")
def qa_list(db: str, outlets: tuple[str, ...], fmt: str) -> None:
    """List the QA records in the store."""
    with reported():
        store = Store(db, read_only=True)
        try:
            rows = records(store.con, list(outlets) if outlets else None).to_pylist()
        finally:
            store.close()
        if fmt == "json":
            click.echo(json.dumps({"qa_records": rows}, default=str, ensure_ascii=False))
            return
        table = Table(title=f"{len(rows)} QA record(s)")
        for column in ("outlet", "code", "kind", "checked_at", "drift_pct", "passed", "reference"):
            table.add_column(column)
        for r in rows:
            table.add_row(r["outlet_id"], r["code"], r["kind"], r["checked_at"].isoformat(),
                          "" if r["drift_pct"] is None else f"{r['drift_pct']:g}",
                          "" if r["passed"] is None else str(r["passed"]).lower(), r["reference"] or "")
        Console(width=120).print(table)
