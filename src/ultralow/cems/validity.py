"""HJ 75/76 validity: which minutes count, and the hour / day / month thresholds (``validity.toml``).

A minute is valid when its flag is N, its value is present and plausible (``plausibility.toml``) and no
data-invalidating mark covers it (marks are applied in :mod:`ultralow.cems.marks`). An hour is valid with at
least 45 valid minutes, a day with at least 20 valid hours, a month with at least 25 valid days (23 in
February).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ultralow.standards.rules import PlausibleRange, RuleBook


def _within(value: ir.FloatingValue, rng: PlausibleRange) -> ir.BooleanValue:
    ok: ir.BooleanValue = ibis.literal(True)
    if rng.min is not None:
        ok = ok & ((value > rng.min) if rng.min_exclusive else (value >= rng.min))
    if rng.max is not None:
        ok = ok & ((value < rng.max) if rng.max_exclusive else (value <= rng.max))
    return ok


def plausible(code: ir.StringValue, value: ir.FloatingValue, rules: RuleBook) -> ir.BooleanValue:
    """True when ``value`` lies in the plausible range of ``code`` (the ``*`` row for other codes).

    A null value is not plausible (there is nothing to judge).
    """
    specific = [r for r in rules.plausibility if r.code != "*"]
    fallback = next((r for r in rules.plausibility if r.code == "*"), None)
    default = _within(value, fallback) if fallback is not None else ibis.literal(True)
    if not specific:
        return value.notnull() & default
    checks = ibis.cases(*[(code == r.code, _within(value, r)) for r in specific], else_=default)
    return value.notnull() & checks


def has_flag(flag: ir.StringValue, flags: list[str]) -> ir.BooleanValue:
    """``flag`` is one of ``flags``; false (never null) for a missing flag. Written as a conjunction rather
    than a null fill: DuckDB drops the null test where the column's statistics have no null."""
    return flag.notnull() & flag.isin(flags)


def classify_minutes(minutes: ir.Table, rules: RuleBook) -> ir.Table:
    """Add is_n, is_stopped, is_calibration, is_over_range, is_plausible and valid (before marks)."""
    flags = rules.validity
    is_n = has_flag(minutes.flag, list(flags["minute_valid_flags"].value))
    ok = plausible(minutes.code, minutes.value, rules)
    return minutes.mutate(
        is_n=is_n,
        is_stopped=has_flag(minutes.flag, list(flags["stopped_flags"].value)),
        is_calibration=has_flag(minutes.flag, list(flags["calibration_flags"].value)),
        is_over_range=has_flag(minutes.flag, list(flags["over_range_flags"].value)),
        is_plausible=ok,
        valid=is_n & ok,
    )


def hour_is_valid(valid_minutes: ir.IntegerValue, rules: RuleBook) -> ir.BooleanValue:
    """At least ``hour_min_valid_minutes`` (45) valid minutes (HJ 76-2017 App. B)."""
    return valid_minutes >= int(rules.value("hour_min_valid_minutes"))


def day_is_valid(valid_hours: ir.IntegerValue, rules: RuleBook) -> ir.BooleanValue:
    """At least ``day_min_valid_hours`` (20) valid hours."""
    return valid_hours >= int(rules.value("day_min_valid_hours"))


def month_is_valid(valid_days: ir.IntegerValue, month: ir.IntegerValue, rules: RuleBook) -> ir.BooleanValue:
    """At least 25 valid days, 23 in February."""
    need = ibis.ifelse(month == 2, int(rules.value("february_min_valid_days")),
                       int(rules.value("month_min_valid_days")))
    return valid_days >= need
