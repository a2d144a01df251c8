"""Upper bounds of what a store holds, so that new data can skip the collision queries.

For each (outlet_id, kind) of readings a bound W on data_time, and for each MN a bound on the QN of its
raw frames (and on the DataTime of its frames without a QN), such that every stored row lies *below* its
bound. A batch whose keys all lie at or above their bounds cannot collide with any stored row, so the
writer appends it without reading the table; anything else goes through the exact checks, as before.

Bounds are learnt from the store the first time a key group is met (one query, limited to the rows at or
above the batch's own lower end, which zone maps find without reading the older row groups) and raised by
the writers after their transaction committed, before they release the store's lock (a rolled-back write
leaves them as they were). A bound that is too high only costs an exact check; one that is too low would
skip a check, so every bound is either read from the store or follows from a committed write, and a writer
that does not raise the bounds of what it writes forgets them first (``Pipeline.accept_rows`` does: for
its big batches the exact check is the cheaper way). A store file is written by one
process at a time (DuckDB's file lock); within a process every :class:`~ultralow.store.Store` open on the
same file shares one :class:`Watermarks`, dropped when the last of them closes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, TypeVar

import duckdb
import numpy as np
import pyarrow as pa

_EPOCH: Final = datetime(1970, 1, 1)
_MICROSECOND: Final = timedelta(microseconds=1)
# the smallest text greater than a QN q is q + "\0": "below W" then reads "at most q"
_AFTER: Final = "\0"

ReadingGroup = tuple[str, str]  # (outlet_id, kind)
_T = TypeVar("_T", str, int)  # a QN (text) or a DataTime (microseconds)


def micros(when: datetime) -> int:
    """A naive (plant clock) timestamp as microseconds since 1970-01-01."""
    return (when - _EPOCH) // _MICROSECOND


@dataclass(slots=True)
class FrameMarks:
    """Bounds to raise once the frames of a batch are committed: per MN, the QN bound and the DataTime
    bound (microseconds) of frames without a QN."""

    qn: dict[str, str] = field(default_factory=dict)
    data_time_us: dict[str, int] = field(default_factory=dict)

    def add(self, mn: str, qn: str | None, data_time: datetime | None) -> None:
        if qn:
            bound = qn + _AFTER
            if bound > self.qn.get(mn, ""):
                self.qn[mn] = bound
        elif data_time is not None:
            bound_us = micros(data_time) + 1
            if bound_us > self.data_time_us.get(mn, -(1 << 62)):
                self.data_time_us[mn] = bound_us

    @staticmethod
    def from_ranges(qn: Mapping[str, tuple[str, str]], data_time_us: Mapping[str, tuple[int, int]]) -> FrameMarks:
        """The marks of frames whose QN range (and DataTime range, microseconds, of those without a QN)
        per MN is given (:class:`FrameRanges`)."""
        return FrameMarks({mn: high + _AFTER for mn, (_, high) in qn.items()},
                          {mn: high + 1 for mn, (_, high) in data_time_us.items()})


@dataclass(slots=True)
class FrameRanges:
    """Per MN, the lowest and highest QN of a batch's keyed frames and the lowest and highest DataTime
    (microseconds) of those without a QN: what the Watermarks need, gathered frame by frame where the
    frames are made (a receiver's worker) and merged per batch."""

    qn: dict[str, tuple[str, str]] = field(default_factory=dict)
    data_time_us: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add(self, mn: str | None, qn: str | None, data_time: datetime | None) -> None:
        if mn is None:
            return  # no key: never looked up
        if qn:
            _widen(self.qn, mn, qn, qn)
        elif data_time is not None:
            when = micros(data_time)
            _widen(self.data_time_us, mn, when, when)

    def merge(self, other: FrameRanges) -> None:
        for mn, (low, high) in other.qn.items():
            _widen(self.qn, mn, low, high)
        for mn, (low_us, high_us) in other.data_time_us.items():
            _widen(self.data_time_us, mn, low_us, high_us)

    def marks(self) -> FrameMarks:
        return FrameMarks.from_ranges(self.qn, self.data_time_us)


def _widen(ranges: dict[str, tuple[_T, _T]], mn: str, low: _T, high: _T) -> None:
    """Widen the (low, high) range of ``mn`` to cover ``low`` .. ``high``."""
    seen = ranges.get(mn)
    ranges[mn] = (low, high) if seen is None else (min(seen[0], low), max(seen[1], high))


class Watermarks:
    """The bounds of one store file (see the module text). Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._readings: dict[ReadingGroup, int] = {}
        self._qn: dict[str, str] = {}
        # Floors from the learning queries: every group absent from ``_readings`` (every MN absent from
        # ``_qn``) has all its stored rows below the floor. A learning query reads every group at or above
        # its lower end, so it proves that for the groups it did not find, not only for those asked: the
        # next new group (a logger's first batch) then needs no query of its own.
        self._readings_floor: int | None = None
        self._qn_floor: str | None = None
        self._frame_time: dict[str, int] = {}

    # -- readings ------------------------------------------------------------------------------------
    def readings_clear(self, con: duckdb.DuckDBPyConnection, ranges: Mapping[ReadingGroup, tuple[int, int]]) -> bool:
        """True when no stored reading can share a key with a batch whose data_time range per (outlet_id,
        kind) is ``ranges`` (:func:`group_ranges`): every group's earliest time is at or above its bound."""
        if not ranges:
            return False
        with self._lock:
            floor = self._readings_floor
            unknown = []
            for group, (low, _) in ranges.items():
                if group in self._readings:
                    continue
                if floor is not None and low >= floor:
                    self._readings[group] = floor
                else:
                    unknown.append(group)
        if unknown:
            self._learn_readings(con, unknown, min(ranges[group][0] for group in unknown))
        with self._lock:
            return all(low >= self._readings[group] for group, (low, _) in ranges.items())

    def _learn_readings(self, con: duckdb.DuckDBPyConnection, groups: list[ReadingGroup], low_us: int) -> None:
        low = _EPOCH + low_us * _MICROSECOND
        rows = con.execute(
            "SELECT outlet_id, kind, max(data_time) FROM readings WHERE data_time >= ? GROUP BY ALL", [low]
        ).fetchall()
        found = {(outlet_id, kind): micros(top) + 1 for outlet_id, kind, top in rows}
        with self._lock:
            for group in groups:
                # no stored row of the group at or above ``low``: all of them lie below it
                learnt = found.get(group, low_us)
                self._readings[group] = max(self._readings.get(group, learnt), learnt)
            for group, learnt in found.items():  # groups met later need no query
                self._readings[group] = max(self._readings.get(group, learnt), learnt)
            floor = self._readings_floor
            if floor is None or low_us < floor:
                self._readings_floor = low_us

    def forget_readings(self) -> None:
        """Drop every readings bound (a writer that does not raise them calls this before its commit)."""
        with self._lock:
            self._readings.clear()
            self._readings_floor = None

    def raise_readings(self, bounds: Mapping[ReadingGroup, int]) -> None:
        """After a commit: the written rows of each group lie below ``bounds`` (microseconds)."""
        with self._lock:
            floor = self._readings_floor
            for group, bound in bounds.items():
                # a group not yet known may hold rows up to the floor
                known = self._readings.get(group, -(1 << 62) if floor is None else floor)
                self._readings[group] = max(known, bound)

    # -- raw frames ----------------------------------------------------------------------------------
    def frames_clear(self, con: duckdb.DuckDBPyConnection,
                     keys: Iterable[tuple[str, str | None, datetime | None]]) -> bool:
        """True when no stored frame can have the MN and QN (or, without a QN, the MN and DataTime) of any
        of ``keys`` (mn, qn, data_time)."""
        ranges = FrameRanges()
        for mn, qn, data_time in keys:
            ranges.add(mn, qn, data_time)
        return self.frame_ranges_clear(con, ranges)

    def frame_ranges_clear(self, con: duckdb.DuckDBPyConnection, ranges: FrameRanges) -> bool:
        """:meth:`frames_clear` for frames summed up per MN (their lowest QN and DataTime count)."""
        by_qn = {mn: low for mn, (low, _) in ranges.qn.items()}
        by_time = {mn: low for mn, (low, _) in ranges.data_time_us.items()}
        with self._lock:
            qn_floor = self._qn_floor
            unknown_qn = []
            for mn, low_qn in by_qn.items():
                if mn in self._qn:
                    continue
                if qn_floor is not None and low_qn >= qn_floor:
                    self._qn[mn] = qn_floor
                else:
                    unknown_qn.append(mn)
            unknown_time = [mn for mn in by_time if mn not in self._frame_time]
        if unknown_qn:
            self._learn_qn(con, unknown_qn, min(by_qn[mn] for mn in unknown_qn))
        if unknown_time:
            self._learn_frame_time(con, unknown_time, min(by_time[mn] for mn in unknown_time))
        with self._lock:
            return all(qn >= self._qn[mn] for mn, qn in by_qn.items()) and all(
                when >= self._frame_time[mn] for mn, when in by_time.items())

    def _learn_qn(self, con: duckdb.DuckDBPyConnection, mns: list[str], low: str) -> None:
        rows = con.execute(
            "SELECT mn, max(qn) FROM raw_frames WHERE qn >= ? AND qn <> '' AND mn IS NOT NULL GROUP BY mn", [low]
        ).fetchall()
        found = {mn: top + _AFTER for mn, top in rows}
        with self._lock:
            for mn in mns:
                learnt = found.get(mn, low)
                self._qn[mn] = max(self._qn.get(mn, learnt), learnt)
            for mn, learnt in found.items():  # MNs met later need no query
                self._qn[mn] = max(self._qn.get(mn, learnt), learnt)
            if self._qn_floor is None or low < self._qn_floor:
                self._qn_floor = low

    def _learn_frame_time(self, con: duckdb.DuckDBPyConnection, mns: list[str], low_us: int) -> None:
        rows = con.execute(
            "SELECT mn, max(data_time) FROM raw_frames WHERE data_time >= ? AND (qn IS NULL OR qn = '') "
            "AND mn IS NOT NULL GROUP BY mn",
            [_EPOCH + low_us * _MICROSECOND],
        ).fetchall()
        found = {mn: micros(top) + 1 for mn, top in rows}
        with self._lock:
            for mn in mns:
                learnt = found.get(mn, low_us)
                self._frame_time[mn] = max(self._frame_time.get(mn, learnt), learnt)

    def raise_frames(self, marks: FrameMarks) -> None:
        """After a commit: the written frames lie below ``marks``."""
        with self._lock:
            for mn, bound in marks.qn.items():
                known = self._qn.get(mn, self._qn_floor or "")  # an MN not yet known may hold QNs up to the floor
                self._qn[mn] = max(known, bound)
            for mn, bound_us in marks.data_time_us.items():
                if bound_us > self._frame_time.get(mn, -(1 << 62)):
                    self._frame_time[mn] = bound_us


def group_ranges(batch: pa.Table) -> dict[ReadingGroup, tuple[int, int]]:
    """Earliest and latest data_time (microseconds) per (outlet_id, kind) of a candidate batch; empty when
    a key column holds a null (such a batch is not for the shortcut: the NOT NULL constraints decide).

    In Python and NumPy, no Arrow kernel (each releases the GIL, which the receiver's writer thread then
    waits to get back from the event loop)."""
    if batch.num_rows == 0 or any(batch[name].null_count for name in ("outlet_id", "kind", "data_time")):
        return {}
    times = batch["data_time"].to_numpy().view(np.int64).tolist()
    ranges: dict[ReadingGroup, tuple[int, int]] = {}
    last: ReadingGroup | None = None
    low = high = 0
    # rows come packet by packet: runs of one group, so the dict is touched once per run
    for group, when in zip(zip(batch["outlet_id"].to_pylist(), batch["kind"].to_pylist(), strict=True), times,
                           strict=True):
        if group != last:
            if last is not None:
                seen = ranges.get(last)
                ranges[last] = (low, high) if seen is None else (min(seen[0], low), max(seen[1], high))
            last, low, high = group, when, when
        elif when < low:
            low = when
        elif when > high:
            high = when
    if last is not None:
        seen = ranges.get(last)
        ranges[last] = (low, high) if seen is None else (min(seen[0], low), max(seen[1], high))
    return ranges


def reading_bounds(ranges: Mapping[ReadingGroup, tuple[int, int]]) -> dict[ReadingGroup, int]:
    """The bound each group's rows lie below once written: one past its latest data_time."""
    return {group: high + 1 for group, (_, high) in ranges.items()}


# -- one Watermarks per open store file in this process ---------------------------------------------------
_SHARED: dict[str, tuple[Watermarks, int]] = {}
_SHARED_LOCK = threading.Lock()


def acquire(path: str) -> Watermarks:
    """The Watermarks of the store file at ``path`` (resolved), shared by the Stores open on it."""
    with _SHARED_LOCK:
        marks, users = _SHARED.get(path, (Watermarks(), 0))
        _SHARED[path] = (marks, users + 1)
        return marks


def release(path: str) -> None:
    """One Store on ``path`` closed; the bounds are forgotten with the last one (another process may
    write the file next)."""
    with _SHARED_LOCK:
        marks, users = _SHARED.get(path, (Watermarks(), 1))
        if users <= 1:
            _SHARED.pop(path, None)
        else:
            _SHARED[path] = (marks, users - 1)
