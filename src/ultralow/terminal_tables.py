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


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def _min_width(column: Column, values: Sequence[str]) -> int:
    header = _longest_word(column.header)
    if column.numeric:
        return max([header, *(len(v) for line in values for v in line.splitlines() or [""])])
    words = max((min(_longest_word(v), _TEXT_WORD_MAX) for v in values), default=0)
    return max(header, min(_TEXT_MIN, max(len(v) for v in [*values, ""])), words)


def _total(widths: Sequence[int]) -> int:
    return sum(widths) + _CELL_OVERHEAD * len(widths) + _TABLE_OVERHEAD


def short_labels(values: Sequence[str], prefix: str = "#") -> dict[str, str]:
    """A short label per distinct value, in first-seen order: ``#1``, ``#2``, …"""
    labels: dict[str, str] = {}
    for v in values:
        if v not in labels:
            labels[v] = f"{prefix}{len(labels) + 1}"
    return labels


@dataclass
class Fitted:
    """The tables to print and the legend of abbreviations (label -> full value), if any."""

    tables: list[Table]
    legend: dict[str, str]


def fit(title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int,
        caption: str | None = None) -> Fitted:
    """Lay the rows out in tables no wider than ``width``."""
    cells: list[list[str]] = [list(r) for r in rows]
    cols = list(columns)
    legend: dict[str, str] = {}
    widths = [_min_width(c, [r[i] for r in cells]) for i, c in enumerate(cols)]
    if _total(widths) > width:
        for i, c in enumerate(cols):
            if not c.abbreviate:
                continue
            values = [r[i] for r in cells]
            if max((len(v) for v in values), default=0) <= 4:
                continue
            labels = short_labels(values)
            legend.update({label: value for value, label in labels.items()})
            for r in cells:
                r[i] = labels[r[i]]
            cols[i] = replace(c, numeric=True)  # a label is short and must not wrap
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
        for j in part:
            c = cols[j]
            if c.numeric:
                table.add_column(c.header, justify="right", no_wrap=True, min_width=widths[j], overflow="ignore")
            else:
                table.add_column(c.header, overflow="fold", min_width=min(widths[j], _TEXT_WORD_MAX))
        for r in cells:
            table.add_row(*[r[j] for j in part])
        tables.append(table)
    return Fitted(tables, legend)


def print_fitted(console: Console, title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]],
                 caption: str | None = None, legend_title: str = "legend") -> None:
    """Fit the table to the console width and print it, then its legend when ids were abbreviated."""
    fitted = fit(title, columns, rows, console.width, caption)
    for table in fitted.tables:
        console.print(table)
    if fitted.legend:
        legend = Table(title=f"{title}: {legend_title}")
        legend.add_column("label", no_wrap=True)
        legend.add_column("stands for", overflow="fold")
        for label, value in fitted.legend.items():
            legend.add_row(label, value)
        console.print(legend)
