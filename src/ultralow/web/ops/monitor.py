"""The dashboard's monitor: judges the hours of the outlets that sent data and raises alarms, in its own
thread on its own DuckDB connection (the receiver keeps committing meanwhile).

When an outlet's data moves into a new clock hour, the hour before it is complete: the monitor judges it
through the application layer (``judged_hours``) within about ``batch_wait_s`` (outlets completing an hour
together are judged in one run) and raises an ``exceedance`` alarm when its converted mean is above the
limit. Between judgements, every ``interval_s``, it refreshes the running hour of the outlets that sent
data with a provisional mean (``running_hours``: one small query, no engine run) for the live view and the
early warning. Results go to the live views through the feed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import pyarrow as pa

from ultralow.app.ops.alarms import candidates, judged_hours
from ultralow.app.ops.live import (
    HourReference,
    OutletHours,
    latest_values,
    outlet_hours,
    references,
    running_hours,
)
from ultralow.app.ops.store import Alarm, OpsStore
from ultralow.app.services import Application
from ultralow.web.ops.feed import LiveFeed

log = logging.getLogger(__name__)


def alarm_message(alarm: Alarm) -> dict[str, object]:
    return {"type": "alarm", "alarm_id": alarm.alarm_id, "kind": alarm.kind, "outlet_id": alarm.outlet_id,
            "code": alarm.code, "hour": alarm.hour.isoformat(), "value_mg_m3": alarm.value_mg_m3,
            "limit_mg_m3": alarm.limit_mg_m3, "threshold_mg_m3": alarm.threshold_mg_m3}


class Monitor:
    def __init__(self, app: Application, ops: OpsStore, feed: LiveFeed, *, interval_s: float = 5.0,
                 batch_wait_s: float = 1.0) -> None:
        self.app = app
        self.ops = ops
        self.feed = feed
        self.interval_s = interval_s
        self.batch_wait_s = batch_wait_s
        self.current_hour: dict[str, datetime] = {}
        self.summaries: dict[str, OutletHours] = {}
        self.refs: dict[tuple[str, str], HourReference] = {}
        self.judgements = 0
        self.refreshes = 0
        self.last_error: str | None = None
        self.last_judgement_s: float | None = None
        self._valid_flags = [str(f) for f in app.rules.validity["minute_valid_flags"].value]
        self._offsets = {o.id: o.utc_offset_min for o in app.registry.outlets}
        self._dirty: set[str] = set()
        self._completed: set[str] = set()
        self._completed_since: float | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_refresh = 0.0
        feed.listeners.append(self.notify)

    @property
    def runs(self) -> int:
        return self.judgements + self.refreshes

    # -- fed by the receiver's observer (any thread) ---------------------------------------------
    def notify(self, outlet_id: str, data_time: datetime) -> None:
        hour = data_time.replace(minute=0, second=0, microsecond=0)
        completed = False
        with self._lock:
            before = self.current_hour.get(outlet_id)
            if before is None or hour > before:
                self.current_hour[outlet_id] = hour
                if before is not None:  # the hour ``before`` is complete
                    self._completed.add(outlet_id)
                    if self._completed_since is None:
                        self._completed_since = time.monotonic()
                    completed = True
            self._dirty.add(outlet_id)
        if completed:
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
            self._wake.wait(timeout=min(self.interval_s, self.batch_wait_s, 1.0))
            self._wake.clear()
            if self._stop.is_set():
                break
            now = time.monotonic()
            with self._lock:
                judge: list[str] = []
                if self._completed and self._completed_since is not None \
                        and now - self._completed_since >= self.batch_wait_s:
                    judge = sorted(self._completed)
                    self._completed.clear()
                    self._completed_since = None
                    self._dirty.difference_update(judge)
                refresh: list[str] = []
                if self._dirty and now - self._last_refresh >= self.interval_s:
                    refresh = sorted(self._dirty)
                    self._dirty.clear()
            try:
                if judge:
                    self.judge(judge)
                if refresh:
                    self.refresh(refresh)
            except Exception as exc:  # the monitor keeps going; the failure is logged and shown
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("the dashboard monitor failed on %s", judge or refresh)

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
        ids = sorted(o for o in self.current_hour if o in self._offsets)
        if ids:
            self.judge(ids)

    def _hours_now(self, outlet_ids: Sequence[str]) -> dict[str, datetime]:
        with self._lock:
            return {o: self.current_hour[o] for o in outlet_ids if o in self.current_hour}

    def _publish(self, hours: pa.Table, hours_now: dict[str, datetime], *, keep_last: bool) -> list[Alarm]:
        for outlet_id, summary in outlet_hours(hours, hours_now).items():
            previous = self.summaries.get(outlet_id)
            if keep_last and previous is not None and previous.current_hour == summary.current_hour:
                summary = OutletHours(outlet_id, summary.current_hour, summary.running, previous.last_hour)
            self.summaries[outlet_id] = summary
            self.feed.publish({"type": "hours", **summary.as_dict()})
        new = self.ops.raise_alarms(candidates(hours, hours_now, self.ops.settings))
        for alarm in new:
            self.feed.publish(alarm_message(alarm))
        return new

    def judge(self, outlet_ids: Sequence[str]) -> list[Alarm]:
        """Judge the days of the current and the previous hour of ``outlet_ids`` through the application
        layer; publish their hours, raise alarms."""
        started = time.monotonic()
        hours_now = self._hours_now(outlet_ids)
        by_days: dict[tuple[date, date], list[str]] = {}
        for outlet_id, hour in hours_now.items():
            by_days.setdefault(((hour - timedelta(hours=1)).date(), hour.date()), []).append(outlet_id)
        raised: list[Alarm] = []
        for (first, last), ids in sorted(by_days.items()):
            hours = judged_hours(self.app, ids, first, last)
            self.refs.update(references(hours))
            raised += self._publish(hours, {o: hours_now[o] for o in ids}, keep_last=False)
        self.judgements += 1
        self.last_judgement_s = time.monotonic() - started
        self.last_error = None
        return raised

    def refresh(self, outlet_ids: Sequence[str]) -> list[Alarm]:
        """The provisional running hour of ``outlet_ids`` (and its early warnings)."""
        self._last_refresh = time.monotonic()
        hours_now = self._hours_now(outlet_ids)
        hours = running_hours(self.app.store, hours_now, self.refs, self._valid_flags, self._offsets)
        self.refreshes += 1
        if hours.num_rows == 0:
            return []
        return self._publish(hours, hours_now, keep_last=True)
