"""An outlet's demo year: the virtual loggers' minute signals with the planted incidents, cut into the part
bulk-loaded from a vendor export and the last hours streamed over HJ 212.

The signals are :func:`ultralow.loggers.signals.minute_series` (vectorised NumPy, seeded per outlet) with the
profiles' background rates from the scenario; incidents are planted by :mod:`ultralow.demo.incidents`.
Generation runs outlet by outlet in worker processes (one per core).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import Final

import numpy as np
import numpy.typing as npt

from ultralow.demo.incidents import Planted, plant_all
from ultralow.demo.scenario import Incident, Scenario
from ultralow.loggers.profiles import Profiles, read_profiles
from ultralow.loggers.signals import MinuteSeries, minute_series, outlet_seed
from ultralow.registry import Outlet

DEFAULT_DECIMALS: Final = 2
_INCIDENT_SEED: Final = 0x1C1DE17


@dataclass
class OutletYear:
    """One outlet's demo period. ``values[i, j]`` is the minute mean of ``codes[j]`` in minute ``i`` of the
    bulk part (rounded as sent), ``flags[i, j]`` its HJ 212 flag as an ASCII code; ``tail`` holds the last
    minutes, which the virtual logger sends over TCP."""

    outlet_id: str
    mn: str
    codes: tuple[str, ...]
    values: npt.NDArray[np.float64]
    flags: npt.NDArray[np.int8]
    tail: MinuteSeries
    planted: list[Planted]

    def release_bulk(self) -> None:
        """Drop the bulk arrays once they are in the store (a full year is about 25 MB per outlet)."""
        self.values = np.empty((0, len(self.codes)), dtype=np.float64)  # not a view: the buffer is freed
        self.flags = np.empty((0, len(self.codes)), dtype=np.int8)


def demo_profiles(scenario: Scenario) -> Profiles:
    """The loggers' profiles with the scenario's background event rates (per 30 days) in place."""
    base = read_profiles()
    by_type = {name: replace(profile, rates_per_30d={**profile.rates_per_30d, **scenario.background_rates})
               for name, profile in base.by_type.items()}
    return replace(base, by_type=by_type)


def tail_series(series: MinuteSeries, start: int) -> MinuteSeries:
    """The minutes from index ``start`` on, as a series of their own (events clipped and re-indexed)."""
    def cut(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {code: values[start:] for code, values in arrays.items()}

    events = [replace(e, start=max(0, e.start - start), minutes=e.start + e.minutes - max(e.start, start))
              for e in series.events if e.start + e.minutes > start]
    return MinuteSeries(
        series.source_type, series.times[start:], series.load_fraction[start:], cut(series.avg), cut(series.low),
        cut(series.high), cut(series.rtd), cut(series.converted), cut(series.converted_low),
        cut(series.converted_high), cut(series.amount), cut(series.flags), events,
    )


def flag_codes(flags: np.ndarray) -> npt.NDArray[np.int8]:
    """One-letter HJ 212 flags ('<U1') as ASCII codes (int8), without a Python loop."""
    return flags.astype("<U1").view(np.uint32).astype(np.int8)


def outlet_year(outlet: Outlet, scenario: Scenario, days: int, seed: int, profiles: Profiles | None = None
                ) -> OutletYear:
    """Generate one outlet's period (``days`` from the scenario's start, plant-local clock)."""
    profiles = profiles or demo_profiles(scenario)
    minutes = days * 24 * 60
    tail_minutes = min(scenario.stream_hours_for(days) * 60, minutes)
    own_seed = outlet_seed(seed, outlet.id)
    start = datetime.combine(scenario.start, time())
    series = minute_series(outlet.source_type, start, minutes, own_seed, profiles)
    incidents: list[Incident] = [i for i in scenario.incidents if i.outlet == outlet.id]
    planted = plant_all(series, incidents, own_seed ^ _INCIDENT_SEED)
    bulk = minutes - tail_minutes
    codes = tuple(code for code in scenario.export_codes if code in series.avg)
    values = np.empty((bulk, len(codes)), dtype=np.float64)
    flags = np.empty((bulk, len(codes)), dtype=np.int8)
    for j, code in enumerate(codes):
        values[:, j] = np.round(series.avg[code][:bulk], scenario.decimals.get(code, DEFAULT_DECIMALS))
        flags[:, j] = flag_codes(series.flags[code][:bulk])
    return OutletYear(outlet.id, outlet.mn, codes, values, flags, tail_series(series, bulk), planted)


def _one(args: tuple[Outlet, Scenario, int, int]) -> OutletYear:
    outlet, scenario, days, seed = args
    return outlet_year(outlet, scenario, days, seed)


def generate(outlets: Sequence[Outlet], scenario: Scenario, days: int, seed: int, workers: int,
             done: Callable[[OutletYear], None] | None = None) -> list[OutletYear]:
    """Every outlet's period, in ``outlets`` order; ``workers`` > 1 uses that many processes. ``done`` is
    called as each outlet is ready (progress)."""
    jobs = [(outlet, scenario, days, seed) for outlet in outlets]
    if workers <= 1 or len(jobs) <= 1:
        years = []
        for job in jobs:
            years.append(_one(job))
            if done is not None:
                done(years[-1])
        return years
    # spawn: the parent may hold threads (progress display) that a fork would copy mid-state
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        result = []
        for year in pool.map(_one, jobs):
            result.append(year)
            if done is not None:
                done(year)
    return result
