"""The demo's public site: the URL it ends with, and the site served beside the receiver until Ctrl-C."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ultralow.registry import Registry
from ultralow.store import Store
from ultralow.web.service import DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT, SiteService

__all__ = ["DEFAULT_HTTP_PORT", "site_hint", "site_service", "site_url"]


def site_url(port: int, host: str = DEFAULT_HTTP_HOST) -> str:
    return f"http://{host}:{port}/"


def site_hint(db: Path, port: int, serving: bool) -> str:
    """The line the demo ends with."""
    if serving:
        return f"site: {site_url(port)} (public pages, search, /api/v1, /api/docs)"
    flag = "" if port == DEFAULT_HTTP_PORT else f" --http-port {port}"
    return f"site: `ultralow web --db {db}{flag}` serves it at {site_url(port)}"


def site_service(store: Store, registry: Registry, port: int, emit: Any = None, ops_feed: Any = None) -> SiteService:
    """The site on 127.0.0.1:``port`` reading the demo store (its figures are built once it listens); the
    dashboard's live view is fed by ``ops_feed`` (the receiver's observer)."""
    return SiteService(store, registry, host=DEFAULT_HTTP_HOST, port=port, emit=emit, ops_feed=ops_feed)
