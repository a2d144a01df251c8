"""``ultralow claims extract|check``: quantitative claims of disclosure texts, and their verdicts."""

from __future__ import annotations

import html
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pyarrow as pa
from rich.console import Console

from ultralow import __version__
from ultralow.app.documents import SCHEMA_VERSION
from ultralow.app.ledgers import ledger_evidence
from ultralow.claims import Document, extract_claims, read_document
from ultralow.claims.check import check_texts
from ultralow.claims.document import PdfError
from ultralow.claims.evidence import StandardsSource, packaged_standards
from ultralow.claims.model import CheckedClaim, Finding
from ultralow.claims.verify import LEDGER_PENDING, Rules, load_rules, packaged_rules
from ultralow.cli.options import config_option, db_option, format_option, given_config
from ultralow.problems import ProblemsError
from ultralow.terminal_tables import Column, print_fitted


def _err(line: str) -> None:
    click.echo(line, err=True)


def _read_document(path: str) -> Document:
    """One disclosure file; _Unreadable names the file and the problem."""
    try:
        return read_document(path)
    except FileNotFoundError:
        raise _Unreadable(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        hint = ""
        try:
            Path(path).read_bytes().decode("gb18030")
            hint = "; it reads as GBK/GB 18030: save it as UTF-8 (or `iconv -f GB18030 -t UTF-8`)"
        except (OSError, UnicodeDecodeError):
            pass
        raise _Unreadable(f"{path}: not UTF-8 text (byte {exc.start}): {exc.reason}{hint}") from None
    except PdfError as exc:
        raise _Unreadable(str(exc)) from None
    except OSError as exc:
        raise _Unreadable(f"{path}: cannot read: {exc.strerror}") from None


class _Unreadable(Exception):
    pass


@click.group()
def claims() -> None:
    """Quantitative claims in disclosure texts: extract them, check them against the evidence."""


@claims.command()
@click.argument("file", type=click.Path(dir_okay=False))
@format_option("json", "table", default="json")
def extract(file: str, fmt: str) -> None:
    """Every quantitative claim of FILE (plain text, Markdown, HTML or PDF) as one JSON document
    (schema_version, document, claims); each claim has the keys id, text, span, metric, value, value_max,
    unit, qualifier, period, entity, scope, compared_to, direction, location. Spans are character offsets into
    the file's text (for HTML: into the extracted text)."""
    try:
        found = extract_claims(_read_document(file))
    except _Unreadable as exc:
        _err(str(exc))
        _err("1 problem")
        sys.exit(1)
    if fmt == "json":
        click.echo(json.dumps({"schema_version": SCHEMA_VERSION, "document": file,
                               "claims": [c.to_json() for c in found]}, ensure_ascii=False))
        return
    rows = []
    for c in found:
        value = f"{c.value:,.6g}" + (f"–{c.value_max:,.6g}" if c.value_max is not None else "")
        cmp = f"{c.compared_to.value:g} {c.compared_to.unit}" if c.compared_to else ""
        rows.append([c.id.rsplit(":", 1)[-1], c.metric, value, c.unit, c.qualifier, c.period or "", c.entity or "",
                     c.scope or "", cmp])
    print_fitted(Console(), f"{len(found)} claims in {file}", [
        Column("id", key=True), Column("metric"), Column("value", numeric=True), Column("unit"),
        Column("qualifier", wrap=False), Column("period"), Column("entity"), Column("scope"),
        Column("compared to")], rows)


@dataclass
class EvidenceSet:
    """The evidence a check runs with, and what it says about itself for the report."""

    hours: pa.Table | None
    emissions: pa.Table | None
    standards: StandardsSource | None
    info: dict[str, Any]


def read_engine_hours(db: str, config: str | None, year: int | None
                      ) -> tuple[pa.Table, pa.Table | None, dict[str, Any]]:
    """Judge the store through the application layer (``ultralow.app``: registry checked, the one period
    rule, marks) and return its judged hours and annual emission totals, each with the outlet's ``base`` and
    ``source_type``."""
    from ultralow.app import Application, NoData

    with Application.open(db, config) as app:
        try:
            judgement = app.judge(year=year)
        except NoData as exc:
            raise _NoData(str(exc)) from exc
        hours = judgement.with_outlet_columns("hours")
        emissions = judgement.with_outlet_columns("emissions")
    info = {"db": db, "period": judgement.period.as_dict(), "hours": hours.num_rows,
            "outlets": len(judgement.outlet_ids), "engine": "ultralow.cems.run"}
    return hours, emissions, info


class _NoData(Exception):
    pass


def gather_evidence(db: str, db_given: bool, config: str, year: int | None, hours_file: str | None) -> EvidenceSet:
    """CEMS hours (from a Parquet file, or by running the compliance engine on the store) and the standards."""
    info: dict[str, Any] = {"software": f"ultralow {__version__}"}
    hours: pa.Table | None = None
    emissions: pa.Table | None = None
    if hours_file:
        import pyarrow.parquet as pq

        try:
            hours = pq.read_table(hours_file)
        except FileNotFoundError:
            raise _Unreadable(f"{hours_file}: no such file") from None
        except (pa.ArrowInvalid, OSError) as exc:
            raise _Unreadable(f"{hours_file}: not a Parquet file of judged hours ({str(exc).splitlines()[0]}); "
                              "`ultralow export --hours FILE.parquet` writes one") from None
        info.update({"hours_file": hours_file, "hours": hours.num_rows})
    elif Path(db).exists():
        try:
            hours, emissions, engine_info = read_engine_hours(db, given_config(config), year)
        except _NoData as exc:
            _err(f"{exc}: emission claims get no_evidence")
            info["db"] = db
        else:
            info.update(engine_info)
    elif db_given:
        raise _Unreadable(f"{db}: no such store")
    else:
        _err(f"no store at {db} (give --db PATH): emission claims are checked against no CEMS hours")
    standards = packaged_standards()
    info["standards"] = "ultralow.standards (packaged limit sets)" if standards else None
    return EvidenceSet(hours, emissions, standards, info)


@claims.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@db_option
@config_option
@format_option("table", "json", "html")
@click.option("--year", type=click.IntRange(1990, 2100), default=None,
              help="Evidence period: this calendar year (default: all the store's data).")
@click.option("--hours", "hours_file", type=click.Path(dir_okay=False), default=None,
              help="Judged CEMS hours as Parquet (instead of running the compliance engine on --db).")
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False), default=None,
              help="Verification rules TOML (default: the packaged verification.toml).")
