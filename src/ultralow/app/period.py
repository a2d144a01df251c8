"""The one period rule every front end uses.

A judgement covers whole plant-local days, ``--to`` included:

1. ``year`` given: 1 January to 31 December of that year;
2. otherwise ``first``/``last`` (``--from``/``--to``) where given, and for a bound not given, the first or
   last local day on which the *selected outlets* have *minute* readings (``readings_current``,
   ``kind = 'minute'``; hourly and daily rows sent by loggers do not widen the period);
3. ``first`` after ``last``, or ``year`` together with ``first``/``last``: a usage problem (exit 2);
4. no bound given and no minute readings: :class:`NoData`.

A period with no data inside it is still a period: the result is empty and front ends say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ultralow.app.problems import NoData, UsageProblem
from ultralow.cems.period import Period


@dataclass(frozen=True, slots=True)
class DataSpan:
    """First and last plant-local minute reading time of the selected outlets, and how many rows."""

    first: datetime | None
    last: datetime | None
    minute_rows: int


def derive_period(span: DataSpan, first: date | None = None, last: date | None = None,
                  year: int | None = None, *, where: str = "the store") -> Period:
    """The period by the rule above (raises UsageProblem or NoData)."""
    if year is not None:
        if first is not None or last is not None:
            raise UsageProblem("--year cannot be combined with --from/--to")
        return Period(date(year, 1, 1), date(year + 1, 1, 1))
    start = first or (span.first.date() if span.first else None)
    end = last or (span.last.date() if span.last else None)
    if first is not None and last is not None and last < first:
        raise UsageProblem(f"--from {first} is after --to {last}")
    if start is None or end is None:
        raise NoData(f"{where}: no minute readings for the selected outlets; nothing to judge "
                     "(give --from and --to for an explicit period)")
    if end < start:
        bound = "--from" if first is not None else "--to"
        raise UsageProblem(f"{bound} {first or last} leaves no day with data: the data run "
                           f"{span.first.date() if span.first else '?'} .. {span.last.date() if span.last else '?'}")
    return Period.inclusive(start, end)
