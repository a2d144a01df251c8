"""The PDF: WeasyPrint from the report's own HTML (print rules in report.css), fonts subset and embedded."""

from __future__ import annotations

import os
from pathlib import Path

import weasyprint


def write_pdf(html: str, path: Path, *, base_url: Path) -> int:
    """Render ``html`` to ``path`` (written to a partial file and renamed); returns the page count. The
    creation and modification dates come from the HTML's ``dcterms.created`` / ``dcterms.modified``."""
    document = weasyprint.HTML(string=html, base_url=str(base_url)).render()
    partial = path.with_name(path.name + ".partial")
    document.write_pdf(str(partial))
    os.replace(partial, path)
    return len(document.pages)
