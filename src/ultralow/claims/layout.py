"""What a document reader hands on: the text claims' spans refer to, its tables and its pages.

Readers (one module per format: :mod:`read_markdown`, :mod:`read_html`, :mod:`read_text`, :mod:`read_pdf`)
build these; :mod:`ultralow.claims.document` picks the reader for a file.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Table:
    """A table: the first row is the header. ``start``/``end`` cover the whole table in the text.

    ``caption`` is the table's title as written (an HTML ``<caption>``, the heading or line right above a
    Markdown or plain-text table); it may carry the unit and scale of the cells ("(thousand tonnes unless
    stated)", "（单位：万吨）") and name the metric of rows that do not ("Greenhouse gas emissions by business").
    """

    rows: tuple[tuple[Cell, ...], ...]
    start: int
    end: int
    caption: str = ""

    @property
    def header(self) -> tuple[Cell, ...]:
        return self.rows[0] if self.rows else ()

    @property
    def body(self) -> tuple[tuple[Cell, ...], ...]:
        return self.rows[1:]


@dataclass(frozen=True)
class Document:
    """One disclosure text: the text spans refer to, its kind, its tables and (for PDF) its pages.

    ``pages`` holds the offset in :attr:`text` where each page starts (page 1 first); empty for formats
    without pages. A span is located in a page with :meth:`location`.
    """

    name: str
    text: str
    kind: str  # "text" | "markdown" | "html" | "pdf"
    tables: tuple[Table, ...]
    pages: tuple[int, ...] = ()

    def prose_ranges(self) -> list[tuple[int, int]]:
        """The parts of the text outside tables, in order."""
        out: list[tuple[int, int]] = []
        pos = 0
        for table in sorted(self.tables, key=lambda t: t.start):
            if table.start > pos:
                out.append((pos, table.start))
            pos = max(pos, table.end)
        if pos < len(self.text):
            out.append((pos, len(self.text)))
        return out

    def location(self, span: tuple[int, int]) -> dict[str, int] | None:
        """``{"page": n, "start": s, "end": e}`` with offsets within the page's text (PDF), else None."""
        if not self.pages:
            return None
        i = bisect_right(self.pages, span[0]) - 1
        base = self.pages[max(i, 0)]
        return {"page": max(i, 0) + 1, "start": span[0] - base, "end": span[1] - base}
