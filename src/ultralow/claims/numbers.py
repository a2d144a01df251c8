"""Figures in text: numbers with their scale words, units, qualifiers, ranges and changes; and periods.

Pure functions over a string and a character range; every position returned is an offset into that
string. Nothing here decides the metric (see :mod:`ultralow.claims.extract`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from ultralow.claims.number_words import (
    CJK_NUMERAL_RE,
    CJK_PERCENT_RE,
    EN_NUMBER_RE,
    FRACTION_RE,
    FRACTIONS,
    cjk_value,
    durations,
    en_number_value,
)
from ultralow.claims.vocabulary import Vocabulary, find_unit, is_cjk

# ASCII digits only after normalising full-width digits (same length, so offsets hold).
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CJK_ZERO = re.compile(r"零(?:死亡|亡人|伤亡)")  # "零死亡事故": zero fatalities
_CJK_SCALE_BLOCK = "瓦克米卡焦伏帕赫"
_SPACES = re.compile(r"\s*")
_SUBSTANCE_BEFORE = re.compile(r"(?:标准煤|标煤)(?:约|近|超过|逾)?$")
_JOINT = re.compile(r"-|[ \t]+")  # between a modifier noun and its head noun
_YEAR_PREPOSITION = re.compile(r"\b(?:in|since|by|during|until|till|from|of|for|year|before|after|through)\s+$",
                               re.IGNORECASE)
_PHRASAL = re.compile(r"\b(?:made|make|makes|making|set|sets|setting|took|take|takes|taken|picked|built|broken|break|"
                      r"ended|end|signed|stepped|added|summed|adds|turned|shut|scaled|ramped|wound)\s*$", re.IGNORECASE)
_RANGE_SEP = re.compile(r"\s*(?:-|–|—|~|～|〜|to|至|到|and)\s*", re.IGNORECASE)
_YEAR = re.compile(r"(?<![A-Za-z0-9.,])((?:19|20)\d{2})(?![\d,.]\d)")
_FY = re.compile(r"\bFY\s?((?:19|20)?\d{2})\b")
_DATE_EN = re.compile(
    r"(?:(\d{1,2})\s+(January|February|March|April|May|June|July|August|September|October|November|December)\s+"
    r"((?:19|20)\d{2}))|(?:(January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+(\d{1,2}),?\s+((?:19|20)\d{2}))",
)
_DATE_ZH = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_DATE_ISO = re.compile(r"((?:19|20)\d{2})-(\d{2})-(\d{2})")
_MONTHS = {m: i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
     "December"], start=1)}


@dataclass(frozen=True)
class Quantity:
    """A figure found in text.

    ``start``/``end`` cover the figure with its currency, scale and unit words ("$200 million",
    "90 billion Yuan", "10万人"); ``value``/``value_max`` are in ``unit`` (scale applied); ``unit_from``
    says where the unit came from ("unit", "counted", "" = none yet); ``change`` is +1/-1 for an
    increase/decrease ("up 5%"), 0 otherwise; ``step`` is the stated precision in ``unit``.
    """

    start: int
    end: int
    value: float
    value_max: float | None
    unit: str | None
    kind: str | None
    unit_from: str
    qualifier: str
    change: int
    step: float
    counted_start: int = -1
    counted_end: int = -1
    has_scale: bool = False
    factor: float = 1.0
    is_year: bool = False
    word_number: bool = False


@cache
def _end_anchored(pattern: str) -> re.Pattern[str]:
    return re.compile(f"(?:{pattern})\\s*$")


@lru_cache(maxsize=16)
def normalise_digits(text: str) -> str:
    """Full-width digits, point and percent to ASCII (same length); cached, as every sentence of a
    document asks for the same text."""
    return text.translate(_FULLWIDTH)


@cache
def _after_regex(words: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for the ``not_a_claim.after`` words (English words with a word end, others as prefixes)."""
    parts = []
    for word in words:
        if word[0].isascii() and word[0].isalpha():
            parts.append(r"\s?" + re.escape(word) + r"(?![A-Za-z])")
        else:
            parts.append(re.escape(word))
    return re.compile("|".join(parts))


def _parse_number(raw: str) -> tuple[float, int]:
    """Value and decimals of "1,234.5" -> (1234.5, 1)."""
    plain = raw.replace(",", "")
    decimals = len(plain.split(".")[1]) if "." in plain else 0
    return float(plain), decimals


