"""The ASGI application factory: the public site, its static assets, the API and the mounted
sub-applications, behind the security headers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from ultralow.web import pages
from ultralow.web.context import WebContext
from ultralow.web.headers import SecurityHeaders
from ultralow.web.subapps import SubApp, registered

STATIC_DIR = Path(__file__).parent / "static"


def create_app(context: WebContext, *, subapps: Sequence[SubApp] | None = None) -> Starlette:
    """The site for ``context``. ``subapps`` (default: those in ``ultralow.web.subapps.registered()``) are
    mounted at their paths before the site's own routes, so ``/ops`` belongs to the dashboard."""
    mounted: list[BaseRoute] = [
        Mount(sub.path, app=sub.build(context)) for sub in (registered() if subapps is None else subapps)
    ]
    page_routes, not_found = pages.routes(context)
    site_routes: list[BaseRoute] = [
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
        *page_routes,
    ]
    app = Starlette(routes=[*mounted, *site_routes], middleware=[Middleware(SecurityHeaders)],
                    exception_handlers={404: not_found})
    app.state.context = context
    return app
