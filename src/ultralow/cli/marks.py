"""``ultralow marks add|list|withdraw``: marks (calibration, maintenance, start-up/shut-down, fault, …) on
an outlet and interval; the engine applies the marks in force on its next run. Withdrawn, never deleted."""

from __future__ import annotations

import getpass
import json
from datetime import datetime

import click

from ultralow.app import SCHEMA_VERSION, UsageProblem
from ultralow.cli.opsstore import ops_store
from ultralow.cli.options import config_option, db_option, format_option, given_config
from ultralow.cli.reporting import reported


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def _local(text: str, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageProblem(f"--{name}: {text!r}: a plant-local time such as 2025-03-03T10:00") from None
    if value.tzinfo is not None:
        raise UsageProblem(f"--{name}: a plant-local clock time without an offset")
    return value


@click.group()
def marks() -> None:
    """Marks on outlets (HJ 75-2017 §12 invalid periods, MEE 2022 No. 21 working-condition marks)."""


@marks.command("add")
@click.option("--outlet", required=True, help="Outlet id of the registry.")
@click.option("--type", "mark_type", required=True,
              help="Mark type of standards/data/marking_policy.toml (maintenance, calibration, fault, "
                   "out_of_control, stopped, startup_shutdown, unit_fault).")
@click.option("--from", "start", required=True, help="Plant-local start, e.g. 2025-03-03T10:00.")
@click.option("--to", "end", required=True, help="Plant-local end (exclusive).")
@click.option("--code", default=None, help="One factor (HJ 212 code, e.g. a21026); every factor when absent.")
@click.option("--reason", required=True, help="Why: what was done, by whom, reference of the work order.")
@db_option
@config_option
@format_option("table", "json")
def add(outlet: str, mark_type: str, start: str, end: str, code: str | None, reason: str, db: str, config: str,
        fmt: str) -> None:
    """Enter a mark."""
    with reported(), ops_store(db, given_config(config), write=True) as ops:
        mark = ops.add_mark(outlet, _local(start, "from"), _local(end, "to"), mark_type, reason, code=code,
                            actor=_actor())
    if fmt == "json":
        click.echo(json.dumps({"schema_version": SCHEMA_VERSION, "mark": mark.as_dict()}, ensure_ascii=False))
    else:
        click.echo(f"mark {mark.mark_id} entered: {mark.outlet_id} {mark.mark_type} {mark.start_time} – {mark.end_time}")


@marks.command("list")
@click.option("--outlet", default=None, help="Only this outlet's marks.")
@click.option("--in-force", is_flag=True, help="Leave out withdrawn marks.")
@db_option
@config_option
@format_option("table", "json", "csv")
def list_marks(outlet: str | None, in_force: bool, db: str, config: str, fmt: str) -> None:
    """The marks, newest first (withdrawn ones too, unless --in-force)."""
    with reported(), ops_store(db, given_config(config), write=False) as ops:
        rows = [m.as_dict() for m in ops.marks(outlet_id=outlet, include_withdrawn=not in_force)]
    if fmt == "json":
        click.echo(json.dumps({"schema_version": SCHEMA_VERSION, "db": db, "marks": rows}, ensure_ascii=False))
        return
    columns = ["mark_id", "outlet_id", "code", "mark_type", "start_time", "end_time", "in_force", "entered_by",
               "entered_at", "reason", "withdrawn_by", "withdrawn_at", "withdrawal_reason"]
    if fmt == "csv":
        import csv
        import sys

        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(columns)
        for r in rows:
            out.writerow(["" if r[c] is None else r[c] for c in columns])
        return
    if not rows:
        click.echo("no marks", err=True)
    for r in rows:
        state = "in force" if r["in_force"] else f"withdrawn by {r['withdrawn_by']}: {r['withdrawal_reason']}"
        click.echo(f"{r['mark_id']}\t{r['outlet_id']}\t{r['code'] or '*'}\t{r['mark_type']}\t{r['start_time']}\t"
                   f"{r['end_time']}\t{r['entered_by']}\t{state}\t{r['reason']}")


@marks.command("withdraw")
@click.argument("mark_id", type=int)
@click.option("--reason", required=True, help="Why the mark no longer applies.")
@db_option
@config_option
def withdraw(mark_id: int, reason: str, db: str, config: str) -> None:
    """Withdraw mark MARK_ID (it stays in the store and the audit trail)."""
    with reported(), ops_store(db, given_config(config), write=True) as ops:
        mark = ops.withdraw_mark(mark_id, reason, actor=_actor())
    click.echo(f"mark {mark.mark_id} withdrawn", err=True)
