"""HTML: the text extracted by the standard-library parser, with its ``<table>`` elements.

Block elements end a line, table cells are joined with `` | `` and rows end a line, ``<sup>`` footnote
marks become ``[^n]`` (but ``m<sup>3</sup>`` stays ``m3``), script and style are dropped, whitespace runs
become one space and entities are decoded. A table's ``<caption>`` becomes its caption; without one, the
heading or paragraph right before the table is.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ultralow.claims.layout import Cell, Table

_BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article", "header",
    "footer", "blockquote", "pre", "caption", "dt", "dd", "dl", "figure", "figcaption", "main", "aside", "nav",
    "tbody", "thead", "tfoot", "hr", "address", "title",
})
_SKIP_TAGS = frozenset({"script", "style", "head", "noscript", "template", "svg"})


def html_text(raw: str) -> tuple[str, list[Table]]:
    """The extracted text of an HTML page and its tables (offsets into that text)."""
    return _html_text(raw)


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
        self._caption: list[str] | None = None
        self._captions: list[str] = []
        self._block_part = 0
        self._last_block = ""

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
            self._captions.append(self._last_block)
            self._table_stack.append((self.length, []))
        elif tag == "caption" and self._table_stack:
            self._newline()
            self._caption = []
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
        elif tag == "caption" and self._caption is not None:
            if self._captions:
                self._captions[-1] = "".join(self._caption).strip()
            self._caption = None
            self._newline()
        elif tag == "table" and self._table_stack:
            start, rows = self._table_stack.pop()
            caption = self._captions.pop() if self._captions else ""
            self._newline()
            kept = tuple(tuple(r) for r in rows if r)
            if kept:
                self.tables.append(Table(kept, start, self.length, caption))
        elif tag in _BLOCK_TAGS or tag == "tr":
            if tag in _BLOCK_TAGS and not self._table_stack:
                # the last block before a table (a heading or paragraph) is its caption when it has none
                self._last_block = "".join(self.parts[self._block_part:]).strip()[:200]
            self._newline()
            self._block_part = len(self.parts)

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
        if self._caption is not None:
            self._caption.append(text)
        self._write(text)


def _html_text(raw: str) -> tuple[str, list[Table]]:
    parser = _TextExtractor()
    parser.feed(raw)
    parser.close()
    return "".join(parser.parts), parser.tables