@click.pass_context
def check(ctx: click.Context, files: tuple[str, ...], db: str, config: str, fmt: str, year: int | None,
          hours_file: str | None, rules_file: str | None) -> None:
    """Extract the claims of FILE… and check each against the evidence: CEMS hours of the store (the
    compliance engine is run on --db), the standards' limits and the store's approved ledger rows. Prints verdicts
    (supported, contradicted, partly_supported, no_evidence, not_checkable) with rule, evidence and reason,
    and the figures that disagree across documents. Exit 0 when the check ran (contradictions are results)."""
    problems: list[str] = []
    documents: list[Document] = []
    for path in files:
        try:
            documents.append(_read_document(path))
        except _Unreadable as exc:
            problems.append(str(exc))
    rules: Rules = packaged_rules()
    if rules_file:
        try:
            rules = load_rules(rules_file)
        except (OSError, ValueError) as exc:
            problems.append(f"{rules_file}: {exc}")
    db_given = ctx.get_parameter_source("db") not in (click.core.ParameterSource.DEFAULT, None)
    evidence: EvidenceSet | None = None
    if not problems:
        try:
            evidence = gather_evidence(db, db_given, config, year, hours_file)
        except _Unreadable as exc:
            problems.append(str(exc))
        except ProblemsError as exc:  # the store or the registry (file, line, key)
            problems.extend(exc.problems)
        except Exception as exc:  # the store or the engine failed: say what and where
            problems.append(f"{db}: the compliance engine could not run: {type(exc).__name__}: {exc}")
    if problems or evidence is None:
        for line in problems:
            _err(line)
        _err(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}")
        sys.exit(1)
    ledgers = ledger_evidence(db, year) if Path(db).exists() else None  # approved ledger rows (ultralow.app)
    result = check_texts(documents, hours=evidence.hours, emissions=evidence.emissions,
                         standards=evidence.standards, rules=rules, sources=[ledgers[0]] if ledgers else ())
    result.evidence = {**evidence.info, **result.evidence, "ledgers": ledgers[1] if ledgers else None}
    if fmt == "json":
        document = {"schema_version": SCHEMA_VERSION, **result.to_json(files)}
        click.echo(json.dumps(document, ensure_ascii=False, default=str))
    elif fmt == "html":
        click.echo(render_html(result.to_json(files)))
    else:
        print_check(result.checked, result.findings, result.evidence)


