"""Sentences and clauses of prose, as character ranges of the document text (English and Chinese)."""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset({
    "e.g", "i.e", "etc", "no", "nos", "co", "ltd", "inc", "vs", "approx", "fig", "art", "st", "mr", "mrs", "ms", "dr",
    "u.s", "u.k", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "p", "pp",
    "cf", "al", "corp", "dept", "est", "govt", "mt", "para",
})
_LINE_START_BREAK = re.compile(r"\s*(?:[-*+•·▪●◆■>#|]|\d{1,2}[.)、]\s|\(\d{1,2}\)|（\d{1,2}）|[一二三四五六七八九十]+、|注|Note)")
_TERMINAL = "。！？!?"
_CLOSERS = "\"'”’）)]】」』"


def split_sentences(text: str, lo: int, hi: int, *, lines_are_blocks: bool = False) -> list[tuple[int, int]]:
    """Sentence ranges in ``text[lo:hi]``, trimmed of surrounding whitespace and list markers.

    Ends a sentence at 。！？!? ; at "." followed by a space (not after an abbreviation or inside a
    number); at a blank line; at a line break before a bullet, heading, list item or table row, or after
    a line ending in punctuation or a colon. ``lines_are_blocks`` (HTML text) makes every line break an end.
    """
    cuts: list[int] = []
    i = lo
    while i < hi:
        ch = text[i]
        if ch in _TERMINAL:
            j = i + 1
            while j < hi and text[j] in _CLOSERS:
                j += 1
            cuts.append(j)
            i = j
            continue
        if ch == "." and _is_full_stop(text, i, hi):
            j = i + 1
            while j < hi and text[j] in _CLOSERS:
                j += 1
            cuts.append(j)
            i = j
            continue
        if ch == "\n" and _is_line_break(text, i, lo, hi, lines_are_blocks):
            cuts.append(i)
        i += 1
    out: list[tuple[int, int]] = []
    start = lo
    for cut in [*cuts, hi]:
        s, e = _trim(text, start, cut)
        if e > s and any(c.isalnum() for c in text[s:e]):
            out.append((s, e))
        start = cut
    return out


def _is_full_stop(text: str, i: int, hi: int) -> bool:
    nxt = text[i + 1] if i + 1 < hi else " "
    if not (nxt.isspace() or nxt in _CLOSERS):
        return False
    m = re.search(r"([A-Za-z.]+)$", text[max(0, i - 8):i])
    if m and m.group(1).lower().strip(".") in _ABBREVIATIONS:
        return False
    return not (m and len(m.group(1)) == 1 and m.group(1).isupper())


def _is_line_break(text: str, i: int, lo: int, hi: int, lines_are_blocks: bool) -> bool:
    if lines_are_blocks:
        return True
    line_start = text.rfind("\n", lo, i) + 1
    line = text[max(lo, line_start):i].rstrip()
    nxt_end = text.find("\n", i + 1, hi)
    nxt = text[i + 1:hi if nxt_end < 0 else nxt_end]
    if not line.strip() or not nxt.strip():
        return True
    if line.lstrip().startswith(("#", "|")) or _LINE_START_BREAK.match(nxt):
        return True
    if line[-1] in ".:;。：；！？!?" or line[-1] in _CLOSERS:
        return True
    first = nxt.lstrip()[:1]
    if first.islower() or (first and "\u4e00" <= first <= "\u9fff" and len(line) > 30):
        return False
    # an indented line continues a list item; a line ending in a function word continues the sentence
    if nxt[:1].isspace() or re.search(r"\b(?:of|the|a|an|and|or|to|in|by|for|with|from|at|on|than|was|were|is|are)$",
                                      line, re.IGNORECASE):
        return False
    return len(line) < 40


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in "-*+•·▪●◆■>#|"):
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


_CLAUSE_MARK = re.compile(r";|；|，|:|：|,(?!\d{3})|\s[–—]\s|\bwhich\b|\bwhile\b|\bwhereas\b")


def clause_bounds(text: str, s: int, e: int) -> list[int]:
    """Positions inside ``text[s:e]`` where a clause ends (commas between digits of a number excluded)."""
    return [m.start() for m in _CLAUSE_MARK.finditer(text, s, e)]
