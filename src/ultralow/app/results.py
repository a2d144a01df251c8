"""Stored judgement results, kept up to date incrementally: the dashboard and the alarms read them instead of
judging again.

Three tables take the engine's own columns: ``result_hours`` (one row per outlet, pollutant and clock hour, the
rows of ``ultralow compliance``'s hours), ``result_days`` and ``result_events``; each row carries the ``run_id``
of the ``result_runs`` row that wrote it (run time, data cut-off, input hash, rules, registry and column hashes,
software version and commit). ``result_hours.settled`` says whether the row is final.

- :func:`rebuild` (a *full* run): judges every outlet over all the days with data, and writes every table
  anew. The reference: what the other runs must agree with.
- :func:`update`: finds what arrived since the last run's data cut-off (minute readings received at or after
  it, marks entered or withdrawn, QA records imported) as dirty (outlet, clock hour) pairs, and judges only
  those hours (an *hours* run), through the engine's own SQL replayed on the new minutes
  (:mod:`ultralow.cems.replay`). Every column that depends on the hour's own minutes, marks and limits is then
  what a full run gives; the columns that read beyond the hour (the quarter's ``alpha``, the substitution of a
  gap and the emission total, ``suspect`` from the low-variance history) are provisional: the row is stored
  with ``settled = false``. The days of the dirty hours and the events of the dirty outlets are recomputed
  from the stored hours with the engine's functions (they read only final columns, apart from an event's
  ``suspect_hours``).
- :func:`settle` (a *settle* run; ``update(settle=True)``): judges the outlets with unsettled rows again from
  the start of the quarter of their first unsettled hour to the end of the data (the quarter's alpha and the
  look-back read the quarter before it: ``substitution_context``) and replaces their rows, settled. After it,
  the tables equal a full run's on the same data (``tests/app/test_results.py`` compares them as tables).

A change of the rules, the registry or the engine's columns makes :func:`update` a full run. Limits of the
design (what a full run can see and an update cannot): a pollutant whose last data lies more than a quarter
before the settled period gets no rows there, and a substitution gap that starts before the settled quarter
keeps its earlier rows' rule.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from ultralow.app.judging import Judgement, Progress, duck_engine, no_progress
from ultralow.app.provenance import input_hash, minutes_fingerprint, rules_digest, software, table_digest
from ultralow.app.qa import records as qa_records
from ultralow.cems import Period, run
from ultralow.cems.engine import READING_COLUMNS
from ultralow.cems.events import exceedance_events
from ultralow.cems.period import quarter_start
from ultralow.cems.qa import qa_marks
from ultralow.cems.rates import days as day_rows
from ultralow.cems.replay import Plan, PlanMismatch, RecordingEngine
from ultralow.store import Store
from ultralow.store.sql import aggregate_row, table_exists
from ultralow.store.store import register, unregister

RESULT_TABLES = ("result_hours", "result_days", "result_events")
# the hour columns an hours run leaves provisional (they read beyond the hour); settle makes them final
PROVISIONAL_COLUMNS = ("alpha", "substitute_kg", "substitution_rule", "emission_total_kg", "suspect",
                       "suspect_finding")
# the period the replayed plan is built for: its minutes and hours are chosen by the inputs, not by dates
_WIDE = Period(date(2000, 1, 1), date(2100, 1, 1))
_MARK_COLUMNS = ("outlet_id", "code", "start_time", "end_time", "mark_type", "origin", "reason")


@dataclass(frozen=True, slots=True)
class ResultsRun:
    """What one results run did."""

    run_id: int
    kind: str  # full | hours | settle | none (nothing new)
    outlets: int
    hours: int
    days: int
    events: int
    seconds: float
    data_cut_off: datetime | None
    first_hour: datetime | None
    last_hour: datetime | None
    input_hash: str | None = None

    def line(self) -> str:
        if self.kind == "none":
            return "stored results: nothing new since the last run"
        span = ""
        if self.first_hour is not None and self.last_hour is not None:
            span = f" ({self.first_hour:%Y-%m-%d %H:%M} to {self.last_hour:%Y-%m-%d %H:%M})"
        return (f"stored results, {self.kind} run {self.run_id}: {self.hours:,} hour row(s) of {self.outlets} "
                f"outlet(s){span}, {self.days:,} day row(s), {self.events:,} event row(s) in "
                f"{self.seconds * 1000:.0f} ms")

    def as_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "kind": self.kind, "outlets": self.outlets, "hours": self.hours,
                "days": self.days, "events": self.events, "seconds": round(self.seconds, 4),
                "data_cut_off": self.data_cut_off.isoformat() if self.data_cut_off else None,
                "first_hour": self.first_hour.isoformat() if self.first_hour else None,
                "last_hour": self.last_hour.isoformat() if self.last_hour else None,
                "input_hash": self.input_hash}


# -- the store side ----------------------------------------------------------------------------------------
_WRITERS: dict[str, threading.RLock] = {}
_WRITERS_LOCK = threading.Lock()


def writing(store: Store) -> threading.RLock:
    """The lock every results run of this process takes on ``store``'s database: the dashboard's monitor and
    ``serve``'s results task write through connections of their own (cursors), and two runs replacing the same
    rows at once would end in a DuckDB transaction conflict. Re-entrant: an update may turn into a full run."""
    key = str(store.path.resolve()) if store.path is not None else f"memory:{id(store)}"
    with _WRITERS_LOCK:
        return _WRITERS.setdefault(key, threading.RLock())


def has_results(store: Store) -> bool:
    """True when the store holds results from a full run."""
    with store.lock:
        store.con.complete()
        return table_exists(store.con, "result_runs") and table_exists(store.con, "result_hours") and bool(
            aggregate_row(store.con, "SELECT count(*) FROM result_runs WHERE kind = 'full'")[0])


def last_run(store: Store) -> dict[str, Any] | None:
    """The newest result_runs row (as a dict), None when there is none."""
    with store.lock:
        store.con.complete()
        if not table_exists(store.con, "result_runs"):
            return None
        table = store.con.sql("SELECT * FROM result_runs ORDER BY run_id DESC LIMIT 1").to_arrow_table()
        rows = table.to_pylist()
        return rows[0] if rows else None


def runs(store: Store, limit: int = 20) -> pa.Table:
    """The newest result_runs rows, newest first."""
    with store.lock:
        store.con.complete()
        return store.con.sql("SELECT * FROM result_runs ORDER BY run_id DESC LIMIT ?", params=[limit]).to_arrow_table()


def stored_hours(store: Store, outlet_ids: Iterable[str], first: date, last: date,
                 columns: Iterable[str] | None = None) -> pa.Table:
    """Stored hour rows of ``outlet_ids`` on the local days ``first``..``last`` (all columns, or ``columns``
    that exist), ordered by outlet, pollutant and hour."""
    ids = list(outlet_ids)
    with store.lock:
        store.con.complete()
        have = [r[0] for r in store.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'result_hours' "
            "AND table_schema = 'main' ORDER BY ordinal_position").fetchall()]
        chosen = [c for c in (columns or have) if c in have]
        select = ", ".join(f'"{c}"' for c in chosen)
        return store.con.sql(
            f"SELECT {select} FROM result_hours WHERE list_contains(?, outlet_id) AND hour >= ? AND hour < ? "  # noqa: S608
            "ORDER BY outlet_id, code, hour",
            params=[ids, datetime.combine(first, datetime.min.time()),
                    datetime.combine(last + timedelta(days=1), datetime.min.time())]).to_arrow_table()


def _state(con: Any) -> tuple[dict[str, Any] | None, int, datetime | None]:
    """In one read: the newest result_runs row (None: no run), the newest full run's id (0: none) and the
    latest ``last_hour`` of any run."""
    table = con.sql("SELECT r.*, (SELECT coalesce(max(run_id), 0) FROM result_runs WHERE kind = 'full') AS _ul_full, "
                    "(SELECT max(last_hour) FROM result_runs) AS _ul_last_hour FROM result_runs AS r "
                    "ORDER BY run_id DESC LIMIT 1").to_arrow_table()
    if table.num_rows == 0:
        return None, 0, None
    row = table.to_pylist()[0]
    return row, int(row.pop("_ul_full")), row.pop("_ul_last_hour")


def _columns_hash(table: pa.Table) -> str:
    text = ";".join(f"{f.name}:{f.type}" for f in table.schema)
    return hashlib.sha256(text.encode()).hexdigest()


def _registry_hash(outlets: pa.Table) -> str:
    return table_digest(outlets)


def _next_run_id(con: Any) -> int:
    return int(aggregate_row(con, "SELECT coalesce(max(run_id), 0) FROM result_runs")[0]) + 1


def _record_run(con: Any, run: ResultsRun, *, rules_hash: str, registry_hash: str, columns_hash: str,
                run_at: datetime) -> None:
    soft = software()
    con.execute(
        "INSERT INTO result_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run.run_id, run.kind, run_at, run.data_cut_off, run.input_hash, rules_hash, registry_hash, columns_hash,
         soft["version"], soft["commit"], run.outlets, run.first_hour, run.last_hour, run.hours, run.days,
         run.events, run.seconds])


def _cut_off(judgement: Judgement) -> datetime | None:
    text = judgement.inputs.get("provenance", {}).get("data_cut_off")
    return datetime.fromisoformat(text) if text else None


def _stamp(table: pa.Table, run_id: int, settled: bool | None) -> pa.Table:
    table = table.append_column("run_id", pa.array([run_id] * table.num_rows, pa.int64()))
    if settled is not None:
        table = table.append_column("settled", pa.array([settled] * table.num_rows, pa.bool_()))
    return table


def _span(hours: pa.Table) -> tuple[datetime | None, datetime | None]:
    if hours.num_rows == 0:
        return None, None
    bounds = pc.min_max(hours["hour"])
    return bounds["min"].as_py(), bounds["max"].as_py()


# -- full run ------------------------------------------------------------------------------------------------
def _rebuild(app: Any, progress: Progress = no_progress) -> ResultsRun:
    """Judge every registry outlet over all the days with data and store hours, days and events anew."""
    started = time.perf_counter()
    ids = app.outlet_ids()
    store: Store = app.store
    with store.lock:
        store.con.complete()
        run_id = _next_run_id(store.con) if table_exists(store.con, "result_runs") else 1
    staged: dict[str, str] = {}

    def write(name: str, sql: str, schema: pa.Schema) -> int:
        # straight from the engine's tables into a staging table, inside DuckDB (no round trip of a year of
        # rows through Arrow); made empty from the engine's Arrow schema first, so the stored types are those
        # the hours runs' inserts (Arrow) have
        target, staging = f"result_{name}", f"_ul_staged_result_{name}"
        con = store.con
        progress("write", 0, None)
        register(con, "_ul_schema", _stamp(schema.empty_table(), run_id, True if name == "hours" else None))
        con.execute(f'CREATE OR REPLACE TABLE "{staging}" AS SELECT * FROM _ul_schema')  # noqa: S608 - code constants
        unregister(con, "_ul_schema")
        extra = f"{run_id}::BIGINT AS run_id" + (", true AS settled" if name == "hours" else "")
        con.execute(f'INSERT INTO "{staging}" BY NAME SELECT *, {extra} FROM ({sql})')  # noqa: S608 - engine SQL
        staged[target] = staging
        return int(aggregate_row(con, f'SELECT count(*) FROM "{staging}"')[0])  # noqa: S608

    judgement = app.judge(ids, period=app.period(ids), progress=progress, write=write,
                          names=("hours", "days", "events"))
    written = judgement.inputs.get("written", {})
    hours = judgement.tables["hours"]
    with store.transaction() as con:
        for target, staging in staged.items():
            con.execute(f"DROP TABLE IF EXISTS {target}")
            con.execute(f'ALTER TABLE "{staging}" RENAME TO {target}')
        first, last = (aggregate_row(con, "SELECT min(hour), max(hour) FROM result_hours")
                       if "result_hours" in staged else (None, None))
        done = ResultsRun(run_id, "full", len(ids), written.get("hours", 0), written.get("days", 0),
                          written.get("events", 0), time.perf_counter() - started, _cut_off(judgement), first, last,
                          judgement.inputs.get("provenance", {}).get("input_hash"))
        _record_run(con, done, rules_hash=rules_digest()[0], registry_hash=_registry_hash(judgement.outlets),
                    columns_hash=_columns_hash(hours), run_at=datetime.now(UTC))
    progress("write", done.hours, done.hours)
    return done


# -- what changed --------------------------------------------------------------------------------------------
def dirty_hours(store: Store, outlet_ids: list[str], since: datetime, *,
                runs_last_hour: datetime | None = None) -> tuple[pa.Table, datetime | None]:
    """(outlet_id, hour) pairs to judge again, and the newest ``received_at`` among them (the new cut-off; None
    when nothing arrived): clock hours with a minute reading received after ``since`` (a new revision is a new
    row; zone maps keep this to the newest row groups), and of marks entered or withdrawn and QA records
    imported since then (their hours up to the newest data hour). ``since`` is the last run's cut-off, the
    newest ``received_at`` it read: a file ingested in several commits under one stamp while a run reads the
    store could leave rows of that stamp unseen (the next full run reads them). ``runs_last_hour``: the latest
    ``last_hour`` of result_runs, when the caller has read it."""
    con = store.con
    con.complete()
    rows = con.sql(
        "SELECT outlet_id, date_trunc('hour', data_time) AS hour, max(received_at) AS received FROM readings "
        "WHERE kind = 'minute' AND received_at > ? AND list_contains(?, outlet_id) GROUP BY ALL",
        params=[since, outlet_ids]).to_arrow_table()
    cut_off = pc.max(rows["received"]).as_py() if rows.num_rows else None
    parts = [rows.select(["outlet_id", "hour"]).cast(pa.schema([("outlet_id", pa.string()),
                                                               ("hour", pa.timestamp("us"))]))]
    if runs_last_hour is None:
        runs_last_hour = aggregate_row(con, "SELECT max(last_hour) FROM result_runs")[0]
    newest = [h for h in (pc.max(rows["hour"]).as_py() if rows.num_rows else None, runs_last_hour) if h is not None]
    if newest:
        data_end = max(newest)
        spans = con.execute(
            "SELECT e.outlet_id, e.start_time, e.end_time FROM mark_entries AS e "
            "LEFT JOIN mark_withdrawals AS w ON e.mark_id = w.mark_id "
            "WHERE (e.entered_at > ? OR w.withdrawn_at > ?) AND list_contains(?, e.outlet_id) "
            "UNION ALL SELECT outlet_id, checked_at, ? FROM qa_records WHERE imported_at > ? "
            "AND list_contains(?, outlet_id)",
            [since, since, outlet_ids, data_end + timedelta(hours=1), since, outlet_ids]).fetchall()
        for outlet_id, start, end in spans:
            hour = start.replace(minute=0, second=0, microsecond=0)
            stop = min(end, data_end + timedelta(hours=1))
            hours = []
            while hour < stop:
                hours.append(hour)
                hour += timedelta(hours=1)
            if hours:
                parts.append(pa.table({"outlet_id": pa.array([outlet_id] * len(hours), pa.string()),
                                       "hour": pa.array(hours, pa.timestamp("us"))}))
    dirty = pa.concat_tables(parts)
    if dirty.num_rows == 0:
        return dirty, cut_off
    dirty = dirty.group_by(["outlet_id", "hour"]).aggregate([]).sort_by([("outlet_id", "ascending"),
                                                                        ("hour", "ascending")])
    return dirty, cut_off


# -- the replayed engine --------------------------------------------------------------------------------------
class HourJudge:
    """Judges chosen (outlet, clock hour) pairs through recorded plans of the engine (one per store
    connection; the first call records, about 2.5 s, later ones replay)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._plans: dict[tuple[Any, ...], Plan] = {}
        self._pairs: tuple[int, pa.Table] | None = None
        self.recorded = 0
        self.replayed = 0

    def known_pairs(self, con: Any, outlet_ids: list[str], full_run: int | None = None) -> pa.Table:
        """The (outlet_id, code) pairs the stored hours hold for ``outlet_ids`` (read once per full run: an
        hours run adds no pair the minutes it judges do not bring themselves). ``full_run``: the newest full
        run's id, when the caller has read it."""
        full = int(aggregate_row(con, "SELECT coalesce(max(run_id), 0) FROM result_runs WHERE kind = 'full'")[0]
                   if full_run is None else full_run)
        if self._pairs is None or self._pairs[0] != full:
            known = (con.sql("SELECT DISTINCT outlet_id, code FROM result_hours").to_arrow_table()
                     if table_exists(con, "result_hours") else
                     pa.table({"outlet_id": pa.array([], pa.string()), "code": pa.array([], pa.string())}))
            self._pairs = (full, known)
        pairs = self._pairs[1]
        return pairs.filter(pc.is_in(pairs["outlet_id"], pa.array(outlet_ids, pa.string())))

    def _replay(self, key: tuple[Any, ...], inputs: dict[str, pa.Table],
                build: Any) -> list[pa.Table]:
        plan = self._plans.get(key)
        if plan is not None:
            try:
                out = plan.run(inputs)
                self.replayed += 1
                return out
            except PlanMismatch:
                pass
        engine = RecordingEngine("duckdb", duck_engine(self.app.store).con)
        outputs = build(engine, {name: engine.role(name, table) for name, table in inputs.items()})
        engine.building = False
        fetched = [engine.to_arrow(expr) for expr in outputs]
        self._plans[key] = engine.plan()
        self.recorded += 1
        return fetched

    def hours(self, readings: pa.Table, outlets: pa.Table, marks: pa.Table | None, grid: pa.Table,
              pairs: pa.Table) -> pa.Table:
        """The engine's hour rows (``HOUR_COLUMNS``) of ``grid``'s hours for the outlets of ``outlets``, from
        ``readings`` (their minutes; other hours are judged from nothing: keep only the hours asked)."""
        app = self.app
        limits = app.catalog.table()
        inputs = {"readings": readings, "outlets": outlets, "hour_grid": grid, "pairs": pairs}
        if marks is not None:
            inputs["marks"] = marks

        def build(engine: RecordingEngine, given: dict[str, pa.Table]) -> list[ir.Table]:
            result = run(engine.load(given["readings"]), engine.load(given["outlets"]), engine.load(limits),
                         engine.load(given["marks"]) if "marks" in given else None, _WIDE, rules=app.rules,
                         engine=engine, context=_WIDE, hour_grid=given["hour_grid"], pairs=given["pairs"])
            return [result.hours]

        return self._replay(("hours", marks is None), inputs, build)[0]

    def days(self, day_hours: pa.Table) -> pa.Table:
        """The engine's day rows of ``day_hours`` (stored hour rows)."""
        rules = self.app.rules
        if "operating" not in day_hours.column_names:  # rates.days reads it; the hour rows carry it as status
            day_hours = day_hours.append_column("operating", pc.not_equal(day_hours["status"], "stopped"))

        def build(engine: RecordingEngine, given: dict[str, pa.Table]) -> list[ir.Table]:
            return [day_rows(engine.load(given["day_hours"]), rules)]

        return self._replay(("days", tuple(day_hours.schema.names)), {"day_hours": day_hours}, build)[0]

    def events(self, event_hours: pa.Table) -> pa.Table:
        """The engine's exceedance events of ``event_hours`` (stored hour rows)."""

        def build(engine: RecordingEngine, given: dict[str, pa.Table]) -> list[ir.Table]:
            return [exceedance_events(engine.load(given["event_hours"]))]

        return self._replay(("events", tuple(event_hours.schema.names)), {"event_hours": event_hours}, build)[0]


