"""``ultralow ghg`` and ``ultralow cbam``: the year's GHG inventory per regime and the CBAM embedded
emissions per installation, from the approved ledgers (front ends of :mod:`ultralow.app.ghg`)."""

from __future__ import annotations

import csv
import json
import sys
from typing import Any

import click
from rich.console import Console

from ultralow.app import Application, UsageProblem, csv_cell
from ultralow.app.ghg import REGIMES, cbam, cbam_summary, ghg_inventory, measured_co2
from ultralow.cli.options import config_option, db_option, format_option, given_config
from ultralow.cli.progress import terminal_progress
from ultralow.cli.reporting import reported, stderr_line
from ultralow.terminal_tables import Column, print_fitted

YEAR = click.IntRange(1990, 2100)


def figure(value: float | None, digits: int = 0) -> str:
    """A figure for people: thousands separated, ``-`` for a null (never a zero)."""
    if value is None:
        return "-"
    if digits == 0 and abs(value) < 100 and value != int(value):
        return f"{value:,.3g}"
    return f"{value:,.{digits}f}"


def _no_rows_note(year: int, count: int) -> None:
    if count == 0:
        stderr_line(f"no approved production rows for {year}: nothing to account (import and approve the "
                    "production ledger: ultralow ledger import / approve)")


@click.command()
@click.option("--year", type=YEAR, required=True, help="The reporting year YYYY.")
@click.option("--regime", type=click.Choice(sorted(REGIMES)), default="hkex", show_default=True,
              help="Which rules turn gas masses into CO2e: GWP set, PFC coefficients, boundary.")
@click.option("--cems", "with_cems", is_flag=True,
              help="Run the compliance engine for the year and set the CO2 its coal units measure (a05001) beside "
                   "the calculated captive-power CO2.")
@db_option
@config_option
@format_option("table", "json", "csv")
def ghg(year: int, regime: str, with_cems: bool, db: str, config: str, fmt: str) -> None:
    """Scope 1 and 2 by base and for the group, each source line with its gas masses (CO2, CF4, C2F6),
    method, factors and ledger rows, intensities per tonne of aluminium and alumina, and the PFC figures by
    both coefficient sets. Only approved ledger rows are read. --format csv prints the source lines."""
    with reported():
        with Application.open(db, given_config(config)) as app:
            measured = None
            if with_cems:
                with terminal_progress() as progress:
                    judgement = app.judge(year=year, progress=progress)
                measured = measured_co2(judgement.tables["emissions"], app.registry.outlets_table(), year)
                if not measured:
                    stderr_line(f"no coal unit of the store measures CO2 (a05001) in {year}: nothing to set beside "
                                "the calculated figure")
            inv = ghg_inventory(app.store, year, regime, measured_co2=measured)
        _no_rows_note(year, len(inv.production))
        if fmt == "json":
            click.echo(json.dumps(inv.to_json(), ensure_ascii=False))
            return
        if fmt == "csv":
            sys.stdout.write("\ufeff")
            writer = csv.writer(sys.stdout)
            writer.writerow(["year", "regime", "base", "category", "scope", "source", "method", "co2_t", "cf4_t",
                             "c2f6_t", "co2e_t", "gwp_set", "ledger_rows", "factors"])
            for ln in inv.lines:
                writer.writerow([csv_cell(c) for c in (
                    year, regime, ln.base, ln.category, ln.scope, ln.source, ln.method, ln.gases_t.get("CO2"),
                    ln.gases_t.get("CF4"), ln.gases_t.get("C2F6"), ln.co2e_t, inv.regime.gwp_set,
                    list(ln.inputs), [f"{f.id}={f.value} ({f.status})" for f in ln.factors])])
            return
        console = Console()
        console.print(f"[bold]GHG inventory {year}[/], regime {regime}: {inv.regime.title}; GWP {inv.regime.gwp_set}, "
                      f"PFC coefficients {inv.regime.pfc_set}", highlight=False)
        group = inv.to_json()["group"]
        print_fitted(console, "Group", [Column("figure"), Column("value", numeric=True), Column("unit")], [
            ["Scope 1", figure(inv.scope1_t), "t CO2e"],
            ["Scope 2 (location-based)", figure(inv.scope2_t), "t CO2e"],
            ["primary aluminium", figure(group["aluminium_t"]), "t"],
            ["alumina", figure(group["alumina_t"]), "t"],
            ["intensity, aluminium", figure(inv.intensity_t_per_t_aluminium, 3), "t CO2e/t Al"],
            ["intensity, alumina (refineries)", figure(inv.intensity_t_per_t_alumina, 3), "t CO2e/t"],
        ])
        rows = []
        for b in inv.bases:
            product, output, per_t = ("-", None, None)
            if b.aluminium_t:
                product, output, per_t = "Al", b.aluminium_t, b.intensity_t_per_t_aluminium
            elif b.alumina_t:
                product, output, per_t = "alumina", b.alumina_t, b.intensity_t_per_t_alumina
            rows.append([b.base, figure(b.scope1_t), figure(b.scope2_t), figure(output), figure(per_t, 3), product])
        print_fitted(console, "Per base: Scope 1 and 2 (t CO2e), output and t CO2e per t of it", [
            Column("base", key=True, abbreviate=True), Column("Scope 1 t", numeric=True),
            Column("Scope 2 t", numeric=True), Column("output t", numeric=True), Column("t/t", numeric=True),
            Column("product")], rows)
        print_fitted(console, "By category", [Column("category"), Column("t CO2e", numeric=True)],
                     [[k, figure(v)] for k, v in sorted(inv.by_category().items())])
        if inv.pfc_sets:
            print_fitted(console, "PFC by coefficient set (t of gas)", [
                Column("base", key=True, abbreviate=True), Column("set"), Column("method"),
                Column("CF4 t", numeric=True), Column("C2F6 t", numeric=True)],
                [[p["base"], p["set"], p["method"], f"{p['cf4_t']:,.2f}", f"{p['c2f6_t']:,.3f}"]
                 for p in inv.pfc_sets])
        for finding in inv.findings:
            marker = "FINDING: " if finding.get("finding") else ""
            console.print(f"{marker}{finding['message']}", highlight=False)


