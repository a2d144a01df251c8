"""Disclosure documents as text with tables: plain text, Markdown and HTML.

Offsets (claim spans) are character offsets into :attr:`Document.text`:

* plain text and Markdown: the input exactly as given (nothing is removed or rewritten);
* HTML: the text extracted by the standard-library HTML parser: block elements end a line, table cells
  are joined with `` | `` and rows end a line, ``<sup>`` footnote marks become ``[^n]`` (but ``m<sup>3</sup>``
  stays ``m3``), script and style are dropped, whitespace runs become one space and entities are
  decoded. ``Document.text`` is that extracted text, so a span can always be shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article", "header",
    "footer", "blockquote", "pre", "caption", "dt", "dd", "dl", "figure", "figcaption", "main", "aside", "nav",
    "tbody", "thead", "tfoot", "hr", "address", "title",
})
_SKIP_TAGS = frozenset({"script", "style", "head", "noscript", "template", "svg"})


@dataclass(frozen=True)
class Cell:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Table:
    """A table: the first row is the header. ``start``/``end`` cover the whole table in the text."""

    rows: tuple[tuple[Cell, ...], ...]
    start: int
    end: int

    @property
    def header(self) -> tuple[Cell, ...]:
        return self.rows[0] if self.rows else ()

    @property
    def body(self) -> tuple[tuple[Cell, ...], ...]:
        return self.rows[1:]


@dataclass(frozen=True)
class Document:
    """One disclosure text: the text spans refer to, its kind and its tables."""

    name: str
    text: str
    kind: str  # "text" | "markdown" | "html"
    tables: tuple[Table, ...]

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


def kind_of(name: str) -> str:
    """Document kind from a file name: ``.html``/``.htm`` -> html, ``.md``/``.markdown`` -> markdown."""
    suffix = Path(name).suffix.lower()
    if suffix in {".html", ".htm", ".xhtml"}:
        return "html"
    if suffix in {".md", ".markdown"}:
        return "markdown"
    return "text"


def parse_document(name: str, raw: str, kind: str | None = None) -> Document:
    """Build a :class:`Document` from the text of a file (kind from the name unless given)."""
    kind = kind or kind_of(name)
    if kind == "html":
        text, tables = _html_text(raw)
        return Document(name, text, "html", tuple(tables))
    return Document(name, raw, kind, tuple(_pipe_tables(raw)))


def read_document(path: str | Path) -> Document:
    """Read a disclosure file (UTF-8, BOM tolerated)."""
    p = Path(path)
    raw = p.read_text(encoding="utf-8-sig")
    return parse_document(p.name, raw)


# ----------------------------------------------------------------- Markdown pipe tables
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
            tables.append(Table(tuple(rows), start, end))
            i = j
        else:
            i += 1
    return tables


# ----------------------------------------------------------------- HTML
class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0
        self.skip = 0
        self.in_sup = False
        self.tables: list[Table] = []
        self._table_stack: list[tuple[int, list[list[Cell]]]] = []
        self._cell_start: int | None = None
        self._cell_text: list[str] = []

    def _last(self) -> str:
        return self.parts[-1][-1] if self.parts and self.parts[-1] else "\n"

    def _write(self, s: str) -> None:
        if s:
            self.parts.append(s)
            self.length += len(s)

    def _newline(self) -> None:
        if self.length and self._last() != "\n":
            if self._last() == " ":
                self.parts[-1] = self.parts[-1][:-1]
                self.length -= 1
            self._write("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "br":
            self._newline()
        elif tag == "sup":
            self.in_sup = True
        elif tag == "table":
            self._newline()
            self._table_stack.append((self.length, []))
        elif tag == "tr" and self._table_stack:
            self._newline()
            self._table_stack[-1][1].append([])
        elif tag in {"td", "th"} and self._table_stack:
            rows = self._table_stack[-1][1]
            if not rows:
                rows.append([])
            if rows[-1]:
                self._write(" | ")
            self._cell_start = self.length
            self._cell_text = []
        elif tag in _BLOCK_TAGS:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag == "sup":
            self.in_sup = False
        elif tag in {"td", "th"} and self._table_stack and self._cell_start is not None:
            raw = "".join(self._cell_text)
            text = raw.strip()
            lead = len(raw) - len(raw.lstrip())
            start = self._cell_start + lead
            self._table_stack[-1][1][-1].append(Cell(text, start, start + len(text)))
            self._cell_start = None
        elif tag == "table" and self._table_stack:
            start, rows = self._table_stack.pop()
            self._newline()
            kept = tuple(tuple(r) for r in rows if r)
            if kept:
                self.tables.append(Table(kept, start, self.length))
        elif tag in _BLOCK_TAGS or tag == "tr":
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        text = re.sub(r"\s+", " ", data)
        if self.in_sup:
            mark = text.strip()
            if mark in {"2", "3"} and self._last() == "m":
                text = mark
            elif mark:
                text = f"[^{mark}]"
        if self._last() in "\n " and text.startswith(" "):
            text = text[1:]
        if self._cell_start is not None:
            self._cell_text.append(text)
        self._write(text)


def _html_text(raw: str) -> tuple[str, list[Table]]:
    parser = _TextExtractor()
    parser.feed(raw)
    parser.close()
    return "".join(parser.parts), parser.tables
