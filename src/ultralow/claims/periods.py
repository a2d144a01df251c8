"""Periods in text: years, year ranges, "since 2015", full dates, fiscal years and named plan periods."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ultralow.claims.numbers import (
    _DATE_EN,
    _DATE_ISO,
    _DATE_ZH,
    _FY,
    _MASKS,
    _MONTHS,
    _YEAR,
    _counted_after,
    _scale_after,
    _unit_after,
    normalise_digits,
)
from ultralow.claims.vocabulary import Vocabulary


@dataclass(frozen=True)
class PeriodMention:
    start: int
    end: int
    period: str
    baseline: bool  # "compared with 2022", "较2022年": the base of a change, not the claim's period


_SINCE = re.compile(r"(?:\bsince\s+|自\s*|从\s*)((?:19|20)\d{2})(?:\s*年)?(?:\s*(?:以来|起|开始))?|((?:19|20)\d{2})\s*年\s*以来",
                    re.IGNORECASE)
_YEAR_RANGE = re.compile(
    r"(?:\bfrom\s+|\bbetween\s+)?((?:19|20)\d{2})\s*(?:年)?\s*(?:-|–|—|~|～|to|至|到|and|through)\s*((?:19|20)\d{2})(?:\s*年)?",
    re.IGNORECASE,
)
_BASELINE_BEFORE = re.compile(r"(?:compared\s+(?:with|to)|versus|vs\.?|than|from|over|relative\s+to|较|比|相比|同比)"
                              r"\s*(?:the\s+)?(?:end\s+of\s+)?$", re.IGNORECASE)


def scan_periods(vocab: Vocabulary, text: str, lo: int = 0, hi: int | None = None) -> list[PeriodMention]:
    """Years, year ranges, "since 2015", full dates and named plan periods in ``text[lo:hi]``."""
    hi = len(text) if hi is None else hi
    norm = normalise_digits(text)
    out: list[PeriodMention] = []
    taken: list[tuple[int, int]] = []

    def add(s: int, e: int, period: str, baseline: bool = False) -> None:
        if any(a < e and s < b for a, b in taken):
            return
        taken.append((s, e))
        out.append(PeriodMention(s, e, period, baseline))

    for m in _DATE_ZH.finditer(norm, lo, hi):
        if m.group(3):
            add(m.start(), m.end(), f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}")
        else:
            add(m.start(), m.end(), f"{m.group(1)}-{int(m.group(2)):02d}")
    for m in _DATE_EN.finditer(norm, lo, hi):
        if m.group(1):
            day, month, year = m.group(1), m.group(2), m.group(3)
        else:
            month, day, year = m.group(4), m.group(5), m.group(6)
        add(m.start(), m.end(), f"{year}-{_MONTHS[month]:02d}-{int(day):02d}")
    for m in _DATE_ISO.finditer(norm, lo, hi):
        add(m.start(), m.end(), m.group(0))
    for m in _SINCE.finditer(norm, lo, hi):
        add(m.start(), m.end(), f"{m.group(1) or m.group(2)}/..")
    for m in _YEAR_RANGE.finditer(norm, lo, hi):
        if int(m.group(1)) < int(m.group(2)):
            add(m.start(), m.end(), f"{m.group(1)}/{m.group(2)}")
    for named in vocab.periods:
        for m in named.words_re.finditer(norm, lo, hi):
            add(m.start(), m.end(), named.period)
    for m in _FY.finditer(norm, lo, hi):
        year = m.group(1)
        add(m.start(), m.end(), year if len(year) == 4 else f"20{year}")
    codes = [m.span() for m in _MASKS[1].finditer(norm, lo, hi)]
    for m in _YEAR.finditer(norm, lo, hi):
        s, e = m.span(1)
        if any(a <= s < b for a, b in codes):
            continue
        if _unit_after(vocab, norm, e, hi) or (not norm.startswith("年", e) and _counted_after(vocab, norm, e, hi)):
            continue
        scale = _scale_after(vocab, norm, e, hi)
        if scale is not None and (_unit_after(vocab, norm, scale[0], hi) or _counted_after(vocab, norm, scale[0], hi)):
            continue  # "总能耗为2019万吨标煤": a value with a scale and a unit, not the year 2019
        baseline = bool(_BASELINE_BEFORE.search(norm[max(lo, s - 24):s])) or bool(
            re.match(r"\s*(?:年)?\s*[:：]", norm[e:e + 4]) and re.search(r"[(（]\s*$", norm[max(lo, s - 3):s]))
        add(s, e, m.group(1), baseline)
    out.sort(key=lambda p: p.start)
    return out
