"""Classification: which metric a figure speaks of.

Metric words of the vocabulary are found once per document (:func:`document_hits`); for each figure the
nearest word of a metric that can carry the figure's unit kind wins (:func:`resolve_metric`), a more
specific metric winning a tie. Enumerations pair listed metric words with listed figures in order
(:func:`enumerated_metrics`). Scope and entity come from the same sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace

from ultralow.claims.numbers import Quantity
from ultralow.claims.sentences import clause_bounds
from ultralow.claims.vocabulary import Metric, Vocabulary, fold, is_cjk

# Metrics whose claims carry a scope (source-type group or product) besides the pollutant metrics.
_SCOPED = frozenset({
    "production", "production_capacity", "carbon_intensity", "power_consumption_per_tonne", "energy_intensity",
    "ghg_emissions", "scope1_emissions", "scope2_emissions",
})
_GAP_STOP = re.compile(r"[,;:，；：。()（）]|\b(?:and|or|but|while|whereas|than)\b|和|及|与|并|而", re.IGNORECASE)

_SEMICOLON = re.compile(r"[;；]")

_LABEL_COLON = re.compile(r"[ \t]*[:：][ \t]*")

_LABEL_PHRASE = re.compile(r"[^,;:，；：。\d\n]{0,48}[:：][ \t]*")

_ASIDE = re.compile(r"\s*[(（][^()（）]{0,40}[)）]")

_ENUM_GAP = re.compile(r"^\s*(?:[、,，/]|和|及|与|以及|and|,\s*and)\s*$", re.IGNORECASE)

_CONCENTRATION_WORDS = re.compile(r"浓度|concentration", re.IGNORECASE)


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


def enumerated_metrics(ctx: Context, lo: int, hi: int, n: int, kind: str | None) -> list[str] | None:
    """Rule "enumeration pairing": "二氧化硫、氮氧化物、颗粒物排放总量分别下降10.92%、67.06%、25.3%" pairs the n
    metric words listed with 、 / , / and before the n figures, in order. For a relative change (a share) any
    metric may be listed; a pollutant listed is its emissions unless a concentration is named."""
    relative = kind in {"share", "share_change"}
    found: list[Hit] = []
    for name, hits in ctx.hits.items():
        metric = ctx.vocab.metric(name)
        if metric is None or (not relative and kind is not None and kind not in metric.kinds):
            continue
        found += [h for h in hits if not h.is_with and lo <= h.start and h.end <= hi]
    found.sort(key=lambda h: (h.start, -(h.end - h.start)))
    places: list[tuple[int, int, set[str]]] = []
    for h in found:
        if places and h.start < places[-1][1]:
            if h.start == places[-1][0] and h.end == places[-1][1]:
                places[-1][2].add(h.metric)
            continue
        places.append((h.start, h.end, {h.metric}))
    # runs of places joined by list separators; the last run of n places before the figures
    runs: list[list[tuple[int, int, set[str]]]] = []
    for p in places:
        if runs and _ENUM_GAP.match(ctx.text[runs[-1][-1][1]:p[0]]):
            runs[-1].append(p)
        else:
            runs.append([p])
    chosen = next((r for r in reversed(runs) if len(r) == n), None)
    if chosen is None:
        return None
    concentration = bool(_CONCENTRATION_WORDS.search(ctx.text, chosen[-1][1], hi))
    out: list[str] = []
    for _s, _e, names in chosen:
        if relative and len(names) > 1:
            pick = [m for m in names if m.endswith("_concentration") == concentration] or sorted(names)
            out.append(sorted(pick, key=lambda m: -_priority(ctx.vocab.metric(m)))[0])
        else:
            out.append(sorted(names, key=lambda m: -_priority(ctx.vocab.metric(m)))[0])
    return out if len(set(out)) == n else None


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


def pollutant_change_metric(vocab: Vocabulary, metric: str | None, q: Quantity, sentence: str) -> str | None:
    """Rule "pollutant change": a relative change of a pollutant ("SO2 … falling by 53%", "reduced fluoride
    emissions by 34%") is a change of its emissions unless the sentence speaks of a concentration (浓度,
    "concentration", mg/m3)."""
    if metric is None or not metric.endswith("_concentration") or not _is_relative_change(q):
        return metric
    if _CONCENTRATION_WORDS.search(sentence) or re.search(r"mg\s*/\s*N?m|毫克", sentence):
        return metric
    emissions = metric.removesuffix("_concentration") + "_emissions"
    return emissions if vocab.metric(emissions) is not None else metric
