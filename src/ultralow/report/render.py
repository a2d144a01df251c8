"""The report's HTML (one template, both languages) and its charts (Vega-Lite specs from
:mod:`ultralow.charts`, rendered to SVG on the server and inlined, so the HTML stands alone and WeasyPrint
draws the same SVG in the PDF)."""

from __future__ import annotations

import math
import re
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ultralow.charts import chart_text, hourly_vs_limit, monthly_tonnes, to_svg
from ultralow.registry import in_language
from ultralow.report.figures import ReportData
from ultralow.report.words import PRODUCTS, kpi_title, label, ledger_label, reason, unit, words

FONT_STACK = "'Noto Sans CJK SC', 'Noto Sans', sans-serif"


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("ultralow.report", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(num=num, pct=pct, tonnes=tonnes, sig=sig)
    return env


@cache
def stylesheet() -> str:
    return resources.files("ultralow.report").joinpath("templates", "report.css").read_text(encoding="utf-8")


# -- numbers: the same in both languages; a null is a dash, never a zero ------------------------------------

def num(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{float(value):,.{digits}f}"


def pct(ratio: Any, digits: int = 2) -> str:
    """A 0..1 ratio as a percentage."""
    return "—" if ratio is None else f"{float(ratio) * 100:.{digits}f} %"


def tonnes(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, int) and not isinstance(value, bool):
        return num(value)
    v = float(value)
    return num(v, 0 if abs(v) >= 1000 else 1 if abs(v) >= 10 else 2 if abs(v) >= 1 else 3)


def sig(value: Any) -> str:
    """About three significant digits, never in exponent form (the claim check reads these)."""
    if value is None:
        return "—"
    if isinstance(value, int) and not isinstance(value, bool):
        return num(value)
    v = float(value)
    return num(v, 0 if abs(v) >= 100 else 1 if abs(v) >= 10 else 2 if abs(v) >= 1 else 3)


# -- charts ------------------------------------------------------------------------------------------------

def _svg(spec: dict[str, Any], lang: str) -> Markup:
    svg = to_svg(spec, lang=lang)
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg).strip()
    return Markup(svg)  # noqa: S704 - the renderer's own SVG, data inline and escaped by vl-convert


def charts(data: ReportData, lang: str) -> dict[str, Markup]:
    text = chart_text(lang)
    t = words(lang)
    out: dict[str, Markup] = {}
    rows = [{"month": r["month"], "pollutant": label("pollutant", r["code"], lang), "tonnes": r["tonnes"]}
            for r in data.monthly]
    if rows:
        out["tonnes"] = _svg(monthly_tonnes(rows, title=t("chart_tonnes"), text=text, width_px=520), lang)
    if data.worst_hours is not None and data.worst_hours["rows"]:
        w = data.worst_hours
        title = t("chart_worst", outlet=w["outlet_id"], pollutant=label("pollutant", w["code"], lang),
                  month=w["month"])
        out["worst"] = _svg(hourly_vs_limit(w["rows"], title=title, text=text, width_px=520), lang)
    return out


def render_html(data: ReportData, lang: str, *, claims: dict[str, Any] | None, statement: str | None,
                chart_svgs: dict[str, Markup] | None = None) -> str:
    """The report in ``lang``; ``claims`` None renders the body only (what the claim check reads)."""
    t = words(lang)
    bases = {b["id"]: b for b in data.bases}
    figures = {f.no: f for f in data.book.figures}
    context = {
        "d": data, "lang": lang, "t": t, "css": Markup(stylesheet()),  # noqa: S704 - packaged stylesheet
        "L": lambda kind, key: label(kind, key, lang), "base_name": lambda b: in_language(bases[b]["name"], bases[b]["name_zh"], lang) if b in bases else b,
        "group_name": in_language(data.group_name, data.group_name_zh, lang),
        "charts": chart_svgs if chart_svgs is not None else charts(data, lang), "claims": claims,
        "statement": [p.strip() for p in re.split(r"\n\s*\n", statement) if p.strip()] if statement else [],
        "figures": figures, "created": data.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "kpi_title": lambda k: kpi_title(k["id"], k["title"], lang),
        "ledger_label": lambda r: ledger_label(r["id"], r["label"], r["country"], lang),
        "reason": lambda text: reason(text, lang),
        "unit": lambda text: unit(text, lang),
        "products": lambda production: [label("product", k, lang).format(v=num(production[k]))
                                         for k in PRODUCTS if production.get(k)],
        "countries": (", " if lang == "en" else "、").join(
            label("country", c, lang) for c in sorted({b["country"] for b in data.bases})),
    }
    return _environment().get_template("report.html.j2").render(**context)