_JUDGES: dict[int, HourJudge] = {}


def hour_judge(app: Any) -> HourJudge:
    """The :class:`HourJudge` of ``app``'s store connection (plans live as long as the connection)."""
    key = id(app.store.con)
    judge = _JUDGES.get(key)
    if judge is None or judge.app.store is not app.store:
        judge = _JUDGES[key] = HourJudge(app)
    return judge


# -- incremental run -----------------------------------------------------------------------------------------
def _minutes(con: Any, keys: pa.Table) -> pa.Table:
    """Minute readings (contract columns) of the (outlet_id, hour) pairs in ``keys``."""
    bounds = pc.min_max(keys["hour"])
    register(con, "_ul_keys", keys)
    columns = ", ".join(f"r.{c}" for c in READING_COLUMNS)
    return con.sql(
        f"SELECT {columns} FROM readings_current AS r SEMI JOIN _ul_keys AS k "  # noqa: S608 - code constants
        "ON r.outlet_id = k.outlet_id AND date_trunc('hour', r.data_time) = k.hour "
        "WHERE r.kind = 'minute' AND r.data_time >= ? AND r.data_time < ?",
        params=[bounds["min"].as_py(), bounds["max"].as_py() + timedelta(hours=1)]).to_arrow_table()


def _marks(app: Any, ids: list[str], end: datetime) -> pa.Table | None:
    con = app.store.con
    # the marks view comes with migration 30, which every store opened here has
    found = con.sql(f"SELECT {', '.join(_MARK_COLUMNS)} FROM marks WHERE list_contains(?, outlet_id)",  # noqa: S608
                    params=[ids]).to_arrow_table()
    marks = found if found.num_rows else None
    qa = qa_records(con, ids)
    if qa.num_rows:
        windows = qa_marks(qa, app.rules, end)
        marks = windows if marks is None else pa.concat_tables([marks.cast(windows.schema), windows])
    return marks


