"""The application services every front end calls (command line, web site, dashboard, report, ledgers).

    from ultralow.app import Application

    with Application.open("ultralow.duckdb") as app:           # read-only; never creates a file
        judgement = app.judge(["U1"], progress=callback)          # period from the data (app.period rule)
        judgement.tables["summary"], judgement.rollups             # Arrow tables
        app.outlets_status()                                       # registry outlets + last frame, online
        app.export_hours("hours.parquet", judgement=judgement)     # the file claims check --hours reads

Inside a process that already owns the store (``ultralow serve``), ``Application.from_store(store)``
shares its connection. The registry is resolved once when the application is made, and its limit-set ids
are checked against the catalogue then: a typo is an error before any work.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from types import TracebackType

import duckdb
import pyarrow as pa

from ultralow.app.hours_export import HoursExport, export_hours
from ultralow.app.judging import (
    ENGINE_TABLES,
    Judgement,
    Progress,
    TableWriter,
    data_span,
    duck_engine,
    judge_store,
    no_progress,
)
from ultralow.app.period import DataSpan, derive_period
from ultralow.app.problems import StoreMissing, UsageProblem
from ultralow.app.setup import (
    lift_memory_cap,
    memory_capped_by_default,
    open_store_read_only,
    resolve_registry,
)
from ultralow.app.status import ONLINE_WINDOW_S, outlets_status
from ultralow.cems import Period
from ultralow.registry import Registry
from ultralow.standards import LimitCatalog, RuleBook, packaged_catalog, packaged_rules
from ultralow.store import Store


class Application:
    """One store, its registry (checked) and the packaged limit sets and rules."""

    def __init__(self, store: Store, registry: Registry, *, catalog: LimitCatalog | None = None,
                 rules: RuleBook | None = None, owns_store: bool = False) -> None:
        self.store = store
        self.registry = registry
        self.catalog = catalog or packaged_catalog()
        self.rules = rules or packaged_rules()
        self._owns_store = owns_store

    # -- opening ---------------------------------------------------------------------------------------
    @classmethod
    def open(cls, db: str | Path, config: str | Path | None = None, *, config_given: bool | None = None
             ) -> Application:
        """The store at ``db`` read-only (StoreMissing when absent: nothing is created) and the registry
        from ``config`` or the store's copy (see :func:`ultralow.app.setup.resolve_registry`)."""
        store = open_store_read_only(db)
        try:
            registry = resolve_registry(config, store, config_given=config_given)
        except BaseException:
            store.close()
            raise
        return cls(store, registry, owns_store=True)

    @classmethod
    def open_for_writing(cls, db: str | Path, config: str | Path | None = None, *,
                         config_given: bool | None = None) -> Application:
        """The store at ``db`` opened for writing (migrated; StoreMissing when absent), for the services
        that store results (``ultralow.app.results``)."""
        if not Path(db).exists():
            raise StoreMissing(f"{db}: no such store (run `ultralow ingest` or `ultralow demo` first)")
        store = Store(db)
        try:
            registry = resolve_registry(config, store, config_given=config_given)
        except BaseException:
            store.close()
            raise
        return cls(store, registry, owns_store=True)

    @classmethod
    def from_store(cls, store: Store, config: str | Path | None = None, *, registry: Registry | None = None
                   ) -> Application:
        """Services on a store the caller owns and keeps open (its connection is shared)."""
        return cls(store, registry or resolve_registry(config, store))

    @property
    def db(self) -> Path:
        return self.store.path

    def close(self) -> None:
        if self._owns_store:
            self.store.close()

    def __enter__(self) -> Application:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- selection and period --------------------------------------------------------------------------
    def outlet_ids(self, selected: Iterable[str] | None = None) -> list[str]:
        """The selected outlet ids in registry order (all when ``selected`` is empty or None);
        UsageProblem naming each id the registry does not have."""
        wanted = list(selected or ())
        known = [o.id for o in self.registry.outlets]
        unknown = [o for o in wanted if o not in set(known)]
        if unknown:
            where = self.registry.path or "the store's registry"
            raise UsageProblem([f"--outlet: {o!r} is not an outlet of {where}" for o in unknown])
        return [o for o in known if not wanted or o in set(wanted)]

    def data_span(self, outlets: Iterable[str] | None = None) -> DataSpan:
        """First and last minute reading of the selected outlets (the basis of the period rule)."""
        ids = self.outlet_ids(outlets)
        with self.store.lock:
            return data_span(duck_engine(self.store), ids)

    def period(self, outlets: Iterable[str] | None = None, first: date | None = None, last: date | None = None,
               year: int | None = None) -> Period:
        """The period by the one rule (``ultralow.app.period``): --year, else --from/--to, else the days
        with minute data of the selected outlets."""
        if year is not None or (first is not None and last is not None):
            return derive_period(DataSpan(None, None, 0), first, last, year, where=str(self.db))
        return derive_period(self.data_span(outlets), first, last, year, where=str(self.db))

    # -- services --------------------------------------------------------------------------------------
    def judge(self, outlets: Iterable[str] | None = None, period: Period | None = None, *,
              first: date | None = None, last: date | None = None, year: int | None = None,
              progress: Progress = no_progress, engine: str = "duckdb", parquet: str | None = None,
              write: TableWriter | None = None, names: tuple[str, ...] = ENGINE_TABLES) -> Judgement:
        """Judge the selected outlets (all when None) over ``period`` (or the period the rule derives from
        ``first``/``last``/``year`` and the data). ``engine`` "duckdb" or "spark" (``parquet``: the export
        to read; default a temporary export of the store). ``write``/``names``: see :func:`judge_store`."""
        ids = self.outlet_ids(outlets)
        chosen = period or self.period(ids, first, last, year)
        try:
            return judge_store(self.store, self.registry, self.catalog, self.rules, ids, chosen, engine_name=engine,
                               parquet=parquet, progress=progress, write=write, names=names)
        except duckdb.OutOfMemoryException:
            if not (self._owns_store and memory_capped_by_default()):
                raise
        lift_memory_cap(self.store)  # a store larger than the default cap is sized for: once more without it
        return judge_store(self.store, self.registry, self.catalog, self.rules, ids, chosen, engine_name=engine,
                           parquet=parquet, progress=progress, write=write, names=names)

    def outlets_status(self, *, now: datetime | None = None, receiver_running: bool | None = None,
                       online_window_s: int = ONLINE_WINDOW_S) -> pa.Table:
        """Registry outlets with MN, limit sets, last frame and data time, online state
        (``ultralow.app.status``)."""
        return outlets_status(self.store, self.registry, now=now, receiver_running=receiver_running,
                              online_window_s=online_window_s)

    def export_hours(self, path: str | Path, *, fmt: str | None = None, judgement: Judgement | None = None,
                     outlets: Iterable[str] | None = None, period: Period | None = None, overwrite: bool = False,
                     progress: Progress = no_progress) -> HoursExport:
        """Judged hours as Parquet or CSV (``ultralow.app.hours_export``); judges first unless given one."""
        judged = judgement or self.judge(outlets, period, progress=progress)
        return export_hours(judged, path, fmt, overwrite=overwrite, progress=progress)
