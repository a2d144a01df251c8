"""Verdicts: each claim compared with its evidence by the rule of its qualifier (``data/verification.toml``).

* ``supported`` / ``contradicted`` — the rule holds / fails on the evidence;
* ``partly_supported`` — a bound holds for the 95th percentile but not for every hour, or the figure is
  supported but the limit it is compared with is not the one the standard sets for the claim's source
  type (the reason says which);
* ``no_evidence`` — an evidence source keeps the metric but has no data for the claim (for the ledgers:
  no approved rows of the claim's year, or only drafts, which the reason says), or no ledgers were given;
* ``not_checkable`` — nothing the system keeps can check it (no metric recognised, a metric no source
  keeps, a change that is not recomputed).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ultralow.claims.evidence import (
    NOT_KEPT,
    EmissionsEvidence,
    EvidenceSource,
    LimitEntry,
    StandardsSource,
    base_metric,
)
from ultralow.claims.model import CheckedClaim, Claim, Comparison, ComparisonCheck, Evidence
from ultralow.claims.vocabulary import NamedStandard, Vocabulary, vocabulary

LEDGER_PENDING = ("no ledgers were given to the check: social, economic and community figures are checked "
                  "against the approved ledger rows of a store (claims check --db, ultralow demo)")


@dataclass(frozen=True)
class Rule:
    name: str
    statistic: str
    relative_tolerance: float
    rounding: bool
    partial_statistic: str | None
    text: str
    source: str
    status: str


@dataclass(frozen=True)
class Rules:
    """The verification rules per qualifier plus the consistency tolerances."""

    by_name: dict[str, Rule]
    consistency_tolerance: float
    consistency_about: float
    source: str

    def rule(self, name: str) -> Rule:
        return self.by_name[name]


def load_rules(path: str | Path | None = None) -> Rules:
    """Read ``verification.toml`` (the packaged one unless ``path`` is given)."""
    if path is None:
        with resources.files("ultralow.claims").joinpath("data", "verification.toml").open("rb") as fh:
            doc: dict[str, Any] = tomllib.load(fh)
        source = "ultralow/claims/data/verification.toml"
    else:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
        source = str(path)
    problems: list[str] = []
    by_name: dict[str, Rule] = {}
    for name, row in doc.get("rule", {}).items():
        for key in ("text", "source", "status"):
            if key not in row:
                problems.append(f"{source}: [rule.{name}]: {key}: required")
        tol = row.get("relative_tolerance", 0.0)
        if not isinstance(tol, int | float) or tol < 0:
            problems.append(f"{source}: [rule.{name}]: relative_tolerance: must be a number >= 0")
            tol = 0.0
        by_name[name] = Rule(name, str(row.get("statistic", "mean")), float(tol), bool(row.get("rounding", False)),
                             row.get("partial_statistic"), str(row.get("text", "")), str(row.get("source", "")),
                             str(row.get("status", "")))
    for needed in ("about", "exactly", "more_than", "at_least", "less_than", "up_to", "range", "comparison"):
        if needed not in by_name:
            problems.append(f"{source}: [rule.{needed}]: missing")
    if problems:
        raise ValueError("\n".join([*problems, f"{len(problems)} problem(s) in the verification rules"]))
    cons = doc.get("consistency", {})
    return Rules(by_name, float(cons.get("relative_tolerance", 0.02)), float(cons.get("about_tolerance", 0.15)),
                 source)


@cache
def packaged_rules() -> Rules:
    return load_rules()


def _fmt(x: float | None) -> str:
    if x is None:
        return "null"
    return f"{x:,.6g}" if abs(x) < 1e6 else f"{x:.4g}"


def _judge(claim: Claim, evidence: Evidence, rules: Rules) -> tuple[str, str, Evidence, str]:
    """(verdict, rule text, evidence with the compared statistic, reason) for a figure with evidence."""
    stats = evidence.statistics
    name = "range" if claim.value_max is not None else claim.qualifier
    rule = rules.rule(name)

    def stat(key: str) -> float | None:
        value = stats.get(key)
        if value is None and key in ("mean", "total"):
            value = evidence.value
        return None if value is None else float(value)

    key = rule.statistic if rule.statistic in stats or rule.statistic in ("mean", "total") else "mean"
    if "total" in stats:
        key = "total"
    e = stat(key)
    used = replace(evidence, value=e, statistic=key)
    v = claim.value
    unit = claim.unit
    if e is None:
        return "no_evidence", rule.text, used, f"the evidence has no {key}"
    said = f"{key} {_fmt(e)} {unit}"
    if name in ("about", "exactly"):
        tol = rule.relative_tolerance * abs(v)
        rounded = rule.rounding and abs(e - v) <= claim.step / 2 + 1e-12
        if abs(e - v) <= tol or rounded:
            return "supported", rule.text, used, f"{said} is within ±{rule.relative_tolerance:.0%} of {_fmt(v)}"
        off = (e - v) / v if v else math.inf
        return ("contradicted", rule.text, used,
                f"{said} is {off:+.0%} from the stated {_fmt(v)} {unit} (allowed ±{rule.relative_tolerance:.0%})")
    if name == "range":
        vmax = claim.value_max if claim.value_max is not None else v
        half = claim.step / 2 if rule.rounding else 0.0
        if v - half <= e <= vmax + half:
            return "supported", rule.text, used, f"{said} lies in {_fmt(v)}–{_fmt(vmax)} {unit}"
        return "contradicted", rule.text, used, f"{said} lies outside {_fmt(v)}–{_fmt(vmax)} {unit}"
    if name in ("more_than", "at_least"):
        ok = e > v if name == "more_than" else e >= v
        word = "more than" if name == "more_than" else "at least"
        return ("supported" if ok else "contradicted", rule.text, used,
                f"{said} is {'' if ok else 'not '}{word} {_fmt(v)} {unit}")
    # less_than / up_to: a bound on every valid hour
    strict = name == "less_than"

    def ok_fn(x: float) -> bool:
        return x < v if strict else x <= v

    word = "below" if strict else "at most"
    if ok_fn(e):
        return "supported", rule.text, used, f"{said} is {word} {_fmt(v)} {unit}"
    partial_key = rule.partial_statistic
    partial = stat(partial_key) if partial_key else None
    if partial is not None and ok_fn(partial):
        return ("partly_supported", rule.text, used,
                f"{partial_key} {_fmt(partial)} {unit} is {word} {_fmt(v)} but the {key} {_fmt(e)} {unit} is not")
    return "contradicted", rule.text, used, f"{said} is not {word} {_fmt(v)} {unit}"


def _named_standard(vocab: Vocabulary, comparison: Comparison, sentence: str) -> NamedStandard | None:
    for text in (comparison.standard or "", sentence):
        for named in vocab.standards:
            if named.words_re.search(text):
                return named
    return None


def check_comparison(claim: Claim, standards: StandardsSource | None, emissions: EmissionsEvidence | None,
                     vocab: Vocabulary) -> ComparisonCheck | None:
    """Is the cited limit the one the named standard sets, for the source type the claim is about?"""
    cited = claim.compared_to
    if cited is None:
        return None
    metric = vocab.metric(base_metric(claim.metric)[0])
    code = metric.code if metric else ""
    if standards is None or not code:
        return ComparisonCheck(False, cited, None, None, None, (), "no standards data to check the cited limit",
                               "unverified")
    named = _named_standard(vocab, cited, claim.text)
    scope_types: list[str] = []
    if emissions is not None:
        scope_types, _problem = emissions.scope_types(claim.scope, code)
    if not scope_types and claim.scope and (scope_row := vocab.scope(claim.scope)) is not None:
        scope_types = list(scope_row.source_types[:1])
    scope_limits: list[dict[str, Any]] = []
    for st in scope_types:
        for e in standards.find(pollutant=code, source_type=st):
            scope_limits.append({"set_id": e.set_id, "source_type": e.source_type, "condition": e.condition,
                                 "limit_mg_m3": e.limit_mg_m3, "source": e.source, "status": e.status})
    if emissions is not None and scope_types:
        for applied in emissions.applied_limits(code, scope_types):
            scope_limits.append({"applied_by_engine": True, **applied})
    if named is None:
        return ComparisonCheck(False, cited, cited.standard, None, None, tuple(scope_limits),
                               f"the standard cited ({cited.standard!r}) is not one the claim check knows",
                               "unverified")
    named_types = [named.source_type] if named.source_type else scope_types
    candidates: list[LimitEntry] = []
    for st in named_types:
        candidates += standards.find(pollutant=code, source_type=st, set_id=named.limit_set or None)
    if not candidates:
        return ComparisonCheck(False, cited, named.standard, ", ".join(named_types) or None, None,
                               tuple(scope_limits),
                               f"{named.standard} has no {code} limit for {', '.join(named_types) or 'this scope'}",
                               named.status)
    general = [c for c in candidates if not c.condition] or candidates
    match = next((c for c in candidates if math.isclose(c.limit_mg_m3, cited.value, rel_tol=1e-9)), None)
    status = "unverified" if any(c.status == "unverified" for c in candidates) or named.status == "unverified" \
        else "verified"
    named_limit = (match or general[0]).limit_mg_m3
    where = f"{named.standard} {named.clause}".strip()
    if match is None:
        values = ", ".join(f"{_fmt(c.limit_mg_m3)}" + (f" ({c.condition})" if c.condition else "") for c in candidates)
        return ComparisonCheck(False, cited, named.standard, named_types[0], named_limit, tuple(scope_limits),
                               f"{where} sets {values} mg/m3 for {code} at {'/'.join(named_types)}, "
                               f"not the cited {_fmt(cited.value)}", status)
    others = [t for t in scope_types if t != named.source_type]
    if named.source_type and others:
        # the general rows of each standard (variants such as "existing" stay in scope_limits)
        own = sorted({f"{_fmt(r['limit_mg_m3'])} ({r.get('set_id') or r.get('limit_set')})"
                      for r in scope_limits if r.get("source_type") in others and not r.get("condition")},
                     key=lambda x: float(x.split(" ")[0].replace(",", "")))
        return ComparisonCheck(
            False, cited, named.standard, named.source_type, named_limit, tuple(scope_limits),
            f"the cited {_fmt(cited.value)} mg/m3 is the {where} limit for {named.source_type}, but the claim is "
            f"about {claim.scope} ({', '.join(scope_types)}); the limits of its {', '.join(others)} units are "
            f"{', '.join(own) or 'not in the data'}: the text compares {', '.join(others)} units with "
            f"{named.source_type} limits", status)
    note = " (limit data unverified)" if status == "unverified" else ""
    return ComparisonCheck(True, cited, named.standard, named_types[0], named_limit, tuple(scope_limits),
                           f"the cited {_fmt(cited.value)} mg/m3 is the {where} limit for "
                           f"{'/'.join(named_types)}{note}", status)


def check_claim(claim: Claim, sources: Sequence[EvidenceSource], *, standards: StandardsSource | None = None,
                rules: Rules | None = None, vocab: Vocabulary | None = None) -> CheckedClaim:
    """The verdict of one claim."""
    rules = rules or packaged_rules()
    vocab = vocab or vocabulary()
    name, is_change = base_metric(claim.metric)
    metric = vocab.metric(name)
    emissions = next((s for s in sources if isinstance(s, EmissionsEvidence)), None)
    comparison = check_comparison(claim, standards, emissions, vocab)
    if metric is None:
        return CheckedClaim(claim, "not_checkable", "-", None,
                            "no metric was recognised for this figure, so there is nothing to check it against",
                            comparison)
    if is_change:
        kind = "ledger" if metric.evidence == "ledger" else "CEMS"
        return CheckedClaim(claim, "not_checkable", "-", None,
                            f"changes ({claim.metric}) are not recomputed from the {kind} evidence; "
                            f"only levels are checked", comparison)
    evidence: Evidence | None = None
    found_in: EvidenceSource | None = None
    for source in sources:
        evidence = source.lookup(claim)
        if evidence is not None:
            found_in = source
            break
    if evidence is None:
        if metric.evidence == "ledger":
            return CheckedClaim(claim, "no_evidence", "-", None, LEDGER_PENDING, comparison)
        if metric.evidence == "emissions":
            return CheckedClaim(claim, "no_evidence", "-", None,
                                "no CEMS hours were given to the check (run it with --db on a store)", comparison)
        return CheckedClaim(claim, "not_checkable", "-", None,
                            f"no evidence source keeps {name} ({metric.source})", comparison)
    if evidence.value is None:
        if evidence.note.startswith(NOT_KEPT):
            note = evidence.note[len(NOT_KEPT):]
            return CheckedClaim(claim, "not_checkable", "-", replace(evidence, note=note), note, comparison)
        verdict = "not_checkable" if "names no source type" in evidence.note else "no_evidence"
        return CheckedClaim(claim, verdict, "-", evidence, evidence.note, comparison)
    judged = claim
    override = getattr(found_in, "qualifier_for", None)
    changed = override(claim) if callable(override) else None
    if changed is not None and changed[0] != claim.qualifier:
        judged = replace(claim, qualifier=changed[0])
    verdict, rule_text, used, reason = _judge(judged, evidence, rules)
    if judged is not claim and changed is not None:
        reason = f"compared as {changed[0]} ({changed[1]}): {reason}"
    if getattr(found_in, "name", "") == "ledgers" and used.note:
        reason += f"; {used.note}"
    if comparison is not None and used.value is not None:
        below = used.value < comparison.cited.value
        reason += (f"; the evidence {used.statistic} is {'below' if below else 'not below'} the cited limit "
                   f"{_fmt(comparison.cited.value)} {comparison.cited.unit}")
        if not below and verdict == "supported":
            verdict = "contradicted"
        if not comparison.ok:
            reason += f"; comparison: {comparison.reason}"
            if verdict == "supported":
                verdict = "partly_supported"
        else:
            reason += f"; comparison: {comparison.reason}"
    return CheckedClaim(claim, verdict, rule_text, used, reason, comparison)


def check_claims(claims: Sequence[Claim], sources: Sequence[EvidenceSource], *,
                 standards: StandardsSource | None = None, rules: Rules | None = None) -> list[CheckedClaim]:
    return [check_claim(c, sources, standards=standards, rules=rules) for c in claims]
