"""The main job behind ``ultralow demo`` / ``make demo``: a year of the synthetic demo group, end to end.

Steps (each timed): a fresh store carrying the demo registry -> the year's minute signals with the planted
incidents (vectorised, one process per core) -> vendor exports (long-format Parquet) -> ``ultralow ingest``'s
own file path into the store -> the last hours from virtual loggers over HJ 212/TCP into the real receiver
-> the compliance engine -> the summary per base and source type -> the claim check on the corpus text.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from ultralow.app import Application, Judgement, open_store_read_only, results
from ultralow.cems import Period
from ultralow.claims import check_texts, corpus_dir, packaged_standards, read_document
from ultralow.claims.evidence import LedgerEvidence
from ultralow.demo import ledgers, live, load, report_step, summary
from ultralow.demo.group import group_for_run
from ultralow.demo.marker import has_marker, write_marker
from ultralow.demo.scenario import Scenario, read_scenario
from ultralow.demo.year import OutletYear, generate
from ultralow.ingest import Pipeline
from ultralow.ingest.files import FileUnreadable
from ultralow.registry import Registry, RegistryError
from ultralow.store import StoreCounts, read_counts, save_registry, stored_registry
from ultralow.store.store import Store, StoreError

DAYS_PER_FILE = 7
# below this many outlet-days one process is quicker than starting workers (a few seconds each under load)
PARALLEL_MIN_OUTLET_DAYS = 3000
CORPUS_SUFFIXES = (".txt", ".md", ".html", ".htm")


class DemoError(RuntimeError):
    """The demo could not run (names what and where)."""


class StepDisplay(Protocol):
    """Where step progress goes (a progress bar on a terminal, nothing otherwise)."""

    def start(self, name: str, total: float | None, unit: str) -> None: ...

    def advance(self, amount: float) -> None: ...

    def update(self, completed: float) -> None: ...

    def finish(self, name: str, seconds: float, detail: str) -> None: ...


@dataclass(frozen=True, slots=True)
class StepTime:
    name: str
    seconds: float
    detail: str


@dataclass
class DemoOptions:
    """``days``/``outlets`` None: the scenario's full year and every outlet. ``workers``: generation
    processes; ``readers``: threads ingesting the export files."""

    db: Path
    seed: int = 0
    days: int | None = None
    outlets: int | None = None
    workers: int = field(default_factory=lambda: max(1, min(2, os.cpu_count() or 1)))
    readers: int = 1  # a second reader gained 0-18 % in benchmarks/demo_bulk_load.py, within the noise
    days_per_file: int = DAYS_PER_FILE
    report: bool = True  # the annual report of the demo year into reports/ beside the store


@dataclass
class DemoRun:
    """Everything the demo found, for the summary (table or JSON)."""

    db: str
    replaced: bool
    seed: int
    period: Period
    registry: Registry
    steps: list[StepTime] = field(default_factory=list)
    export_files: int = 0
    export_rows: int = 0
    ingest: dict[str, int] = field(default_factory=dict)
    ingest_problems: list[str] = field(default_factory=list)
    stream: dict[str, Any] = field(default_factory=dict)
    counts: StoreCounts | None = None
    groups: list[summary.GroupRow] = field(default_factory=list)
    worst_events: list[dict[str, Any]] = field(default_factory=list)
    findings: dict[str, dict[str, int]] = field(default_factory=dict)
    incidents: list[summary.IncidentCheck] = field(default_factory=list)
    claims: dict[str, Any] = field(default_factory=dict)
    ledgers: ledgers.DemoLedgers | None = None
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(step.seconds for step in self.steps)


class _Steps:
    def __init__(self, display: StepDisplay, run: DemoRun) -> None:
        self.display = display
        self.run = run

    @contextmanager
    def step(self, name: str, total: float | None = None, unit: str = "") -> Iterator[dict[str, str]]:
        """Time one step; the body sets ``detail`` in the yielded dict."""
        note = {"detail": ""}
        self.display.start(name, total, unit)
        began = time.perf_counter()
        yield note
        seconds = time.perf_counter() - began
        self.run.steps.append(StepTime(name, seconds, note["detail"]))
        self.display.finish(name, seconds, note["detail"])


def fresh_store(path: Path, group_name: str | None) -> bool:
    """Remove an earlier demo store at ``path`` (True when one was replaced). Only a store that carries the
    mark the demo writes (:mod:`ultralow.demo.marker`) is replaced; anything else there is left alone:
    DemoError, so that a real store is never overwritten, whatever its registry's group name."""
    if not path.exists():
        return False
    try:
        with Store(path, read_only=True) as existing:
            marked = has_marker(existing)
            carried = stored_registry(existing)
    except (StoreError, RegistryError, RuntimeError, duckdb.Error) as exc:
        raise DemoError(f"{path}: exists and is not a demo store ({exc}); not replacing it: "
                        "choose another --db or remove the file") from exc
    if not marked:
        raise DemoError(f"{path}: exists and is not a demo store (it lacks the mark `ultralow demo` writes; its "
                        f"registry is {carried.group_name if carried else 'absent'!r}); not replacing it: "
                        "choose another --db or remove the file")
    if carried is None or carried.group_name != group_name:
        raise DemoError(f"{path}: exists and is not a demo store (its registry is "
                        f"{carried.group_name if carried else 'absent'!r}); not replacing it: "
                        "choose another --db or remove the file")
    path.unlink()
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
    return True


