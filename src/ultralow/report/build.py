"""``build_report``: collect the figures once, render each language, check the report's own claims, then
write ``report-YEAR-LANG.html`` and ``.pdf`` (nothing is written when the claim check refuses the report).

Reproducible: the same store and year give the same bytes apart from the creation date; with
``SOURCE_DATE_EPOCH`` set the bytes are identical (the creation date is that time).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ultralow.app import AppError, Application, Judgement, Progress, no_progress
from ultralow.claims import check_texts, packaged_standards, parse_document
from ultralow.claims.check import CheckResult
from ultralow.report.figures import ReportData, collect
from ultralow.report.render import charts, render_html
from ultralow.report.words import LANGS

_NOCLAIM = re.compile(r"<!--noclaim-->.*?<!--/noclaim-->", re.S)
_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_FIGREF = re.compile(r'<a class="fig"[^>]*>.*?</a>', re.S)


class ReportRefused(AppError):
    """The claim check found contradicted claims in the report's text (exit 1, nothing written)."""

    subject = "the report"


@dataclass
class ReportFile:
    lang: str
    html: Path
    pdf: Path
    pages: int
    html_bytes: int
    pdf_bytes: int


@dataclass
class ReportResult:
    year: int
    files: list[ReportFile]
    figures: int
    claims: dict[str, Any]
    content_hash: str
    seconds: dict[str, float] = field(default_factory=dict)
    judged: bool = True  # False when the caller's judgement was used

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "content_hash": self.content_hash, "figures": self.figures,
                "claims": {k: v for k, v in self.claims.items() if k != "checked"},
                "files": [{"lang": f.lang, "html": str(f.html), "pdf": str(f.pdf), "pages": f.pages,
                           "html_bytes": f.html_bytes, "pdf_bytes": f.pdf_bytes} for f in self.files],
                "judged": self.judged, "seconds": {k: round(v, 3) for k, v in self.seconds.items()}}


def claim_text(html: str) -> str:
    """What the claim check reads of a rendered body: the prose, without the cover, the contents, the tables
    (every table figure is in the assurance appendix with its evidence) and the figure references."""
    return _FIGREF.sub("", _TABLE.sub("", _NOCLAIM.sub("", html)))


def check_report(data: ReportData, bodies: dict[str, str], app: Application) -> CheckResult:
    documents = [parse_document(f"report-{data.year}-{lang}.html", claim_text(html), kind="html")
                 for lang, html in bodies.items()]
    judgement = data.judgement
    result = check_texts(documents, hours=judgement.hours, outlets=app.registry.outlets_table(),
                         emissions=judgement.tables["emissions"], standards=packaged_standards())
    result.evidence = {"period": judgement.period.as_dict(), **result.evidence}
    return result


def claims_summary(result: CheckResult, documents: Sequence[str], allowed: bool) -> dict[str, Any]:
    summary = result.summary()
    return {"documents": list(documents), "summary": summary, "contradicted": summary.get("contradicted", 0),
            "allowed_contradicted": allowed,
            "checked": [{"id": c.claim.id, "text": c.claim.text, "verdict": c.verdict, "reason": c.reason}
                        for c in result.checked]}


def build_report(app: Application, year: int, out: Path, *, langs: Sequence[str] = LANGS,
                 allow_contradicted: bool = False, statement: str | None = None,
                 progress: Progress = no_progress, pdf: bool = True, judgement: Judgement | None = None
                 ) -> ReportResult:
    """Write the report of ``year`` in ``langs`` into ``out`` (see the module docstring). ``judgement``: the
    caller's judgement of the report's period, when it has one (see :func:`ultralow.report.figures.collect`)."""
    for lang in langs:
        if lang not in LANGS:
            raise AppError([f"--lang: {lang!r} is not one of {', '.join(LANGS)}"])
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    data = collect(app, year, progress, judgement)
    seconds["collect"] = time.perf_counter() - began

    began = time.perf_counter()
    svgs = {lang: charts(data, lang) for lang in langs}
    bodies = {lang: render_html(data, lang, claims=None, statement=statement, chart_svgs=svgs[lang]) for lang in langs}
    seconds["charts_html"] = time.perf_counter() - began

    progress("claims", 0, None)
    began = time.perf_counter()
    result = check_report(data, bodies, app)
    names = [f"report-{year}-{lang}.html" for lang in langs]
    claims = claims_summary(result, names, allow_contradicted)
    seconds["claims"] = time.perf_counter() - began
    if claims["contradicted"] and not allow_contradicted:
        bad = [c for c in result.checked if c.verdict == "contradicted"]
        raise ReportRefused([f"{c.claim.document}: contradicted: {c.claim.text!r}: {c.reason}" for c in bad]
                            + ["the report was not written (give --allow-contradicted to write it anyway; the "
                               "appendix then says so)"])

    out.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    htmls = {lang: render_html(data, lang, claims=claims, statement=statement, chart_svgs=svgs[lang])
             for lang in langs}
    for lang, html in htmls.items():
        _write_atomic(out / f"report-{year}-{lang}.html", html.encode("utf-8"))
    pages: dict[str, int] = {lang: 0 for lang in langs}
    if pdf:
        progress("pdf", 0, None)
        pages = _write_pdfs({lang: out / f"report-{year}-{lang}.html" for lang in langs},
                            {lang: out / f"report-{year}-{lang}.pdf" for lang in langs})
    files = [ReportFile(lang, out / f"report-{year}-{lang}.html", out / f"report-{year}-{lang}.pdf", pages[lang],
                        (out / f"report-{year}-{lang}.html").stat().st_size,
                        (out / f"report-{year}-{lang}.pdf").stat().st_size if pdf else 0) for lang in langs]
    seconds["write"] = time.perf_counter() - began
    return ReportResult(year, files, len(data.book.figures), claims, data.content.sha256, seconds,
                        data.judged_again)


def _write_pdfs(htmls: dict[str, Path], pdfs: dict[str, Path]) -> dict[str, int]:
    """One PDF per language, each laid out by ``python -m ultralow.report.pdf`` in its own process, all at
    once (layout is single-threaded; each PDF is independent, so the bytes are those of one at a time)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(Path(__file__).parents[2]),
                                                                   os.environ.get("PYTHONPATH")) if p)}
    running = {lang: subprocess.Popen([sys.executable, "-m", "ultralow.report.pdf", str(htmls[lang]), str(pdfs[lang])],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
               for lang in htmls}
    pages, problems = {}, []
    for lang, process in running.items():
        stdout, stderr = process.communicate()
        if process.returncode != 0:
            last = (stderr.strip().splitlines() or ["(no message)"])[-1]
            problems.append(f"{pdfs[lang]}: WeasyPrint failed (exit {process.returncode}): {last}")
        else:
            pages[lang] = int(stdout.strip() or 0)
    if problems:
        raise AppError(problems)
    return pages


def _write_atomic(path: Path, payload: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(payload)
    os.replace(partial, path)
