"""GHG methods and the inventory with values worked by hand from the references (IPCC 2006 Vol.3 Ch.4.4,
IR (EU) 2025/2547 Annex II B.7 and Annex III A.3, the packaged factor files)."""

from __future__ import annotations

import pytest

from ultralow.ghg import aluminium as al
from ultralow.ghg.cbam import cbam_results, importer_summary
from ultralow.ghg.inventory import build_inventory
from ultralow.ledger.book import view_of

F_IPCC = 44 / 12


def smelter(year: int = 2026, **params: object) -> list[dict[str, object]]:
    """One smelting base: 100,000 t aluminium in one month, 100,000 t coal in its captive units, 10,000 MWh
    bought from the grid, and its process parameters."""
    production = {"month": f"{year}-06", "aluminium_t": 100_000.0, "coal_power_t": 100_000.0,
                  "electricity_generated_mwh": 250_000.0, "electricity_purchased_mwh": 10_000.0}
    parameters = {"year": year, "cell_technology": "CWPB", "net_anode_consumption_t_per_t": 0.4,
                  "anode_sulphur_pct": 2.0, "anode_ash_pct": 0.4, "anode_effect_minutes_per_cell_day": 0.5,
                  **params}
    return [{"kind": "production", "base": "s1", "country": "CN", "values": production},
            {"kind": "process_parameters", "base": "s1", "country": "CN", "values": parameters}]


def test_pfc_slope_with_each_coefficient_set():
    # SWPB, where the two sets disagree; 100,000 t Al, AEM 0.5 AE-min/cell-day
    # IPCC 2006: CF4 = 0.272 kg/t per AE-min x 0.5 x 100,000 t / 1000 = 13.6 t; C2F6 = 13.6 x 0.252 = 3.4272 t
    cf4, c2f6 = al.pfc_slope_t(100_000, 0.5, 0.272, 0.252)
    assert cf4 == pytest.approx(13.6) and c2f6 == pytest.approx(3.4272)
    # EU MRR/CBAM Table 2: CF4 = 0.233 x 0.5 x 100 = 11.65 t; C2F6 = 11.65 x 0.280 = 3.262 t
    cf4, c2f6 = al.pfc_slope_t(100_000, 0.5, 0.233, 0.280)
    assert cf4 == pytest.approx(11.65) and c2f6 == pytest.approx(3.262)


def test_inventory_shows_both_pfc_sets_and_uses_its_regime_s():
    inv = build_inventory(view_of(smelter(cell_technology="SWPB")), 2026, "hkex")
    sets = {(p["set"], p["method"]): (p["cf4_t"], p["c2f6_t"]) for p in inv.pfc_sets}
    assert sets[("IPCC2006", "slope")] == pytest.approx((13.6, 3.4272))
    assert sets[("EU_MRR_CBAM", "slope")] == pytest.approx((11.65, 3.262))
    pfc = next(ln for ln in inv.lines if ln.category == "pfc")
    # HKEX: IPCC 2006 coefficients, AR6 GWPs: 13.6 x 7,380 + 3.4272 x 12,400 = 100,368 + 42,497.28 = 142,865.28 t
    assert pfc.gases_t == pytest.approx({"CF4": 13.6, "C2F6": 3.4272})
    assert pfc.co2e_t == pytest.approx(142_865.28)
    # the same gases with SAR (CN-ETS): 13.6 x 6,500 + 3.4272 x 9,200 = 88,400 + 31,530.24 = 119,930.24 t
    cn = next(ln for ln in build_inventory(view_of(smelter(cell_technology="SWPB")), 2026, "cn-ets").lines
              if ln.category == "pfc")
    assert cn.co2e_t == pytest.approx(119_930.24)


def test_pfc_overvoltage_ce_convention_of_each_set():
    # EU Table 3 CWPB: CF4 = 1.16 x (AEO 0.9 mV / CE 92.5 %) x 100,000 t x 0.001 = 1.16 x 0.0097297 x 100
    #   = 1.128649 t; C2F6 = 1.128649 x 0.121 = 0.136566 t
    cf4, c2f6 = al.pfc_overvoltage_t(100_000, 0.9, 92.5, 1.16, 0.121, "percent")
    assert cf4 == pytest.approx(1.128649, rel=1e-6) and c2f6 == pytest.approx(0.136566, rel=1e-5)
    # the GHGP workbook reads CE as a fraction: 1.16 x 0.9 / 0.925 x 100 = 112.865 t, 100 times more
    cf4_fraction, _ = al.pfc_overvoltage_t(100_000, 0.9, 92.5, 1.16, 0.121, "fraction")
    assert cf4_fraction == pytest.approx(cf4 * 100)


