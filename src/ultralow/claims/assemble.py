"""Claim assembly: the figures of one sentence become claims.

:func:`extract_sentence` finds the figures (:mod:`ultralow.claims.numbers`), applies the named rules of
:mod:`ultralow.claims.rules` (lists, metrics, comparatives, changes, limits) and :func:`_finish` turns the drafts
into :class:`~ultralow.claims.model.Claim` with period, entity and scope from the same sentence.
"""

from __future__ import annotations

import re

from ultralow.claims.layout import Document
from ultralow.claims.metrics import (
    Context,
    Hit,
    _entity_for,
    _scope_for,
    pollutant_change_metric,
)
from ultralow.claims.model import Claim
from ultralow.claims.numbers import Quantity, scan_quantities
from ultralow.claims.periods import PeriodMention, scan_periods
from ultralow.claims.rules import (
    Draft,
    _lists,
    _split_comparison,
    rule_change_of_previous,
    rule_comparatives,
    rule_limits,
    rule_list_pairing,
    rule_list_shared_change,
    rule_list_shared_qualifier,
    rule_list_shared_unit,
    rule_nearest_metric,
    rule_per_tonne_word,
)
from ultralow.claims.vocabulary import Vocabulary


def _period_for(periods: list[PeriodMention], q: Quantity, text: str) -> str | None:
    if not periods:
        return None
    # a comparative year ("(2021: RMB 114.5 billion)", "compared with 2022") dates only what follows it
    pool = [p for p in periods if not p.baseline] or [
        p for p in periods if p.end <= q.start and not re.search(r"[,;，；)）]", text[p.end:q.start])]
    # a semicolon ends a statement: prefer a period within the same one
    same = [p for p in pool if not re.search(r"[;；]", text[min(p.end, q.end):max(p.start, q.start)])]
    # a period in an earlier statement carries forward ("In 2023, …; …"), not backward
    pool = same or [p for p in pool if p.end <= q.start]
    if not pool:
        return None
    best = min(pool, key=lambda p: (q.start - p.end) if p.end <= q.start else (p.start - q.end) + 0.5)
    return best.period


def extract_sentence(vocab: Vocabulary, text: str, start: int, end: int,
                     doc_hits: dict[str, list[Hit]] | None = None,
                     before: int | None = None) -> tuple[list[Draft], Context | None]:
    """Claims (as drafts) of one sentence ``text[start:end]``, and the sentence's context (``before``: start
    of the sentence before, looked into when this one opens with a pronoun). The rules of
    :mod:`ultralow.claims.rules` are applied in their documented order."""
    quantities = scan_quantities(vocab, text, start, end)
    if not quantities:
        return [], None
    lookback = before if before is not None and vocab.anaphora_re.match(text, start, end) else None
    ctx = Context(vocab, text, start, end, doc_hits, lookback)
    split = _split_comparison(ctx, quantities)
    claim_qs = [q for q in quantities if split is None or q.end <= split[0]]
    limit_qs = [q for q in quantities if split is not None and q.start >= split[1]]
    drafts = [Draft(q) for q in claim_qs]
    claim_hi = split[0] if split else end

    rule_per_tonne_word(ctx, drafts)
    by_start = {d.q.start: d for d in drafts}
    done: list[list[Draft]] = []
    for run in _lists(ctx, claim_qs):
        run_drafts = [by_start[q.start] for q in run]
        rule_list_shared_unit(run_drafts)
        rule_list_shared_change(run_drafts)
        rule_list_shared_qualifier(run_drafts)
        rule_list_pairing(ctx, run_drafts, done, claim_hi)
        done.append(run_drafts)
    rule_nearest_metric(ctx, drafts, claim_hi)
    rule_comparatives(ctx, drafts)
    rule_change_of_previous(ctx, drafts, claim_hi)
    rule_limits(ctx, drafts, limit_qs, split, quantities)
    return drafts, ctx


def _finish(vocab: Vocabulary, doc: Document, drafts: list[Draft], ctx: Context) -> list[Claim]:
    text = doc.text
    start, end = ctx.start, ctx.end
    periods = scan_periods(vocab, text, start, end)
    sentence = text[start:end].strip()
    split_at = _split_comparison(ctx, [d.q for d in drafts]) if drafts else None
    claim_hi = split_at[0] if split_at else end
    out: list[Claim] = []
    for d in drafts:
        q = d.q
        unit = d.unit or q.unit
        if unit is None:
            metric_row = vocab.metric(d.metric) if d.metric else None
            if metric_row is None or not metric_row.default_unit:
                continue
            unit = metric_row.default_unit
        metric = pollutant_change_metric(vocab, d.metric, q, text[start:end]) or "unclassified"
        value, value_max = q.value, q.value_max
        if q.change:
            metric = f"{metric}_change"
            value = q.change * abs(value)
            if value_max is not None:
                value_max = q.change * abs(value_max)
                value, value_max = min(value, value_max), max(value, value_max)
        value = _tidy(value)
        value_max = None if value_max is None else _tidy(value_max)
        base_metric = d.metric or ""
        out.append(Claim(
            id="", text=sentence, span=(q.start, q.end), metric=metric, value=value, value_max=value_max,
            unit=unit, qualifier=d.qualifier or q.qualifier, period=_period_for(periods, q, text),
            entity=_entity_for(ctx, q.start), scope=_scope_for(ctx, base_metric, q.start, start, claim_hi),
            compared_to=d.comparison, document=doc.name, step=q.step,
        ))
    return out


def sentence_claims(vocab: Vocabulary, doc: Document, start: int, end: int,
                    doc_hits: dict[str, list[Hit]] | None = None, before: int | None = None) -> list[Claim]:
    """The claims of one sentence ``doc.text[start:end]`` (ids not yet given); used for table cells in prose."""
    drafts, ctx = extract_sentence(vocab, doc.text, start, end, doc_hits, before)
    return _finish(vocab, doc, drafts, ctx) if ctx is not None and drafts else []


def _tidy(value: float) -> float:
    """Drop binary noise from scaling (82.9 × 10^8 -> 8290000000.0, not 8290000000.000001)."""
    return float(f"{value:.12g}")
