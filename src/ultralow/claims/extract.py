"""Claim extraction: every quantitative statement of a document as a structured :class:`Claim`.

Deterministic rules over the vocabulary in ``data/`` (no model): sentences are split, figures found
(:mod:`ultralow.claims.numbers`), each figure is given the metric whose words are nearest in its clause
among the metrics that can carry its unit, "respectively" lists are paired in order, figures after a
comparison cue ("far better than the standard of …") become the ``compared_to`` of the claims before
it, and period, entity and scope come from the same sentence. Tables give one claim per figure cell
(:mod:`ultralow.claims.tables`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from pathlib import Path

from ultralow.claims.document import Document
from ultralow.claims.model import Claim, Comparison
from ultralow.claims.numbers import PeriodMention, Quantity, scan_periods, scan_quantities
from ultralow.claims.sentences import clause_bounds, split_sentences
from ultralow.claims.vocabulary import Metric, Vocabulary, fold, is_cjk, vocabulary

# Metrics whose claims carry a scope (source-type group or product) besides the pollutant metrics.
_SCOPED = frozenset({
    "production", "production_capacity", "carbon_intensity", "power_consumption_per_tonne", "energy_intensity",
    "ghg_emissions", "scope1_emissions", "scope2_emissions",
})
_LIST_GAP = re.compile(r"^[\s,，、;；]*(?:and|和|与|及|以及|&)?[\s,，、]*$", re.IGNORECASE)
_RESPECTIVELY = re.compile(r"respectively|分别|依次", re.IGNORECASE)
_GAP_STOP = re.compile(r"[,;:，；：。()（）]|\b(?:and|or|but|while|whereas|than)\b|和|及|与|并|而", re.IGNORECASE)
_SEMICOLON = re.compile(r"[;；]")
_QUOTED = re.compile(r"[\"“《「]([^\"”》」]{3,120})[\"”》」]")
_LESS_CUES = re.compile(r"better|lower|below|less|under|superior|优于|好于|低于|小于|严于", re.IGNORECASE)


_LABEL_COLON = re.compile(r"[ \t]*[:：][ \t]*")
_LABEL_PHRASE = re.compile(r"[^,;:，；：。\d\n]{0,48}[:：][ \t]*")
_ASIDE = re.compile(r"\s*[(（][^()（）]{0,40}[)）]")


def _names_itself(text: str, q: Quantity) -> bool:
    """The figure is followed by an English noun naming what it counts ("8,040 women"); a Chinese measure word
    (名, 个) does not name the thing, the word before the figure does."""
    return q.unit_from == "counted" and q.counted_start >= 0 and not is_cjk(text[q.counted_start])


def _in_brackets(text: str, q: Quantity) -> bool:
    """The figure is an aside: "(90.9%)", "（同比+3.1%）"."""
    before = text[max(0, q.start - 12):q.start]
    after = text[q.end:q.end + 12]
    return bool(re.search(r"[(（][^()（）]*$", before)) and bool(re.match(r"[^()（）]*[)）]", after))


@dataclass(frozen=True)
class Hit:
    """A metric word found in a sentence (``is_with``: one of the metric's ``with`` words)."""

    start: int
    end: int
    metric: str
    is_with: bool
    inside: tuple[str, ...] = ()  # metrics whose longer word contains this one


@dataclass
class _Draft:
    q: Quantity
    metric: str | None = None
    comparison: Comparison | None = None
    qualifier: str | None = None
    unit: str | None = None


def document_hits(vocab: Vocabulary, text: str) -> dict[str, list[Hit]]:
    """Every metric word of a document, per metric, in text order (found once per document)."""
    hits: dict[str, list[Hit]] = {}
    folded = fold(text)
    for metric in vocab.metrics:
        if not metric.may_occur(folded):
            continue
        found = [Hit(m.start(), m.end(), metric.name, False) for m in metric.terms_re.finditer(text)]
        if metric.with_re is not None:
            found += [Hit(m.start(), m.end(), metric.name, True) for m in metric.with_re.finditer(text)]
        if found:
            found.sort(key=lambda h: h.start)
            hits[metric.name] = found
    return _mark_nested(hits)


def _mark_nested(hits: dict[str, list[Hit]]) -> dict[str, list[Hit]]:
    """Note on each metric word the metrics whose longer word contains it ("hazardous waste" inside
    "non-hazardous waste", "GHG" inside "Scope 1 GHG emissions"): the longest word at a place names the thing
    when its metric can carry the figure (see :func:`_carries`)."""
    terms = sorted((h for found in hits.values() for h in found if not h.is_with), key=lambda h: (h.start, -h.end))
    starts = [h.start for h in terms]
    inside: dict[Hit, tuple[str, ...]] = {}
    for h in terms:
        covering = {g.metric for g in terms[bisect_left(starts, h.start - 80):bisect_left(starts, h.start + 1)]
                    if g.metric != h.metric and g.start <= h.start and h.end <= g.end
                    and g.end - g.start > h.end - h.start}
        if covering:
            inside[h] = tuple(sorted(covering))
    if not inside:
        return hits
    return {name: [replace(h, inside=inside.get(h, ())) for h in found] for name, found in hits.items()}


def _carries(metric: Metric | None, kind: str | None, any_kind: bool = False) -> bool:
    """Whether ``metric`` can carry a figure of ``kind`` (None: a bare number, which needs a default unit)."""
    if metric is None:
        return False
    if any_kind:
        return True
    return bool(metric.default_unit) if kind is None else kind in metric.kinds


class Context:
    """One sentence: its text range, clause boundaries, figures, metric words and periods."""

    def __init__(self, vocab: Vocabulary, text: str, start: int, end: int,
                 doc_hits: dict[str, list[Hit]] | None = None, lookback: int | None = None) -> None:
        self.vocab = vocab
        self.text = text
        self.start = start
        self.end = end
        # where metric words may be looked for: the sentence, or from the sentence before when this one
        # opens with a pronoun standing for that one's subject ("This is equal to 0.9% of pre-tax profit")
        self.hit_lo = start if lookback is None else min(lookback, start)
        self.bounds = clause_bounds(text, start, end)
        self.hits: dict[str, list[Hit]] = {}
        source = doc_hits if doc_hits is not None else document_hits(vocab, text[:end])
        for name, found in source.items():
            lo = bisect_left(found, self.hit_lo, key=lambda h: h.start)
            inside = [h for h in found[lo:] if h.start < end and h.end <= end]
            if inside:
                self.hits[name] = inside

    def same_clause(self, a: int, b: int) -> bool:
        """No clause mark in text[min(a, b):max(a, b)]."""
        lo, hi = min(a, b), max(a, b)
        return bisect_left(self.bounds, lo) == bisect_left(self.bounds, hi)


def _position(ctx: Context, q: Quantity, hit: Hit, others: list[Quantity], lo: int, hi: int) -> tuple[int, int] | None:
    """(class, distance) of a metric word relative to a figure: 0 right after it, 1 before it in its
    clause, 2 after it in its clause, 3/4 before/after elsewhere in the sentence; None outside lo..hi."""
    if hit.start < lo or hit.end > hi:
        return None
    if hit.end <= ctx.start:
        return 3, q.start - hit.end  # in the sentence before (see Context.hit_lo)
    if q.counted_start >= 0 and hit.start < q.counted_end and q.counted_start < hit.end:
        return 0, 0
    if hit.start < q.end and q.start < hit.end:
        return None
    text = ctx.text
    # only a figure of the same kind competes for the word ("42.7 hours per employee" takes "per employee"
    # from "1.86 million hours"; "two medical stations" does not take it from "$1 million")
    between_others = any(
        o is not q and (o.kind == q.kind or (q.kind is None and not _in_brackets(text, o)))
        and ((hit.end <= o.start and o.end <= q.start) or (q.end <= o.start and o.end <= hit.start))
        for o in others
    )
    if hit.start >= q.end:
        if _SEMICOLON.search(text, q.end, hit.start):
            return None  # a semicolon ends the figure's statement: words after it speak of the next one
        # an aside in brackets does not separate a figure from its word ("2,870 (84.2%) are Indonesian citizens")
        gap = _ASIDE.sub(" ", text[q.end:hit.start])
        same = ctx.same_clause(q.end, hit.start)
        # a word followed closely by another figure belongs to that figure ("2 mg/m3 and SO2 is 10 mg/m3"),
        # unless that figure is an aside in brackets ("6,580 were Guinean nationals (90.9%)")
        # or one with a counted noun of its own ("42,980-strong workforce includes 8,040 women")
        owned = any(o.start >= hit.end and o.start - hit.end <= 12 and ctx.same_clause(hit.end, o.start)
                    and not _in_brackets(text, o) and not _names_itself(text, o) for o in others if o is not q)
        words = len(gap.split()) if not any(is_cjk(c) for c in gap) else len(gap)
        if (same and not between_others and not owned and words <= 4 and not _GAP_STOP.search(gap)):
            return 0, len(gap)
        return (2 if same and not between_others else 4), len(gap) + (40 if owned else 0)
    gap_len = q.start - hit.end
    if _LABEL_COLON.fullmatch(text, hit.end, q.start):
        return 0, gap_len  # "Fatalities: 1 contractor", "Revenue: RMB 5 billion": the label names the figure
    if _LABEL_PHRASE.fullmatch(text, hit.end, q.start):
        return 1, gap_len  # "Solar and wind capacity in operation: 1,260 MW": a word of the label before the colon
    same = ctx.same_clause(hit.end, q.start) and not between_others
    return (1 if same else 3), gap_len


def resolve_metric(ctx: Context, q: Quantity, others: list[Quantity], *, lo: int | None = None,
                   hi: int | None = None, allowed: set[str] | None = None, kind: str | None = None,
                   any_kind: bool = False) -> str | None:
    """The metric for figure ``q``: nearest metric word among the metrics that can carry its unit kind
    (``kind`` overrides the figure's own), a more specific metric winning a tie."""
    lo = ctx.hit_lo if lo is None else lo
    hi = ctx.end if hi is None else hi
    kind = kind or q.kind
    best: tuple[tuple[int, int, int, int], str] | None = None
    for metric in ctx.vocab.metrics:
        if allowed is not None and metric.name not in allowed:
            continue
        hits = ctx.hits.get(metric.name)
        if not hits:
            continue
        bare = kind is None and not any_kind
        if bare:
            if not metric.default_unit:
                continue
        elif not any_kind and kind not in metric.kinds:
            continue
        term_pos = [p for h in hits if not h.is_with and not _outworded(ctx, h, kind, any_kind, allowed)
                    and (p := _position(ctx, q, h, others, lo, hi)) is not None]
        if not term_pos:
            continue
        specificity = metric.priority
        positions = list(term_pos)
        if metric.with_re is not None:
            # a "with" word counts within the figure's statement (a semicolon ends one)
            with_pos = [p for h in hits if h.is_with and (p := _position(ctx, q, h, others, lo, hi)) is not None
                        and not _SEMICOLON.search(ctx.text, min(h.end, q.end), max(h.start, q.start))]
            # the metric's own word in the figure's clause, or in the sentence before it when one of
            # its "with" words is in the figure's clause ("community investment …, 1.1% of pre-tax profit")
            if not with_pos or min(term_pos)[0] > 3 or (min(term_pos)[0] == 3 and min(with_pos)[0] > 2):
                continue
            positions += with_pos
            specificity += 5
        cls, dist = min(positions)
        if bare and (cls not in (0, 1) or dist > 30):
            continue
        if cls == 4 and kind == "share" and not any_kind:
            # a percentage is named in its own clause or before it, not by a word in a later clause
            # ("确保环保设施投运率100%，力争…，新增光伏装机…")
            continue
        # words a few characters apart are equally near: then the more specific metric wins
        key = (cls, dist // 8, -specificity, dist)
        if best is None or key < best[0]:
            best = (key, metric.name)
    return best[1] if best else None


def _outworded(ctx: Context, hit: Hit, kind: str | None, any_kind: bool, allowed: set[str] | None) -> bool:
    """The word is part of a longer word of another metric that can carry the figure."""
    return any((allowed is None or name in allowed) and _carries(ctx.vocab.metric(name), kind, any_kind)
               for name in hit.inside)


def _standard_phrase(ctx: Context, lo: int, first_value: int, hi: int) -> str | None:
    """How the text names the standard compared with: the words between the cue and the first limit
    figure when they name a standard or limit, else a quoted title, else a known standard's words."""
    text = ctx.text
    between = text[lo:first_value].strip().strip(",，").strip()
    between = re.sub(r"^(?:the|a|an)\s+", "", between, flags=re.IGNORECASE)
    between = re.sub(r"\s+(?:of|at|for|which is|is|are)$", "", between, flags=re.IGNORECASE).strip()
    quoted = _QUOTED.search(between) or _QUOTED.search(text, lo, hi)
    if quoted and (quoted.start() >= lo or _QUOTED.search(between)):
        return quoted.group(1).strip()
    if between and ctx.vocab.limit_words_re.search(between):
        return between
    for named in ctx.vocab.standards:
        m = named.words_re.search(text, lo, hi)
        if m:
            return m.group(0)
    return between or None


def _split_comparison(ctx: Context, quantities: list[Quantity]) -> tuple[int, int] | None:
    """The (cue start, cue end) after which figures are limits compared with, if the sentence has one."""
    for cue in ctx.vocab.comparison_cues_re.finditer(ctx.text, ctx.start, ctx.end):
        before = [q for q in quantities if q.end <= cue.start()]
        after = [q for q in quantities if q.start >= cue.end()]
        if not before or not after:
            continue
        tail = ctx.text[cue.end():ctx.end]
        named = any(s.words_re.search(tail) for s in ctx.vocab.standards)
        if not (ctx.vocab.limit_words_re.search(tail) or named):
            continue
        kinds = {q.kind for q in before}
        if any(q.kind in kinds for q in after):
            return cue.start(), cue.end()
    return None


def _lists(ctx: Context, quantities: list[Quantity]) -> list[list[Quantity]]:
    """Runs of figures separated only by commas / "and" / 、 (an enumeration)."""
    runs: list[list[Quantity]] = []
    for q in quantities:
        if runs and _LIST_GAP.match(_strip_qualifiers(ctx.text[runs[-1][-1].end:q.start])):
            runs[-1].append(q)
        else:
            runs.append([q])
    return [r for r in runs if len(r) >= 2]


def _strip_qualifiers(gap: str) -> str:
    return re.sub(r"(?i)\b(?:about|approximately|around|nearly|almost|some|roughly)\b|约|近|左右", "", gap)


def _metric_sequence(ctx: Context, lo: int, hi: int, kind: str | None, n: int) -> list[str] | None:
    """The last ``n`` distinct metric words (of metrics carrying ``kind``) in ``text[lo:hi]``, in order."""
    found: list[Hit] = []
    for name, hits in ctx.hits.items():
        metric = ctx.vocab.metric(name)
        if metric is None or (kind is not None and kind not in metric.kinds):
            continue
        found += [h for h in hits if not h.is_with and lo <= h.start and h.end <= hi]
    if not found:
        return None
    # Keep the longest hit at each place; several metrics may share a word (SO2 -> concentration/mass).
    found.sort(key=lambda h: (h.start, -(h.end - h.start)))
    places: list[tuple[int, int, set[str]]] = []
    for h in found:
        if places and h.start < places[-1][1]:
            if h.start == places[-1][0] and h.end == places[-1][1]:
                places[-1][2].add(h.metric)
            continue
        places.append((h.start, h.end, {h.metric}))
    seq: list[str] = []
    for _s, _e, metrics in places:
        chosen = sorted(metrics, key=lambda m: -_priority(ctx.vocab.metric(m)))[0]
        if seq and seq[-1] == chosen:
            continue
        seq.append(chosen)
    if len(seq) < n:
        return None
    return seq[-n:]


def _priority(metric: Metric | None) -> int:
    return metric.priority if metric else 0


def _scope_for(ctx: Context, metric: str, pos: int, lo: int, hi: int) -> str | None:
    m = ctx.vocab.metric(metric)
    if m is None or not (m.code or metric in _SCOPED):
        return None
    best: tuple[int, str] | None = None
    for scope in ctx.vocab.scopes:
        for hit in scope.words_re.finditer(ctx.text, lo, hi):
            distance = pos - hit.end() if hit.end() <= pos else 1000 + hit.start() - pos
            if best is None or distance < best[0]:
                best = (distance, scope.name)
    return best[1] if best else None


def _entity_for(ctx: Context, pos: int) -> str | None:
    best: tuple[int, int, str] | None = None
    for entity in ctx.vocab.entities:
        kind_rank = 0 if entity.kind == "country" else 1
        for hit in entity.words_re.finditer(ctx.text, ctx.start, ctx.end):
            key = (kind_rank, abs(pos - hit.start()), entity.name)
            if best is None or key < best:
                best = key
    return best[2] if best else None


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
                     before: int | None = None) -> tuple[list[_Draft], Context | None]:
    """Claims (as drafts) of one sentence ``text[start:end]``, and the sentence's context (``before``: start
    of the sentence before, looked into when this one opens with a pronoun)."""
    quantities = scan_quantities(vocab, text, start, end)
    if not quantities:
        return [], None
    lookback = before if before is not None and vocab.anaphora_re.match(text, start, end) else None
    ctx = Context(vocab, text, start, end, doc_hits, lookback)
    split = _split_comparison(ctx, quantities)
    claim_qs = [q for q in quantities if split is None or q.end <= split[0]]
    limit_qs = [q for q in quantities if split is not None and q.start >= split[1]]
    drafts = [_Draft(q) for q in claim_qs]
    claim_hi = split[0] if split else end

    # Lists: a shared unit written once ("15、25、1毫克/立方米"), a qualifier written once, and
    # "respectively" pairing of the metric words before the list with the figures in order.
    _per_tonne(ctx, drafts)
    by_start = {d.q.start: d for d in drafts}
    runs = _lists(ctx, claim_qs)
    for k, run in enumerate(runs):
        run_drafts = [by_start[q.start] for q in run]
        last = run[-1]
        if last.unit and all(q.unit is None for q in run[:-1]):
            for d in run_drafts[:-1]:
                factor = 1.0 if d.q.has_scale else last.factor
                d.unit = last.unit
                d.q = replace(d.q, unit=last.unit, kind=last.kind, unit_from="list", value=d.q.value * factor,
                              value_max=None if d.q.value_max is None else d.q.value_max * factor,
                              step=d.q.step * factor)
        if run[0].change and not any(q.change for q in run[1:]):
            # "分别下降53.2%、41.6%": a change word written once covers the list
            for d in run_drafts[1:]:
                d.q = replace(d.q, change=run[0].change)
            run = [d.q for d in run_drafts]
        first_q = run[0].qualifier
        if first_q != "exactly":
            for d in run_drafts[1:]:
                if d.q.qualifier == "exactly":
                    d.qualifier = first_q
        respectively = _RESPECTIVELY.search(text, start, min(end, claim_hi + 40))
        kind = last.kind
        seq = _metric_sequence(ctx, start, run[0].start, kind, len(run))
        if seq and (respectively or _no_metric_words_between(ctx, run, kind)):
            for d, name in zip(run_drafts, seq, strict=True):
                d.metric = name
        elif respectively and all(q.change for q in run):
            # "二氧化硫、氮氧化物排放总量分别为6931吨、1.34万吨，较2020年分别下降53.2%、41.6%": the changes of
            # the figures listed before, in order
            levels = [r for r in runs[:k] if len(r) == len(run) and not any(q.change for q in r)]
            if levels and all(by_start[q.start].metric for q in levels[-1]):
                for d, q0 in zip(run_drafts, levels[-1], strict=True):
                    d.metric = by_start[q0.start].metric

    current = [d.q for d in drafts]
    for d in drafts:
        if d.metric is None and not _is_relative_change(d.q):
            d.metric = resolve_metric(ctx, d.q, current, hi=claim_hi)
    _comparatives(ctx, drafts)
    # "同比下降0.05" after "损工事故率为0.18": a bare change is a change of the figure it follows
    for i, d in enumerate(drafts):
        if d.q.change and d.q.unit is None and d.metric is None:
            previous = [p for p in drafts[:i] if p.metric and not p.q.change and d.q.start - p.q.end < 60]
            if previous:
                d.metric = previous[-1].metric
                d.unit = previous[-1].unit or previous[-1].q.unit or _default_unit(ctx.vocab, previous[-1].metric)
        # "13,150 kWh per tonne …, about 300 kWh lower than the industry average": a change in the unit (or the
        # numerator of the unit) of the figure it follows, which no metric word of its own names
        elif d.q.change and d.metric is None and d.q.unit and not _is_relative_change(d.q):
            previous = [p for p in drafts[:i] if p.metric and not p.q.change and d.q.start - p.q.end < 60]
            unit_before = (previous[-1].unit or previous[-1].q.unit or "") if previous else ""
            if unit_before == d.q.unit or unit_before.startswith(f"{d.q.unit}/"):
                d.metric = previous[-1].metric
                d.unit = unit_before
    # "up 18% year on year": a relative change is a change of the figure it follows
    for i, d in enumerate(drafts):
        if d.metric is None and _is_relative_change(d.q):
            previous = [p for p in drafts[:i] if p.metric and not p.q.change]
            # unless a metric word stands between them ("… 1.5 GW of solar by 2027 and to reduce carbon
            # intensity by 20%")
            named = resolve_metric(ctx, d.q, current, lo=previous[-1].q.end, hi=d.q.start, any_kind=True) \
                if previous else None
            if named is not None:
                d.metric = named
            elif previous and ctx.same_clause(previous[-1].q.end, d.q.start) or (
                    previous and d.q.start - previous[-1].q.end < 60):
                d.metric = previous[-1].metric
            else:
                d.metric = resolve_metric(ctx, d.q, current, hi=claim_hi, any_kind=True)

    if split is not None and limit_qs:
        _attach_limits(ctx, drafts, limit_qs, split, quantities)

    # A figure right after "below/better than the limit of" with no figure before the cue.
    if split is None:
        for d in drafts:
            cue = _cue_before(ctx, d.q)
            if cue is not None:
                phrase = _standard_phrase(ctx, cue, d.q.start, end)
                d.comparison = Comparison(d.q.value, d.q.unit or "", phrase)
                if d.q.qualifier == "exactly" and _LESS_CUES.search(text[cue:d.q.start]):
                    d.qualifier = "less_than"
    return drafts, ctx


_COMPARATIVE = re.compile(r"[(（]\s*(?:FY\s?)?(?:19|20)\d{2}\s*(?:年度?)?\s*[:：]\s*$")


_FROM_TO = re.compile(r"\s*,?\s*(?:(?:up|down)\s+)?from\s+(?:the\s+|a\s+)?|\s*(?:to|提高到|提高至|提升到|提升至|降至|降到|"
                      r"下降到|下降至|增至|增加到|增长到|减至|减少到|到|至)\s*", re.IGNORECASE)


def _comparatives(ctx: Context, drafts: list[_Draft]) -> None:
    """"42,980 employees (2023: 43,512)", "RMB 74.8 million (2023: RMB 61.2 million)": a figure in brackets
    after a year is the figure before it in that year (its metric, and its unit and scale when it has none)."""
    for before, d in zip(drafts, drafts[1:], strict=False):
        if before.metric is None:
            continue
        if _FROM_TO.fullmatch(ctx.text, before.q.end, d.q.start) and before.q.kind == d.q.kind \
                and not d.q.change and not before.q.change:
            d.metric = before.metric  # "rose to 14.5% from 12.8%", "由4.1%提高到9.2%": one quantity, two values
            continue
        if not _COMPARATIVE.search(ctx.text, max(ctx.start, d.q.start - 16), d.q.start):
            continue
        unit = before.unit or before.q.unit or _default_unit(ctx.vocab, before.metric)
        if d.q.unit is None and d.unit is None:
            factor = before.q.factor if before.q.unit_from == "unit" else 1.0
            d.q = replace(d.q, value=d.q.value * factor, step=d.q.step * factor,
                          kind=ctx.vocab.unit_kind(unit) if unit else None)
            d.unit = unit
        elif (d.unit or d.q.unit) != unit:
            continue
        d.metric = before.metric


def _per_tonne(ctx: Context, drafts: list[_Draft]) -> None:
    """"吨铝直流电耗降至12,450千瓦时": a per-tonne word before the figure in its clause makes its unit per tonne."""
    vocab = ctx.vocab
    for d in drafts:
        per = vocab.per_tonne_units.get(d.q.unit or "")
        if per is None:
            continue
        lo = max([ctx.start, *(b for b in ctx.bounds if b < d.q.start)])
        if vocab.per_tonne_before_re.search(ctx.text, lo, d.q.start):
            d.q = replace(d.q, unit=per, kind=vocab.unit_kind(per))
            d.unit = per


def _default_unit(vocab: Vocabulary, name: str | None) -> str | None:
    metric = vocab.metric(name) if name else None
    return metric.default_unit if metric and metric.default_unit else None


def _is_relative_change(q: Quantity) -> bool:
    return q.change != 0 and q.kind in {"share", "share_change"}


def _no_metric_words_between(ctx: Context, run: list[Quantity], kind: str | None) -> bool:
    for name, hits in ctx.hits.items():
        metric = ctx.vocab.metric(name)
        if metric is None or (kind is not None and kind not in metric.kinds):
            continue
        if any(run[0].end <= h.start and h.end <= run[-1].start for h in hits):
            return False
    return True


def _cue_before(ctx: Context, q: Quantity) -> int | None:
    lo = max(ctx.start, max((b for b in ctx.bounds if b < q.start), default=ctx.start))
    window = ctx.text[lo:q.start]
    cue = None
    for m in ctx.vocab.comparison_cues_re.finditer(window):
        cue = m
    if cue is None:
        return None
    if not ctx.vocab.limit_words_re.search(window[cue.end():]) and not any(
            s.words_re.search(window[cue.end():]) for s in ctx.vocab.standards):
        return None
    return lo + cue.end()


def _attach_limits(ctx: Context, drafts: list[_Draft], limit_qs: list[Quantity], split: tuple[int, int],
                   quantities: list[Quantity]) -> None:
    """Give each limit figure after the cue to the claim with the same metric (else in order)."""
    phrase = _standard_phrase(ctx, split[1], limit_qs[0].start, ctx.end)
    open_drafts = [d for d in drafts if d.metric is not None and d.q.kind == limit_qs[0].kind] or list(drafts)
    in_order = len(limit_qs) == len(open_drafts)
    for lq in limit_qs:
        if not open_drafts:
            break
        allowed = {d.metric for d in open_drafts if d.metric}
        name = resolve_metric(ctx, lq, quantities, lo=split[1], allowed=allowed) if allowed else None
        target = next((d for d in open_drafts if d.metric == name), None) if name else None
        if target is None:
            # as many limits as claims: in order; otherwise the claim written last before the cue
            target = open_drafts[0] if in_order else open_drafts[-1]
        target.comparison = Comparison(lq.value, lq.unit or target.q.unit or "", phrase)
        open_drafts.remove(target)


def _finish(vocab: Vocabulary, doc: Document, drafts: list[_Draft], ctx: Context) -> list[Claim]:
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
        metric = d.metric or "unclassified"
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


def extract_claims(doc: Document, vocab: Vocabulary | None = None) -> list[Claim]:
    """Every quantitative claim of ``doc``, in text order, with ids ``<document stem>:<n>``."""
    from ultralow.claims.tables import table_claims

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