def _update(app: Any, *, settle_after: bool = False, since: datetime | None = None,
           progress: Progress = no_progress) -> ResultsRun:
    """Judge what arrived since the last run (see the module docstring); a full run when the store has no
    results yet or the rules, registry or engine columns changed. ``settle_after``: settle afterwards (the
    returned run is the settle's when it had work). ``since``: judge what was received after that time even
    without a full run (the demo's streamed hours; the tables are made when missing, and the next update
    without ``since`` is then a full run)."""
    store: Store = app.store
    with store.lock:
        store.con.complete()
        last, full_run, runs_last_hour = _state(store.con)
    outlets = app.registry.outlets_table()
    registry_hash = _registry_hash(outlets)
    # a full run made the three result tables in the transaction that recorded it (so no table lookup here)
    full = full_run > 0
    if since is None and (last is None or not full or last["rules_hash"] != rules_digest()[0]
                          or last["registry_hash"] != registry_hash):
        return rebuild(app, progress)
    started = time.perf_counter()
    since_given = since is not None
    ids = app.outlet_ids()
    judge = hour_judge(app)
    with store.lock:
        con = store.con
        con.complete()
        if since is None:
            since = (last or {}).get("data_cut_off") or datetime(1970, 1, 1, tzinfo=UTC)
        dirty, received = dirty_hours(store, ids, since, runs_last_hour=runs_last_hour)
        cut_off = max(since, received) if received is not None else since
        if dirty.num_rows == 0:
            done = ResultsRun(0, "none", 0, 0, 0, 0, time.perf_counter() - started, since, None, None)
            return settle(app, progress) if settle_after else done
        dirty_ids = sorted(set(dirty["outlet_id"].to_pylist()))
        registry = outlets.filter(pc.is_in(outlets["outlet_id"], pa.array(dirty_ids, pa.string())))
        minutes = _minutes(con, dirty)
        bounds = pc.min_max(dirty["hour"])
        first, last_hour = bounds["min"].as_py(), bounds["max"].as_py()
        marks = _marks(app, dirty_ids, last_hour + timedelta(hours=1))
        grid = pa.table({"hour": pc.unique(dirty["hour"])})
        hours = judge.hours(minutes, registry, marks, grid, judge.known_pairs(con, dirty_ids, full_run))
        register(con, "_ul_dirty", dirty)
        if dirty.num_rows < len(dirty_ids) * grid.num_rows:  # else the judged grid is the dirty pairs
            register(con, "_ul_hours", hours)
            hours = con.sql("SELECT h.* FROM _ul_hours AS h SEMI JOIN _ul_dirty AS d "
                            "ON h.outlet_id = d.outlet_id AND h.hour = d.hour").to_arrow_table()
        columns = _columns_hash(hours)
        if last is not None and since_given is False and last["columns_hash"] != columns:
            return rebuild(app, progress)  # the engine's columns changed (new software): everything anew
        # the minutes this run read (a full run's hash covers its judged context instead)
        digest = input_hash(minutes_fingerprint(con, minutes), marks, None, registry)
        con.begin()
        try:
            run_id = _next_run_id(con)
            register(con, "_ul_new", _stamp(hours, run_id, False))
            if not full:
                con.execute("CREATE TABLE IF NOT EXISTS result_hours AS SELECT * FROM _ul_new LIMIT 0")
            # the events of a pollutant change only where a dirty hour was or is exceeded (either kind)
            register(con, "_ul_flags", hours.select(["outlet_id", "code", "legal_exceeded", "ultra_low_exceeded"]))
            affected = con.sql(
                "SELECT DISTINCT outlet_id, code FROM (SELECT r.outlet_id, r.code, r.legal_exceeded, r.ultra_low_exceeded "
                "FROM result_hours AS r SEMI JOIN _ul_dirty AS d ON r.outlet_id = d.outlet_id AND r.hour = d.hour "
                "WHERE r.hour BETWEEN ? AND ? UNION ALL SELECT * FROM _ul_flags) "
                "WHERE legal_exceeded OR ultra_low_exceeded", params=[first, last_hour]).to_arrow_table()
            con.execute("DELETE FROM result_hours AS r USING _ul_dirty AS d "
                        "WHERE r.outlet_id = d.outlet_id AND r.hour = d.hour AND r.hour BETWEEN ? AND ?",
                        [first, last_hour])
            con.execute("INSERT INTO result_hours BY NAME SELECT * FROM _ul_new")
            days_written, events_written = _refresh_days_and_events(con, judge, dirty, affected, run_id,
                                                                    tables_exist=full)
            done = ResultsRun(run_id, "hours", len(dirty_ids), hours.num_rows, days_written, events_written,
                              time.perf_counter() - started, cut_off, first, last_hour, digest)
            _record_run(con, done, rules_hash=rules_digest()[0], registry_hash=registry_hash,
                        columns_hash=columns, run_at=datetime.now(UTC))
            con.commit()
        except BaseException:
            con.rollback()
            raise
    return settle(app, progress) if settle_after else done


