"""The claim check: extract every quantitative claim from disclosure texts, verify it against the
evidence (CEMS hours from the compliance engine, standards, ledgers) and report inconsistencies across
documents."""

from pathlib import Path

from ultralow.claims.check import CheckResult, check_texts
from ultralow.claims.document import Document, parse_document, read_document
from ultralow.claims.evidence import EmissionsEvidence, EvidenceSource, StandardsSource, packaged_standards
from ultralow.claims.extract import extract_claims
from ultralow.claims.model import CLAIM_KEYS, CheckedClaim, Claim, Comparison, Evidence, Finding

__all__ = [
    "CLAIM_KEYS",
    "CheckResult",
    "EmissionsEvidence",
    "EvidenceSource",
    "StandardsSource",
    "check_texts",
    "corpus_dir",
    "packaged_standards",
    "CheckedClaim",
    "Claim",
    "Comparison",
    "Document",
    "Evidence",
    "Finding",
    "extract_claims",
    "parse_document",
    "read_document",
]


def corpus_dir() -> Path:
    """The shared corpus folder (``../shared/corpus`` beside the repository; ``ULTRALOW_CORPUS_DIR`` overrides)."""
    from ultralow.claims.accuracy import default_corpus_dir

    return default_corpus_dir()