def parse_cjk_numeral(raw: str) -> int | None:
    """Chinese numerals as an integer: 两 -> 2, 十五 -> 15, 三百 -> 300, 三亿五千万 -> 350000000 (cn2an)."""
    value = cjk_value(raw)
    return None if value is None or value != int(value) else int(value)


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


def change_before(vocab: Vocabulary, text: str, pos: int, lo: int, unit_kind: str | None) -> int:
    """+1/-1 when the figure at ``pos`` is an increase/decrease ("up 5%", "同比下降12%", "reduced ... by 30%")."""
    window = text[max(lo, pos - 40):pos]
    # a qualifier between the cue and the figure ("grew by roughly 16%", "低约300千瓦时") does not hide the cue
    qualifier = _end_anchored(vocab.qualifier_before_re.pattern).search(window)
    if qualifier and qualifier.start() > 0:
        window = window[:qualifier.start()]
    clause = re.split(r"[,;:，；：。]", text[max(lo, pos - 160):pos])[-1]
    for sign, regex in ((1, vocab.increase_re), (-1, vocab.decrease_re)):
        m = _end_anchored(regex.pattern).search(window)
        if m:
            word = m.group(0).strip().lower()
            bare = word in {"up", "down", "rose", "grew", "fell", "dropped", "declined"}
            if bare and unit_kind not in {"share", "share_change"}:
                return 0
            # "made up 18.7%", "set up 3 schools", "broken down": a phrasal verb, not a change
            if word in {"up", "down"} and _PHRASAL.search(window[:m.start()]):
                return 0
            return sign
    if re.search(r"\bby\s*$", window):
        if vocab.verbs_decrease_re.search(clause):
            return -1
        if vocab.verbs_increase_re.search(clause):
            return 1
        # rule "elliptical change": "reduced fluoride emissions by 34%, and fluoride intensity by 10%" -- the
        # verb of the statement before the comma governs the "by" figure after it (the nearest verb wins)
        wide = text[max(lo, pos - 160):pos]
        verbs = [(m.end(), -1) for m in vocab.verbs_decrease_re.finditer(wide)] + \
                [(m.end(), 1) for m in vocab.verbs_increase_re.finditer(wide)]
        if verbs and not re.search(r"[;；。]", wide[max(verbs)[0]:]):
            return max(verbs)[1]
    if vocab.comparative_before_re.search(clause):
        if _end_anchored(vocab.comparative_lower_re.pattern).search(window):
            return -1
        if _end_anchored(vocab.comparative_higher_re.pattern).search(window):
            return 1
    return 0


def change_after(vocab: Vocabulary, text: str, pos: int, hi: int) -> int:
    """+1/-1 when the figure ending at ``pos`` is a difference from an earlier year or an average
    ("7.9% below its 2022 level", "300 kWh lower than the industry average")."""
    if vocab.decrease_after_re.match(text, pos, hi) or vocab.noun_decrease_re.match(text, pos, hi):
        return -1
    if vocab.increase_after_re.match(text, pos, hi) or vocab.noun_increase_re.match(text, pos, hi):
        return 1
    return 0


def _not_a_claim(vocab: Vocabulary, text: str, start: int, end: int, lo: int) -> bool:
    """Ranks, references, ages, durations and date parts (context.toml ``not_a_claim``)."""
    before = text[max(lo, start - 24):start]
    bm = re.search(r"([A-Za-z][A-Za-z/]*\.?)\s*$", before)
    if bm and bm.group(1).lower() in vocab.not_before:
        return True
    stripped = before.rstrip()
    if stripped and is_cjk(stripped[-1]):
        for word in vocab.not_before:
            if is_cjk(word[0]) and stripped.endswith(word):
                return True
    if _after_regex(vocab.not_after).match(text, end, min(len(text), end + 24)):
        return True
    if start >= 2 and text[start - 1] in "-–" and text[start - 2].isalpha():
        return True  # COVID-19, ISO-14001
    return start >= 1 and text[start - 1] in "#@"


