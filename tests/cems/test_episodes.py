"""Findings merged into episodes with a severity and a rank (findings_policy.toml)."""

from __future__ import annotations

import pyarrow as pa
from cems_support import FLOW, O2, SO2, Data, at, judge

from ultralow.cems.document import sorted_rows
from ultralow.standards import packaged_rules


def noisy(level: float, spike: float | None = None) -> list[float]:
    values = [level + (0.5 if i % 2 else -0.5) for i in range(60)]
    if spike is not None:
        values[30] = spike
    return values


def test_findings_form_ranked_episodes() -> None:
    data = Data()
    for outlet in ("a", "b", "c"):
        data.outlet(outlet, "coal_boiler", ["GB13223-2011", "ultra-low-2015"])
        for h in range(24):
            data.minutes(outlet, O2, at(h), [6.0 + (i % 3) * 0.1 for i in range(60)])
            data.minutes(outlet, FLOW, at(h), [100.0 + (i % 3) * 0.5 for i in range(60)])
    for h in range(24):
        # a: SO2 stuck at 20.0 from 08:00 to 15:59 (8 hours), a spike at 17:00
        data.minutes("a", SO2, at(h), [20.0] * 60 if 8 <= h < 16 else noisy(20.0, 200.0 if h == 17 else None))
        # b: a spike at 10:00
        data.minutes("b", SO2, at(h), noisy(20.0, 200.0 if h == 10 else None))
        # c: a spike at 10:00 in an hour whose mean exceeds the ultra-low 35:
        #    (59 x 40 + 400) / 60 = 46 mg/m3 (the +-0.5 noise cancels but for one minute: 46.0 +- 0.01)
        data.minutes("c", SO2, at(h), noisy(40.0, 400.0) if h == 10 else noisy(20.0))
    found = judge(data).tables["findings"]
    got = sorted((f["episode_rank"], f["episode"], f["finding"], f["severity"], f["episode_severity"],
                  f["start"], f["end"]) for f in found)
    # policy: flat_line severity 3, escalated to 5 from 6 hours (8 >= 6); spike 1.
    # a: flat line 08:00-16:00 and the spike 17:00-18:00 are 1 h apart (< 2 h gap) -> one episode, severity 5
    # c: spike severity 1, plus 1 because an exceedance event (10:00, ultra-low) overlaps it -> 2
    # b: spike severity 1. Rank: a (5), c (2), b (1).
    assert got == [
        (1, "a#1", "flat_line", 5, 5, at(8), at(16)),
        (1, "a#1", "spike", 1, 5, at(17), at(18)),
        (2, "c#1", "spike", 1, 2, at(10), at(11)),
        (3, "b#1", "spike", 1, 1, at(10), at(11)),
    ]
    [c] = [f for f in found if f["outlet_id"] == "c"]
    # the c episode overlaps the ultra-low event of one hour only (legal SO2 100 is not exceeded)
    assert (c["episode_exceeded_hours"], c["episode_findings"]) == (1, 1)
    # the document lists findings by episode rank
    assert [f["outlet_id"] for f in sorted_rows("findings", pa.Table.from_pylist(found))] == ["a", "a", "c", "b"]
    assert packaged_rules().value("episode_gap_hours") == 2

