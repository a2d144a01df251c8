"""Consistency across documents and years: the same metric stated with figures that cannot both be true.

Each claim allows an interval of true values: "about 43,000" ±15 %, "more than 40,000" (40,000, ∞), a
plain "43,000" ±2 % (both tolerances in ``data/verification.toml``), a range its bounds. Two claims of
the same metric and unit whose intervals do not overlap disagree. The likely reason is, in this order:
a different entity (group vs a base or a country), a different period (year), a different scope
(source type or product); otherwise the disagreement is an open inconsistency. Disagreements of one
metric with the same reason are reported as one finding.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from ultralow.claims.evidence import base_metric
from ultralow.claims.model import Claim, Finding
from ultralow.claims.verify import Rules, packaged_rules
from ultralow.claims.vocabulary import Vocabulary, vocabulary


def interval(claim: Claim, rules: Rules) -> tuple[float, float]:
    """The values ``claim`` allows (closed bounds; an open bound is nudged by a relative 1e-9)."""
    v = claim.value
    eps = abs(v) * 1e-9 or 1e-12
    if claim.value_max is not None:
        return v, claim.value_max
    if claim.qualifier == "about":
        t = abs(v) * rules.consistency_about
        return v - t, v + t
    if claim.qualifier == "more_than":
        return v + eps, math.inf
    if claim.qualifier == "at_least":
        return v, math.inf
    if claim.qualifier == "up_to":
        return -math.inf, v
    if claim.qualifier == "less_than":
        return -math.inf, v - eps
    t = max(abs(v) * rules.consistency_tolerance, claim.step / 2)
    return v - t, v + t


def _label(claim: Claim) -> str:
    q = {"about": "about ", "more_than": "more than ", "at_least": "at least ", "up_to": "up to ",
         "less_than": "less than ", "exactly": ""}.get(claim.qualifier, "")
    figure = f"{claim.value:,.6g}" + (f"–{claim.value_max:,.6g}" if claim.value_max is not None else "")
    where = ", ".join(x for x in (claim.period, claim.entity, claim.scope) if x)
    return f"{q}{figure} {claim.unit} ({claim.id}{'; ' + where if where else ''})"


_REPORTING_ENTITY = frozenset({None, "group", "company"})


def _same_entity(a: str | None, b: str | None) -> bool:
    """The group, the company and an unnamed entity are the reporting entity; a country or base is not."""
    return a == b or (a in _REPORTING_ENTITY and b in _REPORTING_ENTITY)


def _reason(a: Claim, b: Claim) -> tuple[str, str]:
    if not _same_entity(a.entity, b.entity):
        return "different_entity", f"different entity ({a.entity or 'not stated'} vs {b.entity or 'not stated'})"
    if a.period != b.period and a.period and b.period:
        return "different_period", f"different period ({a.period} vs {b.period})"
    if a.period != b.period:
        return "different_period", (f"possibly a different period ({a.period or 'not stated'} vs "
                                    f"{b.period or 'not stated'})")
    if a.scope != b.scope and a.scope and b.scope:
        return "different_scope", f"different scope ({a.scope} vs {b.scope})"
    return "open_inconsistency", "open inconsistency: same entity, period and scope as far as the texts say"


def find_inconsistencies(claims: Sequence[Claim], rules: Rules | None = None,
                         vocab: Vocabulary | None = None) -> list[Finding]:
    """Findings for figures of the same metric that disagree (see the module docstring); figures of events
    (lexicon ``compare = false``: donations, projects, campaigns) are not compared."""
    rules = rules or packaged_rules()
    vocab = vocab or vocabulary()
    groups: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for c in claims:
        row = vocab.metric(base_metric(c.metric)[0])
        if row is not None and row.comparable:
            groups[(c.metric, c.unit)].append(c)
    findings: list[Finding] = []
    for (metric, _unit), members in sorted(groups.items()):
        by_kind: dict[str, tuple[str, list[Claim]]] = {}
        open_pairs: list[tuple[Claim, Claim, str]] = []
        for i, a in enumerate(members):
            lo_a, hi_a = interval(a, rules)
            for b in members[i + 1:]:
                lo_b, hi_b = interval(b, rules)
                if lo_a <= hi_b and lo_b <= hi_a:
                    continue
                kind, text = _reason(a, b)
                if kind == "open_inconsistency":
                    open_pairs.append((a, b, text))
                    continue
                reason, listed = by_kind.setdefault(kind, (text, []))
                for c in (a, b):
                    if c not in listed:
                        listed.append(c)
        for kind, (text, listed) in by_kind.items():
            listed.sort(key=lambda c: (c.document, c.span))
            reason = text if len(listed) == 2 else {
                "different_entity": "figures for different entities",
                "different_period": "figures for different periods",
                "different_scope": "figures for different scopes",
            }[kind]
            findings.append(Finding(metric, tuple(c.id for c in listed), tuple(_label(c) for c in listed), reason, kind))
        for a, b, text in open_pairs:
            findings.append(Finding(metric, (a.id, b.id), (_label(a), _label(b)), text, "open_inconsistency"))
    return findings
