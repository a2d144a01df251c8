"""Conversions of hourly means (HJ 75-2017 Appendix A; GB 13223-2011 formula (1)) as Ibis value expressions.

Every function takes Ibis column expressions and the constants from ``standards/data/conversion.toml``
and returns an expression that is null whenever one of its inputs is null (a derived value is valid only
when all its inputs are).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ultralow.standards.rules import RuleBook


def wet_to_dry(value_wet: ir.FloatingValue, humidity_pct: ir.FloatingValue, rules: RuleBook) -> ir.FloatingValue:
    """C_dry = C_wet / (1 - X_sw) with X_sw = humidity (%) x 0.01 (HJ 75-2017 A2); for mg/m3 and O2 %."""
    fraction = humidity_pct * float(rules.value("humidity_pct_to_fraction"))
    return value_wet / (1.0 - fraction)


def o2_corrected(measured_mg_m3: ir.FloatingValue, o2_pct: ir.FloatingValue, o2_ref_pct: ir.FloatingValue,
                 rules: RuleBook) -> ir.FloatingValue:
    """rho = rho' x (21 - O2_ref) / (21 - O2) on dry hourly means (GB 13223-2011 formula (1), HJ 75 A9).

    Null when O2 is null or not below 21 % (the formula is singular there).
    """
    ambient = float(rules.value("ambient_o2_pct"))
    return ibis.ifelse(o2_pct < ambient, measured_mg_m3 * (ambient - o2_ref_pct) / (ambient - o2_pct), ibis.null())


def nox_as_no2(no_mg_m3: ir.FloatingValue, no2_mg_m3: ir.FloatingValue, rules: RuleBook) -> ir.FloatingValue:
    """C_NOx = C_NO x M_NO2 / M_NO + C_NO2, mg/m3 as NO2 (HJ 75-2017 A4)."""
    factor = float(rules.value("molar_mass_no2_g_mol")) / float(rules.value("molar_mass_no_g_mol"))
    return no_mg_m3 * factor + no2_mg_m3


def flow_m3_h(flow_m3_s: ir.FloatingValue, rules: RuleBook) -> ir.FloatingValue:
    """Flue-gas flow m3/s (HJ 212 Table B.2 a00000) -> m3/h."""
    return flow_m3_s * float(rules.value("flow_m3_s_to_m3_h"))


def emission_kg(measured_mg_m3: ir.FloatingValue, flow_m3_per_h: ir.FloatingValue, rules: RuleBook) -> ir.FloatingValue:
    """Hourly emission amount G_h = C x Q_sn x 1e-6 (kg in one hour) from the MEASURED dry concentration."""
    return measured_mg_m3 * flow_m3_per_h * float(rules.value("mg_to_kg"))
