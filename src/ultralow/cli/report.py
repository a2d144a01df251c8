"""``ultralow report --year Y --out DIR``: the annual ESG / responsibility report (HTML and PDF, English and
Chinese) from the store, every figure numbered with its evidence, its own claims checked first."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ultralow.app import Application
from ultralow.cli.options import config_option, db_option, format_option, given_config
from ultralow.cli.reporting import reported, stderr_line
from ultralow.web.context import default_reports_dir


@click.command()
@click.option("--year", type=int, required=True, help="Reporting year (its days with data are judged).")
@click.option("--out", "out", type=click.Path(file_okay=False), default=None,
              help="Folder for report-YEAR-LANG.html and .pdf (created when missing).  [default: reports/ beside "
                   "the store, the folder the public site's Reports page lists]")
@click.option("--lang", type=click.Choice(["en", "zh", "both"]), default="both", show_default=True,
              help="Language(s) of the report.")
@click.option("--statement", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Text file (UTF-8) of the board's statement; its claims are checked like the report's own.")
@click.option("--allow-contradicted", is_flag=True,
              help="Write the report although its text has contradicted claims (the appendix says so).")
@click.option("--no-pdf", is_flag=True, help="Write the HTML only.")
@db_option
@config_option
@format_option("table", "json")
def report(year: int, out: str | None, lang: str, statement: str | None, allow_contradicted: bool, no_pdf: bool,
           db: str, config: str, fmt: str) -> None:
    """Write the annual report of YEAR. The claim check reads the report's text (and --statement) before
    anything is written: a contradicted claim refuses the report (exit 1) unless --allow-contradicted."""
    from ultralow.report import build_report

    langs = ("en", "zh") if lang == "both" else (lang,)
    stages: list[str] = []

    def progress(stage: str, _done: int, _total: int | None) -> None:
        if not stages or stages[-1] != stage:
            stages.append(stage)
            stderr_line(f"report: {stage}")

    with reported():
        text = Path(statement).read_text(encoding="utf-8") if statement else None
        with Application.open(db, given_config(config)) as app:
            folder = Path(out) if out else default_reports_dir(app.db)
            result = build_report(app, year, folder, langs=langs, allow_contradicted=allow_contradicted,
                                  statement=text, pdf=not no_pdf,
                                  progress=progress)
    if fmt == "json":
        click.echo(json.dumps(result.to_json()))
        return
    counts = ", ".join(f"{k} {v}" for k, v in result.claims["summary"].items() if v)
    click.echo(f"report {year}: {result.figures} numbered figures; claim check of its text: {counts or 'no claims'}"
               f"; store {result.content_hash[:16]}")
    if result.claims["contradicted"]:
        click.echo(f"WARNING: {result.claims['contradicted']} contradicted claim(s), written with "
                   "--allow-contradicted (the appendix says so)")
    for f in result.files:
        click.echo(f"{f.html}")
        if not no_pdf:
            click.echo(f"{f.pdf}  ({f.pages} pages)")
