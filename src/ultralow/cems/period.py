"""The period a compliance run covers: plant-local calendar days, start inclusive, end exclusive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pyarrow as pa


@dataclass(frozen=True, slots=True)
class Period:
    """Local days ``start`` (inclusive) to ``end`` (exclusive); clock hours are those of each outlet."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"period end {self.end} must be after its start {self.start}")

    @classmethod
    def inclusive(cls, first: date, last: date) -> Period:
        """The days ``first`` to ``last``, both included (what ``--from``/``--to`` mean)."""
        return cls(first, last + timedelta(days=1))

    @property
    def start_time(self) -> datetime:
        return datetime.combine(self.start, time())

    @property
    def end_time(self) -> datetime:
        return datetime.combine(self.end, time())

    @property
    def hour_count(self) -> int:
        return (self.end - self.start).days * 24

    def hours_table(self) -> pa.Table:
        """One row per clock hour (its start, naive local time): column ``hour``."""
        start = self.start_time
        hours = [start + timedelta(hours=i) for i in range(self.hour_count)]
        return pa.table({"hour": pa.array(hours, pa.timestamp("us"))})

    def as_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": (self.end - timedelta(days=1)).isoformat(),
                "end_exclusive": self.end.isoformat()}
