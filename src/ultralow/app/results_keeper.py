"""Keeping the stored results current inside a long-running process (``ultralow serve``): one round judges
what arrived since the last run and settles the provisional columns when they are due.

The cadence (registry ``[settings]``, see :class:`KeeperCadence`):

- **hours runs** every ``results_interval_s`` (default 60 s; 0: no results task): the hours whose minutes, marks or QA records
  arrived since the last run (:func:`ultralow.app.results.update`). A logger sends a minute a minute, so a
  round a minute keeps each complete hour's stored row at most about a minute behind its last minute; the
  dashboard's monitor also runs one when an outlet completes an hour (both take the same lock).
- **settle** when the oldest provisional hour row (``settled = false``) was written ``results_settle_after_s``
  ago or more (default 3600 s, wall clock). The provisional columns (the quarter's ``alpha``, the
  substitution of a gap, ``suspect`` from the history) depend on the hours after the one judged: a settle
  re-judges the outlets' quarter to date and makes every table equal to a full run's on the data it read.
  Why an hour: late minutes (a logger's back-fill after an outage, HJ 212 supplementary sends) arrive within
  minutes to an hour of their data time, so settling sooner would mostly be settled again; a settle costs a
  judgement of the quarter to date (at 60 outlets about a quarter of the year's judgement, ~7 s), so hourly
  it takes well under 1 % of a core. Why wall clock and not data time: a data-time trigger (the day's data
  complete) never fires for an outlet that stops sending, and the quarter's ``alpha`` of rows settled earlier
  in the quarter moves with every new hour, so what bounds how long a stored row differs from a full run is
  the time between settles.
- **full run** when the store has minute data but no results yet (the first round on a store; afterwards
  only when the rules, the registry or the engine's columns changed, as ``update`` decides).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ultralow.app.results import ResultsRun, has_results, rebuild, settle, update, writing
from ultralow.store import Store
from ultralow.store.sql import aggregate_row, table_exists


@dataclass(frozen=True, slots=True)
class KeeperCadence:
    """How often the results are brought up to date, and when provisional rows are settled (seconds)."""

    interval_s: float = 60.0
    settle_after_s: float = 3600.0

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> KeeperCadence:
        """``results_interval_s`` and ``results_settle_after_s`` of the registry's ``[settings]``."""
        default = cls()
        interval = float(settings.get("results_interval_s", default.interval_s))
        after = float(settings.get("results_settle_after_s", default.settle_after_s))
        if interval < 0 or after < 0:
            raise ValueError(f"[settings] results_interval_s and results_settle_after_s must be >= 0 "
                             f"(got {interval:g}, {after:g})")
        return cls(interval, after)

    @property
    def enabled(self) -> bool:
        """False when ``results_interval_s = 0``: the process keeps no results (the monitor still runs hours
        runs on a store that has them)."""
        return self.interval_s > 0


def provisional_age_s(store: Store) -> float | None:
    """Seconds since the run that wrote the oldest provisional hour row still stored (None: none is)."""
    with store.lock:
        store.con.complete()
        if not table_exists(store.con, "result_hours"):
            return None
        age = aggregate_row(
            store.con,
            "SELECT epoch(now()) - epoch(min(r.run_at)) FROM result_runs AS r WHERE r.run_id IN "
            "(SELECT DISTINCT run_id FROM result_hours WHERE NOT settled)")[0]
    return None if age is None else float(age)


def _has_minutes(store: Store) -> bool:
    with store.lock:
        store.con.complete()
        return bool(aggregate_row(store.con, "SELECT count(*) FROM (SELECT 1 FROM readings "
                                             "WHERE kind = 'minute' LIMIT 1)")[0])


class ResultsKeeper:
    """One round at a time (see the module docstring); ``app`` should have a connection of its own (a
    cursor of the serving process's store), so the receiver's commits go on during a settle."""

    def __init__(self, app: Any, cadence: KeeperCadence, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.cadence = cadence
        self.clock = clock
        self.runs: dict[str, int] = {"full": 0, "hours": 0, "settle": 0}
        self.last: ResultsRun | None = None
        self.last_round_ms: float | None = None

    def round(self) -> list[ResultsRun]:
        """Bring the results up to date; the runs that did work (full, hours, settle), in order."""
        started = self.clock()
        store: Store = self.app.store
        done: list[ResultsRun] = []
        with writing(store):
            if not has_results(store):
                if _has_minutes(store):
                    done.append(rebuild(self.app))
            else:
                done.append(update(self.app))
                age = provisional_age_s(store)
                if age is not None and age >= self.cadence.settle_after_s:
                    done.append(settle(self.app))
        worked = [run for run in done if run.kind != "none"]
        for run in worked:
            self.runs[run.kind] = self.runs.get(run.kind, 0) + 1
            self.last = run
        self.last_round_ms = (self.clock() - started) * 1000
        return worked

    def health(self) -> dict[str, Any]:
        """Runs made by kind, the last run and the last round's duration (for ``/health``)."""
        return {"runs": dict(self.runs), "last_run": self.last.as_dict() if self.last else None,
                "last_round_ms": None if self.last_round_ms is None else round(self.last_round_ms, 1),
                "interval_s": self.cadence.interval_s, "settle_after_s": self.cadence.settle_after_s}
