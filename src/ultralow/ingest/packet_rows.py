"""Readings from a decoded data packet: one row per factor code, suffix values parsed to numbers."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import numpy as np
import pyarrow as pa

from ultralow.hj212 import CodeTables, Packet
from ultralow.store import CANDIDATE_SCHEMA

# Upload CN -> reading kind (HJ 212-2017 Table 9).
KIND_BY_CN: Final = {"2011": "rtd", "2051": "minute", "2061": "hour", "2031": "day"}
# kind -> (suffix of the value, suffix of the device-converted value)
_VALUE_SUFFIX: Final = {"rtd": ("Rtd", "ZsRtd"), "minute": ("Avg", "ZsAvg"), "hour": ("Avg", "ZsAvg"),
                        "day": ("Avg", "ZsAvg")}
_SUFFIXES: Final = frozenset({"Rtd", "ZsRtd", "Avg", "ZsAvg", "Min", "Max", "Cou", "Flag"})


def parse_number(text: str | None) -> float | None:
    """A suffix value as a float; None when absent, empty, not a number or not finite (the text stays
    in the raw frame)."""
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None




def to_float_array(texts: list[str | None]) -> pa.Array:
    """Suffix texts as float64; nulls for absent, non-numeric or non-finite values (the text stays in the
    raw frame). Vectorised when every text is a plain number, which is the rule.

    One Arrow kernel call (the cast) and the finiteness test in NumPy: each Arrow kernel releases the GIL,
    and under ``ultralow serve`` the writer thread that calls this waits up to the interpreter's switch
    interval to get it back from the busy event loop (see ``ReceiverLimits.gil_switch_interval_s``).
    """
    strings = pa.array(texts, pa.string())
    try:
        numbers = strings.cast(pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([parse_number(t) for t in texts], pa.float64())
    if numbers.null_count == len(numbers):
        return numbers
    values = numbers.to_numpy(zero_copy_only=False)  # nulls read as NaN
    finite = np.isfinite(values)
    if finite.all():
        return numbers
    return pa.array(values, pa.float64(), mask=~finite)


_EPOCH_NAIVE: Final = datetime(1970, 1, 1)
_EPOCH_UTC: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)
_TIME_CACHE_LIMIT: Final = 100_000


class RowBuffer:
    """Candidate readings, filled packet by packet and turned into one Arrow table.

    A row is kept as its factor code and the packet's own suffix dict (``Avg``, ``Min``, ``Flag``: text),
    per-packet fields once per packet; :meth:`table` reads each column out of the dicts in one pass and
    converts whole columns at once (numbers and times included), which is where the speed is: the
    per-row work in :meth:`add_packet` is two appends. Times are converted once per distinct DataTime
    text and receive time (a batch holds few of each).
    """

    __slots__ = ("codes", "suffixes", "counts", "outlet_ids", "kinds", "data_times_us", "offsets", "sources",
                 "frame_ids", "received_us", "distinct", "_codes", "_flags", "_times", "_packet_keys")

    def __init__(self) -> None:
        self.codes: list[str] = []
        self.suffixes: list[dict[str, str]] = []  # suffix -> text of each row (the decoded packet's own dict)
        self.counts: list[int] = []  # rows of each packet
        self.outlet_ids: list[str] = []
        self.kinds: list[str] = []
        self.data_times_us: list[int] = []  # plant-local clock time, microseconds since 1970-01-01 (naive)
        self.offsets: list[int] = []
        self.sources: list[str] = []
        self.frame_ids: list[int | None] = []
        self.received_us: list[int] = []  # instant, microseconds since the epoch (UTC)
        # True while no two rows share a key (outlet_id, code, kind, data_time): packets of distinct
        # (outlet, kind, DataTime), codes distinct within each (2005 and 2017 codes of one factor are not)
        self.distinct = True
        self._codes: dict[str, str] = {}  # code as sent -> its 2017 code ("" when not a factor)
        self._flags: tuple[CodeTables, frozenset[str]] | None = None  # the HJ 212 data flags of the tables
        self._times: dict[object, int] = {}
        self._packet_keys: set[tuple[str, str, int]] = set()

    def __len__(self) -> int:
        return len(self.codes)

    def _clock_us(self, packet: Packet) -> int:
        """The packet's DataTime as plant-local clock microseconds (cached by its text)."""
        text = packet.globals.get("DataTime")
        cached = self._times.get(text) if text is not None else None
        if cached is None:
            if packet.data_time is None:
                raise ValueError("a data packet without a DataTime reached the row buffer")
            cached = (packet.data_time.replace(tzinfo=None) - _EPOCH_NAIVE) // _MICROSECOND
            if text is not None:
                self._remember(text, cached)
        return cached

    def _instant_us(self, when: datetime) -> int:
        """An aware receive time as microseconds since the epoch (a naive one is taken as UTC)."""
        cached = self._times.get(when)
        if cached is None:
            cached = (when - (_EPOCH_UTC if when.tzinfo is not None else _EPOCH_NAIVE)) // _MICROSECOND
            self._remember(when, cached)
        return cached

    def _remember(self, key: object, micros: int) -> None:
        if len(self._times) >= _TIME_CACHE_LIMIT:
            self._times.clear()
        self._times[key] = micros

    def _flags_of(self, tables: CodeTables) -> frozenset[str]:
        if self._flags is None or self._flags[0] is not tables:
            self._flags = (tables, frozenset(tables.flags_2017) | frozenset(tables.flags_2005))
        return self._flags[1]

    def add_packet(self, packet: Packet, kind: str, outlet_id: str, utc_offset_min: int, source: str,
                   frame_id: int | None, received_at: datetime, tables: CodeTables,
                   refused: list[str] | None = None) -> int:
        """Append one row per factor of ``packet``; returns the number of rows added. A value whose factor
        code is not in the HJ 212 code table, or whose flag is not an HJ 212 data flag, is not added: its
        reason goes to ``refused`` (the raw frame keeps it as sent)."""
        if packet.data_time is None:
            raise ValueError("a data packet without a DataTime reached the row buffer")
        if kind not in _VALUE_SUFFIX:
            raise ValueError(f"unknown reading kind {kind!r}")
        codes = self._codes
        flags = self._flags_of(tables)
        add_code, add_suffixes = self.codes.append, self.suffixes.append
        n = 0
        renamed = False
        for code, s in packet.values.items():
            if _SUFFIXES.isdisjoint(s):
                continue  # e.g. only SampleTime or Info: nothing to store as a reading
            translated = codes.get(code)
            if translated is None:
                translated = tables.to_2017(code)
                translated = codes[code] = translated if translated in tables.factors else ""
            if not translated:
                if refused is not None:
                    refused.append(f"unknown factor code {code!r} (not in the HJ 212 code table): value not stored")
                continue
            flag = s.get("Flag")
            if flag is not None and flag not in flags:
                if refused is not None:
                    refused.append(f"{code}: unknown data flag {flag!r} (not an HJ 212 flag): value not stored")
                continue
            if translated != code:
                renamed = True
            add_code(translated)
            add_suffixes(s)
            n += 1
        if not n:
            return 0
        clock_us = self._clock_us(packet)
        key = (outlet_id, kind, clock_us)
        if key in self._packet_keys or (renamed and len(set(self.codes[-n:])) < n):
            self.distinct = False
        self._packet_keys.add(key)
        self.counts.append(n)
        self.outlet_ids.append(outlet_id)
        self.kinds.append(kind)
        self.data_times_us.append(clock_us)
        self.offsets.append(utc_offset_min)
        self.sources.append(source)
        self.frame_ids.append(frame_id)
        self.received_us.append(self._instant_us(received_at))
        return n

    def ranges(self) -> dict[tuple[str, str], tuple[int, int]]:
        """Earliest and latest data_time (microseconds) per (outlet_id, kind), as
        :func:`ultralow.store.watermarks.group_ranges` finds them in the table, from one entry per packet
        instead of one per row."""
        out: dict[tuple[str, str], tuple[int, int]] = {}
        for group, when in zip(zip(self.outlet_ids, self.kinds, strict=True), self.data_times_us, strict=True):
            seen = out.get(group)
            out[group] = (when, when) if seen is None else (min(seen[0], when), max(seen[1], when))
        return out

    def _column(self, suffix: str) -> list[str | None]:
        return [s.get(suffix) for s in self.suffixes]

    def _value_columns(self) -> tuple[list[str | None], list[str | None]]:
        """The value and device-converted value texts, whose suffixes depend on each packet's kind."""
        kinds = set(self.kinds)
        if len(kinds) == 1:
            value_suffix, zs_suffix = _VALUE_SUFFIX[next(iter(kinds))]
            return self._column(value_suffix), self._column(zs_suffix)
        pairs = [_VALUE_SUFFIX[kind] for kind, count in zip(self.kinds, self.counts, strict=True)
                 for _ in range(count)]
        return ([s.get(v) for s, (v, _) in zip(self.suffixes, pairs, strict=True)],
                [s.get(z) for s, (_, z) in zip(self.suffixes, pairs, strict=True)])

    def table(self) -> pa.Table:
        """The rows as one Arrow table (CANDIDATE_SCHEMA); per-packet columns are repeated per row.

        Built from Python lists and NumPy arrays with as few Arrow kernel calls as possible (see
        :func:`to_float_array` for why that matters under the receiver)."""
        n = len(self.codes)
        counts = np.asarray(self.counts, dtype=np.int64)
        row_packet: list[pa.Array] = []  # made once, when a column differs between packets

        def repeated(values: list[Any], kind: pa.DataType) -> pa.Array:
            if len(set(values)) == 1:  # the usual batch: one kind, one source
                return pa.repeat(pa.scalar(values[0], kind), n)
            if not row_packet:
                row_packet.append(pa.array(np.repeat(np.arange(len(counts), dtype=np.int64), counts)))
            return pa.array(values, kind).take(row_packet[0])  # one kernel, far cheaper than a Python list

        def repeated_int(values: list[int], dtype: type, kind: pa.DataType) -> pa.Array:
            return pa.array(np.repeat(np.asarray(values, dtype=dtype), counts), kind)

        values, zss = self._value_columns()
        frame_ids = (repeated_int(self.frame_ids, np.int64, pa.int64())  # type: ignore[arg-type]
                     if None not in self.frame_ids else repeated(self.frame_ids, pa.int64()))
        arrays = [
            repeated(self.outlet_ids, pa.string()),
            pa.array(self.codes, pa.string()),
            repeated(self.kinds, pa.string()),
            repeated_int(self.data_times_us, np.int64, pa.timestamp("us")),
            repeated_int(self.offsets, np.int16, pa.int16()),
            to_float_array(values),
            to_float_array(self._column("Min")),
            to_float_array(self._column("Max")),
            to_float_array(self._column("Cou")),
            to_float_array(zss),
            pa.array(self._column("Flag"), pa.string()),
            repeated(self.sources, pa.string()),
            frame_ids,
            repeated_int(self.received_us, np.int64, pa.timestamp("us", tz="UTC")),
            pa.array(np.arange(n, dtype=np.int64)),
        ]
        return pa.Table.from_arrays(arrays, schema=CANDIDATE_SCHEMA)