def test_prebake_anode_tier2():
    # NAC 0.4 t/t x 100,000 t x (100 - 2.0 - 0.4)/100 x 44/12 = 40,000 x 0.976 x 3.6667 = 143,146.67 t CO2
    assert al.anode_tier2_co2_t(100_000, 0.4, 2.0, 0.4, F_IPCC) == pytest.approx(143_146.6667)
    # with the EU f = 3.664: 40,000 x 0.976 x 3.664 = 143,042.56 t
    assert al.anode_tier2_co2_t(100_000, 0.4, 2.0, 0.4, 3.664) == pytest.approx(143_042.56)
    inv = build_inventory(view_of(smelter()), 2026, "hkex")
    anode = next(ln for ln in inv.lines if ln.category == "anode_consumption")
    assert anode.gases_t["CO2"] == pytest.approx(143_146.6667)
    assert "Tier 2" in anode.method


def test_tier1_anode_when_no_net_anode_consumption():
    rows = smelter()
    del rows[1]["values"]["net_anode_consumption_t_per_t"]  # type: ignore[attr-defined]
    anode = next(ln for ln in build_inventory(view_of(rows), 2026, "hkex").lines if ln.category == "anode_consumption")
    # Tier 1: 1.6 t CO2/t Al x 100,000 t = 160,000 t
    assert anode.gases_t["CO2"] == pytest.approx(160_000) and "Tier 1" in anode.note


def test_captive_coal_power_default_factors_and_coal_analysis():
    # defaults: 100,000 t x 25.8 GJ/t = 2,580 TJ; x 94,600 kg/TJ = 244,068 t CO2
    assert al.combustion_co2_t(100_000, 25.8, 94_600) == pytest.approx(244_068)
    inv = build_inventory(view_of(smelter()), 2026, "hkex")
    coal = next(ln for ln in inv.lines if ln.category == "captive_power")
    assert coal.gases_t["CO2"] == pytest.approx(244_068) and coal.scope == 1
    # the base's coal analysis: 100,000 t x 21.6 GJ/t = 2,160 TJ x 26.8 t C/TJ x 44/12 = 212,256 t CO2
    own = build_inventory(view_of(smelter(coal_ncv_gj_per_t=21.6, coal_carbon_t_per_tj=26.8)), 2026, "hkex")
    coal = next(ln for ln in own.lines if ln.category == "captive_power")
    assert coal.gases_t["CO2"] == pytest.approx(2_160 * 26.8 * 44 / 12)
    assert coal.gases_t["CO2"] == pytest.approx(212_256)


def test_measured_co2_beside_calculated_is_a_finding_over_the_threshold():
    # calculated 244,068 t; CEMS 280,000 t: +14.7 % > 10 % -> finding; 250,000 t: +2.4 % -> no finding
    inv = build_inventory(view_of(smelter(cems_co2_measured_t=280_000.0)), 2026, "hkex")
    entry = next(f for f in inv.findings if f["kind"] == "measured_vs_calculated_co2")
    assert entry["relative_difference"] == pytest.approx(280_000 / 244_068 - 1) and entry["finding"] is True
    inv = build_inventory(view_of(smelter(cems_co2_measured_t=250_000.0)), 2026, "hkex")
    assert next(f for f in inv.findings if f["kind"] == "measured_vs_calculated_co2")["finding"] is False


def test_scope2_location_based_and_intensity():
    inv = build_inventory(view_of(smelter(year=2025)), 2025, "hkex")
    # 10,000 MWh x 0.5366 t/MWh (CN 2022 factor, the latest data year not after 2025) = 5,366 t
    assert inv.scope2_t == pytest.approx(5_366)
    # Scope 1 = coal 244,068 + anode 143,146.667 + PFC (CWPB, IPCC 2006: CF4 0.143 x 0.5 x 100 = 7.15 t,
    # C2F6 7.15 x 0.121 = 0.86515 t; AR6 7.15 x 7,380 + 0.86515 x 12,400 = 52,767 + 10,727.86) = 450,709.527
    assert inv.scope1_t == pytest.approx(244_068 + 143_146.6667 + 52_767 + 10_727.86)
    # (450,709.527 + 5,366) / 100,000 t = 4.56075527 t CO2e/t Al
    assert inv.intensity_t_per_t_aluminium == pytest.approx(4.56075527)


