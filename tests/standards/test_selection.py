"""Strictest applicable limit: like with like across O2 references, variants, effective dates."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
import pytest

from ultralow.cems import duckdb_engine
from ultralow.standards import outlet_candidates, packaged_catalog, strictest

SO2 = "a21026"


def outlets(*rows: tuple[str, str, list[str]]) -> pa.Table:
    return pa.table({
        "outlet_id": [r[0] for r in rows], "base": ["b"] * len(rows), "source_type": [r[1] for r in rows],
        "limit_sets": pa.array([r[2] for r in rows], pa.list_(pa.string())),
        "wet_analyser": [False] * len(rows), "utc_offset_min": pa.array([480] * len(rows), pa.int16()),
    })


def hours(outlet: str, code: str, when: dt.datetime, o2: float | None) -> pa.Table:
    return pa.table({"outlet_id": [outlet], "code": [code], "hour": pa.array([when], pa.timestamp("us")),
                     "o2_pct": pa.array([o2], pa.float64())})


def pick(outlet_rows: pa.Table, hour_rows: pa.Table, limits: pa.Table | None = None) -> list[dict]:
    engine = duckdb_engine()
    cands = outlet_candidates(engine.load(outlet_rows), engine.load(limits or packaged_catalog().table()))
    return engine.to_arrow(strictest(engine.load(hour_rows), cands, 21.0)).to_pylist()


def test_coal_so2_ultra_low_beats_gb13223() -> None:
    # GB 13223 Table 1 new coal SO2 100 vs ultra-low 35, both at 6 % O2: 35 is stricter
    [row] = pick(outlets(("u1", "coal_boiler", ["GB13223-2011", "ultra-low-2015"])),
                 hours("u1", SO2, dt.datetime(2025, 3, 3, 10), 9.0))
    assert (row["limit_mg_m3"], row["limit_set"], row["limit_row"]) == (35.0, "ultra-low-2015", "UL-coal-SO2")


def test_special_limits_beat_general_ones() -> None:
    # GB 13223 Table 2 coal SO2 50 < Table 1 100
    [row] = pick(outlets(("u1", "coal_boiler", ["GB13223-2011", "GB13223-2011-special"])),
                 hours("u1", SO2, dt.datetime(2025, 3, 3, 10), 6.0))
    assert (row["limit_mg_m3"], row["limit_set"]) == (50.0, "GB13223-2011-special")


def test_existing_unit_variant_replaces_the_new_unit_row() -> None:
    [row] = pick(outlets(("u1", "coal_boiler", ["GB13223-2011:existing"])),
                 hours("u1", SO2, dt.datetime(2025, 3, 3, 10), 6.0))
    assert (row["limit_mg_m3"], row["limit_row"]) == (200.0, "T1-coal-SO2-existing")
    [plain] = pick(outlets(("u1", "coal_boiler", ["GB13223-2011"])), hours("u1", SO2, dt.datetime(2025, 3, 3, 10), 6.0))
    assert (plain["limit_mg_m3"], plain["limit_row"]) == (100.0, "T1-coal-SO2-new")


def custom_limits(rows: list[tuple[str, str, float, float | None, dt.date | None]]) -> pa.Table:
    return pa.table({
        "set_id": [r[0] for r in rows], "set_key": [r[0] for r in rows], "row_id": [r[1] for r in rows],
        "document": ["test"] * len(rows), "source_type": ["gas_turbine"] * len(rows), "pollutant": [SO2] * len(rows),
        "condition": [""] * len(rows), "limit_mg_m3": [r[2] for r in rows],
        "reference_basis": ["o2" if r[3] is not None else "measured" for r in rows],
        "o2_ref_pct": pa.array([r[3] for r in rows], pa.float64()), "averaging": ["hour"] * len(rows),
        "effective_from": pa.array([r[4] for r in rows], pa.date32()),
        "effective_to": pa.array([None] * len(rows), pa.date32()),
        "source": ["test"] * len(rows), "status": ["unverified"] * len(rows),
    })


def test_limits_at_different_reference_o2_are_compared_like_with_like() -> None:
    # A: 50 at 15 % O2 allows 50 x (21 - m) / 6 measured; B: 100 at 6 % allows 100 x (21 - m) / 15.
    # At m = 12 %: A allows 75.0, B allows 60.0 -> B (numerically the higher limit) is the stricter one.
    limits = custom_limits([("A", "a", 50.0, 15.0, None), ("B", "b", 100.0, 6.0, None)])
    [row] = pick(outlets(("g1", "gas_turbine", ["A", "B"])), hours("g1", SO2, dt.datetime(2025, 3, 3, 10), 12.0),
                 limits)
    assert (row["limit_set"], row["limit_mg_m3"]) == ("B", 100.0)


@pytest.mark.parametrize(("o2", "winner"), [(10.0, "M"), (18.0, "O")])
def test_measured_basis_against_o2_basis_depends_on_the_hours_o2(o2: float, winner: str) -> None:
    # O: 30 at 6 % allows 30 x (21 - m) / 15 measured; M: 20 measured.
    # m = 10: O allows 22.0 > 20 -> M stricter; m = 18: O allows 6.0 < 20 -> O stricter
    limits = custom_limits([("O", "o", 30.0, 6.0, None), ("M", "m", 20.0, None, None)])
    [row] = pick(outlets(("g1", "gas_turbine", ["O", "M"])), hours("g1", SO2, dt.datetime(2025, 3, 3, 10), o2),
                 limits)
    assert row["limit_set"] == winner


def test_a_row_not_yet_in_force_does_not_apply() -> None:
    limits = custom_limits([("A", "a", 50.0, 15.0, None), ("L", "later", 10.0, 15.0, dt.date(2025, 3, 4))])
    rows = pick(outlets(("g1", "gas_turbine", ["A", "L"])),
                pa.concat_tables([hours("g1", SO2, dt.datetime(2025, 3, 3, 23), 15.0),
                                  hours("g1", SO2, dt.datetime(2025, 3, 4, 0), 15.0)]), limits)
    by_hour = {r["hour"]: r["limit_set"] for r in rows}
    assert by_hour == {dt.datetime(2025, 3, 3, 23): "A", dt.datetime(2025, 3, 4, 0): "L"}


def test_no_applicable_row_gives_null_limit() -> None:
    [row] = pick(outlets(("p1", "potline", ["GB25465-2010"])), hours("p1", "a21002", dt.datetime(2025, 3, 3), None))
    assert row["limit_mg_m3"] is None and row["limit_set"] is None


def test_candidates_are_plain_ibis_expressions() -> None:
    expr = outlet_candidates(ibis.memtable(outlets(("u1", "coal_boiler", ["ultra-low-2015"]))),
                             ibis.memtable(packaged_catalog().table()))
    assert set(expr.columns) >= {"outlet_id", "pollutant", "set_id", "row_id", "limit_mg_m3"}
