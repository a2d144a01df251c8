"""Readings from a decoded data packet: one row per factor code, suffix values parsed to numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ultralow.hj212 import CodeTables, Packet
from ultralow.store import CANDIDATE_SCHEMA
from ultralow.store.store import timestamp_array

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


_NUMERIC: Final = ("value", "min", "max", "cou", "zs")
_PER_ROW: Final = ("code", "value", "min", "max", "cou", "zs", "flag")
_PER_PACKET: Final = ("outlet_id", "kind", "data_time", "utc_offset_min", "source", "frame_id", "received_at")


def to_float_array(texts: list[str | None]) -> pa.Array:
    """Suffix texts as float64; nulls for absent, non-numeric or non-finite values (the text stays in the
    raw frame). Vectorised when every text is a plain number, which is the rule."""
    strings = pa.array(texts, pa.string())
    try:
        numbers = strings.cast(pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([parse_number(t) for t in texts], pa.float64())
    finite = pc.is_finite(numbers)
    if pc.all(finite).as_py() is False:
        numbers = pc.if_else(finite, numbers, pa.scalar(None, pa.float64()))
    return numbers


@dataclass(slots=True)
class RowBuffer:
    """Candidate readings, filled packet by packet and turned into one Arrow table.

    Per-row fields are kept as tuples of texts and per-packet fields once per packet; :meth:`table`
    converts whole columns at once (numbers and times included), which is where the speed is.
    """

    rows: list[tuple[str, str | None, str | None, str | None, str | None, str | None, str | None]] = field(
        default_factory=list)
    packets: dict[str, list[Any]] = field(default_factory=lambda: {name: [] for name in _PER_PACKET})
    counts: list[int] = field(default_factory=list)
    _codes: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def add_packet(self, packet: Packet, kind: str, outlet_id: str, utc_offset_min: int, source: str,
                   frame_id: int | None, received_at: datetime, tables: CodeTables) -> int:
        """Append one row per factor of ``packet``; returns the number of rows added."""
        assert packet.data_time is not None
        value_suffix, zs_suffix = _VALUE_SUFFIX[kind]
        codes = self._codes
        before = len(self.rows)
        for code, s in packet.values.items():
            if _SUFFIXES.isdisjoint(s):
                continue  # e.g. only SampleTime or Info: nothing to store as a reading
            if code not in codes:
                codes[code] = tables.to_2017(code)
            get = s.get
            self.rows.append((codes[code], get(value_suffix), get("Min"), get("Max"), get("Cou"), get(zs_suffix),
                              get("Flag")))
        n = len(self.rows) - before
        if not n:
            return 0
        p = self.packets
        p["outlet_id"].append(outlet_id)
        p["kind"].append(kind)
        p["data_time"].append(packet.data_time.replace(tzinfo=None))  # plant-local clock time as sent
        p["utc_offset_min"].append(utc_offset_min)
        p["source"].append(source)
        p["frame_id"].append(frame_id)
        p["received_at"].append(received_at)
        self.counts.append(n)
        return n

    def table(self) -> pa.Table:
        """The rows as one Arrow table (CANDIDATE_SCHEMA); per-packet columns are repeated per row."""
        n = len(self.rows)
        rows = self.rows
        per_row = {name: [row[i] for row in rows] for i, name in enumerate(_PER_ROW)}
        repeat = pa.array(np.repeat(np.arange(len(self.counts), dtype=np.int64), self.counts))
        arrays: dict[str, pa.Array] = {}
        for name in CANDIDATE_SCHEMA.names:
            kind = CANDIDATE_SCHEMA.field(name).type
            if name in _NUMERIC:
                arrays[name] = to_float_array(per_row[name])
            elif name == "seq":
                arrays[name] = pa.array(np.arange(n, dtype=np.int64))
            elif name in ("data_time", "received_at"):
                arrays[name] = timestamp_array(self.packets[name]).cast(kind).take(repeat)
            elif name in _PER_PACKET:
                arrays[name] = pa.array(self.packets[name], kind).take(repeat)
            else:
                arrays[name] = pa.array(per_row[name], kind)
        return pa.table(arrays, schema=CANDIDATE_SCHEMA)
