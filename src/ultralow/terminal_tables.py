"""Tables that fit the terminal (80 columns and up): numbers are never cut, text cells wrap, long ids are
abbreviated through a legend, and columns that still do not fit move to a continuation table that repeats
the key columns. The width is the console's (the terminal, or ``COLUMNS`` when piped; Rich reads both).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rich.console import Console
from rich.table import Table

# a Rich table with the default box and padding: one space each side of a cell and one rule between cells
_CELL_OVERHEAD = 3
_TABLE_OVERHEAD = 1
_TEXT_MIN = 8  # a text column is never squeezed below this (longer words fold)
_TEXT_WORD_MAX = 24  # beyond this a word folds rather than setting the column's minimum


@dataclass(frozen=True, slots=True)
class Column:
    """``numeric``: right-aligned, never wrapped or cut. ``key``: repeated in continuation tables.
    ``abbreviate``: long values may be replaced by short labels explained in a legend."""

    header: str
    numeric: bool = False
    key: bool = False
    abbreviate: bool = False
    wrap: bool = True


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def _min_width(column: Column, values: Sequence[str]) -> int:
    if column.numeric or not column.wrap:  # never wrapped: neither are its header and values
        return max([len(column.header), *(len(v) for line in values for v in line.splitlines() or [""])])
    words = max((min(_longest_word(v), _TEXT_WORD_MAX) for v in values), default=0)
    return max(_longest_word(column.header), min(_TEXT_MIN, max(len(v) for v in [*values, ""])), words)


def _total(widths: Sequence[int]) -> int:
    return sum(widths) + _CELL_OVERHEAD * len(widths) + _TABLE_OVERHEAD


class Legend:
    """Short labels (``#1``, ``#2``, …) for long values, shared by the tables of one output so that a label
    means the same thing everywhere; ``used`` holds the labels some table printed."""

    def __init__(self, values: Sequence[str] = (), prefix: str = "#") -> None:
        self.prefix = prefix
        self.labels: dict[str, str] = {}
        self.used: dict[str, str] = {}
        for v in values:
            self.label(v)

    def label(self, value: str) -> str:
        if value not in self.labels:
            self.labels[value] = f"{self.prefix}{len(self.labels) + 1}"
        return self.labels[value]

    def use(self, value: str) -> str:
        label = self.label(value)
        self.used[label] = value
        return label


@dataclass
class Fitted:
    """The tables to print and the legend of abbreviations they use."""

    tables: list[Table]
    legend: Legend


def _natural(column: Column, values: Sequence[str]) -> int:
    lines = [line for v in [column.header, *values] for line in (v.splitlines() or [""])]
    return max(len(line) for line in lines)


def _sizes(columns: Sequence[Column], minimum: Sequence[int], values: Sequence[Sequence[str]], width: int
           ) -> list[int]:
    """Fixed column widths for one table: numbers and unwrapped columns at their full width, text columns
    from their minimum towards their natural width while the table stays within ``width`` (Rich then never
    has to squeeze or crop a column)."""
    sizes = list(minimum)
    natural = [_natural(c, v) if c.wrap and not c.numeric else m
               for c, m, v in zip(columns, minimum, values, strict=True)]
    spare = width - _total(sizes)
    while spare > 0:
        growing = [i for i, (s, n) in enumerate(zip(sizes, natural, strict=True)) if s < n]
        if not growing:
            break
        for i in sorted(growing, key=lambda i: sizes[i]):  # the narrowest first, one column each round
            if spare <= 0:
                break
            sizes[i] += 1
            spare -= 1
    return sizes


def fit(title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int,
        caption: str | None = None, legend: Legend | None = None) -> Fitted:
    """Lay the rows out in tables no wider than ``width``."""
    cells: list[list[str]] = [list(r) for r in rows]
    cols = list(columns)
    legend = legend if legend is not None else Legend()
    widths = [_min_width(c, [r[i] for r in cells]) for i, c in enumerate(cols)]
    if _total(widths) > width:
        for i, c in enumerate(cols):
            if not c.abbreviate:
                continue
            values = [r[i] for r in cells]
            if max((len(v) for v in values), default=0) <= 4:
                continue
            for r in cells:
                r[i] = legend.use(r[i])
            cols[i] = replace(c, wrap=False)  # a label is short and must not wrap
            widths[i] = _min_width(cols[i], [r[i] for r in cells])
    parts: list[list[int]] = []
    keys = [i for i, c in enumerate(cols) if c.key]
    current = list(keys)
    for i in range(len(cols)):
        if i in keys:
            continue
        if len(current) > len(keys) and _total([widths[j] for j in [*current, i]]) > width:
            parts.append(current)
            current = [*keys]
        current.append(i)
    parts.append(current)
    tables = []
    for n, part in enumerate(parts):
        heading = title if n == 0 else f"{title} (continued {n + 1}/{len(parts)})"
        table = Table(title=heading, caption=caption if n == len(parts) - 1 else None)
        sized = _sizes([cols[j] for j in part], [widths[j] for j in part], [[r[j] for r in cells] for j in part],
                       width)
        for j, size in zip(part, sized, strict=True):
            c = cols[j]
            if c.numeric:
                table.add_column(c.header, justify="right", no_wrap=True, width=size)
            elif not c.wrap:
                table.add_column(c.header, no_wrap=True, width=size)
            else:
                table.add_column(c.header, overflow="fold", width=size)
        for r in cells:
            table.add_row(*[r[j] for j in part])
        tables.append(table)
    return Fitted(tables, legend)


def print_fitted(console: Console, title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]],
                 caption: str | None = None, legend: Legend | None = None) -> None:
    """Fit the table to the console width and print it; with no shared ``legend`` its own legend follows
    when values were abbreviated (with a shared one, call :func:`print_legend` after the last table)."""
    fitted = fit(title, columns, rows, console.width, caption, legend)
    for table in fitted.tables:
        console.print(table)
    if legend is None:
        print_legend(console, fitted.legend, f"{title}: legend")


def print_legend(console: Console, legend: Legend, title: str = "Legend") -> None:
    """The labels some table used and what they stand for (nothing when none was used)."""
    if not legend.used:
        return
    table = Table(title=title)
    table.add_column("label", no_wrap=True)
    table.add_column("stands for", overflow="fold")
    for label, value in sorted(legend.used.items(), key=lambda kv: int(kv[0][len(legend.prefix):] or 0)):
        table.add_row(label, value)
    console.print(table)
