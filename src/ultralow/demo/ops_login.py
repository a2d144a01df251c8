"""The demo's dashboard login: ``ultralow demo`` (serving) creates it and prints it with the URL."""

from __future__ import annotations

import secrets

from ultralow.app.ops import OpsStore
from ultralow.registry import Registry
from ultralow.store import Store

DEMO_USER = "demo"
DEMO_ROLE = "admin"


def demo_login(store: Store, registry: Registry) -> tuple[str, str]:
    """A fresh random password for the demo admin (created on first use); returns (name, password)."""
    ops = OpsStore(store, registry)
    password = secrets.token_urlsafe(12)
    if ops.user(DEMO_USER) is None:
        ops.add_user(DEMO_USER, DEMO_ROLE, password, actor="ultralow demo")
    else:
        ops.change_user(DEMO_USER, actor="ultralow demo", password=password, unlock=True, disabled=False)
    return DEMO_USER, password


def login_hint(site_url: str, name: str, password: str) -> str:
    return f"dashboard: {site_url.rstrip('/')}/ops/ (login: {name} / {password}, role {DEMO_ROLE})"
