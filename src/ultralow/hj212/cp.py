"""The CP data area (HJ 212-2017 6.3.3): ``key=value`` items, ``//…//`` Info texts, factor keys.

Items of one factor are joined by ``,``, different items by ``;``; both separators are accepted
anywhere (``BeginTime``/``EndTime`` come both ways).  A key ``code-Suffix`` splits at its first ``-``
into a factor code and a suffix (``Rtd``, ``Avg``, ``Flag``, ``ZsAvg``, …); keys without ``-`` are
globals (``DataTime``, ``PolId``, ``QnRtn``, …).  Values are kept as the exact text sent.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import islice
from typing import Final

_AFTER_INFO: Final = re.compile(r"\s*(?:[;,]|$)")  # what may follow the closing // of an Info text
_SEPARATOR: Final = re.compile(r"[;,]")
_NOT_SEPARATORS: Final = bytes(b for b in range(256) if b not in b";,=")
_MAX_LAYOUTS: Final = 1024


# The layout of a CP with known keys, in order: (global name, None) takes one value, (factor code,
# suffixes) takes one value per suffix.
_Layout = tuple[tuple[str, tuple[str, ...] | None], ...]

# A device sends the same keys in every packet (only the values change), so the work of reading the
# keys is done once per key sequence and reused; bounded, cleared when full.
_LAYOUTS: dict[str, _Layout] = {}


def _split_plain(cp: str) -> tuple[list[tuple[str, str]], bool]:
    items: list[tuple[str, str]] = []
    bad = False
    for item in cp.replace(",", ";").split(";"):
        key, sep, value = item.partition("=")
        key = key.strip()
        if sep and key:
            items.append((key, value))
        elif item.strip():
            bad = True
    return items, bad


def _info_ends(cp: str) -> list[int]:
    """End offsets of every ``//`` that may close an Info text (then blanks, then ``;``/``,``/end)."""
    ends: list[int] = []
    at = cp.find("//")
    while at >= 0:
        if _AFTER_INFO.match(cp, at + 2):
            ends.append(at + 2)
        at = cp.find("//", at + 1)
    return ends


def _split_info(cp: str) -> tuple[list[tuple[str, str]], bool]:
    """Items of a CP holding ``//…//`` texts, which may contain ``;``, ``,`` and ``=`` themselves.

    A value starting with ``//`` runs to the first ``//`` followed by a separator or the end; other
    values run to the next separator.  One pass over precomputed closing positions: linear time.
    """
    ends = _info_ends(cp)
    items: list[tuple[str, str]] = []
    bad = False
    pos = 0
    while True:
        eq = cp.find("=", pos)
        if eq < 0:
            break
        lead = cp[pos:eq]
        cut = max(lead.rfind(";"), lead.rfind(","))
        if cut >= 0 and lead[:cut].replace(";", "").replace(",", "").strip():
            bad = True  # text between items that is not an item
        key = lead[cut + 1 :].strip()
        start = eq + 1
        end = -1
        if cp.startswith("//", start):
            nearest = bisect_left(ends, start + 4)  # the shortest Info text is "////"
            if nearest < len(ends):
                end = ends[nearest]
        if end < 0:
            sep = _SEPARATOR.search(cp, start)
            end = sep.start() if sep is not None else len(cp)
        if key:
            items.append((key, cp[start:end]))
        else:
            bad = True
        pos = end
    return items, bad or bool(cp[pos:].replace(";", "").replace(",", "").strip())


def split_items(cp: str) -> tuple[list[tuple[str, str]], bool]:
    """Every item in order (duplicates kept), and whether some text was not a ``key=value`` item."""
    return _split_info(cp) if "//" in cp else _split_plain(cp)


def _tokens(cp: str) -> list[str] | None:
    """``[key, value, key, value, …]`` when every item is exactly one ``key=value`` (no empty items)."""
    tokens = cp.replace(",", "=").replace(";", "=").split("=")
    half = len(tokens) // 2
    if len(tokens) % 2:
        return None
    separators = cp.encode().translate(None, _NOT_SEPARATORS)  # e.g. b"=;=,=,="
    if separators.count(b"=") != half or separators[::2].count(b"=") != half:
        return None  # some item has no "=" or several
    return tokens


def _learn_layout(keys: list[str]) -> _Layout | None:
    """The layout of a clean key sequence: stripped, unique, each factor's items side by side."""
    steps: list[tuple[str, tuple[str, ...] | None]] = []
    seen: set[str] = set()
    codes: set[str] = set()
    run: list[str] = []
    run_code: str | None = None
    for key in [*keys, ""]:
        code, dash, suffix = key.partition("-")
        if run_code is not None and (code != run_code or not dash):
            steps.append((run_code, tuple(run)))
            run_code = None
        if not key:
            return tuple(steps) if len(seen) == len(keys) else None
        if key != key.strip() or key in seen:
            return None
        seen.add(key)
        if not dash:
            steps.append((key, None))
        elif run_code is None:
            if code in codes:
                return None  # a factor's items are split up; the general loop handles that
            codes.add(code)
            run_code, run = code, [suffix]
        else:
            run.append(suffix)
    return None  # not reached: the sentinel "" ends the loop


def _index_by_layout(cp: str, values: dict[str, dict[str, str]], globals_: dict[str, str]) -> bool:
    """Fill the (empty) dicts from a CP whose key sequence was seen before; False when it was not."""
    tokens = _tokens(cp)
    if tokens is None:
        return False
    layout = _LAYOUTS.get(";".join(tokens[::2]))
    if layout is None:
        return False
    found = islice(tokens, 1, None, 2)
    for name, suffixes in layout:
        if suffixes is None:
            globals_[name] = next(found)
        else:  # zip stops at the last suffix without taking a value beyond it
            values[name] = dict(zip(suffixes, found, strict=False))
    return True


def _remember_layout(cp: str) -> None:
    tokens = _tokens(cp)
    if tokens is None:
        return
    keys = tokens[::2]
    layout = _learn_layout(keys)
    if layout is not None:
        if len(_LAYOUTS) >= _MAX_LAYOUTS:
            _LAYOUTS.clear()
        _LAYOUTS[";".join(keys)] = layout


def index_items(
    cp: str, values: dict[str, dict[str, str]], globals_: dict[str, str]
) -> tuple[bool, bool]:
    """Fill ``values`` (code → suffix → text) and ``globals_`` from ``cp``; the first of duplicates wins.

    Returns (some text was not an item, some key was repeated).  ``values`` and ``globals_`` must be
    empty.  A CP whose key sequence was seen before (clean: no Info text, no blanks around keys, no
    repeats) is filled from its remembered layout, the decoder's hot path; otherwise the items are read
    one by one.
    """
    info = "//" in cp
    if not info and _index_by_layout(cp, values, globals_):
        return False, False
    items, bad = _split_info(cp) if info else _split_plain(cp)
    duplicate = False
    for key, value in items:
        code, dash, suffix = key.partition("-")
        if dash:
            slot = values.get(code)
            if slot is None:
                values[code] = {suffix: value}
            elif suffix in slot:
                duplicate = True
            else:
                slot[suffix] = value
        elif key in globals_:
            duplicate = True
        else:
            globals_[key] = value
    if not (info or bad or duplicate):
        _remember_layout(cp)
    return bad, duplicate
