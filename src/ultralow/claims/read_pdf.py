"""PDF: the text layer of each page (pdfplumber), pages joined by a blank line, and the tables of each page.

``Document.text`` is the pages' texts in order, each followed by ``"\\n\\n"``; ``Document.pages`` holds the
offset where each page starts, so a claim's location is its page and its character offsets within that
page's text (:meth:`ultralow.claims.layout.Document.location`). Tables come from pdfplumber's table finder
(ruled tables); each cell is located in the page text by searching its words in reading order. Tables
without rules are found in the page text as aligned columns (:mod:`ultralow.claims.read_text`). A PDF
without a text layer (a scan) gives no text; that is said, not guessed (no OCR).
"""

from __future__ import annotations

import re
from pathlib import Path

from ultralow.claims.layout import Cell, Table
from ultralow.claims.read_text import aligned_tables


class PdfError(ValueError):
    """The file is not a readable PDF."""


def pdf_text(path: str | Path) -> tuple[str, list[Table], list[int]]:
    """Text, tables and page start offsets of a PDF file."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    parts: list[str] = []
    tables: list[Table] = []
    pages: list[int] = []
    pos = 0
    try:
        pdf = pdfplumber.open(str(path))
    except (PDFSyntaxError, OSError, ValueError) as exc:
        raise PdfError(f"{path}: not a readable PDF ({exc})") from exc
    with pdf:
        for page in pdf.pages:
            text = page.extract_text() or ""
            pages.append(pos)
            found = [_locate(text, pos, t.extract(), _caption(text, t.extract())) for t in page.find_tables()]
            ruled = [t for t in found if t is not None]
            tables += ruled
            # aligned-column tables outside the ruled ones
            page_doc = text + "\n\n"
            for t in aligned_tables(page_doc):
                shifted = Table(tuple(tuple(Cell(c.text, c.start + pos, c.end + pos) for c in r) for r in t.rows),
                                t.start + pos, t.end + pos, t.caption)
                if not any(r.start < shifted.end and shifted.start < r.end for r in ruled):
                    tables.append(shifted)
            parts.append(page_doc)
            pos += len(page_doc)
    return "".join(parts), tables, pages


def _caption(text: str, rows: list[list[str | None]]) -> str:
    first = next((c for r in rows for c in r if c), None)
    if not first:
        return ""
    at = text.find(first.split("\n")[0])
    if at <= 0:
        return ""
    above = text[:at].rstrip("\n").rsplit("\n", 1)[-1].strip()
    return above if not re.search(r"\d[\d,.]*\s*$", above) else ""


def _locate(text: str, base: int, rows: list[list[str | None]], caption: str) -> Table | None:
    """Cells found in the page text in reading order; None when fewer than half of them are found."""
    cursor = 0
    out: list[tuple[Cell, ...]] = []
    total = found = 0
    for raw_row in rows:
        cells: list[Cell] = []
        for raw in raw_row:
            words = " ".join((raw or "").split())
            total += 1
            if not words:
                cells.append(Cell("", base + cursor, base + cursor))
                continue
            at = text.find(words, cursor)
            if at < 0:
                first = (raw or "").split("\n")[0].strip()
                at = text.find(first, cursor) if first else -1
                words = first
            if at < 0:
                cells.append(Cell("", base + cursor, base + cursor))
                continue
            found += 1
            cells.append(Cell(words, base + at, base + at + len(words)))
            cursor = at + len(words)
        out.append(tuple(cells))
    if not out or found * 2 < total:
        return None
    start = min(c.start for r in out for c in r if c.text)
    end = max(c.end for r in out for c in r if c.text)
    return Table(tuple(out), start, end, caption)
