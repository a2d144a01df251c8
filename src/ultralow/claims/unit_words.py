"""Words next to a number: scale words, units (with per-tonne and per-year forms), counted nouns, qualifiers
and currency or unit words written before the figure. Pure functions over a string; positions are offsets
into it. What the words are comes from the vocabulary (``data/``)."""

from __future__ import annotations

import re
from functools import cache

from ultralow.claims.vocabulary import Vocabulary, find_unit, is_cjk

_SPACES = re.compile(r"\s*")
_JOINT = re.compile(r"-|[ \t]+")  # between a modifier noun and its head noun
_CJK_SCALE_BLOCK = "瓦克米卡焦伏帕赫"


@cache
def _end_anchored(pattern: str) -> re.Pattern[str]:
    return re.compile(f"(?:{pattern})\\s*$")


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _unit_after(vocab: Vocabulary, text: str, pos: int, hi: int) -> tuple[int, int, str, str, float] | None:
    """A suffix unit starting at ``pos`` (after optional spaces): (start, end, unit, kind, factor)."""
    m = _SPACES.match(text, pos, hi)
    p = m.end() if m else pos
    um = vocab.suffix_unit_re.match(text, p, hi)
    if not um:
        return None
    word = um.group(0)
    if _is_word_char(word[-1]) and um.end() < hi and _is_word_char(text[um.end()]):
        return None
    if word[0].isascii() and word[0].isalpha() and p == pos and pos > 0 and text[pos - 1].isascii() \
            and text[pos - 1].isalpha():
        return None
    row = find_unit(vocab, word, prefix=False)
    if row is None:
        return None
    end, unit, kind = um.end(), row.unit, row.kind
    if kind == "intensity":
        # the product of a per-tonne unit is part of the unit ("tCO2e/t Al", "kWh per tonne of aluminium")
        pm = vocab.per_product_re.match(text, end, hi)
        if pm:
            end = pm.end()
    elif (per := _per_tonne_after(vocab, text, end, hi, unit)) is not None:
        # "8 tonnes carbon dioxide equivalent per tonne of aluminium", "0.25 kilogrammes of fluoride per tonne
        # of aluminium": a mass, energy or volume per tonne of product is an intensity
        end, unit, kind = per[0], per[1], "intensity"
    elif kind == "mass" and unit == "t":
        # "2 Mt/yr", "2 million tonnes of alumina a year": a yearly rate
        ym = vocab.per_year_re.match(text, end, hi)
        if ym:
            end, unit, kind = ym.end(), "t/yr", "mass_rate"
    return p, end, unit, kind, row.factor


_PER_TONNE_AFTER = re.compile(
    r"(?:[ \t]+of[ \t]+(?:[A-Za-z][\w\-]*)(?:[ \t]+(?!per\b)[A-Za-z][\w\-]*)?)?"  # "of fluoride", "of carbon dioxide"
    r"[ \t]*(?:per|/|a|每)[ \t]*(?:metric[ \t]+)?(?:tonnes?|tons?|t|吨)(?![A-Za-z])", re.IGNORECASE)


def _per_tonne_after(vocab: Vocabulary, text: str, pos: int, hi: int, unit: str) -> tuple[int, str] | None:
    """(end, per-tonne unit) when ``unit`` at ``pos`` is followed by "per tonne (of <product>)"."""
    per_unit = vocab.per_tonne_units.get(unit)
    if per_unit is None:
        return None
    m = _PER_TONNE_AFTER.match(text, pos, hi)
    if not m:
        return None
    end = m.end()
    pm = vocab.per_product_re.match(text, end, hi)
    if pm:
        end = pm.end()
    return end, per_unit


_MODIFIER = re.compile(r"[ \t]+([a-z][a-z\-]{2,24})(?=[ \t]+[A-Za-z])")
_NOT_MODIFIERS = frozenset({"the", "and", "for", "per", "with", "from", "into", "than", "more", "less", "over", "under",
                            "about", "was", "were", "are", "has", "had", "have", "each", "every", "out", "of", "in", "a"})
_MODIFIED_KINDS = frozenset({"time", "energy", "mass", "volume", "area", "length", "ghg"})


def _unit_after_modifier(vocab: Vocabulary, text: str, pos: int, hi: int
                         ) -> tuple[int, int, tuple[int, int, str, str, float]] | None:
    """A unit word after one modifier noun ("86,000 volunteer hours"): (noun start, noun end, unit)."""
    m = _MODIFIER.match(text, pos, hi)
    if not m or m.group(1) in _NOT_MODIFIERS:
        return None
    unit = _unit_after(vocab, text, m.end(), hi)
    if unit is None or unit[3] not in _MODIFIED_KINDS or not unit[2][:1].isalpha():
        return None
    return m.start(1), m.end(1), unit