def _event_hours(con: Any, affected: pa.Table) -> pa.Table:
    """The stored exceeded hours (either kind) of the (outlet_id, code) pairs in ``affected``."""
    register(con, "_ul_affected", affected.select(["outlet_id", "code"]))
    # the keys first, from three narrow columns: a filter with OR is not pushed into the scan
    keys = con.sql("SELECT h.outlet_id, h.code, h.hour FROM result_hours AS h SEMI JOIN _ul_affected AS a "
                   "ON h.outlet_id = a.outlet_id AND h.code = a.code "
                   "WHERE h.legal_exceeded OR h.ultra_low_exceeded").to_arrow_table()
    register(con, "_ul_exceeded", keys)
    if keys.num_rows == 0:
        return con.sql("SELECT * EXCLUDE (run_id, settled) FROM result_hours LIMIT 0").to_arrow_table()
    bounds = pc.min_max(keys["hour"])
    return con.sql("SELECT h.* EXCLUDE (run_id, settled) FROM result_hours AS h SEMI JOIN _ul_exceeded AS k "
                   "ON h.outlet_id = k.outlet_id AND h.code = k.code AND h.hour = k.hour WHERE h.hour BETWEEN ? AND ?",
                   params=[bounds["min"].as_py(), bounds["max"].as_py()]).to_arrow_table()


