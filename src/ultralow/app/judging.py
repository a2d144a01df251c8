"""Judging outlets over a period: the store's minute readings, the registry rows, the packaged limit sets and
the marks into the compliance engine (``ultralow.cems.run``); its tables out as Arrow, passed through as the
engine made them (columns the engine adds flow through), plus the roll-ups and the evidence.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from ultralow import __version__
from ultralow.app.period import DataSpan
from ultralow.app.provenance import data_days, provenance, readings_fingerprint, software
from ultralow.app.qa import records as qa_records
from ultralow.app.rollups import rollups
from ultralow.app.setup import fetching
from ultralow.cems import Period, run
from ultralow.cems.engine import Engine, parquet_readings, spark_engine, store_marks, store_readings
from ultralow.cems.period import substitution_context
from ultralow.cems.qa import qa_findings, qa_marks
from ultralow.registry import Registry
from ultralow.standards import LimitCatalog, RuleBook
from ultralow.store import Store, export_parquet

# A progress callback: (stage, done, total); total None when unknown. Stages: "readings", "engine",
# "tables" (done/total count the tables fetched), "write" (rows written, for outputs).
Progress = Callable[[str, int, int | None], None]

ENGINE_TABLES = ("hours", "summary", "events", "findings", "days", "months", "ultra_low", "emissions")


def no_progress(_stage: str, _done: int, _total: int | None) -> None:
    """The default progress callback: nothing."""


@dataclass
class Judgement:
    """One judgement: the engine's tables (Arrow, as the engine returned them), the limit rows applied,
    the roll-ups per base and source type, and the evidence (software, engine, period, inputs, rules).

    ``tables`` holds at least :data:`ENGINE_TABLES`; ``offsets`` is each outlet's UTC offset in minutes
    (times in the tables are plant-local clock times).
    """

    period: Period
    outlet_ids: tuple[str, ...]
    tables: dict[str, pa.Table]
    limits: pa.Table
    rollups: pa.Table
    offsets: dict[str, int]
    engine: str
    inputs: dict[str, Any]
    rules: RuleBook
    outlets: pa.Table = field(repr=False, default_factory=pa.table)

    @property
    def hours(self) -> pa.Table:
        return self.tables["hours"]

    @property
    def empty(self) -> bool:
        """True when the period held no minute reading of the selected outlets."""
        return int(self.inputs.get("minute_rows", 0)) == 0

    def with_outlet_columns(self, name: str) -> pa.Table:
        """Table ``name`` with each outlet's ``base`` and ``source_type`` (registry) as extra columns."""
        table = self.tables[name]
        keep = [c for c in ("base", "source_type") if c not in table.column_names]
        if not keep:
            return table
        lookup = self.outlets.select(["outlet_id", *keep])
        index = pc.index_in(table["outlet_id"], lookup["outlet_id"])
        for column in keep:
            table = table.append_column(column, pc.take(lookup[column], index))
        return table

    def evidence(self) -> dict[str, Any]:
        """Where the figures come from: software, engine, period, inputs and every rule with its status."""
        prov = self.inputs.get("provenance", {})
        return {
            "software": f"ultralow {__version__}",
            "version": __version__,
            "commit": software()["commit"],
            "run_at": prov.get("run_at"),
            "data_cut_off": prov.get("data_cut_off"),
            "input_hash": prov.get("input_hash"),
            "basis": prov.get("basis"),
            "engine": self.engine,
            "period": self.period.as_dict(),
            "inputs": self.inputs,
            "rules": [{"id": r.id, "value": r.value, "unit": r.unit, "source": r.source, "status": r.status}
                      for r in self.rules.all_rules()],
        }


def data_span(engine: Engine, outlet_ids: list[str], period: Period | None = None) -> DataSpan:
    """First/last minute reading time and row count of ``outlet_ids`` (inside ``period`` when given)."""
    readings = store_readings(engine)
    minutes = readings.filter(readings.kind == "minute")
    minutes = minutes.filter(minutes.outlet_id.isin(outlet_ids)) if outlet_ids else minutes.limit(0)
    if period is not None:
        minutes = minutes.filter((minutes.data_time >= period.start_time) & (minutes.data_time < period.end_time))
    row = engine.to_arrow(minutes.aggregate(first=minutes.data_time.min(), last=minutes.data_time.max(),
                                            rows=minutes.count())).to_pylist()[0]
    return DataSpan(row["first"], row["last"], int(row["rows"] or 0))


def duck_engine(store: Store) -> Engine:
    """An Ibis DuckDB engine on the store's own connection (no second connection to the file)."""
    store.con.complete()  # DuckDB refuses new work while a fetchone() result is pending
    store.con.execute("SET enable_progress_bar = false").fetchall()  # stdout may carry a JSON document
    return Engine("duckdb", ibis.duckdb.from_connection(store.con))


def _marks(engine: Engine) -> pa.Table | None:
    table = store_marks(engine)
    if table is None:
        return None
    return engine.to_arrow(table.select("outlet_id", "code", "start_time", "end_time", "mark_type", "origin",
                                        "reason"))


@contextmanager
def _spark(store: Store, parquet: str | None) -> Iterator[tuple[Engine, str]]:
    if parquet is not None:
        yield spark_engine(), parquet
        return
    with tempfile.TemporaryDirectory(prefix="ultralow-export-") as tmp:
        target = Path(tmp) / "readings"
        export_parquet(store, target)
        yield spark_engine(), str(target)


