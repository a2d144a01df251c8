"""``ultralow compliance``: HJ 75/76 processing and judgement of the store's minute data.

Reads the store read-only (``readings_current`` and, when present, ``marks``), the registry (``--config``
or the copy the store carries) and the packaged limit sets; prints hours, summary, events and findings.
``--engine spark`` runs the same expressions on PySpark over the Parquet export (``--parquet DIR``, or a
temporary export of the store).
"""

from __future__ import annotations

import csv
import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
import ibis
import pyarrow as pa
import pyarrow.compute as pc
from rich.console import Console
from rich.table import Table

from ultralow.cems import Period, run
from ultralow.cems.document import compliance_document
from ultralow.cems.engine import Engine, parquet_readings, spark_engine, store_marks, store_readings
from ultralow.cli.options import config_option, db_option, format_option
from ultralow.registry import Registry, RegistryError
from ultralow.standards import RuleDataError, packaged_catalog, packaged_rules
from ultralow.store import Store, StoreError, export_parquet, resolve_registry


class WorkFailed(Exception):
    """The run could not be done (exit 1); the message names what and where."""


def _err(line: str) -> None:
    click.echo(line, err=True)


def _date(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param=param) from exc


def check_limit_sets(registry: Registry, outlets: list[str]) -> list[str]:
    """One problem line per limit-set entry of a selected outlet that names no known set."""
    known = set(packaged_catalog().sets)
    problems = []
    for outlet in registry.outlets:
        if outlet.id not in outlets:
            continue
        for entry in outlet.limit_sets:
            if entry.split(":", 1)[0] not in known:
                problems.append(f"{registry.path or 'registry'}: outlet {outlet.id}: limit_sets: unknown set "
                                f"{entry!r} (known: {', '.join(sorted(known))})")
    return problems


@contextmanager
def _spark_inputs(store: Store, parquet: str | None) -> Iterator[tuple[Engine, str]]:
    if parquet is not None:
        yield spark_engine(), parquet
        return
    with tempfile.TemporaryDirectory(prefix="ultralow-export-") as tmp:
        target = Path(tmp) / "readings"
        export_parquet(store, target)
        yield spark_engine(), str(target)


def compute(store: Store, registry: Registry, outlet_ids: tuple[str, ...], first: date | None, last: date | None,
            engine_name: str, parquet: str | None, db: str) -> dict[str, Any]:
    """Run the engine and return the JSON document (raises WorkFailed)."""
    selected = [o.id for o in registry.outlets if not outlet_ids or o.id in outlet_ids]
    outlets_arrow = registry.outlets_table()
    outlets_arrow = outlets_arrow.filter(pc.is_in(outlets_arrow["outlet_id"], pa.array(selected)))
    offsets = dict(zip(outlets_arrow["outlet_id"].to_pylist(), outlets_arrow["utc_offset_min"].to_pylist(),
                       strict=True))
    marks_arrow: pa.Table | None = None
    store.con.complete()  # this DuckDB refuses new work while a fetchone() result is pending
    store.con.execute("SET enable_progress_bar = false").fetchall()  # stdout carries the JSON document
    duck = Engine("duckdb", ibis.duckdb.from_connection(store.con))
    marks_table = store_marks(duck)
    if marks_table is not None:
        marks_arrow = duck.to_arrow(marks_table.select("outlet_id", "code", "start_time", "end_time", "mark_type",
                                                       "origin", "reason"))
    with (_spark_inputs(store, parquet) if engine_name == "spark" else _duck(duck)) as (engine, source):
        readings = store_readings(engine) if engine_name == "duckdb" else parquet_readings(engine, source)
        readings = readings.filter(readings.outlet_id.isin(selected)) if selected else readings.limit(0)
        minutes = readings.filter(readings.kind == "minute")
        span = engine.to_arrow(minutes.aggregate(first=minutes.data_time.min(), last=minutes.data_time.max(),
                                                 rows=minutes.count()))
        row = span.to_pylist()[0]
        start = first or (row["first"].date() if row["first"] else None)
        end = last or (row["last"].date() if row["last"] else None)
        if start is None or end is None:
            raise WorkFailed(f"{db}: no minute readings for the selected outlets; nothing to judge")
        if end < start:
            raise WorkFailed(f"--from {start} is after --to {end}")
        period = Period.inclusive(start, end)
        limits = engine.load(packaged_catalog().table())
        marks = engine.load(marks_arrow) if marks_arrow is not None else None
        result = run(readings, engine.load(outlets_arrow), limits, marks, period, engine=engine)
        tables = {name: engine.to_arrow(expr) for name, expr in result.tables().items()}
        candidates = engine.to_arrow(result.candidates)
    inputs = {"db": db, "registry": registry.path or "store copy", "outlets": selected,
              "minute_rows": int(row["rows"]), "limit_sets": sorted(packaged_catalog().sets),
              "marks": 0 if marks_arrow is None else marks_arrow.num_rows}
    return compliance_document(tables, candidates, offsets, packaged_rules(), period, engine_name, inputs)


