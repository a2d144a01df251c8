"""What the claim check hands out: claims, comparisons, evidence, verdicts and consistency findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Qualifier = Literal["about", "more_than", "at_least", "up_to", "less_than", "exactly"]
QUALIFIERS: tuple[str, ...] = ("about", "more_than", "at_least", "up_to", "less_than", "exactly")
Verdict = Literal["supported", "contradicted", "partly_supported", "no_evidence", "not_checkable"]
VERDICTS: tuple[str, ...] = ("supported", "contradicted", "partly_supported", "no_evidence", "not_checkable")

# The keys of one extracted claim, in this order (``ultralow claims extract --format json``).
CLAIM_KEYS: tuple[str, ...] = (
    "id", "text", "span", "metric", "value", "value_max", "unit", "qualifier", "period", "entity", "scope",
    "compared_to", "direction", "location",
)
# The direction of a change claim (metric ``<name>_change``): its value is negative exactly when it is a
# decrease ("a 23.9 percent reduction" -> value -23.9, direction "decrease"); None for claims that are not changes.
DIRECTIONS: tuple[str, ...] = ("increase", "decrease", "none")


@dataclass(frozen=True)
class Comparison:
    """The limit a claim compares itself with ("far better than the standard of 35 mg/m3")."""

    value: float
    unit: str
    standard: str | None

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit, "standard": self.standard}


@dataclass(frozen=True)
class Claim:
    """One quantitative statement.

    ``span`` is [start, end) in characters of the document text: the input as given for plain text and
    Markdown, the extracted text for HTML (see :mod:`ultralow.claims.document`); it covers the figure
    with its unit ("90 billion Yuan"). ``value`` is in ``unit`` after scale words were applied.
    ``step`` is the stated precision in ``unit`` ("13.5 million" -> 1e5), used for rounding tolerance.
    ``direction`` is "increase" / "decrease" / "none" for a change (``metric`` ending in ``_change``; the
    value's sign agrees: negative = decrease) and None otherwise. ``page`` / ``page_span``: the page (from 1)
    and the offsets within that page's text, for documents with pages (PDF).
    """

    id: str
    text: str
    span: tuple[int, int]
    metric: str
    value: float
    value_max: float | None
    unit: str
    qualifier: str
    period: str | None
    entity: str | None
    scope: str | None
    compared_to: Comparison | None
    document: str = ""
    step: float = 1.0
    direction: str | None = None
    page: int | None = None
    page_span: tuple[int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        """Exactly the keys of :data:`CLAIM_KEYS`."""
        return {
            "id": self.id,
            "text": self.text,
            "span": [self.span[0], self.span[1]],
            "metric": self.metric,
            "value": self.value,
            "value_max": self.value_max,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "period": self.period,
            "entity": self.entity,
            "scope": self.scope,
            "compared_to": self.compared_to.to_json() if self.compared_to else None,
            "direction": self.direction,
            "location": None if self.page is None or self.page_span is None else
            {"page": self.page, "start": self.page_span[0], "end": self.page_span[1]},
        }


@dataclass(frozen=True)
class Evidence:
    """What a claim was checked against, and how it was obtained.

    ``value`` is the figure compared (in ``unit``); ``statistics`` holds the other figures of the same
    query (mean, p95, max, hours); ``outlets`` / ``ledger_entries`` name the inputs; ``query`` is the
    query as run, with its parameters.
    """

    source: str
    value: float | None
    unit: str
    period: str | None
    statistic: str
    statistics: dict[str, float | int | None] = field(default_factory=dict)
    outlets: tuple[str, ...] = ()
    ledger_entries: tuple[str, ...] = ()
    query: str = ""
    parameters: tuple[Any, ...] = ()
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "value": self.value,
            "unit": self.unit,
            "period": self.period,
            "statistic": self.statistic,
            "statistics": dict(self.statistics),
            "outlets": list(self.outlets),
            "ledger_entries": list(self.ledger_entries),
            "query": self.query,
            "parameters": [str(p) for p in self.parameters],
            "note": self.note,
        }


@dataclass(frozen=True)
class ComparisonCheck:
    """Whether the limit a claim cites is the one the named standard sets, for the right source type."""

    ok: bool
    cited: Comparison
    standard: str | None
    named_source_type: str | None
    named_limit_mg_m3: float | None
    scope_limits: tuple[dict[str, Any], ...]
    reason: str
    status: str = "verified"

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "cited": self.cited.to_json(),
            "standard": self.standard,
            "named_source_type": self.named_source_type,
            "named_limit_mg_m3": self.named_limit_mg_m3,
            "scope_limits": [dict(row) for row in self.scope_limits],
            "reason": self.reason,
            "status": self.status,
        }


@dataclass(frozen=True)
class CheckedClaim:
    """A claim with its verdict, the rule applied, the evidence and the reason in words."""

    claim: Claim
    verdict: str
    rule: str
    evidence: Evidence | None
    reason: str
    comparison: ComparisonCheck | None = None

    def to_json(self) -> dict[str, Any]:
        out = self.claim.to_json()
        out["document"] = self.claim.document
        out["verdict"] = self.verdict
        out["rule"] = self.rule
        out["evidence"] = self.evidence.to_json() if self.evidence else None
        out["reason"] = self.reason
        out["comparison_check"] = self.comparison.to_json() if self.comparison else None
        return out


@dataclass(frozen=True)
class Finding:
    """Two or more figures for the same metric that do not agree, with the likely reason."""

    metric: str
    claims: tuple[str, ...]
    values: tuple[str, ...]
    reason: str
    kind: str  # different_entity | different_period | different_scope | open_inconsistency

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "claims": list(self.claims),
            "values": list(self.values),
            "kind": self.kind,
            "reason": self.reason,
        }
