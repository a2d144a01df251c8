"""Claim extraction: every quantitative statement of a document as a structured :class:`Claim`.

Deterministic rules over the vocabulary in ``data/`` (no model), by stage: the document is read
(:mod:`ultralow.claims.document`, one reader per format), its prose is split into sentences
(:mod:`ultralow.claims.sentences`), figures are found with their units (:mod:`ultralow.claims.numbers`,
:mod:`ultralow.claims.number_words`), each sentence's figures become claims by the named rules of
:mod:`ultralow.claims.rules` with metrics from :mod:`ultralow.claims.metrics` (:mod:`ultralow.claims.assemble`),
and tables give one claim per figure cell (:mod:`ultralow.claims.tables`).

The sign and direction rule (one, everywhere): a change is a claim of metric ``<metric>_change`` whose value
is negative exactly when the quantity went down ("a 23.9 percent reduction", "reduced … by 10%", "同比下降
百分之十五" -> -23.9, -10, -15), and its ``direction`` field says "decrease" / "increase" / "none"
(:func:`direction_of`). Claims that are not changes have no direction.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ultralow.claims.assemble import _finish, extract_sentence, sentence_claims
from ultralow.claims.layout import Document
from ultralow.claims.metrics import Context, Hit, document_hits, resolve_metric
from ultralow.claims.model import Claim
from ultralow.claims.sentences import split_sentences
from ultralow.claims.tables import table_claims
from ultralow.claims.vocabulary import Vocabulary, vocabulary

__all__ = ["Context", "Hit", "direction_of", "document_hits", "extract_claims", "extract_sentence", "resolve_metric",
           "sentence_claims"]


def extract_claims(doc: Document, vocab: Vocabulary | None = None) -> list[Claim]:
    """Every quantitative claim of ``doc``, in text order, with ids ``<document stem>:<n>``."""
    vocab = vocab or vocabulary()
    claims: list[Claim] = []
    hits = document_hits(vocab, doc.text)
    for lo, hi in doc.prose_ranges():
        before: int | None = None
        for s, e in split_sentences(doc.text, lo, hi, lines_are_blocks=doc.kind == "html"):
            drafts, ctx = extract_sentence(vocab, doc.text, s, e, hits, before)
            before = s
            if ctx is not None and drafts:
                claims.extend(_finish(vocab, doc, drafts, ctx))
    for table in doc.tables:
        claims.extend(table_claims(vocab, doc, table, hits))
    claims.sort(key=lambda c: c.span)
    stem = Path(doc.name).stem or "doc"
    return [_placed(doc, replace(c, id=f"{stem}:{i}")) for i, c in enumerate(claims, start=1)]


def direction_of(metric: str, value: float) -> str | None:
    """The one direction rule: a change claim (``<metric>_change``) is a decrease exactly when its value is
    negative, an increase when positive, "none" at zero; any other claim has no direction."""
    if not metric.endswith("_change"):
        return None
    return "decrease" if value < 0 else "increase" if value > 0 else "none"


def _placed(doc: Document, claim: Claim) -> Claim:
    """The claim with its direction and, for a paged document, its page and offsets within the page."""
    where = doc.location(claim.span)
    return replace(claim, direction=direction_of(claim.metric, claim.value),
                   page=where["page"] if where else None,
                   page_span=(where["start"], where["end"]) if where else None)
