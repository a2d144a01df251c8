"""Sub-applications mounted into the site by ``create_app`` (the operations dashboard at ``/ops``).

A sub-application is registered here with its mount path and a builder that receives the ``WebContext``
(the shared store and registry) and returns an ASGI app (a Starlette app or router). The site's security
headers apply to it as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp

from ultralow.web.context import WebContext


@dataclass(frozen=True)
class SubApp:
    path: str  # mount path, e.g. "/ops"
    build: Callable[[WebContext], ASGIApp]
    aliases: tuple[str, ...] = ()  # more mount paths of the same app, e.g. the dashboard in Chinese, "/zh/ops"


def registered() -> tuple[SubApp, ...]:
    """The sub-applications ``ultralow serve`` and ``ultralow web`` mount (one line each, import inside)."""
    from ultralow.web import ops
    from ultralow.web.ops.auth import LANGUAGE_PATHS

    return (SubApp("/ops", ops.build, aliases=LANGUAGE_PATHS),)