def _replace_events(con: Any, affected: pa.Table, events: pa.Table, run_id: int) -> None:
    register(con, "_ul_affected", affected.select(["outlet_id", "code"]))
    register(con, "_ul_new_events", _stamp(events, run_id, None))
    con.execute("CREATE TABLE IF NOT EXISTS result_events AS SELECT * FROM _ul_new_events LIMIT 0")
    con.execute("DELETE FROM result_events AS r USING _ul_affected AS a WHERE r.outlet_id = a.outlet_id "
                "AND r.code = a.code")
    con.execute("INSERT INTO result_events BY NAME SELECT * FROM _ul_new_events")


def _refresh_days_and_events(con: Any, judge: HourJudge, dirty: pa.Table, affected: pa.Table, run_id: int, *,
                             tables_exist: bool = False) -> tuple[int, int]:
    """Day rows of the dirty (outlet, day) pairs and the events of the ``affected`` (outlet, code) pairs, from
    the stored hours. ``tables_exist``: result_days and result_events are there (a full run made them); then
    no affected pair leaves the events as they are (judging them would replace nothing with nothing)."""
    days = pa.table({"outlet_id": dirty["outlet_id"], "day": pc.cast(dirty["hour"], pa.date32())})
    days = days.group_by(["outlet_id", "day"]).aggregate([])
    register(con, "_ul_days", days)
    bounds = pc.min_max(days["day"])
    low = datetime.combine(bounds["min"].as_py(), datetime.min.time())
    high = datetime.combine(bounds["max"].as_py() + timedelta(days=1), datetime.min.time())
    day_hours = con.sql("SELECT h.* EXCLUDE (run_id, settled) FROM result_hours AS h SEMI JOIN _ul_days AS d "
                        "ON h.outlet_id = d.outlet_id AND h.hour::DATE = d.day WHERE h.hour >= ? AND h.hour < ?",
                        params=[low, high]).to_arrow_table()
    new_days = judge.days(day_hours)
    register(con, "_ul_new_days", _stamp(new_days, run_id, None))
    if not tables_exist:
        con.execute("CREATE TABLE IF NOT EXISTS result_days AS SELECT * FROM _ul_new_days LIMIT 0")
    con.execute("DELETE FROM result_days AS r USING _ul_days AS d WHERE r.outlet_id = d.outlet_id AND r.day = d.day "
                "AND r.day BETWEEN ? AND ?", [bounds["min"].as_py(), bounds["max"].as_py()])
    con.execute("INSERT INTO result_days BY NAME SELECT * FROM _ul_new_days")
    if affected.num_rows == 0 and tables_exist:
        return new_days.num_rows, 0
    new_events = judge.events(_event_hours(con, affected))
    _replace_events(con, affected, new_events, run_id)
    return new_days.num_rows, new_events.num_rows