def _check_incidents_fit(scenario: Scenario, registry: Registry, days: int) -> None:
    minutes = days * 24 * 60
    bulk_end = minutes - min(scenario.stream_hours_for(days) * 60, minutes)
    problems = []
    for incident in scenario.incidents:
        if incident.outlet not in {o.id for o in registry.outlets}:
            continue
        start, end = incident.extent(minutes)
        if end > bulk_end:
            problems.append(f"scenario.toml: incident {incident.label!r}: minutes {start}-{end} reach into the "
                            f"streamed last hours (from minute {bulk_end}); use more --days")
    if problems:
        raise DemoError("\n".join([*problems, f"{len(problems)} problem(s)"]))


def run_demo(options: DemoOptions, display: StepDisplay, receiver_log: io.StringIO | None = None) -> DemoRun:
    """Run every step; DemoError when the demo cannot run (the store path, the scenario)."""
    scenario = read_scenario()
    days = options.days or scenario.days
    registry = group_for_run(options.outlets, scenario.incident_outlets())
    _check_incidents_fit(scenario, registry, days)
    period = Period(scenario.start, scenario.start + timedelta(days=days))
    demo = DemoRun(str(options.db), False, options.seed, period, registry)
    steps = _Steps(display, demo)

    with steps.step("fresh store") as note:
        demo.replaced = fresh_store(options.db, registry.group_name)
        store = Store(options.db)
        write_marker(store, options.seed)
        save_registry(store, registry)
        note["detail"] = (f"{'replaced the earlier demo store' if demo.replaced else 'new store'} {options.db}; "
                          f"registry: {len(registry.bases)} bases, {len(registry.outlets)} outlets (synthetic)")
    try:
        years = _generate(steps, registry, scenario, days, options)
        _load(steps, store, registry, years, scenario, options, demo)
        for year in years:
            year.release_bulk()
        _stream(steps, Pipeline(store, registry), years, registry, options.seed, demo, receiver_log)
        with steps.step("count") as note:
            demo.counts = read_counts(store)
            note["detail"] = (f"{demo.counts.readings:,} readings, {demo.counts.raw_frames:,} raw frames, "
                              f"{demo.counts.quarantine:,} quarantined")
        with steps.step("ledgers") as note:
            demo.ledgers = ledgers.load_demo_ledgers(store, registry, scenario.start.year)
            note["detail"] = (f"{demo.ledgers.imported.totals['rows']:,} SYNTHETIC ledger rows imported with evidence, "
                              f"{demo.ledgers.approved:,} approved, {len(demo.ledgers.view.pending)} correction left draft")
    finally:
        store.close()
    planted = [p for y in years for p in y.planted]
    tables, judgement = _compliance(steps, options.db, registry, period, planted, demo)
    with steps.step("kpis, ghg, cbam") as note:
        ledgers.compute_figures(demo.ledgers, registry, tables["emissions"])
        note["detail"] = f"from the approved ledgers of {demo.ledgers.year}"
    _claims(steps, demo, tables)
    if options.report:
        report_step.write_report(steps, demo, judgement)
    return demo


def _generate(steps: _Steps, registry: Registry, scenario: Scenario, days: int, options: DemoOptions
              ) -> list[OutletYear]:
    workers = options.workers if len(registry.outlets) * days >= PARALLEL_MIN_OUTLET_DAYS else 1
    with steps.step("generate", len(registry.outlets), "outlets") as note:
        years = generate(registry.outlets, scenario, days, options.seed, workers,
                         lambda _: steps.display.advance(1))
        minutes = sum(len(y.values) + len(y.tail) for y in years)
        note["detail"] = (f"{len(years)} outlets x {days} days of minute signals ({minutes:,} outlet-minutes), "
                          f"{sum(len(y.planted) for y in years)} planted incidents, {workers} process(es)")
    return years


def _load(steps: _Steps, store: Store, registry: Registry, years: list[OutletYear], scenario: Scenario,
          options: DemoOptions, demo: DemoRun) -> None:
    total = sum(y.values.shape[0] * len(y.codes) for y in years)
    start = datetime.combine(scenario.start, datetime.min.time())
    with steps.step("bulk load", total, "rows") as note, \
            tempfile.TemporaryDirectory(prefix="ultralow-demo-", dir=options.db.parent) as scratch:
        try:
            report = load.bulk_load(Pipeline(store, registry), years, start, Path(scratch), options.days_per_file,
                                    options.readers, steps.display.update)
        except FileUnreadable as exc:
            raise DemoError(str(exc)) from exc
        demo.export_files, demo.export_rows = report.files, report.exported_rows
        demo.ingest = {"rows": report.rows, "stored": report.stored, "duplicates": report.duplicates,
                       "quarantined": report.quarantined}
        demo.ingest_problems = report.problems
        note["detail"] = (f"{report.exported_rows:,} rows in {report.files} long-format Parquet vendor exports "
                          f"(writing took {report.export_seconds:.1f} s, alongside), read by `ultralow ingest`'s file "
                          f"path with {options.readers} reader(s): {report.stored:,} readings stored, "
                          f"{report.quarantined:,} quarantined")


