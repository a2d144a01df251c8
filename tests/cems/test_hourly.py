"""Clock-hour statistics (cems.hourly.aggregate): every count and mean of one mixed hour, by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import pyarrow as pa
import pytest
from cems_support import DAY, SO2, Data, at

from ultralow.cems import Period, duckdb_engine, hourly
from ultralow.cems import marks as marks_mod
from ultralow.cems.validity import classify_minutes
from ultralow.standards import packaged_rules

# one SO2 hour: 40 N at 20, 2 N at -5 (implausible), 3 D, 2 F, one each of C, T, M, B, S, a missing flag and P
# (all at 20), then 6 N at 0.2 (inside the 0.5 mg/m3 zero band)
VALUES = [20.0] * 40 + [-5.0] * 2 + [20.0] * 12 + [0.2] * 6
FLAGS: list[str | None] = (["N"] * 42 + ["D"] * 3 + ["F"] * 2 + ["C", "T", "M", "B", "S", None, "P"]
                           + ["N"] * 6)


def stats(marked: bool) -> dict[str, Any]:
    data = Data().outlet("u1", "coal_boiler", ["GB13223-2011"])
    data.minutes("u1", SO2, at(10), VALUES, "N")
    table = data.readings_table()
    table = table.set_column(table.schema.get_field_index("flag"), "flag", pa.array(FLAGS, pa.string()))
    rules = packaged_rules()
    engine = duckdb_engine()
    minutes = classify_minutes(hourly.period_minutes(engine.load(table), Period.inclusive(DAY, DAY)), rules)
    unmarked = minutes
    if marked:  # a maintenance mark (data not valid) over the first 10 minutes
        data.mark("u1", SO2, at(10), at(10, 10), "maintenance")
        mark_rows = engine.load(data.marks_table())
        minutes = marks_mod.minutes_marked_invalid(
            minutes, marks_mod.with_policy(mark_rows, engine.load(rules.marking_table())))
    else:
        minutes = minutes.mutate(marked_invalid=ibis.literal(False))
    [row] = engine.to_arrow(hourly.aggregate(minutes, rules, marked=marked, unmarked=unmarked)).to_pylist()
    assert tuple(row) == hourly.STATS_COLUMNS
    return row


@pytest.mark.parametrize("marked", [False, True])
def test_every_statistic_of_a_mixed_hour(marked: bool) -> None:
    row = stats(marked)
    assert (row["outlet_id"], row["code"], row["hour"]) == ("u1", SO2, dt.datetime(2025, 3, 3, 10))
    # flag counts: the missing flag and P count in no rule, but they are received minutes and not N
    assert row["n_records"] == 60
    assert row["n_n"] == 40 + 2 + 6
    assert (row["n_fault"], row["n_stopped"], row["n_calibration"], row["n_over_range"], row["n_maintenance"],
            row["n_comms"], row["n_manual"]) == (3, 2, 1, 1, 1, 1, 1)
    assert (row["n_implausible"], row["implausible_min"], row["implausible_max"]) == (2, -5.0, -5.0)
    # zero band (value <= 0.5 under N): the 6 at 0.2 and the 2 at -5
    assert row["n_zero"] == 8
    # N minutes: min -5, max 20, mean (40 x 20 - 2 x 5 + 6 x 0.2) / 48 = 791.2 / 48
    assert (row["n_min"], row["n_max"]) == (-5.0, 20.0)
    assert row["n_mean"] == pytest.approx(791.2 / 48)
    # raw: every value but the calibration minute: (40 x 20 - 10 + 11 x 20 + 1.2) / 59 = 1011.2 / 59
    assert row["raw_mean"] == pytest.approx(1011.2 / 59)
    if marked:  # the mark takes 10 of the 40 plausible N minutes at 20: valid 30 + 6
        assert (row["n_marked"], row["valid_minutes"]) == (10, 36)
        assert row["mean_valid"] == pytest.approx((30 * 20 + 6 * 0.2) / 36)
    else:
        assert (row["n_marked"], row["valid_minutes"]) == (0, 46)
        assert row["mean_valid"] == pytest.approx((40 * 20 + 6 * 0.2) / 46)
