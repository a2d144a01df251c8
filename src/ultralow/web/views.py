"""The public pages: each handler takes the current site build, asks ``ultralow.app.site`` for the
selection it shows, and renders it. No figure is computed here."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ultralow.app import site
from ultralow.ledger.figures import CAPACITY_COLUMNS
from ultralow.translation import N_
from ultralow.web.context import WebContext
from ultralow.web.copy import intro
from ultralow.web.i18n import translations
from ultralow.web.labels import COUNTRIES, SOURCE_TYPES, pollutant, short_pollutant
from ultralow.web.rendering import language_of, render
from ultralow.web.state import Build, SiteState

DEMO_GROUP_NAME = N_("Demo aluminium group")
OVERSEAS_COUNTRIES = ("GN", "ID")

# Social and overseas figures come from the ledgers; until they are in the store they are shown as not
# yet available (never a made-up number). (key, label, unit)
SOCIAL_METRICS: tuple[tuple[str, str, str], ...] = (
    ("employees", N_("Employees"), ""),
    ("housing_households", N_("Households housed at cost price"), ""),
    ("clinics", N_("Clinics near the industrial parks"), ""),
    ("kindergartens", N_("Kindergartens"), ""),
    ("donations_cny", N_("Donations"), "CNY"),
    ("trees_planted", N_("Trees planted"), ""),
    ("volunteer_hours", N_("Volunteer hours"), "h"),
)
OVERSEAS_METRICS: tuple[tuple[str, str, str], ...] = (
    ("local_employees", N_("Local employees"), ""),
    ("contractor_employees", N_("Employed by contractors"), ""),
    ("payments_to_government_usd", N_("Payments to government"), "USD"),
    ("community_spend_share", N_("Community spending as share of turnover (Guinea floor 0.5 %)"), "%"),
)
# which approved-ledger figure (ultralow.app.site SiteFigures.social) each metric key shows; "{c}": the country
LEDGER_FIGURES = {
    "employees": "workforce.employees", "housing_households": "housing.units_cumulative",
    "clinics": "facilities.clinic", "kindergartens": "facilities.kindergarten", "donations_cny": "donations.total",
    "trees_planted": "trees.planted", "volunteer_hours": "volunteering.hours",
    "local_employees": "workforce.local_employees.{c}", "contractor_employees": "workforce.local_contractors.{c}",
    "payments_to_government_usd": "government.payments.{c}", "community_spend_share": "community.statutory_share.{c}",
}


def ledger_values(build: Build | None, country: str | None = None) -> dict[str, dict[str, Any]]:
    """Metric key -> value, unit, digits and a note for the figures the approved ledgers give (absent keys stay
    "not yet available": never a made-up number)."""
    if build is None:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for key, fid in LEDGER_FIGURES.items():
        if "{c}" in fid:
            if country is None:
                continue
            fid = fid.replace("{c}", country)
        figure = build.figures.social.get(fid)
        if figure is None or figure.status != "reported" or figure.value is None:
            continue
        value: float | None = figure.value
        unit = figure.unit
        if key == "community_spend_share":
            value = figure.detail.get("total_share_pct")
            if value is None:
                continue
        out[key] = {"value": value, "unit": "%" if unit == "%" else ("CNY" if unit == "CNY" else ""),
                    "digits": 2 if unit == "%" else 0,
                    "year": figure.year, "rows": len(figure.rows), "figure": fid}
    inv = build.figures.ghg
    if inv is not None and inv.lines:
        ghg: tuple[tuple[str, float | None, int], ...] = (
            ("scope1_t", inv.scope1_t, 0), ("scope2_t", inv.scope2_t, 0),
            ("intensity_aluminium", inv.intensity_t_per_t_aluminium, 3))
        for key, amount, digits in ghg:
            if amount is not None:
                out[key] = {"value": amount, "unit": "t CO₂e/t" if digits else "t CO₂e", "digits": digits,
                            "year": inv.year, "note": f"GHG Protocol, {inv.regime.gwp_set} · approved ledgers"}
    return out


def capacity_values(build: Build | None, base: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    """(label, unit, value) of the capacities the approved capacity ledger gives for the group (``base``
    None) or one base; a kind of capacity the ledger has no value for is left out (a base without a
    smelter has no smelting capacity, not a zero). Labels are the ledger's (catalog msgids), units the figures'."""
    if build is None:
        return []
    out = []
    for column, label, _unit in CAPACITY_COLUMNS:
        fid = f"capacity.{column}" + (f".{base}" if base else "")
        figure = build.figures.social.get(fid)
        if figure is None or figure.status != "reported" or figure.value is None:
            continue
        unit = figure.unit
        out.append((label, unit, {"value": figure.value, "unit": unit, "digits": 0, "year": figure.year,
                                  "rows": len(figure.rows), "figure": fid}))
    return out


VERDICT_LABELS = {
    "supported": N_("supported"), "contradicted": N_("contradicted"), "partly_supported": N_("partly supported"),
    "no_evidence": N_("no evidence"), "not_checkable": N_("not checkable"),
}
GHG_METRICS: tuple[tuple[str, str, str], ...] = (
    ("scope1_t", N_("Scope 1 emissions"), "t CO₂e"),
    ("scope2_t", N_("Scope 2 emissions"), "t CO₂e"),
    ("intensity_aluminium", N_("Intensity per tonne of aluminium"), "t CO₂e/t"),
)


class Pages:
    def __init__(self, context: WebContext, state: SiteState) -> None:
        self.context = context
        self.state = state

    # -- frame -----------------------------------------------------------------------------------------
    def gettext(self, request: Request) -> Any:
        return translations(language_of(request).code).gettext

    def group_name(self, request: Request) -> str:
        name = self.context.registry.group_name_in(language_of(request).code)
        return name if name else str(self.gettext(request)(DEMO_GROUP_NAME))

    def base_name(self, base_id: str, lang: str) -> str:
        try:
            return self.context.registry.base(base_id).name_in(lang)
        except KeyError:
            return base_id

    def page(self, request: Request, template: str, slug: str, title: str, values: dict[str, Any],
             status_code: int = 200) -> Response:
        lang = language_of(request).code
        self.state.refresh_if_changed()
        build = self.state.build
        figures = build.figures if build else None
        period = figures.period if figures else None
        frame = {
            "title": title, "group_name": self.group_name(request), "intro": intro(slug, lang),
            "build": build, "building": self.state.building, "build_error": self.state.error,
            "period_first": period.start if period else None,
            "period_last": (period.end - timedelta(days=1)) if period else None,
            "updated_at": figures.computed_at if figures else None,
            "data_last": figures.data_last if figures else None,
            "source_label": lambda s: self.gettext(request)(SOURCE_TYPES.get(s, s)),
            "pollutant": lambda c: pollutant(c, lang), "short": short_pollutant,
            "base_name": lambda b: self.base_name(b, lang),
            "country": lambda c: self.gettext(request)(COUNTRIES.get(c, c)),
        }
        return render(request, template, {**frame, **values}, status_code=status_code, page=slug)

    def judged(self) -> Build | None:
        build = self.state.build
        return build if build is not None and build.figures.judgement is not None else None

    def overview(self) -> site.Overview | None:
        """The current build's page selections (None before the first build or without readings)."""
        build = self.judged()
        return build.figures.overview if build is not None else None

    async def not_found(self, request: Request) -> Response:
        _ = self.gettext(request)
        return self.page(request, "error.html", "", _("Page not found"),
                         {"message": _("There is no page at this address.")}, status_code=404)

    # -- pages -----------------------------------------------------------------------------------------
    async def home(self, request: Request) -> Response:
        _ = self.gettext(request)
        return self.page(request, "home.html", "", _("Responsibility and performance, from the evidence"), {})

    async def who_we_are(self, request: Request) -> Response:
        _ = self.gettext(request)
        registry = self.context.registry
        countries = sorted({b.country for b in registry.bases})
        return self.page(request, "who.html", "who-we-are", _("Who we are"), {
            "bases": registry.bases, "outlets": registry.outlets, "countries": countries,
            "country_names": [_(COUNTRIES.get(c, c)) for c in countries],
            "social": SOCIAL_METRICS[:1], "ledger": ledger_values(self.state.build),
        })

    async def what_we_do(self, request: Request) -> Response:
        _ = self.gettext(request)
        shown = self.overview()
        last_hours = shown.last_hours if shown is not None else {}
        by_base = [(b, [o for o in self.context.registry.outlets if o.base == b.id]) for b in self.context.registry.bases]
        return self.page(request, "what.html", "what-we-do", _("What we do"), {
            "by_base": by_base, "last_hours": last_hours, "capacity": capacity_values(self.state.build),
            "base_capacity": {b.id: capacity_values(self.state.build, b.id) for b in self.context.registry.bases},
        })

    async def esg(self, request: Request) -> Response:
        _ = self.gettext(request)
        values: dict[str, Any] = {"ghg": GHG_METRICS, "ledger": ledger_values(self.judged())}
        shown = self.overview()
        if shown is not None and shown.group is not None:  # selected once per build (site.Overview)
            values.update({"group": shown.group, "rollups": shown.rollups, "performance": shown.performance,
                           "events": shown.events[:20], "events_total": len(shown.events),
                           "tonnes": shown.tonnes})
        return self.page(request, "esg.html", "esg", _("Environmental, Social and Governance"), values)

    async def social(self, request: Request) -> Response:
        _ = self.gettext(request)
        return self.page(request, "social.html", "social", _("Social Responsibility and Public Welfare"),
                         {"metrics": SOCIAL_METRICS, "ledger": ledger_values(self.state.build)})

    async def overseas(self, request: Request) -> Response:
        _ = self.gettext(request)
        bases = [b for b in self.context.registry.bases if b.country in OVERSEAS_COUNTRIES]
        shown = self.overview()
        ids = {b.id for b in bases}
        rows = [r for r in shown.rollups if r["base"] in ids] if shown is not None else []
        return self.page(request, "overseas.html", "overseas", _("Overseas Contribution"), {
            "bases": bases, "metrics": OVERSEAS_METRICS, "rollups": rows,
            "ledger": {b.country: ledger_values(self.state.build, b.country) for b in bases},
        })

    async def reports(self, request: Request) -> Response:
        _ = self.gettext(request)
        return self.page(request, "reports.html", "reports", _("Reports"),
                         {"reports": report_files(self.context.reports_dir)})

    async def claims(self, request: Request) -> Response:
        _ = self.gettext(request)
        build = self.state.build
        result = build.figures.claims if build else None
        return self.page(request, "claims.html", "claims", _("Claims"), {
            "checked": result.checked if result else [], "summary": result.summary() if result else {},
            "verdict_label": lambda v: VERDICT_LABELS.get(v, v),
            "documents": build.figures.claim_documents if build else [],
        })


