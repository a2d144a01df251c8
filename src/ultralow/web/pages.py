"""Routes of the public site (``/en/…`` and ``/zh/…``), bound to one ``SiteState``."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ultralow.web.context import WebContext
from ultralow.web.evidence import EvidencePages
from ultralow.web.i18n import BY_CODE, negotiate
from ultralow.web.state import SiteState
from ultralow.web.views import DataPage, OutletPage, Pages, SearchPage

Handler = Callable[[Request], Awaitable[Response]]
REPORT_NAME = re.compile(r"report-\d{4}-(en|zh)\.(html|pdf)")
REPORT_HTML_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                      "form-action 'none'; frame-ancestors 'none'")


def routes(context: WebContext, state: SiteState) -> tuple[list[BaseRoute], Callable[[Request, Exception],
                                                                                         Awaitable[Response]]]:
    """The public pages' routes and the handler of 404s in the page frame."""
    pages = Pages(context, state)
    evidence = EvidencePages(pages)
    outlet = OutletPage(pages)
    search = SearchPage(pages)
    data = DataPage(pages)

    def localised(handler: Handler) -> Handler:
        async def checked(request: Request) -> Response:
            if request.path_params["lang"] not in BY_CODE:
                return await pages.not_found(request)
            return await handler(request)
        return checked

    async def root(request: Request) -> Response:
        language = negotiate(request.headers.get("accept-language"))
        return RedirectResponse(f"/{language.code}/", status_code=307)

    async def unprefixed(request: Request) -> Response:
        # /claims, /esg … without a language: the browser's language.
        slug = request.path_params["slug"]
        if slug in BY_CODE:
            return RedirectResponse(f"/{slug}/", status_code=307)
        language = negotiate(request.headers.get("accept-language"))
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/{language.code}/{slug}{query}", status_code=307)

    async def report_file(request: Request) -> Response:
        name = request.path_params["name"]
        path = context.reports_dir / name
        if not REPORT_NAME.fullmatch(name) or not path.is_file():
            return await pages.not_found(request)
        # the report's HTML stands alone (inline stylesheet and SVG charts, no script): its own policy
        headers = {"content-security-policy": REPORT_HTML_POLICY} if name.endswith(".html") else None
        return FileResponse(path, headers=headers)

    async def on_404(request: Request, exc: Exception) -> Response:
        return await pages.not_found(request)

    prefixed: list[tuple[str, Handler]] = [
        ("/", pages.home),
        ("/who-we-are", pages.who_we_are),
        ("/what-we-do", pages.what_we_do),
        ("/esg", pages.esg),
        ("/social", pages.social),
        ("/overseas", pages.overseas),
        ("/reports", pages.reports),
        ("/claims", pages.claims),
        ("/search", search.search),
        ("/data", data.data),
        ("/outlets/{outlet:str}", outlet.outlet),
        ("/evidence/rollup/{base:str}/{source_type:str}", evidence.rollup),
        ("/evidence/performance/{base:str}/{source_type:str}/{code:str}", evidence.performance),
        ("/charts/monthly-tonnes.svg", evidence.monthly_tonnes_svg),
        ("/charts/outlet/{outlet:str}/{code:str}/{month:int}.svg", evidence.outlet_svg),
    ]
    table: list[BaseRoute] = [Route("/", root), Route("/reports/{name:str}", report_file)]
    table += [Route("/{lang:str}" + path, localised(handler)) for path, handler in prefixed]
    table.append(Route("/{slug:str}", unprefixed))
    return table, on_404