# -- settle --------------------------------------------------------------------------------------------------
def _settle(app: Any, progress: Progress = no_progress) -> ResultsRun:
    """Judge the outlets with unsettled hour rows again from the quarter of their first unsettled hour to the
    end of the data, and store their rows as settled (see the module docstring)."""
    store: Store = app.store
    started = time.perf_counter()
    with store.lock:
        store.con.complete()
        pending = store.con.execute("SELECT outlet_id, min(hour) FROM result_hours WHERE NOT settled "
                                    "GROUP BY outlet_id ORDER BY outlet_id").fetchall()
    last = last_run(store)
    if not pending:
        return ResultsRun(0, "none", 0, 0, 0, 0, time.perf_counter() - started,
                          last["data_cut_off"] if last else None, None, None)
    ids = app.outlet_ids()
    span = app.data_span(ids)
    end_day = span.last.date() if span.last else max(h for _, h in pending).date()
    start_day = max(quarter_start(min(h for _, h in pending).date()),
                    span.first.date() if span.first else date.min)
    period = Period(start_day, end_day + timedelta(days=1))
    outlet_ids = [o for o, _ in pending]
    judgement = app.judge(outlet_ids, period=period, progress=progress)
    hours, days = judgement.tables["hours"], judgement.tables["days"]
    judge = hour_judge(app)
    with store.transaction() as con:
        run_id = _next_run_id(con)
        register(con, "_ul_ids", pa.table({"outlet_id": pa.array(outlet_ids, pa.string())}))
        register(con, "_ul_new", _stamp(hours, run_id, True))
        register(con, "_ul_new_days", _stamp(days, run_id, None))
        con.execute("DELETE FROM result_hours AS r USING _ul_ids AS i WHERE r.outlet_id = i.outlet_id AND r.hour >= ?",
                    [period.start_time])
        con.execute("INSERT INTO result_hours BY NAME SELECT * FROM _ul_new")
        con.execute("DELETE FROM result_days AS r USING _ul_ids AS i WHERE r.outlet_id = i.outlet_id AND r.day >= ?",
                    [period.start])
        con.execute("INSERT INTO result_days BY NAME SELECT * FROM _ul_new_days")
        unregister(con, "_ul_new")  # the views would keep the settled rows in memory
        unregister(con, "_ul_new_days")
        affected = con.sql("SELECT DISTINCT outlet_id, code FROM result_hours AS h SEMI JOIN _ul_ids AS i "
                           "ON h.outlet_id = i.outlet_id").to_arrow_table()
        events = judge.events(_event_hours(con, affected))
        _replace_events(con, affected, events, run_id)
        first, last_hour = _span(hours)
        # the cut-off stays the last run's: other outlets' minutes received since are not in the results yet
        done = ResultsRun(run_id, "settle", len(outlet_ids), hours.num_rows, days.num_rows, events.num_rows,
                          time.perf_counter() - started, last["data_cut_off"] if last else _cut_off(judgement),
                          first, last_hour, judgement.inputs.get("provenance", {}).get("input_hash"))
        _record_run(con, done, rules_hash=rules_digest()[0], registry_hash=_registry_hash(app.registry.outlets_table()),
                    columns_hash=_columns_hash(hours), run_at=datetime.now(UTC))
    return done


