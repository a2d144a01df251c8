"""Sessions and CSRF for the dashboard.

* The session cookie (``ops_session``) is HttpOnly, Secure, SameSite=Strict, path ``/ops``; the store keeps
  only the SHA-256 of its value.
* Every state-changing request (POST) carries a CSRF token: in a form as ``csrf``, from script as the
  ``X-CSRF-Token`` header. Signed-in: the token of the session. The login form: a random token in a
  cookie of its own (``ops_login_csrf``) that the form must repeat (double submit).
* A POST whose ``Origin`` names another site is refused as well.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Final

from starlette.requests import Request
from starlette.responses import Response

from ultralow.app.ops import OpsStore, Session

SESSION_COOKIE: Final = "ops_session"
LOGIN_CSRF_COOKIE: Final = "ops_login_csrf"
COOKIE_PATH: Final = "/ops"
CSRF_HEADER: Final = "x-csrf-token"


def set_cookie(response: Response, name: str, value: str, max_age_s: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age_s, path=COOKIE_PATH, secure=True, httponly=True,
                        samesite="strict")


def clear_cookie(response: Response, name: str) -> None:
    response.delete_cookie(name, path=COOKIE_PATH, secure=True, httponly=True, samesite="strict")


def current_session(request: Request, ops: OpsStore) -> Session | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    return ops.session(token) if token else None


def new_login_token() -> str:
    return secrets.token_urlsafe(32)


def same_origin(request: Request) -> bool:
    """False when the request names an Origin other than the host it was sent to."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


def tokens_match(given: str | None, expected: str | None) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(str(given), str(expected))


def peer_of(request: Request) -> str | None:
    return f"{request.client.host}" if request.client else None
