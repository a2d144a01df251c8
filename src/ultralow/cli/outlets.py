"""``ultralow outlets``: the registry's outlets with their data logger (MN), limit sets, the last frame the
store received and, while ``ultralow serve`` holds the store, whether each logger is online.

A front end of :meth:`ultralow.app.Application.outlets_status`; the store is opened read-only.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import click
import pyarrow as pa
from rich.console import Console

from ultralow.app import SCHEMA_VERSION, Application, csv_cell
from ultralow.app.documents import UTF8_BOM
from ultralow.cli.options import config_option, db_option, format_option, given_config
from ultralow.cli.reporting import reported
from ultralow.store.local_api import find_server
from ultralow.terminal_tables import Column, print_fitted


def status_rows(table: pa.Table) -> list[dict[str, Any]]:
    """The status rows for JSON and CSV: ``last_frame_at`` in UTC (``Z``), ``last_data_time`` with the
    plant's offset, ``online`` null when no receiver is known to run."""
    rows = []
    for r in table.to_pylist():
        zone = timezone(timedelta(minutes=int(r["utc_offset_min"])))
        frame = r["last_frame_at"]
        data = r["last_data_time"]
        rows.append({**r,
                     "last_frame_at": frame.astimezone(UTC).isoformat().replace("+00:00", "Z") if frame else None,
                     "last_data_time": data.replace(tzinfo=zone).isoformat() if data else None})
    return rows


def _online(value: bool | None) -> str:
    return "?" if value is None else ("yes" if value else "no")


def _local(value: datetime | None, offset_min: int) -> str:
    if value is None:
        return "-"
    return value.astimezone(timezone(timedelta(minutes=offset_min))).strftime("%Y-%m-%d %H:%M:%S%z")


@click.command()
@db_option
@config_option
@format_option("table", "json", "csv")
def outlets(db: str, config: str, fmt: str) -> None:
    """List the registry's outlets: id, base, source type, MN, limit sets, the receive time of the last
    HJ 212 frame (shown in the plant's local time), the last data time of its readings, and online (a frame
    within the last 5 minutes) while a receiver (`ultralow serve`) holds the store; "?" when none does."""
    with reported():
        with Application.open(db, given_config(config)) as app:
            running = find_server(app.db) is not None or hasattr(app.store, "source")
            table = app.outlets_status(receiver_running=True if running else None)
        if fmt == "json":
            click.echo(json.dumps({"schema_version": SCHEMA_VERSION, "db": db, "receiver_running": running,
                                   "outlets": status_rows(table)}, ensure_ascii=False))
            return
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(table.column_names)
            for row in status_rows(table):
                writer.writerow([csv_cell(v) for v in row.values()])
            sys.stdout.write(UTF8_BOM + buffer.getvalue())
            return
        body = [[r["outlet_id"], r["base"], r["source_type"], r["mn"] or "-", " ".join(r["limit_sets"]) or "-",
                 _local(r["last_frame_at"], r["utc_offset_min"]),
                 r["last_data_time"].strftime("%Y-%m-%d %H:%M") if r["last_data_time"] else "-",
                 _online(r["online"])] for r in table.to_pylist()]
        print_fitted(Console(), f"{len(body)} outlets in {db}", [
            Column("outlet", key=True), Column("base"), Column("source type"), Column("MN", wrap=False),
            Column("limit sets"), Column("last frame (local)", numeric=True),
            Column("last data", numeric=True), Column("online")], body)
