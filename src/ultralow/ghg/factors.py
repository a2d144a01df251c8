"""The GHG data files (``data/*.toml``) as typed rows, each with its ``source`` and ``status``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True, slots=True)
class Factor:
    """One number from a data file, named by ``id`` and carrying where it comes from."""

    id: str
    value: float
    unit: str
    source: str
    status: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "value": self.value, "unit": self.unit, "source": self.source,
                "status": self.status}


@cache
def data(name: str) -> dict[str, Any]:
    with resources.files("ultralow.ghg").joinpath("data", f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


def gwp(set_name: str, gas: str) -> Factor:
    for row in data("gwp")["set"][set_name]["gases"]:
        if row["gas"] == gas:
            return Factor(f"gwp.{set_name}.{gas}", float(row["gwp"]), "t CO2e/t", str(row["source"]),
                          str(row["status"]))
    raise KeyError(f"no GWP for {gas} in {set_name}")


def gwp_sets() -> tuple[str, ...]:
    return tuple(data("gwp")["set"])


def pfc_slope(set_name: str, technology: str) -> tuple[Factor, Factor] | None:
    """(slope CF4, C2F6/CF4 ratio) of ``technology`` in the coefficient set, None when it has none."""
    for row in data("pfc")["set"][set_name]["slope"]:
        if row["technology"] == technology:
            return (Factor(f"pfc.{set_name}.{technology}.slope_cf4", float(row["slope_cf4"]),
                           "(kg CF4/t Al)/(AE-min/cell-day)", str(row["source"]), str(row["status"])),
                    Factor(f"pfc.{set_name}.{technology}.c2f6_per_cf4", float(row["c2f6_per_cf4"]),
                           "t C2F6/t CF4", str(row["source"]), str(row["status"])))
    return None


def pfc_overvoltage(set_name: str, technology: str) -> tuple[Factor, Factor, str] | None:
    """(OVC CF4, C2F6/CF4, CE unit ``percent`` | ``fraction``) or None."""
    for row in data("pfc")["set"][set_name]["overvoltage"]:
        if row["technology"] == technology:
            return (Factor(f"pfc.{set_name}.{technology}.ovc_cf4", float(row["ovc_cf4"]), "(kg CF4/t Al)/mV",
                           str(row["source"]), str(row["status"])),
                    Factor(f"pfc.{set_name}.{technology}.c2f6_per_cf4", float(row["c2f6_per_cf4"]),
                           "t C2F6/t CF4", str(row["source"]), str(row["status"])),
                    str(row["ce_unit"]))
    return None


def pfc_tier1(technology: str) -> tuple[Factor, Factor] | None:
    for row in data("pfc")["set"]["IPCC2006"]["tier1"]:
        if row["technology"] == technology:
            return (Factor(f"pfc.tier1.{technology}.cf4", float(row["cf4_kg_per_t"]), "kg CF4/t Al",
                           str(row["source"]), str(row["status"])),
                    Factor(f"pfc.tier1.{technology}.c2f6", float(row["c2f6_kg_per_t"]), "kg C2F6/t Al",
                           str(row["source"]), str(row["status"])))
    return None


def anode(section: str, key: str, unit: str) -> Factor:
    block = data("anode")[section]
    return Factor(f"anode.{section}.{key}", float(block[key]), unit, str(block["source"]), str(block["status"]))


def fuel(fuel_id: str) -> tuple[Factor, Factor]:
    """(NCV GJ per unit, EF kg CO2/TJ) of a fuel."""
    for row in data("fuels")["fuel"]:
        if row["id"] == fuel_id:
            return (Factor(f"fuel.{fuel_id}.ncv", float(row["ncv_gj_per_unit"]), f"GJ/{row['unit']}",
                           str(row["source"]), str(row["status"])),
                    Factor(f"fuel.{fuel_id}.ef", float(row["ef_kg_co2_per_tj"]), "kg CO2/TJ", str(row["source"]),
                           str(row["status"])))
    raise KeyError(fuel_id)


def grid(country: str, year: int) -> Factor | None:
    """The latest grid factor of ``country`` with a data year not after ``year`` (None when none)."""
    rows = [r for r in data("grid")["factor"] if r["country"] == country and int(r["data_year"]) <= year]
    if not rows:
        return None
    row = max(rows, key=lambda r: int(r["data_year"]))
    return Factor(f"grid.{country}.{row['data_year']}.{row['variant']}", float(row["t_co2_per_mwh"]),
                  "t CO2/MWh", str(row["source"]), str(row["status"]))


@dataclass(frozen=True, slots=True)
class Regime:
    id: str
    title: str
    gwp_set: str
    pfc_set: str
    carbon_to_co2: float
    exclude_categories: tuple[str, ...]
    source: str
    status: str


def regime(name: str) -> Regime:
    row = data("regimes")["regime"][name]
    return Regime(name, str(row["title"]), str(row["gwp_set"]), str(row["pfc_set"]), float(row["carbon_to_co2"]),
                  tuple(row.get("exclude_categories", ())), str(row["source"]), str(row["status"]))


def regimes() -> tuple[str, ...]:
    return tuple(data("regimes")["regime"])


def measured_threshold() -> Factor:
    row = data("regimes")["measured_vs_calculated"]
    return Factor("threshold.measured_vs_calculated", float(row["max_relative_difference"]), "fraction",
                  str(row["source"]), str(row["status"]))
