"""Disclosure documents as text with tables: plain text, Markdown, HTML and PDF.

This module picks the reader for a file; each format has its own (:mod:`read_text`, :mod:`read_markdown`,
:mod:`read_html`, :mod:`read_pdf`); what they hand on is in :mod:`ultralow.claims.layout`.

Offsets (claim spans) are character offsets into :attr:`Document.text`:

* plain text and Markdown: the input exactly as given (nothing is removed or rewritten); tables are
  Markdown pipe tables and aligned plain-text columns;
* HTML: the text extracted by the standard-library HTML parser (see :mod:`read_html`);
* PDF: the text layer of the pages (see :mod:`read_pdf`); :meth:`Document.location` turns a span into a
  page number and offsets within that page.
"""

from __future__ import annotations

from pathlib import Path

from ultralow.claims.layout import Cell, Document, Table
from ultralow.claims.read_html import html_text
from ultralow.claims.read_markdown import pipe_tables
from ultralow.claims.read_pdf import PdfError, pdf_text
from ultralow.claims.read_text import aligned_tables

__all__ = ["Cell", "Document", "PdfError", "Table", "kind_of", "parse_document", "read_document"]


def kind_of(name: str) -> str:
    """Document kind from a file name: ``.html``/``.htm`` -> html, ``.md``/``.markdown`` -> markdown, ``.pdf``."""
    suffix = Path(name).suffix.lower()
    if suffix in {".html", ".htm", ".xhtml"}:
        return "html"
    if suffix in {".md", ".markdown"}:
        return "markdown"
    if suffix == ".pdf":
        return "pdf"
    return "text"


def parse_document(name: str, raw: str, kind: str | None = None) -> Document:
    """Build a :class:`Document` from the text of a file (kind from the name unless given; not PDF)."""
    kind = kind or kind_of(name)
    if kind == "html":
        text, tables = html_text(raw)
        return Document(name, text, "html", tuple(tables))
    if kind == "pdf":
        raise ValueError(f"{name}: a PDF is read from its file (read_document), not from text")
    tables = pipe_tables(raw)
    # aligned columns outside the pipe tables
    for t in aligned_tables(raw):
        if not any(p.start < t.end and t.start < p.end for p in tables):
            tables.append(t)
    tables.sort(key=lambda t: t.start)
    return Document(name, raw, kind, tuple(tables))


def read_document(path: str | Path) -> Document:
    """Read a disclosure file (UTF-8, BOM tolerated; PDF by its text layer)."""
    p = Path(path)
    if kind_of(p.name) == "pdf":
        text, tables, pages = pdf_text(p)
        return Document(p.name, text, "pdf", tuple(sorted(tables, key=lambda t: t.start)), tuple(pages))
    raw = p.read_text(encoding="utf-8-sig")
    return parse_document(p.name, raw)
