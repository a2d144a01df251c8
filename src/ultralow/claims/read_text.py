"""Plain text: the text exactly as given; tables written as aligned columns.

A plain-text table is a header line ending in two or more years (optionally followed by change columns:
"Change", "YoY", "同比"), then body lines each ending in figures: a label (and a unit) followed by
whitespace-separated numbers, the last one under the last column. The header line's text before the
years is the first header cell ("Unit", "Million mt CO2e", "Energy (GWh)", "指标 单位"); when it names a unit
column ("Unit", "单位") the body line's text between the label and the figures is its unit cell, split at
the header's column position when the columns are aligned. A blank line or a line without figures ends the
table. The line right above the header (no blank line between) is the caption. Single spaces between
columns (the text layer of a PDF) work the same way: the figures are the trailing number tokens.
"""

from __future__ import annotations

import re

from ultralow.claims.layout import Cell, Table

_YEAR_TOKEN = r"(?:FY\s?)?(?:19|20)\d{2}(?:年度?|A|E)?"
_CHANGE_TOKEN = r"(?:%\s*change|change|yoy|y-o-y|同比变化|同比|变化|增减)"
_HEADER = re.compile(rf"^(?P<left>.*?)(?P<cols>{_YEAR_TOKEN}(?:[ \t]+{_YEAR_TOKEN})+(?:[ \t]+{_CHANGE_TOKEN})*)[ \t]*$",
                     re.IGNORECASE)
_COL = re.compile(rf"{_YEAR_TOKEN}|{_CHANGE_TOKEN}", re.IGNORECASE)
_NUM = r"(?:[-−+]?\d[\d,]*(?:\.\d+)?[ \t]?(?:%|pp|个百分点)?|[-–—]|n/?a)"
_ROW = re.compile(rf"^(?P<label>.*?\S)(?P<nums>(?:[ \t]+{_NUM})+)[ \t]*$", re.IGNORECASE)
_NUM_TOKEN = re.compile(_NUM, re.IGNORECASE)
_UNIT_WORD = re.compile(r"(?:^|\s)(units?|单位|计量单位)(?=\s|$)", re.IGNORECASE)


def _lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        out.append((pos, line.rstrip("\r\n")))
        pos += len(line)
    return out


def aligned_tables(text: str, lo: int = 0, hi: int | None = None) -> list[Table]:
    """Every plain-text table in ``text[lo:hi]`` (offsets into ``text``)."""
    hi = len(text) if hi is None else hi
    lines = [(s, ln) for s, ln in _lines(text) if s >= lo and s + len(ln) <= hi]
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        table, used = _table_at(lines, i)
        if table is None:
            i += 1
            continue
        tables.append(table)
        i += used
    return tables


def _table_at(lines: list[tuple[int, str]], i: int) -> tuple[Table | None, int]:
    start, line = lines[i]
    m = _HEADER.match(line)
    if not m or "|" in line:
        return None, 0
    cols = [(start + m.start("cols") + c.start(), start + m.start("cols") + c.end(), c.group(0))
            for c in _COL.finditer(m.group("cols"))]
    left = m.group("left")
    header: list[Cell] = []
    unit_x: int | None = None
    um = _UNIT_WORD.search(left)
    if um:
        label_text = left[:um.start(1)].strip()
        lead = len(left[:um.start(1)]) - len(left[:um.start(1)].lstrip())
        header.append(Cell(label_text, start + lead, start + lead + len(label_text)))
        header.append(Cell(um.group(1), start + um.start(1), start + um.end(1)))
        unit_x = um.start(1)
    else:
        text = left.strip()
        lead = len(left) - len(left.lstrip())
        header.append(Cell(text, start + lead, start + lead + len(text)))
    header += [Cell(t, s, e) for s, e, t in cols]
    n = len(cols)
    rows: list[tuple[Cell, ...]] = [tuple(header)]
    j = i + 1
    while j < len(lines):
        s, body = lines[j]
        if not body.strip() or "|" in body:
            break
        row = _row(s, body, n, unit_x)
        if row is None:
            break
        rows.append(row)
        j += 1
    if len(rows) < 2:
        return None, 0
    caption = ""
    if i > 0 and lines[i - 1][1].strip() and not _ROW.match(lines[i - 1][1]):
        caption = lines[i - 1][1].strip()
    end = lines[j - 1][0] + len(lines[j - 1][1])
    return Table(tuple(rows), start, end, caption), j - i


def _row(start: int, line: str, n: int, unit_x: int | None) -> tuple[Cell, ...] | None:
    m = _ROW.match(line)
    if not m:
        return None
    tokens = list(_NUM_TOKEN.finditer(line, m.start("nums")))
    tokens = [t for t in tokens if t.group(0).strip()]
    if not tokens or len(tokens) > n + 2:
        return None
    # a label ending in a number ("Scope 1   14.2  13.8") keeps it: only the last n tokens are figures
    figures = tokens[-n:]
    label_end = figures[0].start()
    label_raw = line[:label_end]
    if not re.search(r"[A-Za-z\u4e00-\u9fff]", label_raw):
        return None
    cells: list[Cell] = []
    if unit_x is not None:
        if unit_x < label_end and line[unit_x - 1:unit_x].isspace() and not line[unit_x:unit_x + 1].isspace():
            label, unit = line[:unit_x], line[unit_x:label_end]
        else:
            label, unit = label_raw, ""
        ls = len(label) - len(label.lstrip())
        cells.append(Cell(label.strip(), start + ls, start + ls + len(label.strip())))
        us = len(unit) - len(unit.lstrip())
        ustart = start + len(label) + us
        cells.append(Cell(unit.strip(), ustart, ustart + len(unit.strip())))
    else:
        ls = len(label_raw) - len(label_raw.lstrip())
        cells.append(Cell(label_raw.strip(), start + ls, start + ls + len(label_raw.strip())))
    # figures sit under the last columns (a short row leaves the first year columns empty)
    missing = n - len(figures)
    cells += [Cell("", start + label_end, start + label_end)] * missing
    for t in figures:
        raw = t.group(0)
        text = raw.strip()
        s = start + t.start() + (len(raw) - len(raw.lstrip()))
        cells.append(Cell(text, s, s + len(text)))
    return tuple(cells)
