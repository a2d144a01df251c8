"""Roll-ups per base and source type, per source type and for the group, computed by hand."""

from __future__ import annotations

import pyarrow as pa
import pytest

from ultralow.app import rollups
from ultralow.registry import parse_registry

REGISTRY = """
[[bases]]
id = "a"
name = "Base A"
country = "CN"

[[bases]]
id = "b"
name = "Base B"
country = "CN"

[[outlets]]
id = "a1"
base = "a"
name = "A unit 1"
mn = "M1"
pw = "1"
source_type = "coal_boiler"
limit_sets = []

[[outlets]]
id = "a2"
base = "a"
name = "A potline"
mn = "M2"
pw = "1"
source_type = "potline"
limit_sets = []

[[outlets]]
id = "b1"
base = "b"
name = "B unit 1"
mn = "M3"
pw = "1"
source_type = "coal_boiler"
limit_sets = []
"""


def test_rollups_by_hand() -> None:
    registry = parse_registry(REGISTRY)
    summary = pa.table({
        "outlet_id": ["a1", "a1", "a2", "b1"],
        "code": ["a21026", "a21002", "a34013", "a21026"],
        "hours_operating": [100, 100, 50, 200],
        "hours_valid": [90, 80, 50, 150],
        "hours_judged": [90, 80, 50, 150],
        "hours_exceeded": [3, 0, 5, 1],
    })
    ultra_low = pa.table({"outlet_id": ["a1", "b1"], "hours_assessed": [80, 150], "hours_meeting": [76, 150]})
    emissions = pa.table({"outlet_id": ["a1", "a1", "b1"], "code": ["a21026", "a21002", "a21026"],
                          "total_t": [1.5, 2.0, 0.5]})
    rows = {(r["level"], r["base"], r["source_type"]): r
            for r in rollups(registry, ["a1", "a2", "b1"], summary, ultra_low, emissions).to_pylist()}
    assert list(rows) == [("base_source_type", "a", "coal_boiler"), ("base_source_type", "a", "potline"),
                          ("base_source_type", "b", "coal_boiler"), ("source_type", "ALL", "coal_boiler"),
                          ("source_type", "ALL", "potline"), ("group", "ALL", "all")]
    a_coal = rows[("base_source_type", "a", "coal_boiler")]
    # a1: operating 100 + 100 = 200, valid 90 + 80 = 170 -> capture 170/200 = 0.85;
    # judged 170, exceeded 3 -> compliance 167/170; ultra-low 76/80 = 0.95; SO2 1.5 t, NOx 2.0 t, no PM (null)
    assert (a_coal["outlets"], a_coal["hours_operating"], a_coal["hours_valid"], a_coal["hours_exceeded"]) == (
        1, 200, 170, 3)
    assert a_coal["capture_rate"] == pytest.approx(0.85)
    assert a_coal["compliance_rate"] == pytest.approx(167 / 170)
    assert a_coal["ultra_low_ratio"] == pytest.approx(0.95)
    assert (a_coal["so2_t"], a_coal["nox_t"], a_coal["pm_t"]) == (1.5, 2.0, None)
    potline = rows[("base_source_type", "a", "potline")]
    assert (potline["ultra_low_assessed"], potline["ultra_low_ratio"]) == (0, None)  # no denominator: null
    coal = rows[("source_type", "ALL", "coal_boiler")]
    # a1 + b1: valid 170 + 150 = 320 of 200 + 200 = 400 -> 0.8; ultra-low (76 + 150) / (80 + 150) = 226/230
    assert (coal["outlets"], coal["capture_rate"]) == (2, pytest.approx(0.8))
    assert coal["ultra_low_ratio"] == pytest.approx(226 / 230)
    assert coal["so2_t"] == pytest.approx(2.0)
    group = rows[("group", "ALL", "all")]
    # judged 170 + 50 + 150 = 370, exceeded 3 + 5 + 1 = 9 -> compliance 361/370
    assert (group["outlets"], group["hours_judged"], group["hours_exceeded"]) == (3, 370, 9)
    assert group["compliance_rate"] == pytest.approx(361 / 370)


def test_only_selected_outlets_count() -> None:
    registry = parse_registry(REGISTRY)
    summary = pa.table({"outlet_id": ["a1", "b1"], "code": ["a21026", "a21026"], "hours_operating": [10, 10],
                        "hours_valid": [10, 5], "hours_judged": [10, 5], "hours_exceeded": [0, 5]})
    empty_ul = pa.table({"outlet_id": pa.array([], pa.string()), "hours_assessed": pa.array([], pa.int64()),
                         "hours_meeting": pa.array([], pa.int64())})
    empty_em = pa.table({"outlet_id": pa.array([], pa.string()), "code": pa.array([], pa.string()),
                         "total_t": pa.array([], pa.float64())})
    table = rollups(registry, ["b1"], summary, empty_ul, empty_em)
    assert table.column("level").to_pylist() == ["base_source_type", "source_type", "group"]
    assert table.column("hours_exceeded").to_pylist() == [5, 5, 5]
