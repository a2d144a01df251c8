"""The named rules of claim assembly, applied in this order to the figures of one sentence by
:func:`ultralow.claims.assemble.extract_sentence`:

1. :func:`rule_per_tonne_word` — "吨铝直流电耗降至12,450千瓦时": a per-tonne word before the figure makes its unit per tonne;
2. :func:`rule_list_shared_unit` — "15、25、1毫克/立方米": a unit written once after a list covers the list;
3. :func:`rule_list_shared_change` — "分别下降53.2%、41.6%": a change word written once covers the list;
4. :func:`rule_list_shared_qualifier` — "约15、20万吨": a qualifier written once covers the list;
5. :func:`rule_list_pairing` — "A、B、C 分别 x、y、z" (enumeration pairing, :func:`~ultralow.claims.metrics.enumerated_metrics`),
   metric words before a list in order, or the changes of the levels listed before;
6. :func:`rule_nearest_metric` — every other figure (not a relative change): the nearest metric word;
7. :func:`rule_comparatives` — "(2023: 43,512)", "rose to 14.5% from 12.8%", "down from 1.61": the same quantity;
8. :func:`rule_change_of_previous` — a change with no metric word of its own is a change of the figure it follows
   (bare "同比下降0.05", "300 kWh lower", relative "up 18%"), within :data:`PREVIOUS_FIGURE_CHARS`;
9. :func:`rule_limits` — figures after a comparison cue ("better than the standard of 35") are the limits of the
   claims before it, and a figure right after such a cue is compared with.

The one rule for signs and directions is :func:`ultralow.claims.extract.direction_of`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ultralow.claims.metrics import (
    Context,
    _default_unit,
    _is_relative_change,
    _metric_sequence,
    _no_metric_words_between,
    enumerated_metrics,
    resolve_metric,
)
from ultralow.claims.model import Comparison
from ultralow.claims.numbers import Quantity

# How far back (characters between the figures) a change with no metric word of its own looks for the
# figure it is a change of ("损工事故率为0.18，同比下降0.05").
PREVIOUS_FIGURE_CHARS = 60

_LIST_GAP = re.compile(r"^[\s,，、;；]*(?:and|和|与|及|以及|&)?[\s,，、]*$", re.IGNORECASE)

_RESPECTIVELY = re.compile(r"respectively|分别|依次", re.IGNORECASE)

_QUOTED = re.compile(r"[\"“《「]([^\"”》」]{3,120})[\"”》」]")

_LESS_CUES = re.compile(r"better|lower|below|less|under|superior|优于|好于|低于|小于|严于", re.IGNORECASE)

_COMPARATIVE = re.compile(r"[(（]\s*(?:FY\s?)?(?:19|20)\d{2}\s*(?:年度?)?\s*[:：]\s*$")

_FROM_TO = re.compile(r"\s*,?\s*(?:(?:up|down)\s+)?from\s+(?:the\s+|a\s+)?|\s*(?:to|提高到|提高至|提升到|提升至|降至|降到|"
                      r"下降到|下降至|增至|增加到|增长到|减至|减少到|到|至)\s*", re.IGNORECASE)


@dataclass
class Draft:
    """A claim being assembled: the figure, and what the rules decided so far."""

    q: Quantity
    metric: str | None = None
    comparison: Comparison | None = None
    qualifier: str | None = None
    unit: str | None = None


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


def _comparatives(ctx: Context, drafts: list[Draft]) -> None:
    """"42,980 employees (2023: 43,512)", "RMB 74.8 million (2023: RMB 61.2 million)": a figure in brackets
    after a year is the figure before it in that year (its metric, and its unit and scale when it has none)."""
    for before, d in zip(drafts, drafts[1:], strict=False):
        if before.metric is None:
            continue
        if _FROM_TO.fullmatch(ctx.text, before.q.end, d.q.start) and not d.q.change and not before.q.change:
            if before.q.kind == d.q.kind:
                d.metric = before.metric  # "rose to 14.5% from 12.8%", "由4.1%提高到9.2%": one quantity, two values
                continue
            if d.q.unit is None and d.unit is None and before.q.unit is not None:
                # rule "from-figure": "1.42 per million hours worked, down from 1.61": the earlier value of the
                # same quantity, in its unit
                d.metric, d.unit = before.metric, before.unit or before.q.unit
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


def _per_tonne(ctx: Context, drafts: list[Draft]) -> None:
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


def _attach_limits(ctx: Context, drafts: list[Draft], limit_qs: list[Quantity], split: tuple[int, int],
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


def previous_figure(drafts: list[Draft], i: int, *, near: bool = True) -> Draft | None:
    """The last figure before ``drafts[i]`` that has a metric and is not itself a change (within
    :data:`PREVIOUS_FIGURE_CHARS` when ``near``)."""
    q = drafts[i].q
    for p in reversed(drafts[:i]):
        if p.metric and not p.q.change:
            if near and q.start - p.q.end >= PREVIOUS_FIGURE_CHARS:
                return None
            return p
    return None


def rule_per_tonne_word(ctx: Context, drafts: list[Draft]) -> None:
    """Rule 1 (see the module docstring)."""
    _per_tonne(ctx, drafts)


def rule_list_shared_unit(run_drafts: list[Draft]) -> None:
    """Rule 2: "15、25、1毫克/立方米" -- the unit (and scale) of the last figure of a list covers the figures
    before it that have none."""
    last = run_drafts[-1].q
    if not (last.unit and all(d.q.unit is None for d in run_drafts[:-1])):
        return
    for d in run_drafts[:-1]:
        factor = 1.0 if d.q.has_scale else last.factor
        d.unit = last.unit
        d.q = replace(d.q, unit=last.unit, kind=last.kind, unit_from="list", value=d.q.value * factor,
                      value_max=None if d.q.value_max is None else d.q.value_max * factor, step=d.q.step * factor)


def rule_list_shared_change(run_drafts: list[Draft]) -> None:
    """Rule 3: "分别下降53.2%、41.6%" -- a change word before the first figure of a list covers the list."""
    if run_drafts[0].q.change and not any(d.q.change for d in run_drafts[1:]):
        for d in run_drafts[1:]:
            d.q = replace(d.q, change=run_drafts[0].q.change)


def rule_list_shared_qualifier(run_drafts: list[Draft]) -> None:
    """Rule 4: "about 15, 20 and 25" -- a qualifier before the first figure of a list covers the list."""
    first = run_drafts[0].q.qualifier
    if first != "exactly":
        for d in run_drafts[1:]:
            if d.q.qualifier == "exactly":
                d.qualifier = first


def rule_list_pairing(ctx: Context, run_drafts: list[Draft], earlier_runs: list[list[Draft]], claim_hi: int) -> None:
    """Rule 5: the metrics of a list of figures. With "respectively / 分别 / 依次", the n metric words listed
    before the figures pair with them in order (enumeration pairing); without, the last n distinct metric
    words before the list when no metric word stands between the figures. A list of changes after
    "分别" whose metric words are not listed takes the metrics of the levels listed before it, in order
    ("二氧化硫、氮氧化物排放总量分别为6931吨、1.34万吨，较2020年分别下降53.2%、41.6%")."""
    run = [d.q for d in run_drafts]
    start, end, text = ctx.start, ctx.end, ctx.text
    respectively = _RESPECTIVELY.search(text, start, min(end, claim_hi + 40))
    kind = run[-1].kind
    seq = enumerated_metrics(ctx, start, run[0].start, len(run), kind) if respectively else None
    seq = seq or _metric_sequence(ctx, start, run[0].start, kind, len(run))
    if seq and (respectively or _no_metric_words_between(ctx, run, kind)):
        for d, name in zip(run_drafts, seq, strict=True):
            d.metric = name
    elif respectively and all(q.change for q in run):
        levels = [r for r in earlier_runs if len(r) == len(run) and not any(d.q.change for d in r)]
        if levels and all(d.metric for d in levels[-1]):
            for d, d0 in zip(run_drafts, levels[-1], strict=True):
                d.metric = d0.metric


def rule_nearest_metric(ctx: Context, drafts: list[Draft], claim_hi: int) -> None:
    """Rule 6: a figure that is not a relative change and has no metric yet takes the nearest metric word
    of a metric that can carry its unit kind (:func:`~ultralow.claims.metrics.resolve_metric`)."""
    current = [d.q for d in drafts]
    for d in drafts:
        if d.metric is None and not _is_relative_change(d.q):
            d.metric = resolve_metric(ctx, d.q, current, hi=claim_hi)


def rule_comparatives(ctx: Context, drafts: list[Draft]) -> None:
    """Rule 7 (see :func:`_comparatives`)."""
    _comparatives(ctx, drafts)


def rule_change_of_previous(ctx: Context, drafts: list[Draft], claim_hi: int) -> None:
    """Rule 8: a change no metric word of its own names is a change of the figure it follows:

    * a bare change ("损工事故率为0.18，同比下降0.05") takes that figure's metric and unit;
    * a change in that figure's unit or its numerator ("13,150 kWh per tonne …, about 300 kWh lower than the
      industry average") takes its metric and unit;
    * a relative change ("up 18% year on year") takes its metric when it is in the same clause or within
      :data:`PREVIOUS_FIGURE_CHARS`, unless a metric word stands between them ("… 1.5 GW of solar by 2027 and
      to reduce carbon intensity by 20%"); else the nearest metric word of any kind.
    """
    current = [d.q for d in drafts]
    for i, d in enumerate(drafts):
        if not d.q.change or d.metric is not None or _is_relative_change(d.q):
            continue
        p = previous_figure(drafts, i)
        if p is None:
            continue
        unit_before = p.unit or p.q.unit
        if d.q.unit is None:
            d.metric = p.metric
            d.unit = unit_before or _default_unit(ctx.vocab, p.metric)
        elif unit_before and (unit_before == d.q.unit or unit_before.startswith(f"{d.q.unit}/")):
            d.metric = p.metric
            d.unit = unit_before
    for i, d in enumerate(drafts):
        if d.metric is not None or not _is_relative_change(d.q):
            continue
        p = previous_figure(drafts, i, near=False)
        named = resolve_metric(ctx, d.q, current, lo=p.q.end, hi=d.q.start, any_kind=True) if p else None
        if named is not None:
            d.metric = named
        elif p is not None and (ctx.same_clause(p.q.end, d.q.start) or d.q.start - p.q.end < PREVIOUS_FIGURE_CHARS):
            d.metric = p.metric
        else:
            d.metric = resolve_metric(ctx, d.q, current, hi=claim_hi, any_kind=True)


def rule_limits(ctx: Context, drafts: list[Draft], limit_qs: list[Quantity], split: tuple[int, int] | None,
                quantities: list[Quantity]) -> None:
    """Rule 9: figures after a comparison cue are the limits of the claims before it (same metric, else in
    order); with no figure before the cue, a figure right after "below / better than the limit of" is
    compared with that limit, and "below / lower than" makes it ``less_than``."""
    if split is not None and limit_qs:
        _attach_limits(ctx, drafts, limit_qs, split, quantities)
    if split is None:
        for d in drafts:
            cue = _cue_before(ctx, d.q)
            if cue is not None:
                phrase = _standard_phrase(ctx, cue, d.q.start, ctx.end)
                d.comparison = Comparison(d.q.value, d.q.unit or "", phrase)
                if d.q.qualifier == "exactly" and _LESS_CUES.search(ctx.text[cue:d.q.start]):
                    d.qualifier = "less_than"
