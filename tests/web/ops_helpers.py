"""Helpers of the dashboard tests: a store with one user per role, and signing in over HTTP.

The session cookie is Secure; httpx keeps such cookies only for https URLs, so the helpers carry the
cookies themselves on the plain-HTTP loopback server."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ultralow.app.ops import OpsStore
from ultralow.registry import Registry
from ultralow.store import Store

PASSWORDS = {"viewer": "viewer-password-1", "operator": "operator-password-1", "admin": "admin-password-1"}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_role_users(store: Store, registry: Registry) -> None:
    ops = OpsStore(store, registry)
    for role, password in PASSWORDS.items():
        if ops.user(f"{role}1") is None:
            ops.add_user(f"{role}1", role, password, actor="test")


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """name → value of the response's Set-Cookie headers (an emptied cookie maps to "")."""
    out = {}
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        out[name.strip()] = rest.split(";", 1)[0].strip('"')
    return out


@dataclass
class Browserless:
    """A signed-in (or anonymous) HTTP client of the dashboard."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    prefix: str = "/ops"  # the dashboard's path in one language: /ops, /zh/ops

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, follow_redirects=False, timeout=30)

    def headers(self) -> dict[str, str]:
        return {"cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items() if v)}

    def get(self, path: str) -> httpx.Response:
        with self.client() as c:
            return c.get(path, headers=self.headers())

    def post(self, path: str, data: dict[str, str], *, csrf: bool = True) -> httpx.Response:
        form = {**data, **({"csrf": self.csrf} if csrf else {})}
        with self.client() as c:
            return c.post(path, data=form, headers=self.headers())

    def login(self, name: str, password: str) -> httpx.Response:
        with self.client() as c:
            page = c.get(f"{self.prefix}/login")
            token = CSRF.search(page.text)
            assert token is not None
            cookies = set_cookies(page)
            response = c.post(f"{self.prefix}/login", data={"csrf": token.group(1), "name": name,
                                                            "password": password, "next": f"{self.prefix}/live"},
                              headers={"cookie": f"ops_login_csrf={cookies['ops_login_csrf']}"})
        if response.status_code == 303:
            self.cookies.update({k: v for k, v in set_cookies(response).items() if k == "ops_session"})
            live = self.get(f"{self.prefix}/live")
            found = CSRF.search(live.text)
            assert found is not None
            self.csrf = found.group(1)
        return response


def signed_in(base: str, role: str) -> Browserless:
    user = Browserless(base)
    response = user.login(f"{role}1", PASSWORDS[role])
    assert response.status_code == 303, response.text
    return user


def db_of(path: Path) -> str:
    return str(path)
