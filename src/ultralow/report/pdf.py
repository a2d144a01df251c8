"""The PDF: WeasyPrint from the report's own HTML file (print rules in report.css), fonts subset and embedded.

``python -m ultralow.report.pdf HTML PDF`` renders one file in a fresh interpreter that imports only
WeasyPrint: the report lays out its languages side by side in such processes (layout is the slow part and
is single-threaded). It prints the page count.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import weasyprint


def write_pdf(html_path: Path, pdf_path: Path) -> int:
    """Render ``html_path`` to ``pdf_path`` (a partial file, then renamed); returns the page count. The
    creation and modification dates come from the HTML's ``dcterms.created`` / ``dcterms.modified``."""
    document = weasyprint.HTML(filename=str(html_path), base_url=str(html_path.parent)).render()
    partial = pdf_path.with_name(pdf_path.name + ".partial")
    document.write_pdf(str(partial))
    os.replace(partial, pdf_path)
    return len(document.pages)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m ultralow.report.pdf REPORT.html REPORT.pdf", file=sys.stderr)
        return 2
    print(write_pdf(Path(argv[0]), Path(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