def rebuild(app: Any, progress: Progress = no_progress) -> ResultsRun:
    with writing(app.store):
        return _rebuild(app, progress)


def update(app: Any, *, settle_after: bool = False, since: datetime | None = None,
           progress: Progress = no_progress) -> ResultsRun:
    with writing(app.store):
        return _update(app, settle_after=settle_after, since=since, progress=progress)


def settle(app: Any, progress: Progress = no_progress) -> ResultsRun:
    with writing(app.store):
        return _settle(app, progress)


rebuild.__doc__, update.__doc__, settle.__doc__ = _rebuild.__doc__, _update.__doc__, _settle.__doc__


def agreement(stored: pa.Table, judged: pa.Table) -> tuple[int, int]:
    """(rows equal, rows compared): the stored hour rows against the same (outlet, code, hour) rows of a
    judgement, on every column but the provisional ones and the run's own (``run_id``, ``settled``); floats
    equal within :data:`FLOAT_RELATIVE_TOLERANCE`."""
    keys = ["outlet_id", "code", "hour"]
    columns = [c for c in stored.column_names if c in judged.column_names and c not in PROVISIONAL_COLUMNS]
    if stored.num_rows == 0:
        return 0, 0
    low = pc.min_max(stored["hour"])["min"]
    judged = judged.filter(pc.greater_equal(judged["hour"], low)).select(columns)
    index = {(r["outlet_id"], r["code"], r["hour"]): r for r in judged.to_pylist()}
    rows = stored.select(columns).to_pylist()
    equal = sum(1 for r in rows if _same_row(index.get(tuple(r[k] for k in keys)), r))
    return equal, len(rows)


# DuckDB's parallel sums add the minutes in an order that depends on how the rows are partitioned, so an
# hours run and a full run can differ in the last bits of a mean (seen: 55.594500000000004 vs
# 55.59450000000002, a relative 3e-16); anything above this relative difference is a real disagreement.
FLOAT_RELATIVE_TOLERANCE = 1e-12


def _same_row(judged: dict[str, Any] | None, stored: dict[str, Any]) -> bool:
    if judged is None:
        return False
    for column, value in stored.items():
        other = judged[column]
        if isinstance(value, float) and isinstance(other, float):
            if not math.isclose(value, other, rel_tol=FLOAT_RELATIVE_TOLERANCE, abs_tol=1e-12):
                return False
        elif value != other:
            return False
    return True
