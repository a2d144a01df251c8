"""Evidence pages (the rows, rules and query behind a figure) and the chart images, from the site build."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pyarrow as pa
from starlette.requests import Request
from starlette.responses import Response

from ultralow.app import site
from ultralow.app.rollups import GROUP
from ultralow.charts import chart_text, hourly_vs_limit, monthly_tonnes, to_svg
from ultralow.web.i18n import Formatter
from ultralow.web.labels import short_pollutant
from ultralow.web.rendering import language_of
from ultralow.web.views import Pages

MAX_EVIDENCE_ROWS = 500
SUMMARY_COLUMNS = ("outlet_id", "code", "hours_operating", "hours_valid", "hours_judged", "hours_exceeded",
                   "capture_rate", "compliance_rate", "mean_corrected_mg_m3", "max_corrected_mg_m3")
HOUR_COLUMNS = ("outlet_id", "code", "hour", "valid_minutes", "status", "o2_pct", "measured_mg_m3",
                "corrected_mg_m3", "limit_mg_m3", "limit_set", "exceeded", "emission_total_kg")
SVG_HEADERS = {"cache-control": "no-cache", "content-type": "image/svg+xml"}


def _rows(table: pa.Table, columns: tuple[str, ...], limit: int = MAX_EVIDENCE_ROWS) -> dict[str, Any]:
    keep = [c for c in columns if c in table.column_names]
    return {"columns": keep, "rows": table.select(keep).slice(0, limit).to_pylist(), "total": table.num_rows}


def _filter(table: pa.Table, outlet_ids: list[str], code: str | None = None) -> pa.Table:
    import pyarrow.compute as pc

    mask = pc.is_in(table["outlet_id"], pa.array(outlet_ids, pa.string()))
    if code is not None and "code" in table.column_names:
        mask = pc.and_(mask, pc.equal(table["code"], code))
    return table.filter(mask)


class EvidencePages:
    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self._svg: dict[tuple[int, str], str] = {}  # per build: (id of the build, request path) → SVG

    def _cached_svg(self, request: Request, make: Callable[[], str]) -> Response:
        """Charts are rendered once per build (vl-convert takes 0.1–0.5 s); at most 512 kept."""
        key = (id(self.pages.state.build), request.url.path)
        svg = self._svg.get(key)
        if svg is None:
            if len(self._svg) >= 512 or any(k[0] != key[0] for k in list(self._svg)[:1]):
                self._svg.clear()
            svg = self._svg[key] = make()
        return Response(svg, headers=SVG_HEADERS)

    def _members(self, base: str, source_type: str) -> list[str]:
        return [o.id for o in self.pages.context.registry.outlets
                if (base == GROUP or o.base == base) and (source_type == "all" or o.source_type == source_type)]

    def _evidence(self, request: Request, title: str, outlet_ids: list[str], code: str | None,
                  tables: list[tuple[str, dict[str, Any]]], formula: str) -> Response:
        build = self.pages.judged()
        judgement = build.figures.judgement if build else None
        fmt = Formatter(language_of(request))
        values: dict[str, Any] = {"cell": lambda v: cell(fmt, v), "outlet_ids": outlet_ids, "code": code, "tables": tables, "formula": formula,
                                  "evidence_doc": judgement.evidence() if judgement else None}
        if judgement is not None:
            limits = _filter(judgement.limits, outlet_ids)
            if code is not None:
                import pyarrow.compute as pc
                limits = limits.filter(pc.equal(limits["pollutant"], code))
            values["limits"] = limits.to_pylist()
        return self.pages.page(request, "evidence.html", "", title, values)

    async def ledger(self, request: Request) -> Response:
        """A ledger figure: the approved rows it sums, each with its evidence document, SHA-256, who entered it
        and who approved it (drafts named apart: they are not published)."""
        _ = self.pages.gettext(request)
        build = self.pages.state.build
        figures = build.figures if build is not None else None
        figure = figures.social.get(request.path_params["figure"]) if figures is not None else None
        if figures is None or figure is None or figures.ledgers is None:
            return await self.pages.not_found(request)
        by_ref = {r.ref: r for r in (*figures.ledgers.effective, *figures.ledgers.draft_only)}
        rows = [by_ref[ref] for ref in figure.rows if ref in by_ref]
        drafts = [by_ref[ref] for ref in figure.drafts if ref in by_ref]
        return self.pages.page(request, "ledger_evidence.html", "", _("Evidence") + ": " + figure.label, {
            "figure": figure, "rows": rows, "drafts": drafts})

    async def rollup(self, request: Request) -> Response:
        _ = self.pages.gettext(request)
        base, source_type = request.path_params["base"], request.path_params["source_type"]
        ids = self._members(base, source_type)
        build = self.pages.judged()
        if not ids or build is None or build.figures.judgement is None:
            return await self.pages.not_found(request)
        judgement = build.figures.judgement
        title = _("Evidence") + ": " + (self.pages.base_name(base, language_of(request).code) if base != GROUP else _("Group")) + " · " + \
            str(self.pages.gettext(request)(site_source(source_type)))
        tables = [
            (_("Hour counts and rates per outlet and pollutant (engine table summary)"),
             _rows(_filter(judgement.tables["summary"], ids), SUMMARY_COLUMNS)),
            (_("Ultra-low time ratio per outlet and quarter (engine table ultra_low)"),
             _rows(_filter(judgement.tables["ultra_low"], ids), ("outlet_id", "year", "quarter", "hours_operating",
                                                                  "hours_assessed", "hours_meeting", "ratio", "tier"))),
            (_("Annual emissions per outlet and pollutant (engine table emissions)"),
             _rows(_filter(judgement.tables["emissions"], ids), ("outlet_id", "code", "year", "measured_kg",
                                                                  "substituted_kg", "hours_substituted", "total_t"))),
            (_("Exceeded hours (engine table hours)"),
             _rows(_filter(judgement.hours.filter(judgement.hours["exceeded"]), ids), HOUR_COLUMNS)),
        ]
        formula = _("Capture = valid hours / operating hours; compliance = (judged hours − exceeded hours) / judged "
                    "hours; ultra-low ratio = hours meeting / hours assessed; tonnes = (measured + substituted kg) / 1000, "
                    "summed over the outlets listed.")
        return self._evidence(request, title, ids, None, tables, formula)

    async def performance(self, request: Request) -> Response:
        _ = self.pages.gettext(request)
        base, source_type, code = (request.path_params[k] for k in ("base", "source_type", "code"))
        ids = self._members(base, source_type)
        build = self.pages.judged()
        if not ids or build is None or build.figures.judgement is None:
            return await self.pages.not_found(request)
        judgement = build.figures.judgement
        title = (_("Evidence") + ": " + self.pages.base_name(base, language_of(request).code) + " · " +
                 str(self.pages.gettext(request)(site_source(source_type))) + " · " + short_pollutant(code))
        hours = _filter(judgement.hours, ids, code)
        tables = [
            (_("Hour counts and rates per outlet (engine table summary)"),
             _rows(_filter(judgement.tables["summary"], ids, code), SUMMARY_COLUMNS)),
            (_("Exceeded hours (engine table hours)"), _rows(hours.filter(hours["exceeded"]), HOUR_COLUMNS)),
            (_("Every judged hour (engine table hours; the first rows, all in the download)"),
             _rows(hours.sort_by("hour"), HOUR_COLUMNS, limit=48)),
        ]
        formula = _("Mean = valid-hour-weighted mean of the outlets' hourly corrected means; highest hour = the "
                    "largest hourly corrected mean; corrected = measured × (21 − O₂ ref) / (21 − O₂) where the limit "
                    "has a reference O₂.")
        return self._evidence(request, title, ids, code, tables, formula)

    # -- charts -----------------------------------------------------------------------------------------
    async def monthly_tonnes_svg(self, request: Request) -> Response:
        lang = language_of(request).code
        shown = self.pages.overview()
        if shown is None:
            return Response(status_code=404)
        rows = [{"month": r["month"], "pollutant": short_pollutant(r["code"]), "tonnes": r["tonnes"]}
                for r in shown.tonnes]
        _ = self.pages.gettext(request)
        spec = monthly_tonnes(rows, title=_("Monthly emissions, tonnes"), text=chart_text(lang), width_px=560)
        return self._cached_svg(request, lambda: to_svg(spec, lang=lang))

    async def outlet_svg(self, request: Request) -> Response:
        lang = language_of(request).code
        build = self.pages.judged()
        outlet_id, code = request.path_params["outlet"], request.path_params["code"]
        month = request.path_params["month"]
        if build is None or build.figures.judgement is None or not 1 <= month <= 12:
            return Response(status_code=404)
        hours = site.outlet_hours(build.figures.judgement, outlet_id, code, month)
        if hours.num_rows == 0:
            return Response(status_code=404)

        def make() -> str:
            rows = hours.select(["hour", "corrected_mg_m3", "limit_mg_m3", "exceeded"]).to_pylist()
            title = f"{outlet_id} · {short_pollutant(code)} · {month:02d}"
            spec = hourly_vs_limit(rows, title=title, text=chart_text(lang), width_px=640, height_px=200)
            return to_svg(spec, lang=lang)
        return self._cached_svg(request, make)


def cell(fmt: Formatter, value: Any) -> str:
    """An evidence table cell: a dash for null, whole numbers as they are, fractions to 3 decimals."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return fmt.number(value, 3)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def site_source(source_type: str) -> str:
    from ultralow.web.labels import SOURCE_TYPES

    return SOURCE_TYPES.get(source_type, source_type)
