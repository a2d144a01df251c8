"""The aluminium process methods as pure functions (tonnes in, tonnes out; IPCC 2006 Vol.3 Ch.4.4 and
IR (EU) 2025/2547 Annex II B.7). Percentages are given in percent, as the methods write them."""

from __future__ import annotations


def anode_tier1_co2_t(aluminium_t: float, ef_t_per_t: float) -> float:
    """Tier 1: ``EF x MP`` (t CO2)."""
    return ef_t_per_t * aluminium_t


def anode_tier2_co2_t(aluminium_t: float, net_anode_t_per_t: float, sulphur_pct: float, ash_pct: float,
                      carbon_to_co2: float) -> float:
    """Tier 2/3 prebake: ``NAC x MP x (100 - S_a - Ash_a)/100 x 44/12`` (t CO2; IPCC Eq. 4.21)."""
    return net_anode_t_per_t * aluminium_t * (100.0 - sulphur_pct - ash_pct) / 100.0 * carbon_to_co2


def pitch_volatiles_co2_t(green_t: float, baked_t: float, waste_tar_t: float, hydrogen_pct: float,
                          carbon_to_co2: float) -> float:
    """Baking furnace pitch volatiles: ``(GA - H_w - BA - WT) x 44/12`` with ``H_w = h x GA`` (IPCC Eq. 4.22)."""
    return max(0.0, green_t - hydrogen_pct / 100.0 * green_t - baked_t - waste_tar_t) * carbon_to_co2


def packing_coke_co2_t(baked_t: float, pcc_t_per_t: float, sulphur_pct: float, ash_pct: float,
                       carbon_to_co2: float) -> float:
    """Packing coke: ``PCC x BA x (100 - S_pc - Ash_pc)/100 x 44/12`` (IPCC Eq. 4.23)."""
    return pcc_t_per_t * baked_t * (100.0 - sulphur_pct - ash_pct) / 100.0 * carbon_to_co2


def pfc_slope_t(aluminium_t: float, ae_minutes_per_cell_day: float, slope_cf4: float,
                c2f6_per_cf4: float) -> tuple[float, float]:
    """Slope method: ``CF4 [kg] = S_CF4 x AEM x MP``, ``C2F6 = CF4 x F`` -> (t CF4, t C2F6)."""
    cf4_t = slope_cf4 * ae_minutes_per_cell_day * aluminium_t / 1000.0
    return cf4_t, cf4_t * c2f6_per_cf4


def pfc_overvoltage_t(aluminium_t: float, aeo_mv: float, current_efficiency_pct: float, ovc_cf4: float,
                      c2f6_per_cf4: float, ce_unit: str) -> tuple[float, float]:
    """Overvoltage method: ``CF4 [t] = OVC x (AEO / CE) x MP x 0.001`` -> (t CF4, t C2F6).

    ``ce_unit`` is the convention of the coefficient set: ``percent`` (EU text) or ``fraction`` (GHGP
    workbook); the two differ by 100x, so CE (kept in percent) is converted to the set's convention.
    """
    ce = current_efficiency_pct if ce_unit == "percent" else current_efficiency_pct / 100.0
    cf4_t = ovc_cf4 * (aeo_mv / ce) * aluminium_t * 0.001
    return cf4_t, cf4_t * c2f6_per_cf4


def combustion_co2_t(fuel_amount: float, ncv_gj_per_unit: float, ef_kg_per_tj: float | None = None,
                     carbon_t_per_tj: float | None = None, carbon_to_co2: float = 44 / 12) -> float:
    """Fuel combustion: ``fuel x NCV x EF`` or, from a coal analysis, ``fuel x NCV x carbon content x 44/12``
    (t CO2; full oxidation)."""
    tj = fuel_amount * ncv_gj_per_unit / 1000.0
    if carbon_t_per_tj is not None:
        return tj * carbon_t_per_tj * carbon_to_co2
    if ef_kg_per_tj is None:
        raise ValueError("an emission factor or a carbon content is needed")
    return tj * ef_kg_per_tj / 1000.0
