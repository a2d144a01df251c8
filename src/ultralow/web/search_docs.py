"""The site's searchable documents, in both languages: the pages (their copy and title), bases, outlets,
the claims of the corpus texts with their verdicts, and the annual report files."""

from __future__ import annotations

from pathlib import Path

from ultralow.app.site import SiteFigures
from ultralow.registry import Registry
from ultralow.search import SearchDoc
from ultralow.web.copy import intro
from ultralow.web.i18n import LANGUAGES, translations
from ultralow.web.labels import COUNTRIES, SOURCE_TYPES
from ultralow.web.rendering import MORE_PAGES, SECTIONS


def site_documents(figures: SiteFigures | None, registry: Registry, reports_dir: Path) -> list[SearchDoc]:
    from ultralow.web.views import report_files  # the reports page's listing

    docs: list[SearchDoc] = []
    for language in LANGUAGES:
        lang = language.code
        _ = translations(lang).gettext
        for slug, title in (*SECTIONS, *MORE_PAGES):
            docs.append(SearchDoc(f"page:{slug}", lang, "page", _(title), intro(slug, lang), slug))
        for base in registry.bases:
            outlets = [o for o in registry.outlets if o.base == base.id]
            section = "overseas" if base.country in ("GN", "ID") else "what-we-do"
            body = " · ".join([_(COUNTRIES.get(base.country, base.country)), base.timezone,
                               *(f"{o.name_in(lang)} ({_(SOURCE_TYPES.get(o.source_type, o.source_type))})" for o in outlets)])
            docs.append(SearchDoc(f"base:{base.id}", lang, "base", base.name_in(lang), body,
                                  f"{section}#base-{base.id}"))
        for outlet in registry.outlets:
            body = " · ".join([outlet.id, _(SOURCE_TYPES.get(outlet.source_type, outlet.source_type)),
                               ", ".join(outlet.limit_sets)])
            docs.append(SearchDoc(f"outlet:{outlet.id}", lang, "outlet", outlet.name_in(lang), body, f"outlets/{outlet.id}"))
        for report in report_files(reports_dir):
            docs.append(SearchDoc(f"report:{report['name']}", lang, "report", report["name"],
                                  f"{report['year']} {report['lang']} {report['format']}", "reports"))
    if figures is not None and figures.claims is not None:
        for checked in figures.claims.checked:
            claim = checked.claim
            body = f"{claim.text} — {checked.verdict}: {checked.reason}"
            for language in LANGUAGES:
                docs.append(SearchDoc(f"claim:{claim.id}", language.code, "claim", claim.document or "", body,
                                      f"claims#claim-{claim.id}"))
    return docs