def _stream(steps: _Steps, pipeline: Pipeline, years: list[OutletYear], registry: Registry, seed: int,
            demo: DemoRun, receiver_log: io.StringIO | None) -> None:
    plans = live.plan_tails(years, registry, seed)
    packets = sum(len(p.packets) for p in plans)
    hours = len(years[0].tail) // 60 if years else 0
    with steps.step("stream", packets, "packets") as note:
        log = receiver_log if receiver_log is not None else io.StringIO()
        with pipeline.store.lock:
            before = pipeline.store.con.execute("SELECT max(received_at) FROM readings").fetchall()[0][0]
        report = live.stream_tails(pipeline, plans, log, steps.display.update)
        # the streamed minutes' hours judged and stored incrementally (the compliance step checks them)
        stored = results.update(Application.from_store(pipeline.store, registry=registry), since=before)
        totals = report.fleet.totals()
        demo.stream = {"loggers": report.fleet.loggers, "hours": hours, "packets": report.packets,
                       "frames_received": report.frames, "acked": report.acked, **totals,
                       "receiver_events": report.events}
        note["detail"] = (f"last {hours} h from {report.fleet.loggers} virtual loggers over HJ 212/TCP "
                          f"(127.0.0.1:{report.port}): {report.packets:,} packets, {report.acked:,} acknowledged, "
                          f"{totals['backfilled']} backfilled after {totals['drops']} link drop(s); {stored.line()}")
        demo.stream["results"] = stored.as_dict()
        if totals["unacked"]:
            raise DemoError(f"stream: {totals['unacked']} packets stayed unacknowledged")


def _compliance(steps: _Steps, db: Path, registry: Registry, period: Period, planted: list[Any],
                demo: DemoRun) -> tuple[dict[str, pa.Table], Judgement]:
    with steps.step("compliance") as note:
        # through the application layer, like every front end (a fresh demo store has no marks); the annual
        # report step reuses this judgement
        with Application(open_store_read_only(db, bounded=False), registry, owns_store=True) as app:  # the demo's registry
            judgement = app.judge(period=period)
            stored = results.stored_hours(app.store, [o.id for o in registry.outlets], period.start,
                                          period.end - timedelta(days=1))
        tables: dict[str, pa.Table] = {
            name: judgement.tables[name] for name in ("hours", "summary", "events", "findings", "ultra_low",
                                                      "emissions")}
        equal, compared = results.agreement(stored, judgement.hours)
        demo.stream["results_agree"] = {"equal": equal, "compared": compared}
        note["detail"] = (f"{period.hour_count:,} clock hours x {len(registry.outlets)} outlets judged: "
                          f"{tables['events'].num_rows} exceedance events, {tables['findings'].num_rows} findings; "
                          f"the stream step's stored hour rows agree with it on {equal:,} of {compared:,}")
    with steps.step("summary") as note:
        demo.groups = summary.group_rows(judgement.rollups)
        demo.worst_events = summary.worst_events(tables["events"], registry)
        demo.findings = summary.finding_counts(tables["findings"])
        demo.incidents = summary.check_incidents(planted, period.start_time, tables["summary"], tables["events"],
                                                 tables["findings"])
        found = sum(1 for i in demo.incidents if i.found)
        note["detail"] = f"{found} of {len(demo.incidents)} planted incidents found by the engine"
    return tables, judgement


def _claims(steps: _Steps, demo: DemoRun, tables: dict[str, pa.Table]) -> None:
    """The claim check of the corpus texts (``shared/corpus``) against the demo year's engine results."""
    with steps.step("claims") as note:
        folder = corpus_dir()
        paths = sorted(p for p in folder.glob("*") if p.suffix in CORPUS_SUFFIXES) if folder.is_dir() else []
        if not paths:
            demo.claims = {"available": False, "message": f"no corpus texts under {folder}: claim check skipped"}
            note["detail"] = demo.claims["message"]
            return
        documents = [read_document(p) for p in paths]
        sources = [LedgerEvidence(demo.ledgers.view, demo.ledgers.year)] if demo.ledgers else []
        result = check_texts(documents, hours=tables["hours"], outlets=demo.registry.outlets_table(),
                             emissions=tables["emissions"], standards=packaged_standards(), sources=sources)
        result.evidence = {"db": demo.db, "period": demo.period.as_dict(), "engine": "ultralow.cems.run",
                           "synthetic": True, **result.evidence}
        demo.claims = {"available": True, "result": result, "documents": [str(p) for p in paths]}
        counts = ", ".join(f"{k} {v}" for k, v in result.summary().items() if v)
        note["detail"] = f"{len(result.checked)} claims in {len(paths)} corpus text(s) checked: {counts}"


def period_label(period: Period) -> str:
    last: date = period.end - timedelta(days=1)
    return f"{period.start.isoformat()} to {last.isoformat()}"

