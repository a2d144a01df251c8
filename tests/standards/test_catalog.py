"""Limit sets as data: the values the issue and the reference name, statuses, and loader errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ultralow.standards import RuleDataError, load_catalog, packaged_catalog
from ultralow.standards.catalog import data_dir

PM, SO2, NOX, F = "a34013", "a21026", "a21002", "a21018"


def row(set_id: str, row_id: str):
    found = [r for r in packaged_catalog().sets[set_id].rows if r.row_id == row_id]
    assert len(found) == 1
    return found[0]


def test_one_file_per_standard() -> None:
    assert set(packaged_catalog().sets) == {
        "GB13223-2011", "GB13223-2011-special", "ultra-low-2015", "GB25465-2010", "GB25465-2010-special"}


def test_natural_gas_turbine_table_1_at_15_percent_o2() -> None:
    # GB 13223-2011 Table 1, natural-gas gas turbine: PM 5, SO2 35, NOx 50 at 15 % O2 (issue 4, reference §3.1)
    assert [(r.pollutant, r.limit_mg_m3, r.o2_ref_pct) for r in
            (row("GB13223-2011", "T1-gas-turbine-PM"), row("GB13223-2011", "T1-gas-turbine-SO2"),
             row("GB13223-2011", "T1-gas-turbine-NOx"))] == [(PM, 5.0, 15.0), (SO2, 35.0, 15.0), (NOX, 50.0, 15.0)]


def test_ultra_low_values_at_6_percent_for_coal() -> None:
    rows = packaged_catalog().sets["ultra-low-2015"].rows
    assert {(r.source_type, r.pollutant, r.limit_mg_m3, r.o2_ref_pct) for r in rows} == {
        ("coal_boiler", PM, 10.0, 6.0), ("coal_boiler", SO2, 35.0, 6.0), ("coal_boiler", NOX, 50.0, 6.0)}


def test_potline_table_5_measured_and_unverified() -> None:
    # GB 25465-2010 Table 5 pot-gas treatment: PM 20, SO2 200, fluoride 3.0, measured concentration; [U]
    rows = [r for r in packaged_catalog().sets["GB25465-2010"].rows if r.source_type == "potline"]
    assert {(r.pollutant, r.limit_mg_m3) for r in rows} == {(PM, 20.0), (SO2, 200.0), (F, 3.0)}
    assert {r.reference_basis for r in rows} == {"measured"}
    assert {r.o2_ref_pct for r in rows} == {None}


def test_reference_unverified_marks_become_unverified_status() -> None:
    # the reference tags every GB 25465 value [U]; GB 13223 and ultra-low values are [K]
    catalog = packaged_catalog()
    for set_id in ("GB25465-2010", "GB25465-2010-special"):
        assert {r.status for r in catalog.sets[set_id].rows} == {"unverified"}
    for set_id in ("GB13223-2011", "GB13223-2011-special", "ultra-low-2015"):
        assert {r.status for r in catalog.sets[set_id].rows} == {"verified"}


def test_every_row_cites_its_table_and_has_its_fields() -> None:
    for r in packaged_catalog().rows:
        assert r.source and ("Table" in r.source or "号" in r.source), r.row_id
        assert r.averaging == "hour"
        assert (r.reference_basis == "o2") == (r.o2_ref_pct is not None)


def test_existing_unit_variant_row() -> None:
    existing = row("GB13223-2011", "T1-coal-SO2-existing")
    assert (existing.condition, existing.limit_mg_m3, existing.set_key) == ("existing", 200.0,
                                                                            "GB13223-2011:existing")
    assert str(existing.effective_from) == "2014-07-01"


def test_table_for_the_engine_has_one_row_per_limit() -> None:
    table = packaged_catalog().table()
    assert table.num_rows == len(packaged_catalog().rows)
    assert {"set_id", "set_key", "row_id", "limit_mg_m3", "reference_basis", "o2_ref_pct", "effective_from",
            "source", "status"} <= set(table.column_names)


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(str(data_dir()), target)
    return target


def test_bad_rows_are_reported_with_file_row_and_key(tmp_path: Path) -> None:
    target = _copy_data(tmp_path)
    bad = target / "limits" / "GB13223-2011.toml"
    bad.write_text(bad.read_text(encoding="utf-8") + """
[[limit]]
row = "T1-bad"
source_type = "coal_boiler"
pollutant = "x99999"
limit = -1
unit = "ppm"
reference_basis = "o2"
averaging = "hour"
source = "somewhere"
status = "maybe"
""", encoding="utf-8")
    with pytest.raises(RuleDataError) as info:
        load_catalog(target)
    problems = info.value.problems
    where = "GB13223-2011.toml: [[limit]] #30 (T1-bad)"
    assert f"{where}: limit: must be a positive number" in problems
    assert f"{where}: unit: must be one of mg/m3" in problems
    assert f"{where}: status: must be verified or unverified" in problems
    assert f"{where}: pollutant: 'x99999' is not an HJ 212-2017 factor code" in problems
    assert any(p.startswith(f"{where}: o2_ref_pct: required") for p in problems)
    assert str(info.value).splitlines()[-1] == f"{len(problems)} problems in the rules data"


def test_a_row_disagreeing_with_the_reference_o2_table_is_an_error(tmp_path: Path) -> None:
    target = _copy_data(tmp_path)
    path = target / "limits" / "ultra-low-2015.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("o2_ref_pct = 6.0", "o2_ref_pct = 3.0", 1),
                    encoding="utf-8")
    with pytest.raises(RuleDataError) as info:
        load_catalog(target)
    assert info.value.problems == [
        "ultra-low-2015.toml: [[limit]] #1 (UL-coal-PM): o2_ref_pct: disagrees with reference_o2.toml (o2 6.0)"]