def _scale_after(vocab: Vocabulary, text: str, pos: int, hi: int) -> tuple[int, float] | None:
    """A scale word at ``pos`` (English after optional spaces, Chinese directly): (end, factor)."""
    m = _SPACES.match(text, pos, hi)
    p = m.end() if m else pos
    sm = vocab.scale_re.match(text, p, hi)
    if not sm:
        return None
    word = sm.group(0)
    if is_cjk(word[0]):
        if p != pos:
            return None
        if sm.end() < hi and text[sm.end()] in _CJK_SCALE_BLOCK:
            return None
    elif sm.end() < hi and _is_word_char(text[sm.end()]):
        return None
    elif word.lower() in vocab.attached_scales and (p != pos or (sm.end() < hi and text[sm.end()] in "²³/")):
        return None  # "US$6.3m", "4.2m hours": only written straight after the digits
    return sm.end(), vocab.scale_by_word[word.lower()]


def _counted_after(vocab: Vocabulary, text: str, pos: int, hi: int) -> tuple[int, int, str] | None:
    """A counted noun after a bare number: a Chinese measure word directly, or an English noun within
    four words ("10 provincial-level standardized high-standard kindergartens")."""
    if pos < hi and is_cjk(text[pos]):
        cm = vocab.counted_cjk_re.match(text, pos, hi)
        if cm and not (cm.group(0) == "人" and text.startswith("人民币", pos)):
            return cm.start(), cm.end(), vocab.counted_by_word[cm.group(0).lower()].unit
        return None
    window = text[pos:min(hi, pos + 80)]
    for m in vocab.counted_en_re.finditer(window):
        before = window[:m.start()]
        if re.search(r"[,;:.()\d%]|\b(?:and|or|of|in|to|for|from|with|by|at|on|which|that|were|was|are|is|has|have)\b",
                     before, re.IGNORECASE):
            break
        if len(before.split()) > 4:
            break
        row = vocab.counted_by_word.get(m.group(0).lower())
        if row is None:
            row = vocab.counted_by_word.get(m.group(0).lower().rstrip("s"))
        if row is None:
            # plural forms matched by the word pattern ("stations" for "station")
            for key, value in vocab.counted_by_word.items():
                if m.group(0).lower().startswith(key):
                    row = value
                    break
        if row is not None:
            # a counted noun used as a modifier: the head noun after it is what is counted
            # ("1,300 secondary-school pupils", "200 school teachers")
            joint = _JOINT.match(window, m.end())
            if joint and vocab.counted_en_re.match(window, joint.end()):
                continue
            return pos + m.start(), pos + m.end(), row.unit
    return None


def _qualifier_before(vocab: Vocabulary, text: str, pos: int, lo: int) -> str | None:
    window = text[max(lo, pos - 30):pos]
    m = _end_anchored(vocab.qualifier_before_re.pattern).search(window)
    if not m:
        return None
    word = m.group(0).strip()
    if word and word[0].isascii() and word[0].isalpha() and m.start() > 0 and window[m.start() - 1].isalpha():
        return None
    return vocab.qualifier_by_word.get((re.sub(r"\s+", " ", word).lower(), False))


def _qualifier_after(vocab: Vocabulary, text: str, pos: int, hi: int) -> tuple[str, int] | None:
    m = _SPACES.match(text, pos, hi)
    p = m.end() if m else pos
    qm = vocab.qualifier_after_re.match(text, p, hi)
    if not qm:
        return None
    word = qm.group(0)
    if word[0].isascii():
        if p == pos or (qm.end() < hi and text[qm.end()].isalpha()):
            return None
    elif p != pos:
        return None
    name = vocab.qualifier_by_word.get((re.sub(r"\s+", " ", word).lower(), True))
    return (name, qm.end()) if name else None


def _prefix_unit(vocab: Vocabulary, text: str, pos: int, lo: int) -> tuple[int, str, str, float] | None:
    window = text[max(lo, pos - 8):pos]
    m = _end_anchored(vocab.prefix_unit_re.pattern).search(window)
    if not m:
        return None
    word = m.group(0).strip()
    start = max(lo, pos - 8) + m.start()
    if word[0].isascii() and word[0].isalpha() and start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
        return None
    row = find_unit(vocab, word, prefix=True)
    if row is None:
        return None
    return start, row.unit, row.kind, row.factor