def _scan_one(vocab: Vocabulary, text: str, s: int, e: int, raw_value: float, decimals: int, lo: int, hi: int,
              word_number: bool = False) -> Quantity | None:
    """Scale, unit, counted noun and qualifiers around one number ``text[s:e]``."""
    pos = e
    qualifier: str | None = None
    if pos < hi and text[pos] in "余多":
        qualifier = "more_than"
        pos += 1
    factor = 1.0
    has_scale = False
    before_scale = pos
    scale = _scale_after(vocab, text, pos, hi)
    attached = bool(scale) and text[pos:scale[0]].lower() in vocab.attached_scales if scale else False
    if scale:
        pos, factor = scale[0], scale[1]
        has_scale = True
        if pos < hi and text[pos] in "余多":
            qualifier = "more_than"
            pos += 1
    start = s
    unit: str | None = None
    kind: str | None = None
    unit_from = ""
    counted_start = counted_end = -1
    prefix = _prefix_unit(vocab, text, s, lo)
    if prefix:
        start, unit, kind, pfactor = prefix
        factor *= pfactor
        unit_from = "unit"
    suffix = _unit_after(vocab, text, pos, hi)
    if suffix and not (unit and suffix[3] != kind):
        if unit is None:
            factor *= suffix[4]
        unit, kind = suffix[2], suffix[3]
        unit_from = "unit"
        pos = suffix[1]
    elif unit is None and (modified := _unit_after_modifier(vocab, text, pos, hi)) is not None:
        # "86,000 volunteer hours", "1.1 million training hours": a noun between the figure and its unit
        counted_start, counted_end, (_, unit_end, unit, kind, ufactor) = modified
        factor *= ufactor
        unit_from = "unit"
        pos = unit_end
    elif unit is None:
        counted = _counted_after(vocab, text, pos, hi)
        if counted:
            counted_start, counted_end, unit = counted
            kind = unit
            unit_from = "counted"
            if is_cjk(text[counted_start]):
                pos = counted_end
    if unit == "t" and _SUBSTANCE_BEFORE.search(text, max(lo, start - 8), start):
        # "节约标准煤4.6万吨": tonnes of standard coal named right before the figure are tce
        unit, kind = "tce", "energy"
    if kind == "money" and unit is not None and (price := vocab.per_tonne_price_re.match(text, pos, hi)):
        # "RMB 80 per tonne of CO2e": a price
        unit, kind, pos = f"{unit}/t", "price", price.end()
    if attached and unit is None:
        # "15m high": an abbreviated scale needs a currency or a unit ("US$6.3m", "4.2m hours"); without one the
        # "m" may be metres, so the figure is the bare number
        factor, has_scale, pos = 1.0, False, before_scale
    if word_number and not unit_from:
        return None  # a number word is a figure only with a unit or a counted noun after it
    after_q = _qualifier_after(vocab, text, pos, hi)
    if after_q:
        qualifier = after_q[0]
    before_q = _qualifier_before(vocab, text, start, lo)
    if before_q:
        qualifier = before_q
    value = raw_value * factor
    step = factor / (10 ** decimals)
    return Quantity(
        start=start, end=pos, value=value, value_max=None, unit=unit, kind=kind, unit_from=unit_from,
        qualifier=qualifier or "exactly", change=0, step=step, counted_start=counted_start,
        counted_end=counted_end, has_scale=has_scale, factor=factor, word_number=word_number,
    )


def scan_quantities(vocab: Vocabulary, text: str, lo: int = 0, hi: int | None = None) -> list[Quantity]:
    """All figures in ``text[lo:hi]`` that can be claims (years, ranks, references and dates left out)."""
    hi = len(text) if hi is None else hi
    norm = normalise_digits(text)
    masked = _masked_ranges(norm, lo, hi)
    out: list[Quantity] = []
    consumed_until = lo
    for m in vocab.number_re.finditer(norm, lo, hi):
        s, e = m.span(1)
        if s < consumed_until or any(a <= s < b for a, b in masked):
            continue
        raw, decimals = _parse_number(m.group(1))
        if _not_a_claim(vocab, norm, s, e, lo):
            continue
        q = _scan_one(vocab, norm, s, e, raw, decimals, lo, hi)
        if q is None:
            continue
        if _looks_like_year(norm, m.group(1), q, e, hi):
            continue
        negative = s >= 1 and norm[s - 1] in "-−" and (s < 2 or norm[s - 2] in " \t|(（:：")
        if negative:
            q = replace(q, value=-q.value, start=s - 1)
        elif s >= 1 and norm[s - 1] == "+":
            q = replace(q, start=s - 1, change=1)
        q = _with_range(vocab, norm, q, m.group(1), lo, hi)
        if q.change == 0:
            change = change_before(vocab, norm, q.start, lo, q.kind) or change_after(vocab, norm, q.end, hi)
            if change:
                q = replace(q, change=change)
        out.append(q)
        consumed_until = q.end
    out.extend(_word_numbers(vocab, norm, lo, hi, masked, out))
    out.sort(key=lambda q: q.start)
    return out


