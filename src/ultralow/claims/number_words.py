"""Numbers written in words: English number words and fractions, Chinese numerals, and durations.

Pure functions over a string; each returns positions in that string and the value. Chinese numerals are
read with cn2an ("三亿五千万" = 350,000,000, "六点五" = 6.5, "二百四十万" = 2,400,000); what is a claim is
decided by :mod:`ultralow.claims.numbers` (a word number needs a unit or a counted noun after it).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

EN_NUMBERS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ONES = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
# "twenty-five", "one hundred", "two hundred and fifty", "a dozen", "nine"
EN_NUMBER_RE = re.compile(
    r"(?<![A-Za-z\-])(?:(?P<h>" + "|".join(_ONES) + r")\s+hundred(?:\s+(?:and\s+)?(?P<hr>(?:" + "|".join(_TENS)
    + r")(?:[-\s](?:" + "|".join(_ONES) + r"))?|" + "|".join(EN_NUMBERS) + r"))?"
    r"|(?P<t>" + "|".join(_TENS) + r")[-\s](?P<to>" + "|".join(_ONES) + r")"
    r"|(?P<w>" + "|".join(sorted(EN_NUMBERS, key=len, reverse=True)) + r"))(?![A-Za-z\-])",
    re.IGNORECASE,
)

# fractions of a whole, written as words, before "of": "about half of the electricity", "two thirds of"
FRACTIONS: dict[str, float] = {
    "half": 50.0, "a third": 100 / 3, "one third": 100 / 3, "one-third": 100 / 3, "two thirds": 200 / 3,
    "two-thirds": 200 / 3, "a quarter": 25.0, "one quarter": 25.0, "one-quarter": 25.0, "three quarters": 75.0,
    "three-quarters": 75.0, "a fifth": 20.0, "one fifth": 20.0, "one-fifth": 20.0, "一半": 50.0, "半数": 50.0,
    "三分之一": 100 / 3, "三分之二": 200 / 3, "四分之一": 25.0, "四分之三": 75.0,
}
FRACTION_RE = re.compile(
    r"(?<![A-Za-z\-])(" + "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in sorted(
        (f for f in FRACTIONS if f.isascii()), key=len, reverse=True)) + r")(?=\s+of\b)"
    r"|(" + "|".join(f for f in FRACTIONS if not f.isascii()) + r")(?=以上|左右|的|[\u4e00-\u9fff])",
    re.IGNORECASE,
)

_CJK_DIGIT = "零〇一二两三四五六七八九"
# a Chinese numeral: starts with a digit or 十, may hold 十百千万亿 and a decimal part ("六点五")
CJK_NUMERAL_RE = re.compile(rf"(?<![第{_CJK_DIGIT}十百千万亿])[{_CJK_DIGIT}十][{_CJK_DIGIT}十百千万亿]*(?:点[{_CJK_DIGIT}]+)?")
CJK_PERCENT_RE = re.compile(rf"百分之([{_CJK_DIGIT}十百][{_CJK_DIGIT}十百千]*(?:点[{_CJK_DIGIT}]+)?)")

_NUMBER = r"(?:\d+(?:\.\d+)?|" + EN_NUMBER_RE.pattern.replace("(?P<h>", "(?:").replace("(?P<hr>", "(?:") \
    .replace("(?P<t>", "(?:").replace("(?P<to>", "(?:").replace("(?P<w>", "(?:") + ")"
# durations in years stated as a claim: "for 4 years", "three consecutive years", "five years early",
# "10 years in a row", "连续3年", "连续五年" (a bare "N years" is an age or a span of time, not counted)
DURATION_RES = (
    re.compile(r"(?<![A-Za-z])for\s+(?:the\s+(?:past|last)\s+)?(?P<n>" + _NUMBER + r")\s+(?:consecutive\s+)?years?(?![A-Za-z])",
               re.IGNORECASE),
    re.compile(r"(?P<n>" + _NUMBER + r")\s+(?:consecutive\s+years?|years?\s+(?:early|ahead|in\s+a\s+row|running))(?![A-Za-z])",
               re.IGNORECASE),
    re.compile(rf"连续\s*(?P<n>\d+|[{_CJK_DIGIT}十]+)\s*(?:个)?年(?!度|代)"),
)


@dataclass(frozen=True)
class WordNumber:
    start: int
    end: int
    value: float


def en_number_value(m: re.Match[str]) -> float:
    """The value of an :data:`EN_NUMBER_RE` match."""
    if m.group("h"):
        value = EN_NUMBERS[m.group("h").lower()] * 100
        rest = m.group("hr")
        if rest:
            parts = re.split(r"[-\s]", rest.lower())
            value += sum(EN_NUMBERS[p] for p in parts)
        return float(value)
    if m.group("t"):
        return float(EN_NUMBERS[m.group("t").lower()] + EN_NUMBERS[m.group("to").lower()])
    return float(EN_NUMBERS[m.group("w").lower()])


def word_value(raw: str) -> float | None:
    """A number written in digits, English words or Chinese numerals ("4", "four", "twenty-one", "五", "十二")."""
    raw = raw.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        return float(raw)
    m = EN_NUMBER_RE.fullmatch(raw)
    if m:
        return en_number_value(m)
    return cjk_value(raw)


def cjk_value(raw: str) -> float | None:
    """A Chinese numeral's value with cn2an ("三亿五千万" -> 3.5e8), None when it is not one ("十四五")."""
    import cn2an

    logging.getLogger("cn2an").setLevel(logging.ERROR)
    try:
        value = cn2an.cn2an(raw, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return float(value)


def durations(text: str, lo: int, hi: int) -> list[WordNumber]:
    """Durations in years (see :data:`DURATION_RES`): span of the number and its "years"/"年"."""
    out: list[WordNumber] = []
    for regex in DURATION_RES:
        for m in regex.finditer(text, lo, hi):
            value = word_value(m.group("n"))
            if value is None or value <= 0:
                continue
            end = m.end()
            if regex is DURATION_RES[1]:
                # the span is the figure and its "years" ("three consecutive years")
                end = m.start("n") + len(re.match(r".*?years?", text[m.start("n"):m.end()], re.IGNORECASE | re.S)
                                         .group(0))  # type: ignore[union-attr]
            out.append(WordNumber(m.start("n"), end, value))
    out.sort(key=lambda w: w.start)
    kept: list[WordNumber] = []
    for w in out:
        if not kept or w.start >= kept[-1].end:
            kept.append(w)
    return kept