def test_no_grid_factor_is_null_scope2_with_a_finding():
    rows = smelter()
    rows[0]["country"] = rows[1]["country"] = "GN"
    inv = build_inventory(view_of(rows), 2026, "hkex")
    assert inv.scope2_t is None
    assert any(f["kind"] == "no_grid_factor" for f in inv.findings)


def test_cbam_with_captive_power():
    inv = build_inventory(view_of(smelter()), 2026, "cbam")
    [r] = cbam_results(inv, {"s1": "Smelter 1"})
    # direct: coal 244,068 (fuel x NCV x EF) + anode 143,042.56 (f = 3.664)
    #   + PFC with the EU CWPB slope and AR5: CF4 7.15 t x 6,630 = 47,404.5; C2F6 0.86515 t x 11,100 = 9,603.165
    #   = 444,118.225 t CO2e
    assert r.direct_t_co2e == pytest.approx(244_068 + 143_042.56 + 47_404.5 + 9_603.165)
    # the captive units' emissions are Em_el,prod, removed (IR 2025/2547 Annex III A.3)
    assert r.captive_power_t_co2e == pytest.approx(244_068)
    assert r.attributed_direct_t_co2e == pytest.approx(200_050.225)
    # SEE = 200,050.225 / 100,000 t = 2.00050225 t CO2e/t, against the benchmark 1.423 and the CN default 3.0 + 10 %
    assert r.see_direct_t_co2e_per_t == pytest.approx(2.00050225)
    assert r.benchmark is not None and r.benchmark.value == 1.423
    assert r.default_with_markup == pytest.approx(3.3)
    summary = importer_summary(r, "Demo operator")
    assert summary["4_goods"][0]["a_specific_direct_embedded_emissions_t_co2e_per_t"] == pytest.approx(2.00050225)
    assert summary["11_electricity_produced"]["emissions_t_co2e"] == pytest.approx(244_068)


def test_cbam_needs_the_cbam_regime():
    with pytest.raises(ValueError, match="cbam regime"):
        cbam_results(build_inventory(view_of(smelter()), 2026, "hkex"))


def test_only_approved_rows_count():
    rows = smelter()
    rows[0]["approved"] = False
    inv = build_inventory(view_of(rows), 2026, "hkex")
    assert inv.lines == [] and inv.scope1_t == 0 and inv.scope2_t is None


def test_cems_measured_co2_from_the_engine_beside_the_calculated():
    import pyarrow as pa

    from ultralow.app.ghg import measured_co2

    outlets = pa.table({"outlet_id": ["u1", "u2", "pl1"], "base": ["s1", "s1", "s1"],
                        "source_type": ["coal_boiler", "coal_boiler", "potline"]})
    emissions = pa.table({"outlet_id": ["u1", "u2", "pl1", "u1", "u1"],
                          "code": ["a05001", "a05001", "a05001", "a21026", "a05001"],
                          "year": [2026, 2026, 2026, 2026, 2025],
                          "total_t": [150_000.0, 125_000.0, 9_999.0, 80.0, 1.0]})
    # coal units only, CO2 only, 2026 only: 150,000 + 125,000 = 275,000 t
    measured = measured_co2(emissions, outlets, 2026)
    assert measured == {"s1": {"t": 275_000.0, "outlets": ["u1", "u2"]}}
    inv = build_inventory(view_of(smelter()), 2026, "hkex", measured_co2=measured)
    entry = next(f for f in inv.findings if f["kind"] == "measured_vs_calculated_co2")
    # 275,000 / 244,068 - 1 = +12.67 % > 10 %: a finding, naming the engine and the outlets
    assert entry["relative_difference"] == pytest.approx(275_000 / 244_068 - 1) and entry["finding"] is True
    assert entry["outlets"] == ["u1", "u2"] and entry["measured_source"].startswith("compliance engine")
