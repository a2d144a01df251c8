"""Server-side rendering of the site's pages: one Jinja2 environment (autoescaped), the page frame's
context (language, switch links, navigation, search box) and the gettext function of the page's language."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ultralow import __version__
from ultralow.translation import N_
from ultralow.web.i18n import BY_CODE, LANGUAGES, Formatter, Language, translations

TEMPLATES_DIR = Path(__file__).parent / "templates"


# The five sections of the group's own site, then the pages only ours has. (slug, title)
SECTIONS: tuple[tuple[str, str], ...] = (
    ("who-we-are", N_("Who we are")),
    ("what-we-do", N_("What we do")),
    ("esg", N_("Environmental, Social and Governance")),
    ("social", N_("Social Responsibility and Public Welfare")),
    ("overseas", N_("Overseas Contribution")),
)
MORE_PAGES: tuple[tuple[str, str], ...] = (
    ("claims", N_("Claims")),
    ("reports", N_("Reports")),
    ("data", N_("Open data")),
)

environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def language_of(request: Request) -> Language:
    """The language of the URL's first segment (``/zh/…``), English when there is none."""
    code = request.path_params.get("lang") or request.url.path.lstrip("/").split("/", 1)[0]
    return BY_CODE.get(str(code), LANGUAGES[0])


def switch_links(request: Request, current: Language) -> list[dict[str, str]]:
    """The same page in every other language (same path after the prefix, same query)."""
    parts = request.url.path.split("/", 2)
    rest = parts[2] if len(parts) == 3 and parts[1] in BY_CODE else ""
    query = f"?{request.url.query}" if request.url.query else ""
    return [
        {"href": f"/{language.code}/{rest}{query}", "hreflang": language.code, "name": language.name,
         "html_lang": language.html_lang}
        for language in LANGUAGES if language != current
    ]


def render(request: Request, template: str, context: Mapping[str, Any], *, status_code: int = 200,
           page: str = "") -> HTMLResponse:
    """Render ``template`` in the request's language inside the page frame."""
    language = language_of(request)
    gettext = translations(language.code).gettext
    frame = {
        "request": request,
        "lang": language,
        "_": gettext,
        "fmt": Formatter(language),
        "switch": switch_links(request, language),
        "sections": SECTIONS,
        "more_pages": MORE_PAGES,
        "page": page,
        "query": "",
        "version": __version__,
    }
    html = environment.get_template(template).render({**frame, **context})
    return HTMLResponse(html, status_code=status_code)
