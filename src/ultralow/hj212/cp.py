"""The CP data area (HJ 212-2017 6.3.3): ``key=value`` items, ``//…//`` Info texts, factor keys.

Items of one factor are joined by ``,``, different items by ``;``; both separators are accepted
anywhere (``BeginTime``/``EndTime`` come both ways).  A key ``code-Suffix`` splits at its first ``-``
into a factor code and a suffix (``Rtd``, ``Avg``, ``Flag``, ``ZsAvg``, …); keys without ``-`` are
globals (``DataTime``, ``PolId``, ``QnRtn``, …).  Values are kept as the exact text sent.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from operator import itemgetter
from typing import Final

_AFTER_INFO: Final = re.compile(r"\s*(?:[;,]|$)")  # what may follow the closing // of an Info text
_SEPARATOR: Final = re.compile(r"[;,]")
_NOT_SEPARATORS: Final = bytes(b for b in range(256) if b not in b";,=")
_MAX_LAYOUTS: Final = 1024


# A CP whose keys were seen before.  A device sends the same keys in every packet (only the values
# change), so the keys of a layout are read once into a plan (name, suffixes, position of the first
# value) and later packets of that layout are built from the plan without re-reading any key.  A plan
# is made at the second packet of a layout (one-off layouts, e.g. from a hostile peer, cost nothing);
# both tables are bounded and cleared when full.  No code is generated from packet text.
_Layout = tuple[tuple[str, tuple[str, ...] | None], ...]  # (global, None) or (factor code, suffixes)
_Plan = tuple[tuple[str, tuple[str, ...] | None, int], ...]
_Builder = Callable[[list[str]], tuple[dict[str, dict[str, str]], dict[str, str]]]
_BUILDERS: dict[str, _Builder] = {}
_SEEN_ONCE: set[str] = set()


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


def _plan(layout: _Layout) -> _Plan:
    """Each layout step with the token position of its first value (values sit at odd positions)."""
    steps: list[tuple[str, tuple[str, ...] | None, int]] = []
    position = 1
    for name, suffixes in layout:
        steps.append((name, suffixes, position))
        position += 2 * (1 if suffixes is None else len(suffixes))
    return tuple(steps)


def _builder(layout: _Layout) -> _Builder:
    """The function building (values, globals) from the token list of a CP with this layout.

    Each factor's values are picked by one ``itemgetter`` of their token positions (C speed: about three
    times cheaper than slicing and zipping per factor, and the receiver runs this for every frame)."""
    plan = _plan(layout)
    globals_at = tuple((name, position) for name, suffixes, position in plan if suffixes is None)
    factors = tuple((name, suffixes, itemgetter(*range(position, position + 2 * len(suffixes), 2)))
                    if len(suffixes) > 1 else (name, suffixes, _single(position))
                    for name, suffixes, position in plan if suffixes is not None)

    def build(t: list[str]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
        values = {name: dict(zip(suffixes, pick(t))) for name, suffixes, pick in factors}  # noqa: B905
        return values, {name: t[position] for name, position in globals_at}

    return build


def _single(position: int) -> Callable[[list[str]], tuple[str]]:
    """``itemgetter`` of one position returns the item itself; a factor with one suffix needs a 1-tuple."""
    def pick(t: list[str]) -> tuple[str]:
        return (t[position],)

    return pick


def _remember(key: str, keys: list[str]) -> None:
    """Note a clean layout; at its second sighting, make its builder."""
    if key not in _SEEN_ONCE:
        if len(_SEEN_ONCE) >= _MAX_LAYOUTS:
            _SEEN_ONCE.clear()
        _SEEN_ONCE.add(key)
        return
    layout = _learn_layout(keys)
    if layout is not None:
        if len(_BUILDERS) >= _MAX_LAYOUTS:
            _BUILDERS.clear()
        _BUILDERS[key] = _builder(layout)
        _SEEN_ONCE.discard(key)


def read_cp(cp: str) -> tuple[dict[str, dict[str, str]], dict[str, str], bool, bool]:
    """(values: code → suffix → text, globals, some text was not an item, some key was repeated).

    The first of repeated keys wins.  A CP whose key sequence was seen before (clean: no Info text, no
    blanks around keys, no repeats) is built by its layout's builder, the decoder's hot path;
    otherwise the items are read one by one.
    """
    info = "//" in cp
    tokens = None if info else _tokens(cp)
    key = ""
    if tokens is not None:
        key = ";".join(tokens[::2])
        build = _BUILDERS.get(key)
        if build is not None:
            values, globals_ = build(tokens)
            return values, globals_, False, False
    items, bad = _split_info(cp) if info else _split_plain(cp)
    values = {}
    globals_ = {}
    duplicate = False
    for name, value in items:
        code, dash, suffix = name.partition("-")
        if dash:
            slot = values.get(code)
            if slot is None:
                values[code] = {suffix: value}
            elif suffix in slot:
                duplicate = True
            else:
                slot[suffix] = value
        elif name in globals_:
            duplicate = True
        else:
            globals_[name] = value
    if tokens is not None and not (bad or duplicate):
        _remember(key, tokens[::2])
    return values, globals_, bad, duplicate