def _looks_like_year(text: str, raw: str, q: Quantity, e: int, hi: int) -> bool:
    """A 4-digit number 1900-2100 without a unit, or after "in/since/by …", or whose counted noun is some
    words away ("In 2024 the Group's plants …"), is a year."""
    if q.has_scale or "," in raw or "." in raw or not raw.isdigit() or not 1900 <= int(raw) <= 2100:
        return False
    if q.unit is None:
        return True
    if q.unit_from == "counted" and not is_cjk(text[q.counted_start]) and len(text[e:q.counted_start].split()) >= 1:
        return True
    return bool(_YEAR_PREPOSITION.search(text, max(0, q.start - 12), q.start))


def _with_range(vocab: Vocabulary, text: str, q: Quantity, raw: str, lo: int, hi: int) -> Quantity:
    """Join "10–20 mg/m3", "10 to 20", "10至20", "between 10 and 20", "5-8万元" into one figure."""
    sep = _RANGE_SEP.match(text, q.end, hi)
    if not sep:
        return q
    word = sep.group(0).strip().lower()
    if word == "and" and not re.search(r"between\s*$", text[max(lo, q.start - 12):q.start], re.IGNORECASE):
        return q
    if word == "to":
        before = text[max(lo, q.start - 40):q.start]
        # "fell from 1,371 t to 1,234 t" is two figures; "range from 12 to 20" is a range
        if re.search(r"\bfrom\s*$", before, re.IGNORECASE) and (
                vocab.verbs_decrease_re.search(before) or vocab.verbs_increase_re.search(before)
                or vocab.increase_re.search(before) or vocab.decrease_re.search(before)):
            return q
    if word == "to" and q.qualifier != "exactly":
        return q
    m2 = vocab.number_re.match(text, sep.end(), hi)
    if not m2:
        return q
    raw2, dec2 = _parse_number(m2.group(1))
    second = _scan_one(vocab, text, m2.start(1), m2.end(1), raw2, dec2, lo, hi)
    if second is None:
        return q
    if q.unit and second.unit and q.unit != second.unit:
        return q
    if q.unit is None and second.unit is None:
        return q
    first_value = q.value
    step = q.step
    if not q.has_scale and second.has_scale and q.unit_from != "unit":
        factor = second.value / raw2 if raw2 else 1.0
        first_value = q.value * factor
        step = step * factor
    elif q.unit is None and second.unit is not None and not q.has_scale:
        factor = second.value / raw2 if raw2 else 1.0
        first_value = q.value * factor
        step = step * factor
    if not first_value < second.value:
        return q
    unit = q.unit or second.unit
    kind = q.kind or second.kind
    return replace(q, value=first_value, value_max=second.value, unit=unit, kind=kind, end=second.end,
                   unit_from=q.unit_from or second.unit_from, step=min(step, second.step),
                   counted_start=second.counted_start if q.counted_start < 0 else q.counted_start,
                   counted_end=second.counted_end if q.counted_end < 0 else q.counted_end)


