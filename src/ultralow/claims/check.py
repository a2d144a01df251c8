"""The claim check as one call: documents and evidence tables in, verdicts and consistency findings out.

Used by ``ultralow claims check`` and by the demo (``ultralow demo`` checks the corpus text against the
demo year)::

    from ultralow.claims import check_texts, read_document
    result = check_texts([read_document(path)], hours=hours, outlets=registry.outlets_table(),
                         emissions=emissions, standards=packaged_standards())
    result.summary()       # {"supported": 2, "partly_supported": 3, ...}
    result.to_json(...)    # the document `ultralow claims check --format json` prints

``hours`` are the compliance engine's judged hours (``ultralow.cems`` ``ComplianceResult.hours``, one row
per outlet, pollutant and hour); ``outlets`` (``Registry.outlets_table()``) adds each outlet's
``source_type`` when the hours do not carry it; ``emissions`` are the engine's annual totals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from ultralow.claims.consistency import find_inconsistencies
from ultralow.claims.document import Document
from ultralow.claims.evidence import EmissionsEvidence, EvidenceSource, StandardsSource
from ultralow.claims.extract import extract_claims
from ultralow.claims.model import VERDICTS, CheckedClaim, Claim, Finding
from ultralow.claims.verify import Rules, check_claims, packaged_rules


@dataclass
class CheckResult:
    """Verdicts of every claim of the documents, and the figures that disagree across them."""

    claims: list[Claim]
    checked: list[CheckedClaim]
    findings: list[Finding]
    rules: Rules
    evidence: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, int]:
        counts = Counter(c.verdict for c in self.checked)
        return {v: counts.get(v, 0) for v in VERDICTS}

    def to_json(self, documents: Sequence[str]) -> dict[str, Any]:
        """The one JSON document of ``ultralow claims check``."""
        return {
            "documents": list(documents),
            "evidence": self.evidence,
            "rules": self.rules.source,
            "summary": self.summary(),
            "claims": [c.to_json() for c in self.checked],
            "consistency": [f.to_json() for f in self.findings],
        }


def with_source_types(table: pa.Table, outlets: pa.Table | None) -> pa.Table:
    """``table`` with each outlet's ``source_type`` (and ``base``) joined from the registry rows."""
    if "source_type" in table.column_names or outlets is None:
        return table
    keep = [c for c in ("outlet_id", "source_type", "base") if c in outlets.column_names]
    # Arrow cannot join tables with untyped (all-null) columns: give them a type first
    fields = [pa.field(f.name, pa.float64()) if pa.types.is_null(f.type) else f for f in table.schema]
    return table.cast(pa.schema(fields)).join(outlets.select(keep), "outlet_id")


def check_texts(documents: Sequence[Document], *, hours: pa.Table | None = None, outlets: pa.Table | None = None,
                emissions: pa.Table | None = None, standards: StandardsSource | None = None,
                rules: Rules | None = None, sources: Sequence[EvidenceSource] = ()) -> CheckResult:
    """Extract the claims of ``documents`` and check them (see the module docstring)."""
    rules = rules or packaged_rules()
    all_sources: list[EvidenceSource] = list(sources)
    info: dict[str, Any] = {}
    if hours is not None:
        hours = with_source_types(hours, outlets)
        emissions = with_source_types(emissions, outlets) if emissions is not None else None
        all_sources.insert(0, EmissionsEvidence(hours, emissions=emissions))
        info["hours"] = hours.num_rows
    claims = [c for doc in documents for c in extract_claims(doc)]
    checked = check_claims(claims, all_sources, standards=standards, rules=rules)
    return CheckResult(claims, checked, find_inconsistencies(claims, rules), rules, info)
