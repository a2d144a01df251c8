"""The summary per base and source type, from engine-shaped tables (values computed by hand)."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pytest

from ultralow.app.rollups import rollups
from ultralow.demo.incidents import Planted
from ultralow.demo.scenario import Incident
from ultralow.demo.summary import check_incidents, finding_counts, group_rows, worst_events
from ultralow.registry import parse_registry

REGISTRY = parse_registry("""
[group]
name = "T"
[[bases]]
id = "a"
name = "A"
country = "CN"
[[bases]]
id = "b"
name = "B"
country = "CN"
[[outlets]]
id = "a-u1"
base = "a"
name = "u1"
mn = "M1"
pw = "p"
source_type = "coal_boiler"
limit_sets = ["ultra-low-2015"]
[[outlets]]
id = "a-u2"
base = "a"
name = "u2"
mn = "M2"
pw = "p"
source_type = "coal_boiler"
limit_sets = ["ultra-low-2015"]
[[outlets]]
id = "b-pl1"
base = "b"
name = "pl1"
mn = "M3"
pw = "p"
source_type = "potline"
limit_sets = ["GB25465-2010"]
""")


def _summary() -> pa.Table:
    return pa.Table.from_pylist([
        {"outlet_id": "a-u1", "code": "a21026", "hours_operating": 60, "hours_valid": 50, "hours_judged": 50,
         "hours_exceeded": 2, "hours_stopped": 12},
        {"outlet_id": "a-u2", "code": "a21026", "hours_operating": 40, "hours_valid": 30, "hours_judged": 30,
         "hours_exceeded": 0, "hours_stopped": 0},
        {"outlet_id": "b-pl1", "code": "a34013", "hours_operating": 72, "hours_valid": 72, "hours_judged": 72,
         "hours_exceeded": 5, "hours_stopped": 0},
    ])


def test_group_rows_by_base_and_type_then_total():
    ultra_low = pa.Table.from_pylist([
        {"outlet_id": "a-u1", "hours_assessed": 30, "hours_meeting": 27},
        {"outlet_id": "a-u2", "hours_assessed": 20, "hours_meeting": 18},
    ])
    emissions = pa.Table.from_pylist([
        {"outlet_id": "a-u1", "code": "a21026", "total_t": 1.5},
        {"outlet_id": "a-u2", "code": "a21026", "total_t": 2.0},
        {"outlet_id": "a-u2", "code": "a21002", "total_t": None},
        {"outlet_id": "b-pl1", "code": "a34013", "total_t": 0.25},
        {"outlet_id": "b-pl1", "code": "a21018", "total_t": 9.0},  # fluoride: not one of the three columns
    ])
    # the demo shows the application layer's roll-ups (the source-type level is left out of its table)
    coal, potline, total = group_rows(rollups(REGISTRY, ["a-u1", "a-u2", "b-pl1"], _summary(), ultra_low, emissions))
    assert (coal.base, coal.source_type, coal.outlets) == ("a", "coal_boiler", 2)
    # capture (50 + 30) / (60 + 40) = 0.8; compliance (50 - 2 + 30 - 0) / (50 + 30) = 78 / 80 = 0.975
    assert coal.capture_rate == pytest.approx(0.8) and coal.compliance_rate == pytest.approx(0.975)
    # ultra-low ratio (27 + 18) / (30 + 20) = 0.9; SO2 1.5 + 2.0 = 3.5 t; no NOx value: none, not zero
    assert coal.ultra_low_ratio == pytest.approx(0.9)
    assert coal.so2_t == pytest.approx(3.5) and coal.nox_t is None and coal.pm_t is None
    assert potline.ultra_low_ratio is None and potline.pm_t == pytest.approx(0.25)
    # potline compliance (72 - 5) / 72
    assert potline.compliance_rate == pytest.approx(67 / 72)
    assert (total.base, total.outlets, total.hours_exceeded) == ("ALL", 3, 7)
    # group capture (50 + 30 + 72) / (60 + 40 + 72) = 152 / 172
    assert total.capture_rate == pytest.approx(152 / 172)


def test_worst_events_by_peak_multiple():
    events = pa.Table.from_pylist([
        {"outlet_id": "b-pl1", "code": "a34013", "start": datetime(2025, 1, 2, 21), "end": datetime(2025, 1, 3, 2),
         "duration_h": 5, "peak_corrected_mg_m3": 46.0, "peak_multiple": 1.3, "limit_mg_m3": 20.0,
         "limit_set": "GB25465-2010"},
        {"outlet_id": "a-u1", "code": "a21002", "start": datetime(2025, 1, 2, 1), "end": datetime(2025, 1, 2, 4),
         "duration_h": 3, "peak_corrected_mg_m3": 830.0, "peak_multiple": 15.6, "limit_mg_m3": 50.0,
         "limit_set": "ultra-low-2015"},
    ])
    worst = worst_events(events, REGISTRY, count=1)
    assert [(w["outlet_id"], w["base"], w["source_type"]) for w in worst] == [("a-u1", "a", "coal_boiler")]


def test_findings_counted_by_kind():
    findings = pa.Table.from_pylist([
        {"finding": "flat_line", "outlet_id": "b-pl1", "hours": 10},
        {"finding": "data_availability", "outlet_id": "a-u1", "hours": 3},
        {"finding": "data_availability", "outlet_id": "a-u2", "hours": 4},
    ])
    assert finding_counts(findings) == {"data_availability": {"findings": 2, "hours": 7},
                                        "flat_line": {"findings": 1, "hours": 10}}


def test_incident_checks_look_inside_the_window():
    start = datetime(2025, 1, 1)
    breach = Planted(Incident("breach", "b-pl1", "breach", 0.62, 300, 0.1, codes=("a34013",)), 2700, 3000)
    fault = Planted(Incident("fault", "a-u2", "fault", 0.4, 1080, 0.25, codes=("a21026",)), 1740, 2820)
    flat = Planted(Incident("flat_line", "a-u1", "flat", 0.75, 648, 0.15, codes=("a21026",)), 3240, 3888)
    events = pa.Table.from_pylist([
        # 2025-01-02 21:00 is minute 45 x 60 = 2700: inside the breach window
        {"outlet_id": "b-pl1", "code": "a34013", "start": datetime(2025, 1, 2, 21), "end": datetime(2025, 1, 3, 2),
         "duration_h": 5},
    ])
    findings = pa.Table.from_pylist([
        # a data-availability run before the fault window (ends 05:00 = minute 1740) does not count
        {"finding": "data_availability", "outlet_id": "a-u2", "start": datetime(2025, 1, 2, 3),
         "end": datetime(2025, 1, 2, 5), "hours": 2},
        {"finding": "flat_line", "outlet_id": "a-u1", "start": datetime(2025, 1, 3, 6),
         "end": datetime(2025, 1, 3, 16), "hours": 10},
    ])
    b, f, fl = check_incidents([breach, fault, flat], start, _summary(), events, findings)
    assert b.found and (b.exceedance_events, b.exceedance_hours) == (1, 5)
    assert not f.found and f.findings == {} and f.capture_rate == pytest.approx(30 / 40)
    assert fl.found and fl.findings == {"flat_line": 10}
    assert b.start == "2025-01-02T21:00:00" and b.end == "2025-01-03T02:00:00"
