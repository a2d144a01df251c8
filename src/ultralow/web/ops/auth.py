"""Sessions and CSRF for the dashboard.

* The session cookie (``ops_session``) is HttpOnly, Secure, SameSite=Strict, set for the dashboard's paths
  only (``/ops`` and each language's, ``/zh/ops``: one sign-in serves both); the store keeps only the
  SHA-256 of its value.
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
from ultralow.web.i18n import BY_CODE, DEFAULT, LANGUAGES, Language

SESSION_COOKIE: Final = "ops_session"
LOGIN_CSRF_COOKIE: Final = "ops_login_csrf"
COOKIE_PATH: Final = "/ops"
CSRF_HEADER: Final = "x-csrf-token"


def dashboard_path(language: Language) -> str:
    """Where the dashboard answers in ``language``: ``/ops`` (English, the site's source language), ``/zh/ops``."""
    return COOKIE_PATH if language == DEFAULT else f"/{language.code}{COOKIE_PATH}"


# the dashboard in the other languages of the site (the same app and session)
LANGUAGE_PATHS: Final = tuple(dashboard_path(language) for language in LANGUAGES if language != DEFAULT)


def language_of(request: Request) -> Language:
    """The dashboard's language from the request's first path segment (``/zh/ops/…``: Chinese)."""
    first = request.url.path.lstrip("/").split("/", 1)[0]
    return BY_CODE.get(first, DEFAULT)


def prefix_of(request: Request) -> str:
    """The dashboard's path in the request's language: links and redirects stay in that language."""
    return dashboard_path(language_of(request))


def set_cookie(response: Response, name: str, value: str, max_age_s: int | None) -> None:
    for path in (COOKIE_PATH, *LANGUAGE_PATHS):
        response.set_cookie(name, value, max_age=max_age_s, path=path, secure=True, httponly=True,
                            samesite="strict")


def clear_cookie(response: Response, name: str) -> None:
    for path in (COOKIE_PATH, *LANGUAGE_PATHS):
        response.delete_cookie(name, path=path, secure=True, httponly=True, samesite="strict")


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
