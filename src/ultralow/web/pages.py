"""The public site's pages: thin handlers that ask the application layer for figures and render them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ultralow.web.context import WebContext
from ultralow.web.i18n import BY_CODE, negotiate, translations
from ultralow.web.rendering import N_, language_of, render

DEMO_GROUP_NAME = N_("Demo aluminium group")


def group_name(context: WebContext, request: Request) -> str:
    name = context.registry.group_name
    return name if name else translations(language_of(request).code).gettext(DEMO_GROUP_NAME)


def routes(context: WebContext) -> tuple[list[Route], Callable[[Request, Exception], Awaitable[Response]]]:
    """Routes of the public pages bound to ``context``, and the handler of 404s in the page frame."""

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

    async def home(request: Request) -> Response:
        if request.path_params["lang"] not in BY_CODE:
            return not_found(request)
        gettext = translations(language_of(request).code).gettext
        return render(request, "home.html", {
            "title": gettext("Responsibility and performance, from the evidence"),
            "group_name": group_name(context, request),
        })

    def not_found(request: Request) -> HTMLResponse:
        gettext = translations(language_of(request).code).gettext
        return render(request, "error.html", {
            "title": gettext("Page not found"),
            "message": gettext("There is no page at this address."),
            "group_name": group_name(context, request),
        }, status_code=404)

    async def on_404(request: Request, exc: Exception) -> Response:
        return not_found(request)

    return [
        Route("/", root),
        Route("/{lang:str}/", home),
        Route("/{slug:str}", unprefixed),
    ], on_404