def _word_numbers(vocab: Vocabulary, text: str, lo: int, hi: int, masked: list[tuple[int, int]],
                  found: list[Quantity]) -> list[Quantity]:
    """Figures written in words (:mod:`ultralow.claims.number_words`): English number words with a unit or a
    counted noun ("two medical stations", "one million tonnes per year"), fractions ("about half of"), Chinese
    numerals ("三亿五千万元", "十余个项目", "百分之十五"), bare Chinese scales ("逾百亿元"), "零死亡" and durations
    ("for 4 years", "连续3年")."""
    out: list[Quantity] = []
    taken = [(q.start, q.end) for q in found] + masked

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken)

    def add(q: Quantity) -> None:
        out.append(q)
        taken.append((q.start, q.end))

    for w in durations(text, lo, hi):
        if free(w.start, w.end):
            add(Quantity(start=w.start, end=w.end, value=w.value, value_max=None, unit="yr", kind="duration",
                         unit_from="unit", qualifier=_qualifier_before(vocab, text, w.start, lo) or "exactly",
                         change=0, step=1.0, word_number=not text[w.start].isdigit()))
    for m in FRACTION_RE.finditer(text, lo, hi):
        if not free(m.start(), m.end()):
            continue
        value = FRACTIONS[re.sub(r"\s+", " ", m.group(0)).lower()]
        add(Quantity(start=m.start(), end=m.end(), value=value, value_max=None, unit="%", kind="share",
                     unit_from="unit", qualifier=_qualifier_before(vocab, text, m.start(), lo) or "exactly", change=0,
                     step=1.0, word_number=True))
    for m in EN_NUMBER_RE.finditer(text, lo, hi):
        if not free(m.start(), m.end()):
            continue
        if vocab.not_before_word_number_re.search(text, max(lo, m.start() - 16), m.start()):
            continue
        q = _scan_one(vocab, text, m.start(), m.end(), en_number_value(m), 0, lo, hi, word_number=True)
        if q is not None:
            add(q)
    for m in vocab.bare_scale_re.finditer(text, lo, hi):
        # "逾百亿元", "近万人": a scale word with no digits, after a qualifier, is one of that scale
        if not free(m.start(1), m.end(1)):
            continue
        q = _scan_one(vocab, text, m.start(1), m.start(1), 1.0, 0, lo, hi)
        if q is not None and q.has_scale and q.unit is not None:
            add(replace(q, step=q.factor))
    for m in _CJK_ZERO.finditer(text, lo, hi):
        if not free(m.start(), m.end()):
            continue
        add(Quantity(
            start=m.start(), end=m.start() + 1, value=0.0, value_max=None, unit="people", kind="people",
            unit_from="counted", qualifier="exactly", change=0, step=1.0, counted_start=m.start() + 1,
            counted_end=m.end(), word_number=True,
        ))
    for m in CJK_PERCENT_RE.finditer(text, lo, hi):
        pct = cjk_value(m.group(1))
        if pct is None or not free(m.start(), m.end()):
            continue
        decimals = len(m.group(1).split("点")[1]) if "点" in m.group(1) else 0
        q = Quantity(start=m.start(), end=m.end(), value=pct, value_max=None, unit="%", kind="share",
                     unit_from="unit", qualifier=_qualifier_before(vocab, text, m.start(), lo) or "exactly", change=0,
                     step=10.0 ** -decimals, word_number=True)
        change = change_before(vocab, text, q.start, lo, q.kind)
        add(replace(q, change=change) if change else q)
    for m in CJK_NUMERAL_RE.finditer(text, lo, hi):
        if not free(m.start(), m.end()):
            continue
        if vocab.not_before_word_number_re.search(text, max(lo, m.start() - 4), m.start()):
            continue
        if _not_a_claim(vocab, text, m.start(), m.end(), lo):
            continue
        cjk = cjk_value(m.group(0))
        if cjk is None:
            continue
        value = cjk
        decimals = len(m.group(0).split("点")[1]) if "点" in m.group(0) else 0
        q = _scan_one(vocab, text, m.start(), m.end(), value, decimals, lo, hi, word_number=True)
        if q is None or (value < 2 and q.unit_from == "counted") or text.startswith("次", q.counted_start):
            continue
        if q.unit_from == "counted" and not is_cjk(text[q.counted_start]):
            continue
        change = change_before(vocab, text, q.start, lo, q.kind)
        add(replace(q, change=change) if change else q)
    return out


_MASKS = [
    re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+"),
    re.compile(r"\b(?:GB|GB/T|HJ|HJ/T|DB\d{0,2}|DB\d{2}/T|ISO|IEC|OHSAS|SA|EN|ASTM|AQ|YS|YS/T)\s?[\d./:\-—]+\d"),
    re.compile(r"〔\d{4}〕\s*\d+\s*号|\[\d{4}\]\s*No\.\s*\d+"),
    re.compile(r"\[\^?\d+\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+"),
    re.compile(r"(?m)^\s*(?:[-*+•]\s*)?(?:\d{1,2}[.)、](?=\s|[^\d])|\(\d{1,2}\)|（\d{1,2}）)"),
    re.compile(r"(?m)^\s*\d{1,2}(?=\s+[A-Z\u4e00-\u9fff])(?!\s+(?:[A-Z][a-z]*\s)?(?:employees|workers|people|bases|"
               r"households|trees|schools|units|projects|Rainbow))"),
    re.compile(r"\d{1,2}:\d{2}"),
    _DATE_EN,
    _DATE_ZH,
    _DATE_ISO,
    re.compile(r"\b\d{1,2}\s*(?:月|日)\b|\d{1,2}月\d{1,2}日|\d{1,2}月"),
]


def _masked_ranges(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for regex in _MASKS:
        for m in regex.finditer(text, lo, hi):
            out.append(m.span())
    return out