_VERDICT_STYLE = {"supported": "green", "contradicted": "red", "partly_supported": "yellow",
                  "no_evidence": "dim", "not_checkable": "dim"}


def print_check(checked: list[CheckedClaim], findings: list[Finding], info: dict[str, Any],
                console: Console | None = None) -> None:
    """Verdicts and findings as readable tables, fitted to the terminal (80 columns and up: text cells wrap
    at word boundaries, columns that do not fit move to a continuation table keyed by the claim)."""
    console = console or Console()  # the terminal's width (or COLUMNS)
    where = info.get("hours_file") or info.get("db") or "no CEMS store"
    one_document = len({x.claim.document for x in checked}) == 1
    rows = []
    for c in checked:
        cl = c.claim
        figure = f"{cl.metric}: {cl.qualifier} {cl.value:,.6g}" + (
            f"–{cl.value_max:,.6g}" if cl.value_max is not None else "") + f" {cl.unit}"
        if cl.scope:
            figure += f" [{cl.scope}]"
        ev = ""
        if c.evidence is not None and c.evidence.value is not None:
            ev = f"{c.evidence.statistic} {c.evidence.value:,.6g} {c.evidence.unit}"
            if c.evidence.outlets:
                ev += f"; {len(c.evidence.outlets)} outlets, {str(c.evidence.period).replace('/', ' – ')}"
        reason = "no approved ledger figure in the store" if c.reason == LEDGER_PENDING else c.reason
        rows.append([cl.id.rsplit(":", 1)[-1] if one_document else cl.id, figure, c.verdict, ev, reason])
    print_fitted(console, f"{len(checked)} claims checked (evidence: {where})", [
        Column("claim", key=True, abbreviate=not one_document), Column("figure"),
        Column("verdict", wrap=False), Column("evidence"), Column("reason")], rows)
    if findings:
        print_fitted(console, f"{len(findings)} consistency findings", [
            Column("metric", key=True), Column("kind", wrap=False), Column("figures"), Column("reason")],
            [[f.metric, f.kind, "\n".join(f.values), f.reason] for f in findings])


def render_html(report: dict[str, Any]) -> str:
    """A self-contained HTML page of the check (every value escaped)."""
    e = html.escape
    rows = []
    for c in report["claims"]:
        ev = c["evidence"] or {}
        figure = f"{c['qualifier']} {c['value']:,.6g}" + (
            f"–{c['value_max']:,.6g}" if c["value_max"] is not None else "") + f" {c['unit']}"
        evidence = ""
        if ev.get("value") is not None:
            evidence = f"{ev['statistic']} {ev['value']:,.6g} {ev['unit']} ({len(ev['outlets'])} outlets, {ev['period']})"
        rows.append(
            f"<tr class=\"{e(c['verdict'])}\"><td>{e(c['id'])}</td><td>{e(c['text'])}</td><td>{e(c['metric'])}</td>"
            f"<td>{e(figure)}</td><td>{e(c['verdict'])}</td><td>{e(evidence)}</td><td>{e(c['reason'])}</td></tr>")
    findings = "".join(
        f"<tr><td>{e(f['metric'])}</td><td>{e(f['kind'])}</td><td>{e('; '.join(f['values']))}</td>"
        f"<td>{e(f['reason'])}</td></tr>" for f in report["consistency"])
    summary = ", ".join(f"{e(k)}: {v}" for k, v in report["summary"].items())
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Claim check</title><style>"
        "body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:4px;vertical-align:top}.supported td:nth-child(5){color:#060}.contradicted td:nth-child(5)"
        "{color:#a00}.partly_supported td:nth-child(5){color:#a60}</style></head><body>"
        f"<h1>Claim check</h1><p>Documents: {e(', '.join(report['documents']))}</p><p>{summary}</p>"
        "<table><tr><th>id</th><th>text</th><th>metric</th><th>figure</th><th>verdict</th><th>evidence</th>"
        f"<th>reason</th></tr>{''.join(rows)}</table><h2>Consistency</h2><table><tr><th>metric</th><th>kind</th>"
        f"<th>figures</th><th>reason</th></tr>{findings}</table></body></html>"
    )