@contextmanager
def _duck(engine: Engine) -> Iterator[tuple[Engine, str]]:
    yield engine, ""


def print_tables(doc: dict[str, Any], console: Console) -> None:
    period = doc["evidence"]["period"]
    console.print(f"[bold]Compliance[/] {period['from']} .. {period['to']} ({doc['evidence']['engine']})")
    summary = Table("outlet", "code", "operating h", "valid h", "capture", "exceeded h", "compliance",
                    "max corrected mg/m3", title="Summary per outlet and pollutant")
    for r in doc["summary"]:
        summary.add_row(r["outlet"], r["code"], str(r["hours_operating"]), str(r["hours_valid"]),
                        _pct(r["capture_rate"]), str(r["hours_exceeded"]), _pct(r["compliance_rate"]),
                        _num(r["max_corrected_mg_m3"]))
    console.print(summary)
    if doc["ultra_low"]:
        ul = Table("outlet", "quarter", "assessed h", "meeting h", "ratio", "tier", title="Ultra-low time ratio")
        for r in doc["ultra_low"]:
            ul.add_row(r["outlet"], f"{r['year']}Q{r['quarter']}", str(r["hours_assessed"]), str(r["hours_meeting"]),
                       _pct(r["ratio"]), str(r["tier"] or "-"))
        console.print(ul)
    events = Table("outlet", "code", "start", "hours", "peak mg/m3", "limit", "set", title="Exceedance events")
    for r in doc["events"][:50]:
        events.add_row(r["outlet"], r["code"], r["start"], str(r["duration_h"]), _num(r["peak_corrected_mg_m3"]),
                       _num(r["limit_mg_m3"]), r["limit_set"])
    console.print(events)
    if len(doc["events"]) > 50:
        console.print(f"… {len(doc['events']) - 50} more events (--format json for all)")
    counts: dict[str, int] = {}
    for f in doc["findings"]:
        counts[f["finding"]] = counts.get(f["finding"], 0) + 1
    findings = Table("finding", "count", title="Findings")
    for name, n in sorted(counts.items()):
        findings.add_row(name, str(n))
    console.print(findings)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.2f} %"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def write_csv(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


@click.command()
@db_option
@config_option
@click.option("--outlet", "outlets", multiple=True, help="Only this outlet id (repeatable).")
@click.option("--from", "first", callback=_date, help="First local day (YYYY-MM-DD); default: first data day.")
@click.option("--to", "last", callback=_date, help="Last local day, included; default: last data day.")
@format_option("table", "json", "csv")
@click.option("--engine", "engine_name", type=click.Choice(["duckdb", "spark"]), default="duckdb",
              show_default=True, help="duckdb (embedded) or spark (PySpark local[2] over the Parquet export).")
@click.option("--parquet", type=click.Path(file_okay=False), default=None,
              help="With --engine spark: the Parquet export to read (default: export the store to a temp dir).")
def compliance(db: str, config: str, outlets: tuple[str, ...], first: date | None, last: date | None, fmt: str,
               engine_name: str, parquet: str | None) -> None:
    """Judge the store's minute data by HJ 75/76 and the limit sets: valid hours, O2-corrected values,
    exceedances and events, capture and compliance rates, ultra-low ratios, data-quality findings.
    --format csv prints the hours. Exit 0 when the run completed (exceedances are results), 1 when it
    could not run, 2 on usage errors."""
    if not Path(db).exists():
        _err(f"{db}: store not found")
        sys.exit(1)
    try:
        store = Store(db, read_only=True)
    except StoreError as exc:
        _err(str(exc))
        sys.exit(1)
    try:
        registry = resolve_registry(config, store)
        unknown = [o for o in outlets if o not in {x.id for x in registry.outlets}]
        if unknown:
            for o in unknown:
                _err(f"--outlet: {o!r} is not an outlet of the registry {registry.path or '(store copy)'}")
            _err(f"{len(unknown)} problem{'s' if len(unknown) != 1 else ''}")
            sys.exit(2)
        selected = [o.id for o in registry.outlets if not outlets or o.id in outlets]
        warnings = check_limit_sets(registry, selected)
        for line in warnings:
            _err(line)
        started = datetime.now()
        doc = compute(store, registry, outlets, first, last, engine_name, parquet, db)
        _err(f"judged {len(doc['hours'])} outlet-pollutant hours in {(datetime.now() - started).total_seconds():.1f} s")
    except (RegistryError, RuleDataError, WorkFailed, StoreError, FileNotFoundError) as exc:
        for line in str(exc).splitlines():
            _err(line)
        sys.exit(1)
    finally:
        store.close()
    if fmt == "json":
        click.echo(json.dumps(doc, ensure_ascii=False, allow_nan=False))
    elif fmt == "csv":
        write_csv(doc["hours"])
    else:
        print_tables(doc, Console())