def _cbam_rows(results: list[Any]) -> list[list[str]]:
    rows = []
    for r in results:
        bench = r.benchmark.value if r.benchmark else None
        rows.append([r.installation, figure(r.aluminium_t), figure(r.direct_t_co2e), figure(r.captive_power_t_co2e),
                     figure(r.attributed_direct_t_co2e), figure(r.see_direct_t_co2e_per_t, 3), figure(bench, 3),
                     figure(r.default_with_markup, 3)])
    return rows


@click.command("cbam")
@click.option("--year", type=YEAR, required=True, help="The year YYYY (the definitive period starts in 2026).")
@click.option("--installation", default=None, help="One installation (a smelting base id); default every one.")
@db_option
@config_option
@format_option("table", "json")
def cbam_command(year: int, installation: str | None, db: str, config: str, fmt: str) -> None:
    """CBAM specific direct embedded emissions of unwrought aluminium (CN 7601) per installation: direct
    emissions, the captive-power emissions removed (IR 2025/2547 Annex III A.3), PFCs with the EU
    coefficients and AR5, against the benchmark and the default value; json adds the summary each
    installation sends its EU importers (Annex IV §1.2)."""
    with reported():
        with Application.open(db, given_config(config)) as app:
            known = [b.id for b in app.registry.bases]
            if installation is not None and installation not in known:
                raise UsageProblem([f"--installation: {installation!r} is not a base of the registry "
                                    f"(known: {', '.join(known)})"])
            results = cbam(app.store, year, installation)
            operator = app.registry.group_name or "operator"
        if installation is not None and not results:
            raise UsageProblem([f"--installation: {installation} has no approved aluminium production in {year}: "
                                "not a CBAM installation for unwrought aluminium"])
        if not results:
            stderr_line(f"no installation with approved aluminium production in {year}")
        if fmt == "json":
            click.echo(json.dumps({"year": year, "cn_code": "7601", "installations": [
                {**r.to_json(), "importer_summary": cbam_summary(r, operator)} for r in results]},
                ensure_ascii=False))
            return
        console = Console()
        console.print(f"[bold]CBAM {year}[/]: unwrought aluminium (CN 7601), specific direct embedded emissions "
                      "(SEE), t CO2e per t", highlight=False)
        print_fitted(console, "Installations", [
            Column("installation", key=True, abbreviate=True), Column("aluminium t", numeric=True),
            Column("direct t", numeric=True), Column("Em_el,prod t", numeric=True),
            Column("attributed t", numeric=True), Column("SEE t/t", numeric=True), Column("benchmark", numeric=True),
            Column("default+markup", numeric=True)], _cbam_rows(results))
        notes: dict[str, list[str]] = {}
        for r in results:
            for n in r.notes:
                notes.setdefault(n, []).append(r.installation)
        for note, where in notes.items():
            who = "" if len(where) == len(results) else f"{', '.join(where)}: "
            console.print(f"note: {who}{note}", highlight=False)
        if results:
            console.print("formula: AttrEm_dir = max(0, DirEm - Em_el,prod); SEE = AttrEm_dir / AL "
                          "(--format json for the importer summary)", highlight=False)
