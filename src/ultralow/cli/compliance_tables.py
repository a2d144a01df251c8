"""The tables ``ultralow compliance`` prints for people, fitted to the terminal (80 columns and up)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from rich.console import Console

from ultralow.app import Judgement
from ultralow.registry import Registry
from ultralow.terminal_tables import Column, Legend, print_fitted, print_legend

MAX_EVENTS = 50


def pct(value: float | None) -> str:
    """A ratio as a percentage; below 1 it never reads 100.00 % (a few exceeded hours in a year)."""
    if value is None:
        return "-"
    text = f"{value * 100:.2f} %"
    if value < 1.0 and text.startswith("100.00"):
        text = f"{value * 100:.4f} %"
    return text


def num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def count(value: Any) -> str:
    return "-" if value is None else f"{int(value):,}"


def _rows(table: pa.Table, keys: list[str]) -> list[dict[str, Any]]:
    keys = [k for k in keys if k in table.column_names]
    rows: list[dict[str, Any]] = (table.sort_by([(k, "ascending") for k in keys]) if keys else table).to_pylist()
    return rows


def print_rollups(rollups: pa.Table, registry: Registry, console: Console, title: str) -> None:
    names = {b.id: b.name for b in registry.bases}
    rows = []
    for r in rollups.to_pylist():
        base = "group" if r["level"] == "group" else ("all bases" if r["level"] == "source_type"
                                                       else names.get(r["base"], r["base"]))
        rows.append([base, r["source_type"], count(r["outlets"]), pct(r["capture_rate"]), pct(r["compliance_rate"]),
                     count(r["hours_exceeded"]),
                     pct(r["ultra_low_ratio"]) if r["ultra_low_assessed"] else "-",
                     num(r["so2_t"], 1), num(r["nox_t"], 1), num(r["pm_t"], 1)])
    columns = [Column("base", key=True), Column("source type", key=True), Column("outlets", numeric=True),
               Column("capture", numeric=True), Column("compliance", numeric=True),
               Column("exceeded h", numeric=True), Column("ultra-low ratio", numeric=True),
               Column("SO2 t", numeric=True), Column("NOx t", numeric=True), Column("PM t", numeric=True)]
    print_fitted(console, title, columns, rows)


def print_tables(judgement: Judgement, registry: Registry, console: Console, *, summary_only: bool = False) -> None:
    period = judgement.period.as_dict()
    console.print(f"[bold]Compliance[/] {period['from']} .. {period['to']} ({judgement.engine})", highlight=False)
    outlet = Column("outlet", key=True, abbreviate=True)
    legend = Legend(judgement.outlet_ids)  # #1 is the first selected outlet in every table
    summary = [[r["outlet_id"], r["code"], count(r["hours_operating"]), count(r["hours_valid"]), pct(r["capture_rate"]),
                count(r["hours_exceeded"]), pct(r["compliance_rate"]), num(r["max_corrected_mg_m3"])]
               for r in _rows(judgement.tables["summary"], ["outlet_id", "code"])]
    print_fitted(console, "Summary per outlet and pollutant", [
        outlet, Column("code", key=True), Column("operating h", numeric=True), Column("valid h", numeric=True),
        Column("capture", numeric=True), Column("exceeded h", numeric=True), Column("compliance", numeric=True),
        Column("max corrected mg/m3", numeric=True)], summary, legend=legend)
    print_rollups(judgement.rollups, registry, console, "Per base and source type")
    ultra = [[r["outlet_id"], f"{r['year']}Q{r['quarter']}", count(r["hours_assessed"]), count(r["hours_meeting"]),
              pct(r["ratio"]), str(r["tier"] or "-")]
             for r in _rows(judgement.tables["ultra_low"], ["outlet_id", "year", "quarter"])]
    if ultra:
        print_fitted(console, "Ultra-low time ratio", [
            outlet, Column("quarter", key=True), Column("assessed h", numeric=True), Column("meeting h", numeric=True),
            Column("ratio", numeric=True), Column("tier")], ultra, legend=legend)
    events = _rows(judgement.tables["events"], ["outlet_id", "code", "start"])
    if not summary_only:
        rows = [[r["outlet_id"], r["code"], r["start"].strftime("%Y-%m-%d %H:%M") if r["start"] else "-",
                 count(r["duration_h"]), num(r["peak_corrected_mg_m3"]), num(r["limit_mg_m3"]), str(r["limit_set"])]
                for r in events[:MAX_EVENTS]]
        print_fitted(console, "Exceedance events", [
            outlet, Column("code", key=True), Column("start", numeric=True), Column("hours", numeric=True),
            Column("peak mg/m3", numeric=True), Column("limit mg/m3", numeric=True), Column("limit set")], rows,
            legend=legend)
    if len(events) > MAX_EVENTS or (summary_only and events):
        shown = 0 if summary_only else MAX_EVENTS
        console.print(f"… {len(events) - shown} {'' if summary_only else 'more '}exceedance events "
                      "(--format json for all)", highlight=False)
    counts: dict[str, int] = {}
    for name in judgement.tables["findings"].column("finding").to_pylist():
        counts[name] = counts.get(name, 0) + 1
    print_fitted(console, "Findings", [Column("finding"), Column("count", numeric=True)],
                 [[k, count(v)] for k, v in sorted(counts.items())])
    print_legend(console, legend, "Outlets (labels used above)")
