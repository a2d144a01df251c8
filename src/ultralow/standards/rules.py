"""The HJ 75/76 processing rules as data: validity thresholds, conversion constants, substitution, plausibility,
data-quality thresholds, marking policy, rate definitions and the ultra-low premium tiers.

Every entry carries ``source`` (document and clause) and ``status``; the engine reports the ids of the rules
it used, with their status, next to every figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources.abc import Traversable
from typing import Any

import pyarrow as pa

from ultralow.standards.catalog import (
    STATUSES,
    ReferenceO2,
    RuleDataError,
    data_dir,
    load_reference_o2,
    read_toml,
)


@dataclass(frozen=True, slots=True)
class Rule:
    """One named rule value (a threshold, a constant, a formula) with its source and status."""

    id: str
    value: Any
    unit: str
    source: str
    status: str


@dataclass(frozen=True, slots=True)
class SubstitutionRow:
    """One row of the HJ 75-2017 §12.2 substitution tables (alpha as a ratio 0..1)."""

    id: str
    table: str
    kind: str
    alpha_min: float
    alpha_max: float
    min_gap_hours: int | None
    max_gap_hours: int | None
    lookback_valid_hours: int | None
    anchor: str
    source: str
    status: str


@dataclass(frozen=True, slots=True)
class PlausibleRange:
    code: str
    min: float | None
    min_exclusive: bool
    max: float | None
    max_exclusive: bool
    source: str
    status: str


@dataclass(frozen=True, slots=True)
class MarkPolicy:
    mark_type: str
    data_valid: bool
    exceedance_exempt: bool
    source_stopped: bool
    annual_cap_hours: float | None
    substitution_kind: str
    source: str
    status: str


@dataclass(frozen=True, slots=True)
class PremiumTier:
    tier: str
    ratio_min: float
    ratio_max: float
    premium_share: str
    source: str
    status: str


@dataclass(frozen=True, slots=True)
class SuspectPolicy:
    """Whether a data-quality finding marks its hours suspect, and whether suspect hours still count."""

    finding: str
    marks_suspect: bool
    counts: bool
    source: str
    status: str


@dataclass(frozen=True, slots=True)
class FindingPolicy:
    """A finding's severity (1-5) and its escalation after ``escalate_hours`` (``findings_policy.toml``)."""

    finding: str
    severity: int
    escalate_hours: int | None
    escalated_severity: int | None
    source: str
    status: str


@dataclass(frozen=True)
class RuleBook:
    """All processing rules, read from ``standards/data``."""

    validity: dict[str, Rule]
    conversion: dict[str, Rule]
    quality: dict[str, Rule]
    rates: dict[str, Rule]
    substitution: tuple[SubstitutionRow, ...]
    plausibility: tuple[PlausibleRange, ...]
    marking: tuple[MarkPolicy, ...]
    premium_tiers: tuple[PremiumTier, ...]
    premium: dict[str, Any]
    pollutants: tuple[str, ...]
    parameters: dict[str, str]
    reference_o2: tuple[ReferenceO2, ...]
    suspect: tuple[SuspectPolicy, ...] = ()
    pollutant_names: dict[str, str] = field(default_factory=dict)
    triage: dict[str, Rule] = field(default_factory=dict)
    finding_policy: tuple[FindingPolicy, ...] = ()
    qa: dict[str, Rule] = field(default_factory=dict)
    qa_drift: tuple[dict[str, Any], ...] = ()

    def value(self, rule_id: str) -> Any:
        """The value of a keyed rule from any of the keyed tables."""
        for table in (self.validity, self.conversion, self.quality, self.rates, self.triage, self.qa):
            if rule_id in table:
                return table[rule_id].value
        raise KeyError(rule_id)

    def status_of(self, rule_id: str) -> str:
        """The status of a keyed rule (``unverified`` when unknown)."""
        for table in (self.validity, self.conversion, self.quality, self.rates, self.triage, self.qa):
            if rule_id in table:
                return table[rule_id].status
        return "unverified"

    def all_rules(self) -> list[Rule]:
        """Every keyed rule and every row rule, for the output's evidence."""
        rules = [r for t in (self.validity, self.conversion, self.quality, self.rates, self.triage, self.qa)
                 for r in t.values()]
        rules += [Rule(f"qa_drift:{d['name']}", {"codes": d["codes"], "zero": d["zero_out_of_control_pct"],
                                                 "span": d["span_out_of_control_pct"]}, "% F.S.", d["source"],
                       d["status"]) for d in self.qa_drift]
        rules += [Rule(f"severity:{f.finding}", {"severity": f.severity, "escalate_hours": f.escalate_hours,
                                                 "escalated_severity": f.escalated_severity}, "", f.source, f.status)
                  for f in self.finding_policy]
        rules += [Rule(f"substitution:{s.id}", s.lookback_valid_hours, "h", s.source, s.status)
                  for s in self.substitution]
        rules += [Rule(f"plausibility:{p.code}", [p.min, p.max], "", p.source, p.status) for p in self.plausibility]
        rules += [Rule(f"marking:{m.mark_type}", m.data_valid, "", m.source, m.status) for m in self.marking]
        rules += [Rule(f"ultra-low-tier:{t.tier}", [t.ratio_min, t.ratio_max], "ratio", t.source, t.status)
                  for t in self.premium_tiers]
        rules += [Rule(f"suspect:{s.finding}", {"marks_suspect": s.marks_suspect, "counts": s.counts}, "",
                       s.source, s.status) for s in self.suspect]
        rules.append(Rule("ultra-low-denominator", self.premium["denominator"], "",
                          self.premium["denominator_source"], self.premium["denominator_status"]))
        return rules

    def marking_table(self) -> pa.Table:
        return pa.table({
            "mark_type": pa.array([m.mark_type for m in self.marking], pa.string()),
            "data_valid": pa.array([m.data_valid for m in self.marking], pa.bool_()),
            "exceedance_exempt": pa.array([m.exceedance_exempt for m in self.marking], pa.bool_()),
            "source_stopped": pa.array([m.source_stopped for m in self.marking], pa.bool_()),
            "annual_cap_hours": pa.array([m.annual_cap_hours for m in self.marking], pa.float64()),
            "substitution_kind": pa.array([m.substitution_kind for m in self.marking], pa.string()),
        })