class DataPage:
    def __init__(self, pages: Pages) -> None:
        self.pages = pages

    async def data(self, request: Request) -> Response:
        from ultralow.web.dictionary import DATASETS

        _ = self.pages.gettext(request)
        return self.pages.page(request, "data.html", "data", _("Open data"), {"datasets": DATASETS})


def report_files(folder: Path) -> list[dict[str, Any]]:
    """``report-YYYY-LANG.html|pdf`` files of ``folder``, newest year first."""
    if not folder.is_dir():
        return []
    out = []
    for path in folder.iterdir():
        parts = path.stem.split("-")
        if (path.suffix in (".html", ".pdf") and len(parts) == 3 and parts[0] == "report" and parts[1].isdigit()
                and parts[2] in ("en", "zh")):
            out.append({"name": path.name, "year": int(parts[1]), "lang": parts[2], "format": path.suffix[1:],
                        "bytes": path.stat().st_size,
                        "modified": date.fromtimestamp(path.stat().st_mtime)})
    return sorted(out, key=lambda r: (-r["year"], r["lang"], r["format"]))


class OutletPage:
    """One outlet: its hourly corrected values against the limit for a pollutant and month."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages

    async def outlet(self, request: Request) -> Response:
        _ = self.pages.gettext(request)
        outlet = next((o for o in self.pages.context.registry.outlets if o.id == request.path_params["outlet"]), None)
        if outlet is None:
            return await self.pages.not_found(request)
        build = self.pages.judged()
        shown = self.pages.overview()
        values: dict[str, Any] = {"outlet": outlet, "codes": [], "months": [], "hours": None}
        if build is not None and build.figures.judgement is not None:
            judgement = build.figures.judgement
            summary = [r for r in judgement.tables["summary"].to_pylist() if r["outlet_id"] == outlet.id
                       and r["code"] in site.PUBLISHED_CODES]
            codes = [r["code"] for r in summary]
            months = site.months_with_hours(judgement, outlet.id)
            code = request.query_params.get("code") or (codes[0] if codes else None)
            try:
                month = int(request.query_params.get("month") or (months[-1] if months else 0))
            except ValueError:
                month = months[-1] if months else 0
            if code not in codes or month not in months:
                code, month = (codes[0] if codes else None), (months[-1] if months else 0)
            hours = site.outlet_hours(judgement, outlet.id, code, month).to_pylist() if code else []
            values.update({"summary": summary, "codes": codes, "months": months, "code": code, "month": month,
                           "hours": hours, "events": [e for e in shown.events if e["outlet_id"] == outlet.id] if shown else [],
                           "last_hour": shown.last_hours.get(outlet.id) if shown else None,
                           "limits": site.outlet_limits(judgement)})
        return self.pages.page(request, "outlet.html", "", outlet.name_in(language_of(request).code), values)


KIND_LABELS = {"page": N_("Page"), "base": N_("Base"), "outlet": N_("Outlet"), "claim": N_("Claim"),
               "report": N_("Report")}


class SearchPage:
    def __init__(self, pages: Pages) -> None:
        self.pages = pages

    async def search(self, request: Request) -> Response:
        _ = self.pages.gettext(request)
        query = request.query_params.get("q", "")[:200]
        build = self.pages.state.build
        hits = build.index.search(query, lang=language_of(request).code) if build and query.strip() else []
        return self.pages.page(request, "search.html", "search", _("Search"), {
            "query": query, "hits": hits, "kind_label": lambda k: _(KIND_LABELS.get(k, k)),
        })
