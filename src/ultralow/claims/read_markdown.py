"""Markdown: the text exactly as given; pipe tables (a header row, a ``---`` separator row, body rows)."""

from __future__ import annotations

import re

from ultralow.claims.layout import Cell, Table

_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^\s*#{1,6}\s+(.*\S)\s*$")


def pipe_tables(text: str) -> list[Table]:
    """Every pipe table of ``text``; its caption is the heading or text line right above (blank lines skipped)."""
    return _pipe_tables(text)


def _split_cells(line: str, offset: int) -> tuple[Cell, ...]:
    cells: list[Cell] = []
    bounds = [i for i, ch in enumerate(line) if ch == "|" and (i == 0 or line[i - 1] != "\\")]
    stripped = line.strip()
    if not stripped.startswith("|"):
        bounds = [-1, *bounds]
    if not stripped.endswith("|"):
        bounds = [*bounds, len(line)]
    for left, right in zip(bounds, bounds[1:], strict=False):
        raw = line[left + 1:right]
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        start = offset + left + 1 + lead
        cells.append(Cell(text, start, start + len(text)))
    return tuple(cells)


def _pipe_tables(text: str) -> list[Table]:
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        lines.append((pos, line.rstrip("\r\n")))
        pos += len(line)
    tables: list[Table] = []
    i = 0
    while i + 1 < len(lines):
        start, line = lines[i]
        if "|" in line and line.strip().startswith("|") and _SEPARATOR_ROW.match(lines[i + 1][1]):
            rows = [_split_cells(line, start)]
            j = i + 2
            while j < len(lines) and lines[j][1].strip().startswith("|"):
                rows.append(_split_cells(lines[j][1], lines[j][0]))
                j += 1
            end = lines[j - 1][0] + len(lines[j - 1][1])
            tables.append(Table(tuple(rows), start, end, _caption_above(lines, i)))
            i = j
        else:
            i += 1
    return tables




def _caption_above(lines: list[tuple[int, str]], i: int) -> str:
    """The nearest non-blank line above line ``i`` (a heading's text without its marks), within 2 lines."""
    for k in range(i - 1, max(-1, i - 3), -1):
        line = lines[k][1].strip()
        if not line:
            continue
        if line.startswith("|"):
            return ""
        m = _HEADING.match(line)
        return m.group(1) if m else line
    return ""
