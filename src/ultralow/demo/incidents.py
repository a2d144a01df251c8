"""Planting the scenario's incidents into an outlet's minute signals (pure, vectorised, seeded).

Each incident rewrites the minute means (``avg``) and flags of a :class:`MinuteSeries` inside its window:

- ``breach``: a bag-filter breach, genuine high PM under flag N (real exceedance hours);
- ``fault``: an analyser fault, flag D with the last reading stuck (invalid minutes, lower capture);
- ``stop``: a unit stop (flag F, near-zero values, ambient O2) then a start-up under flag N with O2 falling
  from near ambient and high measured values;
- ``flat_line``: a stuck sensor that keeps flag N and repeats one value (a data-quality finding).

Units as in :mod:`ultralow.loggers.signals`: mg/m3, O2 %, flow m3/s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ultralow.demo.scenario import Incident
from ultralow.loggers.signals import (
    AMBIENT_O2_PCT,
    FLOW,
    HUMIDITY,
    O2,
    PRESSURE,
    TEMPERATURE,
    VELOCITY,
    MinuteSeries,
)

STOP_FLOW_SHARE = 0.005  # flow while stopped, share of the running mean (as the loggers' own stops)
STARTUP_FLOW_SHARE = (0.2, 0.6)  # flow during the start-up, share of the running mean (linear)
STOPPED_TEMPERATURE_C = 25.0  # a cold stack (as the loggers' own stops)
STOPPED_VELOCITY_M_S = 0.1
_PARAMETERS = frozenset({O2, FLOW, TEMPERATURE, VELOCITY, PRESSURE, HUMIDITY})
_SMOOTH_MINUTES = 5


@dataclass(frozen=True, slots=True)
class Planted:
    """Where an incident went: minutes ``[start, end)`` of the series (start-up included)."""

    incident: Incident
    start: int
    end: int


def _smooth_band(rng: np.random.Generator, n: int, low: float, high: float) -> np.ndarray:
    """Values in ``[low, high]`` that wander minute to minute (a 5-minute moving mean of uniform draws)."""
    raw = rng.uniform(low, high, size=n + _SMOOTH_MINUTES - 1)
    kernel = np.full(_SMOOTH_MINUTES, 1.0 / _SMOOTH_MINUTES)
    return np.convolve(raw, kernel, mode="valid")


def plant(series: MinuteSeries, incident: Incident, rng: np.random.Generator) -> Planted:
    """Rewrite ``series`` in place for ``incident``; returns the window it took."""
    n = len(series)
    start, length = incident.window(n)
    stop = min(n, start + length)
    sl = slice(start, stop)
    m = stop - start
    avg, flags = series.avg, series.flags
    end = stop
    if incident.kind == "breach":
        band = incident.values_mg_m3
        if band is None:  # parse_scenario refuses a breach without values; an Incident built in code may lack it
            raise ValueError(f"breach incident {incident.label!r}: values_mg_m3 is missing")
        for code in incident.codes:
            avg[code][sl] = _smooth_band(rng, m, *band)
            flags[code][sl] = "N"
    elif incident.kind == "fault":
        for code in incident.codes:
            avg[code][sl] = avg[code][start]  # a faulty analyser repeats its last reading
            flags[code][sl] = "D"
    elif incident.kind == "flat_line":
        for code in incident.codes:
            avg[code][sl] = round(float(avg[code][start]), 2)  # one value, exactly as the logger sends it
            flags[code][sl] = "N"
    elif incident.kind == "stop":
        end = _stop_and_startup(series, incident, start, stop, rng)
    else:  # the scenario reader admits only the kinds above
        raise ValueError(f"unknown incident kind {incident.kind!r}")
    return Planted(incident, start, end)


def _stop_and_startup(series: MinuteSeries, incident: Incident, start: int, stop: int,
                      rng: np.random.Generator) -> int:
    avg, flags = series.avg, series.flags
    n = len(series)
    sl = slice(start, stop)
    m = stop - start
    running_flow = float(np.mean(avg[FLOW]))
    for code in avg:
        flags[code][sl] = "F"
        if code not in _PARAMETERS:
            avg[code][sl] = rng.uniform(0.0, 0.3, size=m)
    avg[O2][sl] = AMBIENT_O2_PCT
    avg[TEMPERATURE][sl] = STOPPED_TEMPERATURE_C
    avg[VELOCITY][sl] = STOPPED_VELOCITY_M_S
    avg[FLOW][sl] = running_flow * STOP_FLOW_SHARE
    series.load_fraction[sl] = 0.0
    up_end = min(n, stop + incident.startup_minutes)
    up = slice(stop, up_end)
    k = up_end - stop
    if k <= 0:
        return stop
    for code in avg:
        flags[code][up] = "N"
    if incident.startup_o2_pct is not None:
        first, last = incident.startup_o2_pct
        avg[O2][up] = np.linspace(first, last, k) + 0.1 * rng.standard_normal(k)
    avg[FLOW][up] = running_flow * np.linspace(*STARTUP_FLOW_SHARE, k)
    for code, (low, high) in incident.startup_mg_m3.items():
        if code in avg:
            avg[code][up] = _smooth_band(rng, k, low, high)
    series.load_fraction[up] = np.linspace(*STARTUP_FLOW_SHARE, k)
    return up_end


def plant_all(series: MinuteSeries, incidents: list[Incident], seed: int) -> list[Planted]:
    """Plant every incident of this outlet, in order, with one generator seeded by ``seed``."""
    rng = np.random.default_rng(seed)
    return [plant(series, incident, rng) for incident in incidents]
