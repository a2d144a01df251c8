"""The demo year's settings and planted incidents (``data/scenario.toml``), checked on reading.

Problems are reported as ``scenario.toml: where: key: message``, one line each.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any, Final

KINDS: Final = ("breach", "fault", "stop", "flat_line")
MINUTES_PER_HOUR: Final = 60
_FILE: Final = "scenario.toml"


class ScenarioError(ValueError):
    """The scenario file has problems (one line each, then a count)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join([*problems, f"{len(problems)} problem(s) in the demo scenario"]))


@dataclass(frozen=True, slots=True)
class Incident:
    """One planted incident. ``at`` is the share of the period where it starts, ``minutes`` its full
    length, cut to ``max_share`` of the period in short runs. Concentrations in mg/m3 (measured), O2 in %."""

    kind: str
    outlet: str
    label: str
    at: float
    minutes: int
    max_share: float
    codes: tuple[str, ...] = ()
    values_mg_m3: tuple[float, float] | None = None
    startup_minutes: int = 0
    startup_o2_pct: tuple[float, float] | None = None
    startup_mg_m3: dict[str, tuple[float, float]] = field(default_factory=dict)
    status: str = "unverified"

    def window(self, period_minutes: int) -> tuple[int, int]:
        """(first minute, length in minutes) inside a period of ``period_minutes``; the start falls on a
        whole hour and the length is at least one hour."""
        length = min(self.minutes, int(self.max_share * period_minutes))
        length = max(MINUTES_PER_HOUR, length)
        start = int(round(self.at * period_minutes / MINUTES_PER_HOUR)) * MINUTES_PER_HOUR
        return start, length

    def extent(self, period_minutes: int) -> tuple[int, int]:
        """(first minute, end minute exclusive) of everything the incident changes (a stop's start-up too)."""
        start, length = self.window(period_minutes)
        return start, start + length + self.startup_minutes


@dataclass(frozen=True, slots=True)
class Scenario:
    start: date
    days: int
    stream_hours: int
    short_run_days: int
    short_run_stream_hours: int
    export_codes: tuple[str, ...]
    decimals: dict[str, int]
    background_rates: dict[str, float]
    incidents: tuple[Incident, ...]

    def stream_hours_for(self, days: int) -> int:
        """Hours streamed over TCP at the end of a run of ``days`` days."""
        return self.short_run_stream_hours if days < self.short_run_days else self.stream_hours

    def incident_outlets(self) -> list[str]:
        """Outlet ids with a planted incident, in file order, without repeats."""
        return list(dict.fromkeys(i.outlet for i in self.incidents))


def _pair(value: Any, where: str, key: str, problems: list[str]) -> tuple[float, float] | None:
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int | float) for v in value)):
        problems.append(f"{_FILE}: {where}: {key}: must be [first, second]")
        return None
    return float(value[0]), float(value[1])


def _incident(entry: dict[str, Any], index: int, problems: list[str]) -> Incident | None:
    where = f"incident[{index}]"
    missing = [k for k in ("kind", "outlet", "label", "at", "minutes", "max_share", "source", "status")
               if k not in entry]
    if missing:
        problems.append(f"{_FILE}: {where}: missing key(s) {', '.join(missing)}")
        return None
    if entry["kind"] not in KINDS:
        problems.append(f"{_FILE}: {where}: kind: {entry['kind']!r} is not one of {', '.join(KINDS)}")
        return None
    if not 0.0 <= float(entry["at"]) < 1.0 or not 0.0 < float(entry["max_share"]) <= 1.0:
        problems.append(f"{_FILE}: {where}: at must be in [0, 1) and max_share in (0, 1]")
        return None
    if entry["status"] not in ("verified", "unverified"):
        problems.append(f"{_FILE}: {where}: status: must be verified or unverified")
    if entry["kind"] == "breach" and "values_mg_m3" not in entry:
        problems.append(f"{_FILE}: {where}: a breach needs values_mg_m3 = [low, high]")
    startup = {code: pair for code, value in entry.get("startup_mg_m3", {}).items()
               if (pair := _pair(value, where, f"startup_mg_m3.{code}", problems)) is not None}
    return Incident(
        kind=entry["kind"], outlet=entry["outlet"], label=entry["label"], at=float(entry["at"]),
        minutes=int(entry["minutes"]), max_share=float(entry["max_share"]), codes=tuple(entry.get("codes", ())),
        values_mg_m3=_pair(entry.get("values_mg_m3"), where, "values_mg_m3", problems),
        startup_minutes=int(entry.get("startup_minutes", 0)),
        startup_o2_pct=_pair(entry.get("startup_o2_pct"), where, "startup_o2_pct", problems),
        startup_mg_m3=startup, status=entry["status"],
    )


def parse_scenario(text: str) -> Scenario:
    """Check and build the scenario from TOML text (ScenarioError on problems)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{_FILE}: syntax: {exc}"]) from exc
    problems: list[str] = []
    for table in ("year", "export", "background"):
        if not isinstance(data.get(table), dict):
            problems.append(f"{_FILE}: [{table}]: missing table")
    if problems:
        raise ScenarioError(problems)
    year, export, background = data["year"], data["export"], data["background"]
    if not isinstance(year.get("start"), date):
        problems.append(f"{_FILE}: [year]: start: must be a date (YYYY-MM-DD)")
    if not isinstance(year.get("days"), int) or year["days"] < 1:
        problems.append(f"{_FILE}: [year]: days: must be a positive integer")
    for key in ("stream_hours", "short_run_days", "short_run_stream_hours"):
        if not isinstance(year.get(key), int) or year[key] < 1:
            problems.append(f"{_FILE}: [year]: {key}: must be a positive integer")
    incidents = [i for index, entry in enumerate(data.get("incident", []))
                 if (i := _incident(entry, index, problems)) is not None]
    if problems:
        raise ScenarioError(problems)
    return Scenario(
        start=year["start"], days=int(year["days"]), stream_hours=int(year["stream_hours"]),
        short_run_days=int(year["short_run_days"]), short_run_stream_hours=int(year["short_run_stream_hours"]),
        export_codes=tuple(export["codes"]), decimals={k: int(v) for k, v in export.get("decimals", {}).items()},
        background_rates={k: float(v) for k, v in background.get("rates", {}).items()},
        incidents=tuple(incidents),
    )


def read_scenario() -> Scenario:
    """The packaged scenario."""
    text = resources.files("ultralow.demo").joinpath("data", _FILE).read_text(encoding="utf-8")
    return parse_scenario(text)
