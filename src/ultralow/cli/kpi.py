"""``ultralow kpi``: the HKEX ESG Code KPIs of a year (Part C A1.1–B8.2, Part D Scope 1 and 2), each with its
unit, intensity, previous-year value, status and evidence (front end of :mod:`ultralow.app.kpi`)."""

from __future__ import annotations

import csv
import json
import sys

import click
from rich.console import Console

from ultralow.app import Application, csv_cell
from ultralow.app.kpi import kpis
from ultralow.cli.ghg import figure
from ultralow.cli.options import config_option, db_option, format_option, given_config
from ultralow.cli.progress import terminal_progress
from ultralow.cli.reporting import reported, stderr_line
from ultralow.terminal_tables import Column, print_fitted


def _value(v: float | None) -> str:
    if v is None:
        return "-"
    return figure(v, 0 if abs(v) >= 1000 else 2)


@click.command()
@click.option("--year", type=click.IntRange(1990, 2100), required=True, help="The reporting year YYYY.")
@click.option("--no-engine", is_flag=True,
              help="Do not run the compliance engine for A1.1 (air emissions): A1.1 is then 'explain'.")
@db_option
@config_option
@format_option("table", "json", "csv")
def kpi(year: int, no_engine: bool, db: str, config: str, fmt: str) -> None:
    """HKEX ESG Reporting Code KPIs of YEAR from the approved ledgers, the GHG inventory and (A1.1) the
    compliance engine's annual emissions: value in the Code's unit, intensity, previous year, status
    (reported / explain with the reason / not_applicable), GRI disclosures and the evidence (ledger rows
    row_id@revision, GHG lines, outlets)."""
    with reported():
        with Application.open(db, given_config(config)) as app:
            emissions = None
            if not no_engine:
                with terminal_progress() as progress:
                    judgement = app.judge(year=year, progress=progress)
                emissions = judgement.tables.get("emissions") if not judgement.empty else None
            report = kpis(app.store, year, emissions=emissions)
        if fmt == "json":
            click.echo(json.dumps(report.to_json(), ensure_ascii=False))
            return
        if fmt == "csv":
            sys.stdout.write("\ufeff")
            writer = csv.writer(sys.stdout)
            writer.writerow(["year", "id", "part", "title", "value", "unit", "intensity", "intensity_unit",
                             "previous_year_value", "status", "reason", "gri", "ledger_rows"])
            for k in report.kpis:
                writer.writerow([csv_cell(c) for c in (
                    year, k.id, k.part, k.title, k.value, k.unit, k.intensity, k.intensity_unit, k.previous,
                    k.status, k.reason, list(k.gri), list(k.evidence.get("ledger_rows", [])))])
            return
        summary = report.to_json()["summary"]
        stderr_line(f"{len(report.kpis)} KPIs: " + ", ".join(f"{v} {k}" for k, v in sorted(summary.items())))
        console = Console()
        rows = [[k.id, k.title, _value(k.value), k.unit, k.status] for k in report.kpis]
        print_fitted(console, f"HKEX ESG Code KPIs {year} (GHG regime {report.regime})", [
            Column("id", key=True, wrap=False), Column("KPI"), Column("value", numeric=True), Column("unit"),
            Column("status")], rows)
        reported_rows = [[k.id, figure(k.intensity, 4) if k.intensity is not None else "-", k.intensity_unit or "",
                          _value(k.previous)] for k in report.kpis if k.status == "reported"]
        if reported_rows:
            print_fitted(console, f"Reported KPIs: intensity and {year - 1}", [
                Column("id", key=True, wrap=False), Column("intensity", numeric=True), Column("intensity unit"),
                Column(f"{year - 1} value", numeric=True)], reported_rows)
        explained = [k for k in report.kpis if k.status != "reported" and k.reason]
        if explained:
            print_fitted(console, "Not reported: why", [Column("id", key=True, wrap=False), Column("reason")],
                         [[k.id, str(k.reason)] for k in explained])
