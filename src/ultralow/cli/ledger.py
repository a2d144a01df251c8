"""``ultralow ledger …``: import ledger CSV files with their evidence, approve rows, show a row's revisions.

A front end of :mod:`ultralow.app.ledgers`: the checks, revisions and approvals live there. Every bad row of
a refused file is one ``file:line: column: message`` line on stderr (exit 1, nothing imported).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click
from rich.console import Console

from ultralow.app import Application, UsageProblem, csv_cell
from ultralow.app.ledgers import (
    Revision,
    approve_all_drafts,
    approve_rows,
    import_ledgers,
    list_rows,
    open_ledgers,
    registry_bases,
    row_history,
)
from ultralow.cli.options import config_option, db_option, format_option, given_config
from ultralow.cli.reporting import reported, stderr_line
from ultralow.ledger.kinds import kinds
from ultralow.terminal_tables import Column, print_fitted

KIND_CHOICE = click.Choice(sorted(kinds()))


@click.group()
def ledger() -> None:
    """Social, community, economic and production ledgers: import with evidence, approve, history."""


def _values_text(r: Revision, limit: int = 6) -> str:
    parts = [f"{k}={v}" for k, v in r.values.items() if v is not None and k != "country"]
    more = f" (+{len(parts) - limit})" if len(parts) > limit else ""
    return ", ".join(parts[:limit]) + more


@ledger.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--evidence", "evidence_dir", type=click.Path(file_okay=False), default=None,
              help="Folder holding every row's evidence_document (its SHA-256 is checked or recorded).")
@click.option("--kind", "kind_name", type=KIND_CHOICE, default=None,
              help="Read every FILE as this ledger kind (default: from the file name, e.g. donations.csv).")
@db_option
@config_option
@format_option("table", "json")
def import_command(files: tuple[str, ...], evidence_dir: str | None, kind_name: str | None, db: str, config: str,
                   fmt: str) -> None:
    """Import ledger CSV files (one format per kind: docs/ledgers.md). All or nothing: a file with any bad
    row is refused whole, every problem as file:line: column: message. Re-importing the same file changes
    nothing; a changed row becomes a new draft revision of the stored one. Exit 0 imported, 1 refused."""
    with reported():
        if evidence_dir is not None and not Path(evidence_dir).is_dir():
            raise UsageProblem([f"--evidence: {evidence_dir}: not a folder"])
        with open_ledgers(db, given_config(config)) as (store, registry):
            report = import_ledgers(store, [Path(f) for f in files],
                                    evidence_dir=Path(evidence_dir) if evidence_dir else None,
                                    bases=registry_bases(registry), kind=kind_name)
        if fmt == "json":
            click.echo(json.dumps({"db": db, **report.to_json()}, ensure_ascii=False))
            return
        rows = [[f.path, f.kind, str(f.rows), str(f.new_rows), str(f.new_revisions), str(f.unchanged)]
                for f in report.files]
        t = report.totals
        rows.append(["total", "", str(t["rows"]), str(t["new_rows"]), str(t["new_revisions"]), str(t["unchanged"])])
        print_fitted(Console(), f"ledger import into {db} (new rows and revisions are drafts)", [
            Column("file", key=True), Column("kind"), Column("rows", numeric=True),
            Column("new", numeric=True), Column("revised", numeric=True), Column("unchanged", numeric=True)], rows)


@ledger.command("approve")
@click.argument("refs", nargs=-1)
@click.option("--by", "approver", required=True, help="The approver's name (not the one who entered the rows).")
@click.option("--all-drafts", is_flag=True, help="Approve every draft revision (of --kind / --year when given).")
@click.option("--kind", "kind_name", type=KIND_CHOICE, default=None, help="With --all-drafts: only this kind.")
@click.option("--year", type=click.IntRange(1950, 2100), default=None, help="With --all-drafts: only this year.")
@click.option("--note", default=None, help="A remark kept with the approval.")
@db_option
@config_option
@format_option("table", "json")
def approve_command(refs: tuple[str, ...], approver: str, all_drafts: bool, kind_name: str | None,
                    year: int | None, note: str | None, db: str, config: str, fmt: str) -> None:
    """Approve ledger rows: REF is a row id (its latest revision) or ROW_ID@REVISION. Only approved rows feed
    KPIs, GHG, the claim check and anything published. All or nothing; the approver must not be the one who
    entered a row."""
    with reported():
        if bool(refs) == all_drafts:
            raise UsageProblem(["give row ids to approve, or --all-drafts (not both)"])
        if (kind_name or year) and not all_drafts:
            raise UsageProblem(["--kind and --year select drafts for --all-drafts only"])
        with open_ledgers(db, given_config(config)) as (store, _registry):
            if all_drafts:
                done = approve_all_drafts(store, approver=approver, kind=kind_name, year=year, note=note)
            else:
                done = approve_rows(store, list(refs), approver=approver, note=note)
        if fmt == "json":
            click.echo(json.dumps({"db": db, "approved": [r.to_json() for r in done]}, ensure_ascii=False))
            return
        stderr_line(f"approved {len(done)} revision(s) by {approver}")
        if done:
            print_fitted(Console(), "approved", [Column("row", abbreviate=True), Column("kind"),
                                                 Column("entered by"), Column("approved by")],
                         [[r.ref, r.kind, r.entered_by, str(r.approved_by)] for r in done])


@ledger.command("history")
@click.argument("ref")
@db_option
@config_option
@format_option("table", "json")
def history_command(ref: str, db: str, config: str, fmt: str) -> None:
    """Every revision of one ledger row, oldest first: values, evidence (document and SHA-256), who entered
    and who approved it, and the revision each correction replaces."""
    with reported():
        with Application.open(db, given_config(config)) as app:
            chain = row_history(app.store, ref)
        if fmt == "json":
            click.echo(json.dumps({"row_id": chain[0].row_id, "revisions": [r.to_json() for r in chain]},
                                  ensure_ascii=False))
            return
        console = Console()
        console.print(f"[bold]{chain[0].row_id}[/] ({chain[0].kind}, {len(chain)} revision(s))", highlight=False)
        rows = [[str(r.revision), "-" if r.replaces_revision is None else str(r.replaces_revision), r.status,
                 _values_text(r, 20), f"{r.evidence_document} sha256 {r.evidence_sha256[:12]}…",
                 f"{r.entered_by} {r.entered_at.isoformat()}",
                 f"{r.approved_by} {r.approved_at:%Y-%m-%d}" if r.approved_by and r.approved_at else "-"]
                for r in chain]
        print_fitted(console, "revisions", [
            Column("rev", numeric=True, key=True), Column("replaces", numeric=True), Column("status"),
            Column("values"), Column("evidence"), Column("entered"), Column("approved")], rows)


@ledger.command("list")
@click.option("--kind", "kind_name", type=KIND_CHOICE, default=None, help="Only this ledger kind.")
@click.option("--year", type=click.IntRange(1950, 2100), default=None, help="Only rows of this year.")
@click.option("--status", type=click.Choice(["draft", "approved"]), default=None,
              help="Only rows whose latest revision is a draft / approved.")
@db_option
@config_option
@format_option("table", "json", "csv")
def list_command(kind_name: str | None, year: int | None, status: str | None, db: str, config: str,
                 fmt: str) -> None:
    """The latest revision of each ledger row (row id, revision, status, values)."""
    with reported():
        with Application.open(db, given_config(config)) as app:
            rows = list_rows(app.store, kind=kind_name, year=year, status=status)
        if fmt == "json":
            click.echo(json.dumps({"rows": [r.to_json() for r in rows]}, ensure_ascii=False))
            return
        if fmt == "csv":
            header = ["row_id", "revision", "kind", "year", "base", "country", "status", "entered_by",
                      "approved_by", "evidence_document", "evidence_sha256", "values_json"]
            sys.stdout.write("\ufeff")
            writer = csv.writer(sys.stdout)
            writer.writerow(header)
            for r in rows:
                writer.writerow([csv_cell(c) for c in (
                    r.row_id, r.revision, r.kind, r.year, r.base, r.country, r.status, r.entered_by, r.approved_by,
                    r.evidence_document, r.evidence_sha256, json.dumps(r.values, ensure_ascii=False, sort_keys=True))])
            return
        counts: dict[str, int] = {}
        for r in rows:
            counts[r.status] = counts.get(r.status, 0) + 1
        stderr_line(f"{len(rows)} row(s): " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
        print_fitted(Console(), "ledger rows (latest revision)", [
            Column("row", abbreviate=True), Column("rev", numeric=True), Column("status"), Column("values")],
            [[r.row_id, str(r.revision), r.status, _values_text(r)] for r in rows])
