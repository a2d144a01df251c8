"""Small datasets for the engine tests: minute rows in the store's readings schema, registry rows, marks.

Runs go through a real in-memory DuckDB (``duckdb_engine()``); nothing is mocked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from ultralow.cems import Period, duckdb_engine, run
from ultralow.cems.engine import Engine
from ultralow.cems.marks import MARK_SCHEMA
from ultralow.standards import packaged_catalog

READING_SCHEMA = pa.schema([
    ("outlet_id", pa.string()), ("code", pa.string()), ("kind", pa.string()), ("data_time", pa.timestamp("us")),
    ("utc_offset_min", pa.int16()), ("value", pa.float64()), ("min", pa.float64()), ("max", pa.float64()),
    ("cou", pa.float64()), ("zs", pa.float64()), ("flag", pa.string()),
])
DAY = dt.date(2025, 3, 3)
SO2, NOX, PM, O2, FLOW, HUM, NO, NO2, F = ("a21026", "a21002", "a34013", "a19001", "a00000", "a01014", "a21003",
                                          "a21004", "a21018")


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=hour, minutes=minute)


@dataclass
class Data:
    """Minute rows, outlets and marks of one test case."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    outlets: list[dict[str, Any]] = field(default_factory=list)
    marks: list[dict[str, Any]] = field(default_factory=list)

    def outlet(self, outlet_id: str, source_type: str, limit_sets: Sequence[str], wet: bool = False) -> Data:
        self.outlets.append({"outlet_id": outlet_id, "base": "b1", "source_type": source_type,
                             "limit_sets": list(limit_sets), "wet_analyser": wet, "utc_offset_min": 480})
        return self

    def minutes(self, outlet: str, code: str, start: dt.datetime, values: Iterable[float | None],
                flags: Iterable[str] | str = "N") -> Data:
        """One row per minute from ``start``; ``flags`` one per value or one for all."""
        values = list(values)
        flag_list = [flags] * len(values) if isinstance(flags, str) else list(flags)
        for i, (value, flag) in enumerate(zip(values, flag_list, strict=True)):
            self.rows.append((outlet, code, "minute", start + dt.timedelta(minutes=i), 480, value, None, None,
                              None, None, flag))
        return self

    def hour(self, outlet: str, code: str, hour_start: dt.datetime, value: float, flag: str = "N",
             count: int = 60) -> Data:
        """``count`` minutes of one value from the start of the hour."""
        return self.minutes(outlet, code, hour_start, [value] * count, flag)

    def mark(self, outlet: str, code: str | None, start: dt.datetime, end: dt.datetime, mark_type: str) -> Data:
        self.marks.append({"outlet_id": outlet, "code": code, "start_time": start, "end_time": end,
                           "mark_type": mark_type, "origin": "manual", "reason": "test"})
        return self

    def readings_table(self) -> pa.Table:
        columns = list(zip(*self.rows, strict=True)) if self.rows else [[] for _ in READING_SCHEMA]
        return pa.table([pa.array(list(c), f.type) for c, f in zip(columns, READING_SCHEMA, strict=True)],
                        schema=READING_SCHEMA)

    def outlets_table(self) -> pa.Table:
        return pa.table({
            "outlet_id": pa.array([o["outlet_id"] for o in self.outlets], pa.string()),
            "base": pa.array([o["base"] for o in self.outlets], pa.string()),
            "source_type": pa.array([o["source_type"] for o in self.outlets], pa.string()),
            "limit_sets": pa.array([o["limit_sets"] for o in self.outlets], pa.list_(pa.string())),
            "wet_analyser": pa.array([o["wet_analyser"] for o in self.outlets], pa.bool_()),
            "utc_offset_min": pa.array([o["utc_offset_min"] for o in self.outlets], pa.int16()),
        })

    def marks_table(self) -> pa.Table | None:
        if not self.marks:
            return None
        return pa.Table.from_pylist(self.marks, schema=MARK_SCHEMA)


@dataclass
class Outcome:
    """A run's tables as Python rows."""

    tables: dict[str, list[dict[str, Any]]]

    def hour(self, outlet: str, code: str, hour_start: dt.datetime) -> dict[str, Any]:
        found = [r for r in self.tables["hours"]
                 if r["outlet_id"] == outlet and r["code"] == code and r["hour"] == hour_start]
        assert len(found) == 1, f"{outlet} {code} {hour_start}: {len(found)} rows"
        return found[0]

    def summary(self, outlet: str, code: str) -> dict[str, Any]:
        found = [r for r in self.tables["summary"] if r["outlet_id"] == outlet and r["code"] == code]
        assert len(found) == 1
        return found[0]

    def findings(self, kind: str, outlet: str | None = None) -> list[dict[str, Any]]:
        return [f for f in self.tables["findings"]
                if f["finding"] == kind and (outlet is None or f["outlet_id"] == outlet)]


def judge(data: Data, period: Period | None = None, engine: Engine | None = None,
          limits: pa.Table | None = None) -> Outcome:
    """Run the engine on DuckDB over ``data`` for ``period`` (default: the day 2025-03-03)."""
    engine = engine or duckdb_engine()
    period = period or Period.inclusive(DAY, DAY)
    marks = data.marks_table()
    result = run(engine.load(data.readings_table()), engine.load(data.outlets_table()),
                 engine.load(limits if limits is not None else packaged_catalog().table()),
                 engine.load(marks) if marks is not None else None, period, engine=engine)
    return Outcome({name: engine.to_arrow(expr).to_pylist() for name, expr in result.tables().items()})
