"""Signal profiles per source type, read from ``data/profiles.toml`` (simulation settings with sources)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

Range = tuple[float, float]
MinuteRange = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Excursion:
    """A genuine high-emission episode: its length and the values during it."""

    minutes: MinuteRange
    values_mg_m3: dict[str, Range]
    o2_pct: Range | None = None


@dataclass(frozen=True, slots=True)
class SourceProfile:
    """How one source type's stack looks to its CEMS. Concentrations in mg/m3 (see the TOML header)."""

    source_type: str
    source: str
    status: str
    o2_ref_pct: float | None
    o2_pct: Range
    flow_m3_s: float
    temperature_c: Range
    velocity_m_s: float
    pressure_kpa: Range
    humidity_pct: Range
    pollutants_mg_m3: dict[str, Range]
    span_mg_m3: dict[str, float]
    startup: Excursion
    breach: Excursion
    rates_per_30d: dict[str, float]
    calibration_minutes: int
    durations_min: dict[str, MinuteRange]
    nox_species: bool = False  # also report NO (a21003) and NO2 (a21004)


@dataclass(frozen=True, slots=True)
class NoxSpecies:
    no2_per_no_mass: float  # NO -> NO2 mass ratio (NOx is reported as NO2)
    no2_share: float


@dataclass(frozen=True, slots=True)
class LinkProfile:
    drops_per_day: float
    drop_minutes: MinuteRange


@dataclass(frozen=True, slots=True)
class Profiles:
    by_type: dict[str, SourceProfile]
    normal_share: float  # share of N values for an aggregate to be N (HJ 212-2017 C.16-C.18 notes)
    nox: NoxSpecies
    link: LinkProfile

    def get(self, source_type: str) -> SourceProfile:
        try:
            return self.by_type[source_type]
        except KeyError:
            known = ", ".join(sorted(self.by_type))
            raise KeyError(f"no signal profile for source type {source_type!r} (known: {known})") from None


def _range(value: Any, where: str) -> Range:
    if not (isinstance(value, list) and len(value) == 2 and value[0] <= value[1]):
        raise ValueError(f"profiles.toml: {where} must be [low, high]")
    return float(value[0]), float(value[1])


def _minutes(value: Any, where: str) -> MinuteRange:
    low, high = _range(value, where)
    return int(low), int(high)


def _excursion(table: dict[str, Any], where: str) -> Excursion:
    values = {code: _range(v, f"{where}.{code}") for code, v in table.items() if code not in ("minutes", "o2_pct")}
    o2 = _range(table["o2_pct"], f"{where}.o2_pct") if "o2_pct" in table else None
    return Excursion(_minutes(table["minutes"], f"{where}.minutes"), values, o2)


def _profile(name: str, table: dict[str, Any]) -> SourceProfile:
    durations = table["durations"]
    return SourceProfile(
        source_type=name,
        source=table["source"],
        status=table["status"],
        o2_ref_pct=float(table["o2_ref_pct"]) if "o2_ref_pct" in table else None,
        o2_pct=_range(table["o2_pct"], f"{name}.o2_pct"),
        flow_m3_s=float(table["flow_m3_s"]),
        temperature_c=_range(table["temperature_c"], f"{name}.temperature_c"),
        velocity_m_s=float(table["velocity_m_s"]),
        pressure_kpa=_range(table["pressure_kpa"], f"{name}.pressure_kpa"),
        humidity_pct=_range(table["humidity_pct"], f"{name}.humidity_pct"),
        pollutants_mg_m3={code: _range(v, f"{name}.pollutants.{code}") for code, v in table["pollutants"].items()},
        span_mg_m3={code: float(v) for code, v in table["span"].items()},
        startup=_excursion(table["startup"], f"{name}.startup"),
        breach=_excursion(table["breach"], f"{name}.breach"),
        rates_per_30d={key: float(v) for key, v in table["rates"].items()},
        calibration_minutes=int(durations["calibration"]),
        durations_min={key: _minutes(v, f"{name}.durations.{key}") for key, v in durations.items()
                       if key != "calibration"},
        nox_species=bool(table.get("nox_species", False)),
    )


@cache
def read_profiles() -> Profiles:
    """The packaged profiles."""
    text = resources.files("ultralow.loggers").joinpath("data", "profiles.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    aggregation = data.pop("aggregation")
    nox = data.pop("nox_species")
    link = data.pop("link")
    return Profiles({name: _profile(name, table) for name, table in data.items()},
                    float(aggregation["normal_share"]),
                    NoxSpecies(float(nox["no2_per_no_mass"]), float(nox["no2_share"])),
                    LinkProfile(float(link["drops_per_day"]), _minutes(link["drop_minutes"], "link.drop_minutes")))
