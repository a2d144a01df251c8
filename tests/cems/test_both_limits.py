"""Both limits on every hour: the legal (strictest statutory) limit and the premium (ultra-low) limit, each
with its own set, row, status, exceeded flag, summary counts, rates and events; and no fake rates."""

from __future__ import annotations

import pytest
from cems_support import NOX, O2, PM, SO2, Data, at, judge

COAL = ("u1", "coal_boiler", ["GB13223-2011", "ultra-low-2015"])


def test_legal_breach_and_premium_miss_are_told_apart() -> None:
    data = Data().outlet(*COAL)
    # SO2 at O2 6 % (= reference, no correction). GB 13223 T1 new coal SO2 100, ultra-low 35.
    #   10:00  20 -> below both;  11:00  50 -> ultra-low only (50 > 35, 50 <= 100);
    #   12:00 120 -> both (120 > 100, 120 > 35);  13:00 60 -> ultra-low only
    for h, v in ((10, 20.0), (11, 50.0), (12, 120.0), (13, 60.0)):
        data.hour("u1", SO2, at(h), v).hour("u1", O2, at(h), 6.0)
    out = judge(data)
    h11, h12 = out.hour("u1", SO2, at(11)), out.hour("u1", SO2, at(12))
    assert (h11["legal_limit_mg_m3"], h11["legal_limit_set"], h11["legal_limit_row"], h11["legal_limit_status"]) == (
        100.0, "GB13223-2011", "T1-coal-SO2-new", "verified")
    assert (h11["ultra_low_limit_mg_m3"], h11["ultra_low_limit_set"], h11["ultra_low_limit_row"]) == (
        35.0, "ultra-low-2015", "UL-coal-SO2")
    assert (h11["legal_exceeded"], h11["ultra_low_exceeded"]) == (False, True)
    assert (h12["legal_exceeded"], h12["ultra_low_exceeded"]) == (True, True)
    # multiples: legal (120 - 100) / 100 = 0.2; ultra-low (120 - 35) / 35 = 2.428571
    assert h12["legal_exceed_multiple"] == pytest.approx(0.2)
    assert h12["ultra_low_exceed_multiple"] == pytest.approx(85 / 35)
    # the strictest-limit columns stay as they were (ultra-low 35 is the strictest)
    assert (h12["limit_mg_m3"], h12["exceeded"]) == (35.0, True)
    s = out.summary("u1", SO2)
    # 4 judged hours; legal: 1 exceeded -> 3/4 = 0.75; ultra-low: 11, 12, 13 exceeded -> 1/4 = 0.25
    assert (s["hours_judged_legal"], s["hours_exceeded_legal"], s["compliance_rate_legal"]) == (4, 1, 0.75)
    assert (s["hours_judged_ultra_low"], s["hours_exceeded_ultra_low"], s["compliance_rate_ultra_low"]) == (
        4, 3, 0.25)
    assert s["hours_exceeded"] == 3  # strictest, as before
    assert s["pollutant_name"] == "SO2"
    # events per limit kind: legal 12:00-13:00 (end exclusive); ultra-low 11:00-14:00, 3 hours
    events = sorted((e["limit_kind"], e["start"], e["end"], e["duration_h"], e["limit_set"])
                    for e in out.tables["events"])
    assert events == [("legal", at(12), at(13), 1, "GB13223-2011"),
                      ("ultra_low", at(11), at(14), 3, "ultra-low-2015")]


def test_outlet_without_premium_scheme_has_null_ultra_low_columns() -> None:
    data = Data().outlet("u2", "coal_boiler", ["GB13223-2011"])
    data.hour("u2", PM, at(10), 12.0).hour("u2", O2, at(10), 6.0)
    out = judge(data)
    hour = out.hour("u2", PM, at(10))
    # PM 12 <= GB 13223 30 -> legal complies; no premium set -> every ultra-low column null
    assert (hour["legal_limit_mg_m3"], hour["legal_exceeded"]) == (30.0, False)
    assert (hour["ultra_low_limit_mg_m3"], hour["ultra_low_limit_set"], hour["ultra_low_exceeded"]) == (
        None, None, None)
    s = out.summary("u2", PM)
    assert (s["hours_judged_ultra_low"], s["compliance_rate_ultra_low"], s["compliance_rate_legal"]) == (0, None, 1.0)


def test_each_limit_uses_its_own_reference_o2() -> None:
    data = Data().outlet(*COAL)
    # NOx 40 measured at O2 9 %: corrected to 6 %: 40 x (21 - 6) / (21 - 9) = 40 x 15 / 12 = 50.0
    # -> equal to the ultra-low 50 (complies), far below GB 13223 100
    data.hour("u1", NOX, at(10), 40.0).hour("u1", O2, at(10), 9.0)
    hour = judge(data).hour("u1", NOX, at(10))
    assert hour["legal_corrected_mg_m3"] == pytest.approx(50.0)
    assert hour["ultra_low_corrected_mg_m3"] == pytest.approx(50.0)
    assert (hour["legal_exceeded"], hour["ultra_low_exceeded"]) == (False, False)


def test_pollutant_without_any_limit_has_no_rate() -> None:
    # alumina calciner under GB 25465: PM and SO2 have limits, NOx none -> NOx is monitored but not judged
    data = Data().outlet("c1", "alumina_calciner", ["GB25465-2010"])
    for h in (10, 11):
        data.hour("c1", NOX, at(h), 150.0).hour("c1", PM, at(h), 20.0).hour("c1", O2, at(h), 12.0)
    out = judge(data)
    nox = out.summary("c1", NOX)
    # 2 valid hours, none judged: compliance null (not 100 %), note "no_applicable_limit"
    assert (nox["hours_valid"], nox["hours_judged"], nox["compliance_rate"]) == (2, 0, None)
    assert (nox["compliance_rate_legal"], nox["judgement_note"], nox["pollutant_name"]) == (None, "no_applicable_limit",
                                                                                          "NOx")
    pm = out.summary("c1", PM)
    # PM 20 <= 50 (measured basis): 2 judged, compliance 2 / 2 = 1.0
    assert (pm["hours_judged"], pm["compliance_rate"], pm["judgement_note"]) == (2, 1.0, None)
    # SO2 has a limit (400) and no data arrived: a "not monitored" row, counts 0, rates null
    so2 = out.summary("c1", SO2)
    assert (so2["judgement_note"], so2["hours_total"], so2["capture_rate"], so2["compliance_rate"]) == (
        "not_monitored", 0, None, None)


def test_limit_with_no_monitoring_is_listed_as_not_monitored() -> None:
    # coal unit under GB 13223: Hg (a20057) has a limit 0.03 and the unit sends no Hg -> "not monitored"
    data = Data().outlet(*COAL)
    data.hour("u1", SO2, at(10), 20.0).hour("u1", O2, at(10), 6.0)
    out = judge(data)
    rows = {s["code"]: s for s in out.tables["summary"]}
    assert rows["a20057"]["judgement_note"] == "not_monitored"
    assert rows["a20057"]["pollutant_name"] == "Hg"
    # PM and NOx are limited by both sets and not sent either: not monitored too; SO2 is judged
    assert (rows[PM]["judgement_note"], rows[NOX]["judgement_note"], rows[SO2]["judgement_note"]) == (
        "not_monitored", "not_monitored", None)
