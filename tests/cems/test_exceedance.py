"""Exceedance: corrected hourly value strictly above the strictest applicable limit; events; invalid hours."""

from __future__ import annotations

import pytest
from cems_support import O2, PM, SO2, Data, F, at, judge

COAL = ("u1", "coal_boiler", ["GB13223-2011", "ultra-low-2015"])


def test_measured_under_the_limit_corrected_above_it() -> None:
    data = Data().outlet(*COAL)
    # SO2 30 mg/m3 measured (< 35) at O2 10 %: 30 x 15 / 11 = 40.909 > ultra-low 35 -> exceedance
    data.hour("u1", SO2, at(10), 30.0).hour("u1", O2, at(10), 10.0)
    hour = judge(data).hour("u1", SO2, at(10))
    assert hour["measured_mg_m3"] == 30.0
    assert hour["corrected_mg_m3"] == pytest.approx(40.909091, abs=1e-6)
    assert (hour["limit_mg_m3"], hour["limit_set"], hour["exceeded"]) == (35.0, "ultra-low-2015", True)
    # multiple (超标倍数) = (40.909091 - 35) / 35 = 0.168831
    assert hour["exceed_multiple"] == pytest.approx(0.168831, abs=1e-6)


def test_equal_to_the_limit_is_not_an_exceedance() -> None:
    data = Data().outlet(*COAL)
    # 28 at O2 9 %: 28 x 15 / 12 = 35.0 exactly = the limit -> complies
    data.hour("u1", SO2, at(10), 28.0).hour("u1", O2, at(10), 9.0)
    hour = judge(data).hour("u1", SO2, at(10))
    assert (hour["corrected_mg_m3"], hour["exceeded"], hour["exceed_multiple"]) == (35.0, False, None)


def test_potline_is_judged_on_measured_concentration_even_at_high_o2() -> None:
    data = Data().outlet("p1", "potline", ["GB25465-2010"])
    # PM 25 measured at O2 20.8 %: no correction (a 6 % correction would give 25 x 15 / 0.2 = 1875)
    data.hour("p1", PM, at(10), 25.0).hour("p1", O2, at(10), 20.8).hour("p1", F, at(10), 2.5)
    out = judge(data)
    pm, fluoride = out.hour("p1", PM, at(10)), out.hour("p1", F, at(10))
    assert (pm["corrected_mg_m3"], pm["o2_ref_pct"], pm["limit_mg_m3"], pm["exceeded"]) == (25.0, None, 20.0, True)
    assert pm["limit_status"] == "unverified"  # GB 25465 values are [U] in the reference
    assert (fluoride["corrected_mg_m3"], fluoride["limit_mg_m3"], fluoride["exceeded"]) == (2.5, 3.0, False)
    assert out.findings("high_o2_operating") == []  # 20.8 % is normal pot-line air, not a finding


def test_strictest_limit_across_gb13223_and_ultra_low() -> None:
    data = Data().outlet(*COAL)
    # PM: GB 13223 30 vs ultra-low 10 -> 10; 12 mg/m3 at 6 % exceeds 10 but not 30
    data.hour("u1", PM, at(10), 12.0).hour("u1", O2, at(10), 6.0)
    hour = judge(data).hour("u1", PM, at(10))
    assert (hour["limit_mg_m3"], hour["limit_set"], hour["limit_row"], hour["exceeded"]) == (
        10.0, "ultra-low-2015", "UL-coal-PM", True)


def test_invalid_hour_is_a_data_availability_finding_not_an_exceedance() -> None:
    data = Data().outlet(*COAL)
    # 44 valid minutes of 500 mg/m3 at 6 % O2: far above 35 but not a valid hour
    data.minutes("u1", SO2, at(10), [500.0] * 60, ["N"] * 44 + ["D"] * 16).hour("u1", O2, at(10), 6.0)
    data.hour("u1", SO2, at(11), 20.0).hour("u1", O2, at(11), 6.0)
    out = judge(data)
    hour = out.hour("u1", SO2, at(10))
    assert (hour["valid"], hour["exceeded"], hour["measured_mg_m3"], hour["indicative_mg_m3"]) == (
        False, False, None, 500.0)
    assert out.tables["events"] == []
    found = [f for f in out.findings("data_availability", "u1") if f["code"] == SO2 and f["start"] == at(10)]
    assert len(found) == 1 and found[0]["hours"] == 1 and found[0]["value"] == 44.0


def test_stopped_hours_are_excluded_from_capture() -> None:
    data = Data().outlet(*COAL)
    # the period is one day: 2 valid hours, 4 hours stopped (flag F), 18 hours without data
    for h in (0, 1):
        data.hour("u1", SO2, at(h), 20.0).hour("u1", O2, at(h), 6.0)
    for h in (2, 3, 4, 5):
        data.hour("u1", SO2, at(h), 0.0, flag="F").hour("u1", O2, at(h), 20.9, flag="F")
    out = judge(data)
    summary = out.summary("u1", SO2)
    assert (summary["hours_total"], summary["hours_stopped"], summary["hours_operating"]) == (24, 4, 20)
    # capture = valid / (24 - 4 stopped) = 2 / 20 = 0.1 (not 2 / 24)
    assert summary["capture_rate"] == pytest.approx(0.1)
    stopped = out.hour("u1", SO2, at(2))
    assert (stopped["status"], stopped["valid"], stopped["invalid_reason"]) == ("stopped", False, None)
    # stopped hours emit nothing and are not availability findings
    assert all(f["start"] > at(5) or f["end"] <= at(2) for f in out.findings("data_availability", "u1"))


def test_consecutive_exceedance_hours_merge_into_events() -> None:
    data = Data().outlet(*COAL)
    # SO2 at O2 6 % (no correction): 40, 50, 45 (10-12 h), 20 (13 h), 60 (14 h) -> two events
    for h, v in ((10, 40.0), (11, 50.0), (12, 45.0), (13, 20.0), (14, 60.0)):
        data.hour("u1", SO2, at(h), v).hour("u1", O2, at(h), 6.0)
    events = sorted(judge(data).tables["events"], key=lambda e: e["start"])
    assert [(e["start"], e["end"], e["duration_h"], e["peak_corrected_mg_m3"]) for e in events] == [
        (at(10), at(13), 3, 50.0), (at(14), at(15), 1, 60.0)]
    # peak multiple of the first event: (50 - 35) / 35 = 0.428571
    assert events[0]["peak_multiple"] == pytest.approx(0.428571, abs=1e-6)
    assert events[0]["limit_set"] == "ultra-low-2015"


def test_compliance_rate_counts_valid_hours() -> None:
    data = Data().outlet(*COAL)
    for h, v in ((10, 40.0), (11, 20.0), (12, 20.0), (13, 20.0)):
        data.hour("u1", SO2, at(h), v).hour("u1", O2, at(h), 6.0)
    summary = judge(data).summary("u1", SO2)
    # 4 valid hours, 1 exceeded: compliance = 3 / 4; max corrected 40
    assert (summary["hours_valid"], summary["hours_exceeded"], summary["compliance_rate"],
            summary["max_corrected_mg_m3"]) == (4, 1, 0.75, 40.0)
