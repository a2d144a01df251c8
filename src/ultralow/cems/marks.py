"""Marks (MEE Announcement 2022 No. 21 and HJ 75 invalid periods) as time intervals with a policy table.

A mark never changes a reading. Its policy (``marking_policy.toml``) says whether covered minutes are
invalid, whether covered hours are exempt from exceedance judgement (up to an annual cap), and whether a
fully covered hour counts as source-stopped. Intervals are plant-local ``[start_time, end_time)``; a null
``code`` covers every factor of the outlet.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa

MARK_SCHEMA = pa.schema([
    ("outlet_id", pa.string()),
    ("code", pa.string()),
    ("start_time", pa.timestamp("us")),
    ("end_time", pa.timestamp("us")),
    ("mark_type", pa.string()),
    ("origin", pa.string()),
    ("reason", pa.string()),
])


def empty_marks() -> pa.Table:
    return MARK_SCHEMA.empty_table()


def with_policy(marks: ir.Table, policy: ir.Table) -> ir.Table:
    """Marks joined to their policy; a mark type without a policy row is kept with a null policy."""
    m = marks.select("outlet_id", "code", "start_time", "end_time", "mark_type")
    return m.left_join(policy, m.mark_type == policy.mark_type).drop("mark_type_right")


def minutes_marked_invalid(minutes: ir.Table, marks: ir.Table) -> ir.Table:
    """``minutes`` plus ``marked_invalid``: covered by a mark whose policy makes data invalid."""
    invalidating = marks.filter(marks.data_valid == False)  # noqa: E712 (SQL comparison)
    covered = minutes.semi_join(
        invalidating,
        [minutes.outlet_id == invalidating.outlet_id,
         invalidating.code.isnull() | (minutes.code == invalidating.code),
         minutes.data_time >= invalidating.start_time, minutes.data_time < invalidating.end_time],
    ).select(k_outlet="outlet_id", k_code="code", k_time="data_time", marked=ibis.literal(True))
    joined = minutes.left_join(covered, [minutes.outlet_id == covered.k_outlet, minutes.code == covered.k_code,
                                         minutes.data_time == covered.k_time])
    return joined.mutate(marked_invalid=joined.marked.notnull()).drop("k_outlet", "k_code", "k_time", "marked")


def hour_marks(hours: ir.Table, marks: ir.Table) -> ir.Table:
    """Per (outlet_id, code, hour) of ``hours``: exempt_mark (the exempting mark type, if any),
    stopped_mark (a source-stopped mark covers the whole hour), out_of_control (an out-of-control mark
    touches the hour), mark_type (the first, alphabetically, of the marks touching the hour), marks
    (how many touch it)."""
    hour_end = hours.hour + ibis.interval(hours=1)
    keys = hours.select("outlet_id", "code", "hour")
    joined = keys.join(
        marks,
        [keys.outlet_id == marks.outlet_id, marks.code.isnull() | (keys.code == marks.code),
         marks.start_time < hour_end, marks.end_time > keys.hour],
    )
    full = (joined.start_time <= joined.hour) & (joined.end_time >= joined.hour + ibis.interval(hours=1))
    exempt_type = ibis.ifelse(joined.exceedance_exempt.fill_null(False), joined.mark_type, ibis.null(str))
    return joined.group_by(["outlet_id", "code", "hour"]).agg(
        exempt_mark=exempt_type.min(),
        exempt_cap_hours=ibis.ifelse(joined.exceedance_exempt.fill_null(False), joined.annual_cap_hours,
                                     ibis.null(float)).min(),
        stopped_mark=(joined.source_stopped.fill_null(False) & full).any(),
        out_of_control=(joined.substitution_kind == "out_of_control").fill_null(False).any(),
        mark_type=joined.mark_type.min(),
        marks=joined.count(),
    )


def apply_caps(hours: ir.Table, capped: bool = True) -> ir.Table:
    """``exempt``: an exempt mark covers the hour and the hour is within the mark type's annual cap
    (counted per outlet, pollutant, mark type and calendar year in hour order). ``capped`` False: no
    policy has a cap, every exempt-marked hour is exempt."""
    has = hours.exempt_mark.notnull()
    if not capped:
        return hours.mutate(exempt=has)
    counted = ibis.ifelse(has, 1, 0).sum().over(
        group_by=[hours.outlet_id, hours.code, hours.exempt_mark, hours.hour.year()],
        order_by=hours.hour, rows=(None, 0),
    )
    within = hours.exempt_cap_hours.isnull() | (counted <= hours.exempt_cap_hours)
    return hours.mutate(exempt=has & within)


def without_marks(hours: ir.Table) -> ir.Table:
    """The columns :func:`hour_marks` and :func:`apply_caps` add, for a run without any mark."""
    return hours.mutate(
        exempt_mark=ibis.null(str), exempt_cap_hours=ibis.null(float), stopped_mark=ibis.literal(False),
        out_of_control=ibis.literal(False), mark_type=ibis.null(str), marks=ibis.literal(0, type="int64"),
        exempt=ibis.literal(False),
    )