def _keyed(path: Traversable) -> dict[str, Rule]:
    problems: list[str] = []
    out: dict[str, Rule] = {}
    for key, entry in read_toml(path).items():
        if not isinstance(entry, dict):
            continue
        for need in ("value", "source", "status"):
            if need not in entry:
                problems.append(f"{path.name}: [{key}]: {need}: required")
        if entry.get("status") not in STATUSES:
            problems.append(f"{path.name}: [{key}]: status: must be verified or unverified")
        out[key] = Rule(key, entry.get("value"), str(entry.get("unit", "")), str(entry.get("source", "")),
                        str(entry.get("status")))
    if problems:
        raise RuleDataError(problems)
    return out


def _rows(path: Traversable, array: str) -> list[dict[str, Any]]:
    rows = read_toml(path).get(array, [])
    problems = [f"{path.name}: [[{array}]] #{i}: status: must be verified or unverified"
                for i, row in enumerate(rows, start=1) if row.get("status") not in STATUSES]
    problems += [f"{path.name}: [[{array}]] #{i}: source: required"
                 for i, row in enumerate(rows, start=1) if not row.get("source")]
    if problems:
        raise RuleDataError(problems)
    return list(rows)


def load_rules(directory: Traversable | None = None) -> RuleBook:
    """Read the processing rules (default: the packaged ``standards/data``)."""
    base = directory or data_dir()
    substitution = tuple(
        SubstitutionRow(r["id"], r["table"], r["kind"], float(r["alpha_min"]), float(r["alpha_max"]),
                        r.get("min_gap_hours"), r.get("max_gap_hours"), r.get("lookback_valid_hours"),
                        r["anchor"], r["source"], r["status"])
        for r in _rows(base.joinpath("substitution.toml"), "row")
    )
    plausibility = tuple(
        PlausibleRange(r["code"], r.get("min"), bool(r.get("min_exclusive", False)), r.get("max"),
                       bool(r.get("max_exclusive", False)), r["source"], r["status"])
        for r in _rows(base.joinpath("plausibility.toml"), "range")
    )
    marking = tuple(
        MarkPolicy(r["mark_type"], bool(r["data_valid"]), bool(r["exceedance_exempt"]),
                   bool(r.get("source_stopped", False)), r.get("annual_cap_hours"), r["substitution_kind"],
                   r["source"], r["status"])
        for r in _rows(base.joinpath("marking_policy.toml"), "policy")
    )
    suspect = tuple(
        SuspectPolicy(str(r["finding"]), bool(r["marks_suspect"]), bool(r["counts"]), r["source"], r["status"])
        for r in _rows(base.joinpath("suspect_policy.toml"), "finding")
    )
    finding_policy = tuple(
        FindingPolicy(str(r["finding"]), int(r["severity"]), r.get("escalate_hours"), r.get("escalated_severity"),
                      r["source"], r["status"])
        for r in _rows(base.joinpath("findings_policy.toml"), "finding")
    )
    premium = read_toml(base.joinpath("ultra_low_premium.toml"))
    tiers = tuple(
        PremiumTier(r["tier"], float(r["ratio_min"]), float(r["ratio_max"]), str(r["premium_share"]),
                    r["source"], r["status"])
        for r in _rows(base.joinpath("ultra_low_premium.toml"), "tier")
    )
    pollutant_data = read_toml(base.joinpath("pollutants.toml"))
    parameters = {k: str(v) for k, v in pollutant_data.get("parameters", {}).items()
                  if k not in ("source", "status")}
    return RuleBook(
        validity=_keyed(base.joinpath("validity.toml")),
        conversion=_keyed(base.joinpath("conversion.toml")),
        quality=_keyed(base.joinpath("quality.toml")),
        rates=_keyed(base.joinpath("rates.toml")),
        substitution=substitution,
        plausibility=plausibility,
        marking=marking,
        premium_tiers=tiers,
        premium={k: v for k, v in premium.items() if k != "tier"},
        pollutants=tuple(str(p["code"]) for p in pollutant_data.get("pollutant", [])),
        parameters=parameters,
        reference_o2=load_reference_o2(base),
        suspect=suspect,
        triage=_keyed(base.joinpath("findings_policy.toml")),
        qa=_keyed(base.joinpath("qa_rules.toml")),
        qa_drift=tuple(_rows(base.joinpath("qa_rules.toml"), "drift")),
        finding_policy=finding_policy,
        pollutant_names={str(p["code"]): str(p.get("name", p["code"])) for p in pollutant_data.get("pollutant", [])},
    )


@cache
def packaged_rules() -> RuleBook:
    """The rules shipped with ultralow (read once)."""
    return load_rules()
