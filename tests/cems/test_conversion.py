"""HJ 75 Appendix A conversions on hourly means, by hand."""

from __future__ import annotations

import ibis
import pyarrow as pa
import pytest
from cems_support import FLOW, HUM, NO, NO2, NOX, O2, SO2, Data, at, judge

from ultralow.cems import conversion, duckdb_engine
from ultralow.standards import packaged_rules

RULES = packaged_rules()


def value(fn, *args: float | None) -> float | None:
    """``fn`` applied to DOUBLE columns holding ``args`` (as the engine's hourly columns are)."""
    row = ibis.memtable(pa.table({f"c{i}": pa.array([a], pa.float64()) for i, a in enumerate(args)}))
    result = duckdb_engine().to_arrow(row.select(x=fn(*[row[f"c{i}"] for i in range(len(args))], RULES)))
    return result["x"][0].as_py()


def test_o2_correction_upwards_and_downwards() -> None:
    # 20 mg/m3 at 9 % O2, reference 6 %: 20 x (21 - 6) / (21 - 9) = 20 x 15 / 12 = 25.0
    assert value(conversion.o2_corrected, 20.0, 9.0, 6.0) == 25.0
    # at 3 % O2: 20 x 15 / 18 = 16.667
    assert value(conversion.o2_corrected, 20.0, 3.0, 6.0) == pytest.approx(16.6667, abs=1e-4)


def test_o2_at_ambient_gives_no_corrected_value() -> None:
    assert value(conversion.o2_corrected, 20.0, 21.0, 6.0) is None


def test_wet_to_dry_and_nox_from_no_and_no2() -> None:
    # C_dry = C_wet / (1 - X_sw): 10 / (1 - 0.08) = 10.869565
    assert value(conversion.wet_to_dry, 10.0, 8.0) == pytest.approx(10.869565, abs=1e-6)
    # NOx as NO2 = NO x 46.005 / 30.006 + NO2 = 10 x 1.533193 + 2 = 17.331934
    assert value(conversion.nox_as_no2, 10.0, 2.0) == pytest.approx(17.331934, abs=1e-6)


def test_flow_and_emission_amount_use_measured_concentration() -> None:
    data = Data().outlet("u1", "coal_boiler", ["ultra-low-2015"])
    # SO2 20 mg/m3 measured at O2 9 % (corrected 25), flow 100 m3/s = 360 000 m3/h
    data.hour("u1", SO2, at(10), 20.0).hour("u1", O2, at(10), 9.0).hour("u1", FLOW, at(10), 100.0)
    hour = judge(data).hour("u1", SO2, at(10))
    assert hour["flow_m3_h"] == 360000.0
    assert hour["corrected_mg_m3"] == 25.0
    # G = 20 mg/m3 x 360 000 m3/h x 1e-6 = 7.2 kg (the measured value, never the corrected 25)
    assert hour["emission_kg"] == pytest.approx(7.2, abs=1e-12)


def test_wet_analyser_values_are_made_dry_before_correction() -> None:
    data = Data().outlet("w1", "coal_boiler", ["ultra-low-2015"], wet=True)
    # wet SO2 23 and wet O2 5.52 at 8 % humidity: dry SO2 = 23 / 0.92 = 25.0, dry O2 = 5.52 / 0.92 = 6.0,
    # corrected at 6 %: 25.0 x 15 / 15 = 25.0
    data.hour("w1", SO2, at(10), 23.0).hour("w1", O2, at(10), 5.52).hour("w1", HUM, at(10), 8.0)
    hour = judge(data).hour("w1", SO2, at(10))
    assert hour["measured_mg_m3"] == pytest.approx(25.0, abs=1e-9)
    assert hour["o2_pct"] == pytest.approx(6.0, abs=1e-9)
    assert hour["corrected_mg_m3"] == pytest.approx(25.0, abs=1e-9)


def test_wet_analyser_without_valid_humidity_is_invalid() -> None:
    data = Data().outlet("w1", "coal_boiler", ["ultra-low-2015"], wet=True)
    data.hour("w1", SO2, at(10), 23.0).hour("w1", O2, at(10), 5.52).hour("w1", HUM, at(10), 8.0, count=40)
    hour = judge(data).hour("w1", SO2, at(10))
    assert (hour["valid"], hour["invalid_reason"]) == (False, "humidity_invalid")


def test_nox_is_derived_when_only_no_and_no2_are_sent() -> None:
    data = Data().outlet("u1", "coal_boiler", ["ultra-low-2015"])
    # NO 20, NO2 3, O2 6 %: NOx = 20 x 46.005 / 30.006 + 3 = 33.663867; at the reference O2 corrected = same
    data.hour("u1", NO, at(10), 20.0).hour("u1", NO2, at(10), 3.0).hour("u1", O2, at(10), 6.0)
    hour = judge(data).hour("u1", NOX, at(10))
    assert hour["measured_mg_m3"] == pytest.approx(33.663867, abs=1e-6)
    assert (hour["valid"], hour["limit_mg_m3"]) == (True, 50.0)
