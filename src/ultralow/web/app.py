"""The ASGI application factory: the public site, its static assets, the API and the mounted
sub-applications, behind the security headers."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from ultralow.web import api, health, openapi, pages
from ultralow.web.context import WebContext
from ultralow.web.headers import SecurityHeaders
from ultralow.web.state import SiteState
from ultralow.web.subapps import SubApp, registered

STATIC_DIR = Path(__file__).parent / "static"


def create_app(context: WebContext, *, subapps: Sequence[SubApp] | None = None,
               build_on_start: bool = True) -> Starlette:
    """The site for ``context``. ``subapps`` (default: those in ``ultralow.web.subapps.registered()``) are
    mounted at their paths (and aliases) before the site's own routes, so ``/ops`` and ``/zh/ops`` belong to
    the dashboard.

    The figures are built in a worker thread when the server starts (``build_on_start``), or by calling
    ``app.state.site.refresh()``; pages say so while the first build runs."""
    mounted: list[BaseRoute] = []
    for sub in registered() if subapps is None else subapps:
        built = sub.build(context)  # once: its aliases serve the same app
        mounted.extend(Mount(path, app=built) for path in (sub.path, *sub.aliases))
    state = SiteState(context)
    page_routes, not_found = pages.routes(context, state)
    site_routes: list[BaseRoute] = [
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
        *health.routes(context, state),
        *openapi.routes(),
        *api.routes(context, state),
        *page_routes,
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if build_on_start and state.build is None:
            state.start_refresh()  # in a worker thread: the server answers at once
        for hook in context.on_start:
            hook()
        yield
        for hook in context.on_shutdown:
            hook()

    app = Starlette(routes=[*mounted, *site_routes], middleware=[Middleware(SecurityHeaders)],
                    exception_handlers={404: not_found}, lifespan=lifespan)
    app.state.context = context
    app.state.site = state
    app.state.before_stop = context.before_stop  # called by WebServer.stop before it waits for connections
    return app
