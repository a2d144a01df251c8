"""The dashboard's monitor: judges the hours of the outlets that sent data and raises alarms, in its own
thread on its own DuckDB connection (the receiver keeps committing meanwhile).

When an outlet's data moves into a new clock hour, the hour before it is complete: the monitor judges it
at once (``urgent``) and raises an ``exceedance`` alarm when its converted mean is above the limit. The
running hour is judged at most every ``interval_s`` for the running means and the early warning. Results
go to the live views through the feed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from ultralow.app.ops.alarms import candidates, judged_hours
from ultralow.app.ops.live import OutletHours, latest_values, outlet_hours
from ultralow.app.ops.store import Alarm, OpsStore
from ultralow.app.services import Application
from ultralow.web.ops.feed import LiveFeed

log = logging.getLogger(__name__)


def alarm_message(alarm: Alarm) -> dict[str, object]:
    return {"type": "alarm", "alarm_id": alarm.alarm_id, "kind": alarm.kind, "outlet_id": alarm.outlet_id,
            "code": alarm.code, "hour": alarm.hour.isoformat(), "value_mg_m3": alarm.value_mg_m3,
            "limit_mg_m3": alarm.limit_mg_m3, "threshold_mg_m3": alarm.threshold_mg_m3}


class Monitor:
    def __init__(self, app: Application, ops: OpsStore, feed: LiveFeed, *, interval_s: float = 10.0) -> None:
        self.app = app
        self.ops = ops
        self.feed = feed
        self.interval_s = interval_s
        self.current_hour: dict[str, datetime] = {}
        self.summaries: dict[str, OutletHours] = {}
        self.runs = 0
        self.last_error: str | None = None
        self.last_run_s: float | None = None
        self._dirty: set[str] = set()
        self._urgent = False
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_run = 0.0
        feed.listeners.append(self.notify)

    # -- fed by the receiver's observer (any thread) ---------------------------------------------
    def notify(self, outlet_id: str, data_time: datetime) -> None:
        hour = data_time.replace(minute=0, second=0, microsecond=0)
        with self._lock:
            before = self.current_hour.get(outlet_id)
            if before is None or hour > before:
                self.current_hour[outlet_id] = hour
                if before is not None:
                    self._urgent = True  # the hour ``before`` is complete
            self._dirty.add(outlet_id)
        if self._urgent:
            self._wake.set()

    # -- life cycle --------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="ultralow-ops-monitor", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread.is_alive():
            try:
                self.app.store.con.interrupt()
            except Exception:  # noqa: S110 - a connection already closed has nothing to interrupt
                pass
            thread.join(timeout_s)
        self._thread = None

    def _loop(self) -> None:
        try:
            self.prime()
        except Exception as exc:
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.exception("the dashboard monitor could not read the store")
        while not self._stop.is_set():
            self._wake.wait(timeout=min(self.interval_s, 1.0))
            self._wake.clear()
            if self._stop.is_set():
                break
            due = time.monotonic() - self._last_run >= self.interval_s
            with self._lock:
                if not self._dirty or not (self._urgent or due):
                    continue
                dirty, self._dirty = set(self._dirty), set()
                self._urgent = False
            try:
                self.run_once(sorted(dirty))
            except Exception as exc:  # the monitor keeps going; the failure is logged and shown
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("the dashboard monitor failed to judge %s", dirty)

    # -- work --------------------------------------------------------------------------------------
    def prime(self) -> None:
        """The current hour of every outlet from the store's newest readings, then one judgement."""
        latest = latest_values(self.app.store)
        with self._lock:
            for outlet_id, codes in latest.items():
                newest = max(v["data_time"] for v in codes.values())
                hour = newest.replace(minute=0, second=0, microsecond=0)
                if hour > self.current_hour.get(outlet_id, hour - timedelta(hours=1)):
                    self.current_hour[outlet_id] = hour
        known = {o.id for o in self.app.registry.outlets}
        ids = sorted(o for o in self.current_hour if o in known)
        if ids:
            self.run_once(ids)

    def run_once(self, outlet_ids: Sequence[str]) -> list[Alarm]:
        """Judge the current and previous hour's days of ``outlet_ids``; publish the hours, raise alarms."""
        started = time.monotonic()
        self._last_run = started
        with self._lock:
            hours_now = {o: self.current_hour[o] for o in outlet_ids if o in self.current_hour}
        by_days: dict[tuple[date, date], list[str]] = {}
        for outlet_id, hour in hours_now.items():
            by_days.setdefault(((hour - timedelta(hours=1)).date(), hour.date()), []).append(outlet_id)
        raised: list[Alarm] = []
        for (first, last), ids in sorted(by_days.items()):
            hours = judged_hours(self.app, ids, first, last)
            summaries = outlet_hours(hours, hours_now)
            self.summaries.update(summaries)
            for summary in summaries.values():
                self.feed.publish({"type": "hours", **summary.as_dict()})
            new = self.ops.raise_alarms(candidates(hours, hours_now, self.ops.settings))
            for alarm in new:
                self.feed.publish(alarm_message(alarm))
            raised += new
        self.runs += 1
        self.last_run_s = time.monotonic() - started
        self.last_error = None
        return raised
