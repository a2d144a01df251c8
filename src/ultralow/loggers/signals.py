"""Minute-by-minute stack signals of one outlet, generated vectorised with NumPy. Pure and seeded.

``minute_series`` returns a whole time range as arrays: load-following daily cycle, slow drifts, a
daily calibration (flag C), maintenance (M), analyser faults (D), unit stops (F) and genuine excursions
(the start-up after a stop, a bag-filter breach). ``hourly_series`` aggregates it to clock hours.

Codes are HJ 212-2017 factor codes. Units: pollutants mg/m3 (standard state, dry), O2 a19001 and
humidity a01014 in %, flow a00000 in m3/s, temperature a01012 in degC, velocity a01011 in m/s,
pressure a01013 in kPa; ``amount`` (HJ 212 ``Cou``) in kg for pollutants and m3 for flow.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt

from ultralow.loggers.profiles import Excursion, Profiles, SourceProfile, read_profiles

FloatArray = npt.NDArray[np.float64]
FlagArray = npt.NDArray[np.str_]

O2 = "a19001"
FLOW = "a00000"
TEMPERATURE = "a01012"
VELOCITY = "a01011"
PRESSURE = "a01013"
HUMIDITY = "a01014"
PM = "a34013"
NOX = "a21002"
NO_CODE = "a21003"
NO2_CODE = "a21004"
AMBIENT_O2_PCT = 20.9
MINUTES_PER_30D = 30 * 24 * 60
_AR_BLOCK = 512


@dataclass(frozen=True, slots=True)
class Event:
    """One scheduled episode: ``kind`` is calibration, maintenance, fault, stop, startup or breach."""

    kind: str
    start: int  # minute index into the series
    minutes: int
    codes: tuple[str, ...]


@dataclass
class MinuteSeries:
    """Per-minute values of one outlet; index ``i`` is the minute starting at ``times[i]`` (plant clock)."""

    source_type: str
    times: npt.NDArray[np.datetime64]
    load_fraction: FloatArray
    avg: dict[str, FloatArray]
    low: dict[str, FloatArray]
    high: dict[str, FloatArray]
    rtd: dict[str, FloatArray]
    converted: dict[str, FloatArray]  # at the reference O2; NaN where none applies
    converted_low: dict[str, FloatArray]
    converted_high: dict[str, FloatArray]
    amount: dict[str, FloatArray]
    flags: dict[str, FlagArray]
    events: list[Event] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.times)

    @property
    def codes(self) -> list[str]:
        return list(self.avg)


def outlet_seed(seed: int, outlet_id: str) -> int:
    """A stable per-outlet seed (Python's ``hash`` changes between runs; SHA-256 does not)."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{outlet_id}".encode()).digest()[:8], "big")


def ar1(rng: np.random.Generator, n: int, keep: float) -> FloatArray:
    """Unit-variance AR(1) noise ``x[t] = keep * x[t-1] + e[t]``, computed block-wise without a Python loop
    over minutes (within a block, ``x = keep^t * cumsum(e * keep^-t)`` stays well inside float64)."""
    scale = np.sqrt(1.0 - keep * keep)
    shocks = rng.standard_normal(n) * scale
    out = np.empty(n)
    powers = keep ** np.arange(_AR_BLOCK, dtype=np.float64)
    carry = rng.standard_normal()
    for begin in range(0, n, _AR_BLOCK):
        block = shocks[begin : begin + _AR_BLOCK]
        m = len(block)
        p = powers[:m]
        values = p * (np.cumsum(block / p) + keep * carry)
        out[begin : begin + m] = values
        carry = values[-1]
    return out


def _wander(rng: np.random.Generator, n: int, low: float, high: float, keep: float = 0.995) -> FloatArray:
    """A slowly wandering value inside ``[low, high]`` (logistic of AR(1) noise)."""
    return low + (high - low) / (1.0 + np.exp(-1.6 * ar1(rng, n, keep)))


def _episodes(rng: np.random.Generator, n: int, rate_per_30d: float, minutes: tuple[int, int]) -> list[tuple[int, int]]:
    count = int(rng.poisson(rate_per_30d * n / MINUTES_PER_30D)) if rate_per_30d > 0 else 0
    starts = np.sort(rng.integers(0, n, size=count))
    lengths = rng.integers(minutes[0], minutes[1] + 1, size=count)
    return [(int(s), int(length)) for s, length in zip(starts, lengths, strict=True)]


def _apply_excursion(rng: np.random.Generator, excursion: Excursion, sl: slice, avg: dict[str, FloatArray]) -> None:
    m = sl.stop - sl.start
    for code, (low, high) in excursion.values_mg_m3.items():
        if code in avg:
            avg[code][sl] = _wander(rng, m, low, high, keep=0.95)
    if excursion.o2_pct is not None:
        avg[O2][sl] = _wander(rng, m, *excursion.o2_pct, keep=0.95)


def minute_series(source_type: str, start: datetime, minutes: int, seed: int,
                  profiles: Profiles | None = None) -> MinuteSeries:
    """``minutes`` minutes of one outlet from ``start`` (naive plant-local clock time, whole minute).

    Same arguments, same arrays. The pollutant ranges of the profile apply at the reference O2 (GB 13223
    sources) or as measured (GB 25465 sources); excursion ranges are measured values.
    """
    profiles = profiles or read_profiles()
    profile: SourceProfile = profiles.get(source_type)
    rng = np.random.default_rng(seed)
    n = minutes
    first = np.datetime64(start.replace(second=0, microsecond=0), "m")
    times = first + np.arange(n).astype("timedelta64[m]")
    minute_of_day = (times - times.astype("datetime64[D]")).astype(np.int64)
    hours = minute_of_day / 60.0

    # load: a daily cycle (peak mid-afternoon, trough before dawn) plus slow dispatch noise
    load = 0.78 + 0.16 * np.sin(2 * np.pi * (hours - 10.0) / 24.0) + 0.05 * ar1(rng, n, 0.998)
    load = np.clip(load, 0.45, 1.0)
    o2_low, o2_high = profile.o2_pct
    o2 = o2_high - (o2_high - o2_low) * (load - 0.45) / 0.55 + 0.04 * (o2_high - o2_low) * ar1(rng, n, 0.9)
    avg: dict[str, FloatArray] = {}
    for code, (low, high) in profile.pollutants_mg_m3.items():
        avg[code] = _wander(rng, n, low, high)  # converted basis for O2-referenced sources, for now
    avg[O2] = np.clip(o2, o2_low, o2_high)
    avg[FLOW] = profile.flow_m3_s * load * (1.0 + 0.01 * ar1(rng, n, 0.9))
    t_low, t_high = profile.temperature_c
    avg[TEMPERATURE] = t_low + (t_high - t_low) * (load - 0.45) / 0.55 + 0.5 * ar1(rng, n, 0.95)
    avg[VELOCITY] = profile.velocity_m_s * load * (1.0 + 0.01 * ar1(rng, n, 0.9))
    avg[PRESSURE] = _wander(rng, n, *profile.pressure_kpa, keep=0.99)
    avg[HUMIDITY] = _wander(rng, n, *profile.humidity_pct, keep=0.999)
    pollutants = list(profile.pollutants_mg_m3)
    if profile.o2_ref_pct is not None:  # the profile gives converted values; the stack shows measured ones
        factor = (21.0 - avg[O2]) / (21.0 - profile.o2_ref_pct)
        for code in pollutants:
            avg[code] = avg[code] * factor

    flags = {code: np.full(n, "N", dtype="<U1") for code in avg}
    events: list[Event] = []
    instruments = [*pollutants, O2]
    all_codes = tuple(avg)

    for begin, length in _episodes(rng, n, profile.rates_per_30d.get("breach", 0.0), profile.breach.minutes):
        sl = slice(begin, min(n, begin + length))
        _apply_excursion(rng, profile.breach, sl, avg)
        events.append(Event("breach", begin, sl.stop - begin, tuple(profile.breach.values_mg_m3)))
    for begin, length in _episodes(rng, n, profile.rates_per_30d.get("fault", 0.0), profile.durations_min["fault"]):
        code = instruments[int(rng.integers(0, len(instruments)))]
        sl = slice(begin, min(n, begin + length))
        avg[code][sl] = avg[code][begin]  # a stuck analyser repeats its last reading
        flags[code][sl] = "D"
        events.append(Event("fault", begin, sl.stop - begin, (code,)))
    # daily calibration of the gas analysers at a fixed time of night, on span gas
    cal_minute = int(rng.integers(60, 300))
    cal_len = profile.calibration_minutes
    for day_start in np.flatnonzero(minute_of_day == cal_minute):
        sl = slice(int(day_start), min(n, int(day_start) + cal_len))
        for code, span in profile.span_mg_m3.items():
            avg[code][sl] = span * (1.0 + 0.01 * rng.standard_normal(sl.stop - sl.start))
            flags[code][sl] = "C"
        events.append(Event("calibration", sl.start, sl.stop - sl.start, tuple(profile.span_mg_m3)))
    for begin, length in _episodes(rng, n, profile.rates_per_30d.get("maintenance", 0.0),
                                   profile.durations_min["maintenance"]):
        sl = slice(begin, min(n, begin + length))
        for code in all_codes:
            flags[code][sl] = "M"
        events.append(Event("maintenance", begin, sl.stop - begin, all_codes))
    for begin, length in _episodes(rng, n, profile.rates_per_30d.get("stop", 0.0), profile.durations_min["stop"]):
        sl = slice(begin, min(n, begin + length))
        m = sl.stop - sl.start
        load[sl] = 0.0
        for code in pollutants:
            avg[code][sl] = _wander(rng, m, 0.0, 0.3, keep=0.9)
        avg[O2][sl] = AMBIENT_O2_PCT
        avg[FLOW][sl] = profile.flow_m3_s * 0.005
        avg[VELOCITY][sl] = 0.1
        avg[TEMPERATURE][sl] = 25.0
        for code in all_codes:
            flags[code][sl] = "F"
        events.append(Event("stop", begin, m, all_codes))
        up_len = int(rng.integers(profile.startup.minutes[0], profile.startup.minutes[1] + 1))
        up = slice(sl.stop, min(n, sl.stop + up_len))
        if up.stop > up.start:  # the start-up is real emission, flagged N: SCR/filters not yet in service
            _apply_excursion(rng, profile.startup, up, avg)
            load[up] = np.linspace(0.2, 0.6, up.stop - up.start)
            avg[FLOW][up] = profile.flow_m3_s * load[up]
            for code in all_codes:
                flags[code][up] = "N"
            events.append(Event("startup", up.start, up.stop - up.start, tuple(profile.startup.values_mg_m3)))

    converted: dict[str, FloatArray] = {}
    if profile.o2_ref_pct is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = (21.0 - profile.o2_ref_pct) / (21.0 - avg[O2])
        factor[avg[O2] >= 19.0] = np.nan  # no meaningful conversion near ambient O2 (HJ 75 practice)
        for code in pollutants:
            conv = avg[code] * factor
            conv[flags[code] == "C"] = np.nan
            converted[code] = conv

    if profile.nox_species and NOX in avg:  # NO and NO2 follow the NOx analyser (NOx as NO2)
        share, ratio = profiles.nox.no2_share, profiles.nox.no2_per_no_mass
        for target, source_map in ((avg, avg), (converted, converted)):
            if NOX in source_map:
                target[NO2_CODE] = source_map[NOX] * share
                target[NO_CODE] = source_map[NOX] * (1.0 - share) / ratio
        for code in (NO_CODE, NO2_CODE):
            flags[code] = flags[NOX].copy()
        pollutants += [NO_CODE, NO2_CODE]

    spread = np.clip(np.abs(0.04 + 0.02 * rng.standard_normal(n)), 0.005, 0.15)
    order = [*pollutants, O2, FLOW, TEMPERATURE, VELOCITY, PRESSURE, HUMIDITY]
    avg = {code: avg[code] for code in order}
    flags = {code: flags[code] for code in order}
    minute_low = {code: values * (1.0 - spread) for code, values in avg.items()}
    minute_high = {code: values * (1.0 + spread) for code, values in avg.items()}
    rtd = {code: values * (1.0 + 0.01 * rng.standard_normal(n)) for code, values in avg.items()}
    flow_m3_min = avg[FLOW] * 60.0
    amount = {code: avg[code] * flow_m3_min * 1e-6 for code in pollutants}
    amount[FLOW] = flow_m3_min
    events.sort(key=lambda event: event.start)
    return MinuteSeries(
        source_type, times, load, avg, minute_low, minute_high, rtd, converted,
        {code: values * (1.0 - spread) for code, values in converted.items()},
        {code: values * (1.0 + spread) for code, values in converted.items()},
        amount, flags, events,
    )


def aggregate_flags(flags: FlagArray, normal_share: float) -> str:
    """One period's flag from its minute flags: N when at least ``normal_share`` are N, otherwise the most
    common other flag (the HJ 212 note says D; keeping C/M/F/D tells why the period is not normal)."""
    normal = np.count_nonzero(flags == "N")
    if normal >= normal_share * len(flags):
        return "N"
    others, counts = np.unique(flags[flags != "N"], return_counts=True)
    return str(others[int(np.argmax(counts))])


@dataclass
class HourSeries:
    """Clock hours fully inside a minute series; ``times`` are hour starts (hours are labelled by start)."""

    times: npt.NDArray[np.datetime64]
    avg: dict[str, FloatArray]
    low: dict[str, FloatArray]
    high: dict[str, FloatArray]
    converted: dict[str, FloatArray]
    converted_low: dict[str, FloatArray]
    converted_high: dict[str, FloatArray]
    amount: dict[str, FloatArray]
    flags: dict[str, list[str]]


def hourly_series(series: MinuteSeries, profiles: Profiles | None = None) -> HourSeries:
    """Hour means of the minute means, min of minima, max of maxima, sum of amounts, aggregated flags."""
    share = (profiles or read_profiles()).normal_share
    minute_of_hour = (series.times - series.times.astype("datetime64[h]")).astype(np.int64)
    starts = np.flatnonzero(minute_of_hour == 0)
    starts = starts[starts + 60 <= len(series)]
    idx = starts[:, None] + np.arange(60)[None, :]
    with warnings.catch_warnings():  # an hour with no value at all stays NaN (null), quietly
        warnings.simplefilter("ignore", RuntimeWarning)
        avg = {code: np.nanmean(v[idx], axis=1) for code, v in series.avg.items()}
        low = {code: np.nanmin(v[idx], axis=1) for code, v in series.low.items()}
        high = {code: np.nanmax(v[idx], axis=1) for code, v in series.high.items()}
        converted = {code: np.nanmean(v[idx], axis=1) for code, v in series.converted.items()}
        converted_low = {code: np.nanmin(v[idx], axis=1) for code, v in series.converted_low.items()}
        converted_high = {code: np.nanmax(v[idx], axis=1) for code, v in series.converted_high.items()}
    amount = {code: v[idx].sum(axis=1) for code, v in series.amount.items()}
    flags = {code: [aggregate_flags(row, share) for row in v[idx]] for code, v in series.flags.items()}
    return HourSeries(series.times[starts].astype("datetime64[h]"), avg, low, high, converted,
                      converted_low, converted_high, amount, flags)