def _drop_temp_tables(store: Store) -> None:
    """The engine's intermediate temp tables (``ul_*``) of this connection, dropped after a run."""
    store.con.complete()
    names = store.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE 'ul\\_%' ESCAPE '\\'"
    ).fetchall()
    for (name,) in names:
        store.con.execute(f'DROP TABLE IF EXISTS temp."{name}"')  # names the engine made: ul_<word>_<n>


# Writes one engine table inside DuckDB: (table name, the SELECT statement that gives its rows, the Arrow schema
# the judgement would have fetched it in) -> rows written.
TableWriter = Callable[[str, str, pa.Schema], int]


def judge_store(store: Store, registry: Registry, catalog: LimitCatalog, rules: RuleBook, outlet_ids: list[str],
                period: Period, *, engine_name: str = "duckdb", parquet: str | None = None,
                progress: Progress = no_progress, write: TableWriter | None = None,
                names: tuple[str, ...] = ENGINE_TABLES) -> Judgement:
    """Run the engine on ``store`` for ``outlet_ids`` over ``period`` (see :class:`Judgement`).

    ``names``: the engine tables wanted (the others are not computed). ``write`` (DuckDB only): each wanted
    table goes to ``write(name, sql, schema)`` on the store's connection instead of being fetched into Arrow (the
    stored results' full run writes a year of hour rows without a round trip through Python); the
    judgement's table is then empty, with the engine's schema, and ``inputs["written"]`` counts the rows.
    The roll-ups need summary, ultra_low and emissions: without them they are an empty table."""
    if write is not None and engine_name != "duckdb":
        raise ValueError("write= needs the DuckDB engine (the tables are written by the store's connection)")
    outlets = registry.outlets_table()
    outlets = outlets.filter(pc.is_in(outlets["outlet_id"], pa.array(outlet_ids, pa.string())))
    offsets = dict(zip(outlets["outlet_id"].to_pylist(), outlets["utc_offset_min"].to_pylist(), strict=True))
    with store.lock:
        duck = duck_engine(store)
        progress("readings", 0, None)
        first_day, last_day = data_days(store.con, outlet_ids)
        context = substitution_context(period, first_day, last_day)
        fingerprint = readings_fingerprint(store.con, outlet_ids, context, period)
        span = DataSpan(fingerprint["first"], fingerprint["last"], fingerprint["minute_rows"])
        marks_arrow = _marks(duck)
        qa = qa_records(store.con, list(outlet_ids))
        if qa.num_rows:  # QA out-of-control windows join the marks (origin "qa")
            windows = qa_marks(qa, rules, context.end_time)
            marks_arrow = windows if marks_arrow is None else pa.concat_tables(
                [marks_arrow.cast(windows.schema), windows])
        qa_found = qa_findings(qa, rules, period)
        progress("readings", 1, 1)
        try:
            with (_spark(store, parquet) if engine_name == "spark" else _same(duck)) as (engine, source):
                readings = store_readings(engine) if engine_name == "duckdb" else parquet_readings(engine, source)
                readings = readings.filter(readings.outlet_id.isin(outlet_ids)) if outlet_ids else readings.limit(0)
                progress("engine", 0, None)
                result = run(readings, engine.load(outlets), engine.load(catalog.table()),
                             engine.load(marks_arrow) if marks_arrow is not None else None, period,
                             rules=rules, engine=engine, context=context,
                             extra_findings=engine.load(qa_found) if qa_found.num_rows else None)
                progress("engine", 1, 1)
                named = {name: expr for name, expr in result.tables().items() if name in names}
                tables: dict[str, pa.Table] = {}
                written: dict[str, int] = {}
                with fetching(store) if engine_name == "duckdb" else nullcontext():
                    for done, (name, expr) in enumerate(named.items()):
                        progress("tables", done, len(named))
                        if write is None:
                            tables[name] = engine.to_arrow(expr)
                            continue
                        engine.con._run_pre_execute_hooks(expr)  # registers the memtables the SQL reads
                        schema = expr.schema().to_pyarrow()
                        written[name] = write(name, str(engine.con.compile(expr)), schema)
                        tables[name] = schema.empty_table()
                    progress("tables", len(named), len(named))
                    limits = engine.to_arrow(result.candidates)
        finally:
            if engine_name == "duckdb":
                _drop_temp_tables(store)
    inputs = {"db": str(store.path), "registry": registry.path or "store copy", "outlets": list(outlet_ids),
              "minute_rows": span.minute_rows, "limit_sets": sorted(catalog.sets),
              "marks": 0 if marks_arrow is None else marks_arrow.num_rows,
              "qa_records": qa.num_rows,
              "provenance": provenance(fingerprint, marks_arrow, qa, outlets, context)}
    if write is not None:
        inputs["written"] = written
    rolled = (rollups(registry, outlet_ids, tables["summary"], tables["ultra_low"], tables["emissions"])
              if {"summary", "ultra_low", "emissions"} <= tables.keys() else pa.table({}))
    return Judgement(
        period=period, outlet_ids=tuple(outlet_ids), tables=tables, limits=limits, rollups=rolled,
        offsets={str(k): int(v) for k, v in offsets.items()}, engine=engine_name, inputs=inputs, rules=rules,
        outlets=outlets,
    )


@contextmanager
def _same(engine: Engine) -> Iterator[tuple[Engine, str]]:
    yield engine, ""
