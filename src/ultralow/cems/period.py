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


def quarter_start(day: date) -> date:
    """The first day of the calendar quarter containing ``day``."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter(day: date) -> date:
    """The first day of the calendar quarter after the one containing ``day``."""
    start = quarter_start(day)
    return date(start.year + 1, 1, 1) if start.month == 10 else date(start.year, start.month + 3, 1)


def previous_quarter(day: date) -> date:
    """The first day of the calendar quarter before the one containing ``day``."""
    start = quarter_start(day)
    return date(start.year - 1, 10, 1) if start.month == 1 else date(start.year, start.month - 3, 1)


def substitution_context(period: Period, first_data: date | None, last_data: date | None) -> Period:
    """The days to judge so that substitution does not depend on the period asked (HJ 75-2017 §12.2).

    alpha is the capture rate of the calendar quarter containing the hour (reference §1.7: the public code
    uses the calendar quarter [V]); the look-back reads up to 2160 valid hours (about one quarter) before a
    gap. So: from the start of the quarter before the period's first quarter to the end of its last quarter,
    clipped to the days that have data (``first_data``/``last_data``: the outlets' first and last local day
    with minute readings in the store; a quarter still running is judged up to its data cut-off). The result
    always contains ``period``.
    """
    start = previous_quarter(period.start)
    end = next_quarter(period.end - timedelta(days=1))
    if first_data is not None:
        start = max(start, first_data)
    if last_data is not None:
        end = min(end, last_data + timedelta(days=1))
    return Period(min(start, period.start), max(end, period.end))
