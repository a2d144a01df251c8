"""The dashboard's routes under ``/ops``: every page needs a login, each action a role and a CSRF token.

Roles: ``viewer`` reads; ``operator`` also acknowledges alarms and enters or withdraws marks; ``admin``
also reads the audit trail and manages users and the registry. The page handlers only parse requests and
render; the work is done by ``ultralow.app.ops``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from ultralow import __version__
from ultralow.app.ops import OpsStore, Session, audit_csv
from ultralow.app.ops.alarms import events
from ultralow.app.ops.live import latest_values
from ultralow.app.ops.users import ROLES, role_at_least
from ultralow.app.problems import AppError
from ultralow.app.status import outlets_status
from ultralow.hj212.codes import code_tables
from ultralow.registry import Registry
from ultralow.translation import N_
from ultralow.web.i18n import LANGUAGES, translations
from ultralow.web.labels import MARK_TYPES, SOURCE_TYPES
from ultralow.web.ops import auth
from ultralow.web.ops.feed import CLOSED, LiveFeed
from ultralow.web.ops.monitor import Monitor
from ultralow.web.ops.quality import QualityView

TEMPLATES_DIR: Final = Path(__file__).parent / "templates"
MAX_FORM_FIELDS: Final = 30
MAX_FIELD_BYTES: Final = 512 * 1024  # a registry is the largest field
HEARTBEAT_S: Final = 15.0
AUDIT_PAGE_ROWS: Final = 200

environment = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(default=True),
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_ = translations("en").gettext


def factor_name(code: str | None, language: str = "en") -> str:
    """The HJ 212 factor's name and code (its Chinese name on the Chinese dashboard)."""
    if code is None:
        return translations(language).gettext("every factor")
    factor = code_tables().factors.get(code)
    if factor is None:
        return code
    return f"{factor.name_zh if language == 'zh' and factor.name_zh else factor.name_en} ({code})"


def flag_meaning(flag: str | None) -> str:
    if not flag:
        return ""
    known = code_tables().flags_2017.get(flag)
    return known.meaning if known is not None else ""


def local(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M")


environment.globals.update(factor_name=factor_name, flag_meaning=flag_meaning, local=local, version=__version__,
                           _=_, source_type_name=lambda s: SOURCE_TYPES.get(s, s.replace("_", " ")))
# what denied.html names besides a role (translated there)
SAME_ORIGIN: Final = N_("same-origin request")
KNOWN_OUTLET: Final = N_("a known outlet")
# words that come from the data and are shown translated: roles (app.ops.users) and alarm kinds (app.ops.alarms)
SHOWN_TRANSLATED: Final = (N_("viewer"), N_("operator"), N_("admin"), N_("exceedance"), N_("warning"))


@dataclass
class Ops:
    """What the routes share."""

    registry: Registry
    ops: OpsStore
    feed: LiveFeed
    monitor: Monitor
    quality: QualityView


Handler = Callable[[Request, Session], Awaitable[Response]]


async def off(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn`` in a worker thread: under ``ultralow serve`` the event loop is the receiver's, and a store
    query must not hold up an acknowledgement."""
    return await asyncio.get_running_loop().run_in_executor(None, lambda: fn(*args, **kwargs))


def gettext_of(request: Request) -> Callable[[str], str]:
    """The gettext function of the dashboard's language for ``request`` (``/zh/ops``: Chinese)."""
    return translations(auth.language_of(request).code).gettext


def render(request: Request, template: str, session: Session | None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    """``template`` in the request's language; ``ops`` is the dashboard's path in it (links stay there)."""
    language, prefix = auth.language_of(request), auth.prefix_of(request)
    rest = request.url.path[len(prefix):]
    switch = [{"href": auth.dashboard_path(other) + rest, "name": other.name, "hreflang": other.code,
               "html_lang": other.html_lang} for other in LANGUAGES if other != language]
    gettext = gettext_of(request)
    html = environment.get_template(template).render(request=request, session=session, path=request.url.path,
                                                     _=gettext, ops=prefix, html_lang=language.html_lang, lang=language.code,
                                                     switch=switch, factor_name=lambda c: factor_name(c, language.code),
                                                     mark_type_name=lambda t: gettext(MARK_TYPES[t]) if t in MARK_TYPES else t,
                                                     **context)
    return HTMLResponse(html, status_code=status_code, headers={"cache-control": "no-store"})


def routes(shared: Ops) -> list[BaseRoute]:
    ops = shared.ops

    def guarded(role: str, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """Login (GET: a redirect to the login page; else 401), role (403) and, for POST, CSRF (403)."""
        async def endpoint(request: Request) -> Response:
            session = await off(auth.current_session, request, ops)
            prefix = auth.prefix_of(request)
            if session is None:
                if request.method == "GET" and request.url.path != f"{prefix}/events":
                    target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
                    return RedirectResponse(f"{prefix}/login?next={target}", status_code=303)
                return JSONResponse({"error": "login required"}, status_code=401)
            if not role_at_least(session.user.role, role):
                return render(request, "denied.html", session, status_code=403, needed=role)
            if request.method == "POST":
                if not auth.same_origin(request):
                    return render(request, "denied.html", session, status_code=403, needed=SAME_ORIGIN)
                given = request.headers.get(auth.CSRF_HEADER)
                if given is None:
                    form = await read_form(request)
                    given = form.get("csrf")
                if not auth.tokens_match(given, session.csrf_token):
                    return render(request, "csrf.html", session, status_code=403)
            return await handler(request, session)
        return endpoint

    async def read_form(request: Request) -> dict[str, str]:
        cached: dict[str, str] | None = getattr(request.state, "form", None)
        if cached is not None:
            return cached
        form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_FIELD_BYTES)
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        request.state.form = values
        return values

    # -- login ----------------------------------------------------------------------------------------
    def login_page(request: Request, message: str = "", status_code: int = 200, name: str = "") -> Response:
        token = auth.new_login_token()
        prefix = auth.prefix_of(request)
        nxt = request.query_params.get("next", f"{prefix}/live")
        response = render(request, "login.html", None, status_code=status_code, csrf=token, message=message,
                          next=nxt if _inside(nxt) else f"{prefix}/live", name=name,
                          plain_http=request.url.scheme == "http" and request.url.hostname not in
                          ("127.0.0.1", "localhost", "::1"))
        auth.set_cookie(response, auth.LOGIN_CSRF_COOKIE, token, 3600)
        return response

    async def login_get(request: Request) -> Response:
        if await off(auth.current_session, request, ops) is not None:
            return RedirectResponse(f"{auth.prefix_of(request)}/live", status_code=303)
        return login_page(request)

    async def login_post(request: Request) -> Response:
        form = await read_form(request)
        if not auth.same_origin(request) or not auth.tokens_match(form.get("csrf"),
                                                                  request.cookies.get(auth.LOGIN_CSRF_COOKIE)):
            return render(request, "csrf.html", None, status_code=403)
        name = form.get("name", "").strip()[:64]
        result = await asyncio.get_running_loop().run_in_executor(
            None, lambda: ops.login(name, form.get("password", ""), peer=auth.peer_of(request)))
        if not result.ok or result.token is None or result.session is None:
            return login_page(request, result.message, status_code=429 if result.locked_until else 401, name=name)
        live_page = f"{auth.prefix_of(request)}/live"
        nxt = form.get("next", live_page)
        response = RedirectResponse(nxt if _inside(nxt) else live_page, status_code=303)
        auth.set_cookie(response, auth.SESSION_COOKIE, result.token, ops.settings.session_hours * 3600)
        auth.clear_cookie(response, auth.LOGIN_CSRF_COOKIE)
        return response

    async def logout(request: Request, session: Session) -> Response:
        await off(ops.logout, request.cookies.get(auth.SESSION_COOKIE, ""), peer=auth.peer_of(request))
        response = RedirectResponse(f"{auth.prefix_of(request)}/login", status_code=303)
        auth.clear_cookie(response, auth.SESSION_COOKIE)
        return response

    async def home(request: Request, session: Session) -> Response:
        return RedirectResponse(f"{auth.prefix_of(request)}/live", status_code=303)

    # -- live -----------------------------------------------------------------------------------------
    def live_state() -> dict[str, Any]:
        latest = latest_values(ops.store)
        connected = shared.feed.connected()
        frames = {r["outlet_id"]: r["last_frame_at"] for r in outlets_status(ops.store, shared.registry).to_pylist()}
        outlets = {}
        for o in shared.registry.outlets:
            values = {code: {"value": v["value"], "flag": v["flag"], "data_time": v["data_time"].isoformat()}
                      for code, v in latest.get(o.id, {}).items()}
            last_frame = frames.get(o.id)
            device = {"last_packet_at": None if last_frame is None else last_frame.isoformat(timespec="seconds"),
                      "peer": None, **shared.feed.devices.get(o.id, {})}
            device["connected"] = o.mn in connected
            device["peer"] = connected.get(o.mn, device.get("peer"))
            summary = shared.monitor.summaries.get(o.id)
            outlets[o.id] = {"values": values, "device": device,
                             "hours": summary.as_dict() if summary is not None else None}
        monitor = shared.monitor
        return {"outlets": outlets, "monitor": {"judgements": monitor.judgements, "refreshes": monitor.refreshes,
                                                "last_judgement_s": monitor.last_judgement_s,
                                                "error": monitor.last_error}}

    async def live(request: Request, session: Session) -> Response:
        state = await asyncio.get_running_loop().run_in_executor(None, live_state)
        tree: dict[str, dict[str, list[Any]]] = {}
        for o in shared.registry.outlets:
            tree.setdefault(o.base, {}).setdefault(o.source_type, []).append(o)
        bases = {b.id: b for b in shared.registry.bases}
        open_alarms = await off(ops.alarms, open_only=True, limit=20)
        language = auth.language_of(request).code
        names = {code: factor_name(code, language) for code in code_tables().factors}
        return render(request, "live.html", session, tree=tree, bases=bases, state=state,
                      names_json=json.dumps(names, ensure_ascii=False), open_alarms=open_alarms)

    async def live_json(request: Request, session: Session) -> Response:
        state = await asyncio.get_running_loop().run_in_executor(None, live_state)
        return JSONResponse(json.loads(json.dumps(state, default=str)), headers={"cache-control": "no-store"})

    async def stream(request: Request, session: Session) -> Response:
        feed = shared.feed
        sub = feed.subscribe()

        async def body() -> AsyncIterator[str]:
            try:
                yield "retry: 1000\n\n"
                while not feed.closed:
                    try:
                        text = await asyncio.wait_for(sub.queue.get(), timeout=HEARTBEAT_S)
                    except TimeoutError:
                        yield ": keep-alive\n\n"
                        continue
                    if text == CLOSED:
                        break
                    yield f"data: {text}\n\n"
            finally:
                feed.unsubscribe(sub)

        return StreamingResponse(body(), media_type="text/event-stream",
                                 headers={"cache-control": "no-store", "x-accel-buffering": "no"})

    # -- alarms ---------------------------------------------------------------------------------------
    async def alarms_page(request: Request, session: Session, message: str = "", status_code: int = 200) -> Response:
        outlet = request.query_params.get("outlet") or None
        every = await off(ops.alarms, outlet_id=outlet, limit=500)
        return render(request, "alarms.html", session, status_code=status_code, alarms=every,
                      events=events(every), outlet=outlet, outlets=shared.registry.outlets, message=message,
                      can_ack=role_at_least(session.user.role, "operator"))

    async def acknowledge(request: Request, session: Session) -> Response:
        form = await read_form(request)
        try:
            await off(ops.acknowledge, int(request.path_params["alarm_id"]), form.get("comment", ""), actor=session.user.name,
                            peer=auth.peer_of(request))
        except AppError as exc:
            return await alarms_page(request, session, "; ".join(exc.problems), status_code=400)
        shared.feed.publish({"type": "ack", "alarm_id": int(request.path_params["alarm_id"])})
        return RedirectResponse(f"{auth.prefix_of(request)}/alarms", status_code=303)

    # -- marks ----------------------------------------------------------------------------------------
    async def marks_page(request: Request, session: Session, message: str = "", status_code: int = 200,
                         form: dict[str, str] | None = None) -> Response:
        outlet = request.query_params.get("outlet") or None
        return render(request, "marks.html", session, status_code=status_code, marks=await off(ops.marks, outlet_id=outlet),
                      outlet=outlet, outlets=shared.registry.outlets, mark_types=ops.mark_types, message=message,
                      form=form or {}, can_mark=role_at_least(session.user.role, "operator"),
                      factors=sorted(code_tables().factors.values(), key=lambda f: f.code))

    async def add_mark(request: Request, session: Session) -> Response:
        form = await read_form(request)
        try:
            start = _local_time(form.get("start", ""), "start")
            end = _local_time(form.get("end", ""), "end")
            await off(ops.add_mark, form.get("outlet", ""), start, end, form.get("mark_type", ""), form.get("reason", ""),
                         code=form.get("code") or None, actor=session.user.name, peer=auth.peer_of(request))
        except AppError as exc:
            return await marks_page(request, session, "; ".join(exc.problems), status_code=400, form=form)
        return RedirectResponse(f"{auth.prefix_of(request)}/marks", status_code=303)

    async def withdraw_mark(request: Request, session: Session) -> Response:
        form = await read_form(request)
        try:
            await off(ops.withdraw_mark, int(request.path_params["mark_id"]), form.get("reason", ""), actor=session.user.name,
                              peer=auth.peer_of(request))
        except AppError as exc:
            return await marks_page(request, session, "; ".join(exc.problems), status_code=400)
        return RedirectResponse(f"{auth.prefix_of(request)}/marks", status_code=303)

    # -- data quality ---------------------------------------------------------------------------------
    async def quality(request: Request, session: Session) -> Response:
        outlet = request.query_params.get("outlet") or shared.registry.outlets[0].id
        if outlet not in {o.id for o in shared.registry.outlets}:
            return render(request, "denied.html", session, status_code=404, needed=KNOWN_OUTLET)
        index = request.query_params.get("finding")
        view = await asyncio.get_running_loop().run_in_executor(
            None, lambda: shared.quality.outlet(outlet, None if index is None or not index.isdigit() else int(index)))
        return render(request, "quality.html", session, outlet=outlet, outlets=shared.registry.outlets, view=view)

    # -- admin ----------------------------------------------------------------------------------------
    async def audit_page(request: Request, session: Session) -> Response:
        action = request.query_params.get("action") or None
        actor = request.query_params.get("actor") or None
        rows = await off(ops.audit, action=action, actor=actor, limit=AUDIT_PAGE_ROWS)
        return render(request, "audit.html", session, rows=rows, action=action or "", actor=actor or "",
                      page_rows=AUDIT_PAGE_ROWS)

    async def audit_export(request: Request, session: Session) -> Response:
        rows = await off(ops.audit, action=request.query_params.get("action") or None,
                         actor=request.query_params.get("actor") or None)
        parts: list[str] = []
        audit_csv(rows, parts.append)
        return Response("".join(parts).encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": 'attachment; filename="ultralow-audit.csv"',
                                 "cache-control": "no-store"})

    async def users_page(request: Request, session: Session, message: str = "", status_code: int = 200) -> Response:
        return render(request, "users.html", session, status_code=status_code, users=await off(ops.users), roles=ROLES,
                      message=message)

    async def add_user(request: Request, session: Session) -> Response:
        form = await read_form(request)
        try:
            await asyncio.get_running_loop().run_in_executor(None, lambda: ops.add_user(
                form.get("name", "").strip(), form.get("role", ""), form.get("password", ""),
                actor=session.user.name, peer=auth.peer_of(request)))
        except AppError as exc:
            return await users_page(request, session, "; ".join(exc.problems), status_code=400)
        return RedirectResponse(f"{auth.prefix_of(request)}/users", status_code=303)

    async def change_user(request: Request, session: Session) -> Response:
        form = await read_form(request)
        name = request.path_params["name"]
        action = form.get("action", "")
        try:
            if name == session.user.name and action in ("disable", "role") :
                raise AppError("you cannot disable yourself or change your own role")
            kwargs: dict[str, Any] = {"role": form.get("role")} if action == "role" else \
                {"disabled": True} if action == "disable" else {"disabled": False} if action == "enable" else \
                {"unlock": True} if action == "unlock" else {}
            if not kwargs:
                raise AppError(f"action: {action!r}: one of role, disable, enable, unlock")
            await off(ops.change_user, name, actor=session.user.name, peer=auth.peer_of(request), **kwargs)
        except AppError as exc:
            return await users_page(request, session, "; ".join(exc.problems), status_code=400)
        return RedirectResponse(f"{auth.prefix_of(request)}/users", status_code=303)

    async def registry_page(request: Request, session: Session, message: str = "", status_code: int = 200,
                            text: str | None = None) -> Response:
        versions = await off(ops.registry_versions)
        current = text if text is not None else (versions[-1][3] if versions else shared.registry.text)
        return render(request, "registry.html", session, status_code=status_code, registry=shared.registry,
                      versions=versions, text=current, message=message)

    async def change_registry(request: Request, session: Session) -> Response:
        form = await read_form(request)
        text = form.get("text", "").replace("\r\n", "\n")
        try:
            version = await off(ops.change_registry, text, actor=session.user.name, peer=auth.peer_of(request))
        except (AppError, ValueError) as exc:
            problems = getattr(exc, "problems", None) or [str(exc)]
            return await registry_page(request, session, "; ".join(problems), status_code=400, text=text)
        _ = gettext_of(request)
        return await registry_page(request, session, _("Saved as registry version %(version)s; the receiver uses "
                                                       "it from its next start.") % {"version": version})

    def route(path: str, role: str, handler: Handler, methods: tuple[str, ...] = ("GET",)) -> Route:
        return Route(path, guarded(role, handler), methods=list(methods))

    return [
        Route("/login", login_get, methods=["GET"]),
        Route("/login", login_post, methods=["POST"]),
        route("/logout", "viewer", logout, ("POST",)),
        route("/", "viewer", home),
        route("/live", "viewer", live),
        route("/live.json", "viewer", live_json),
        route("/events", "viewer", stream),
        route("/alarms", "viewer", alarms_page),
        route("/alarms/{alarm_id:int}/ack", "operator", acknowledge, ("POST",)),
        route("/marks", "viewer", marks_page),
        route("/marks", "operator", add_mark, ("POST",)),
        route("/marks/{mark_id:int}/withdraw", "operator", withdraw_mark, ("POST",)),
        route("/quality", "viewer", quality),
        route("/audit", "admin", audit_page),
        route("/audit.csv", "admin", audit_export),
        route("/users", "admin", users_page),
        route("/users", "admin", add_user, ("POST",)),
        route("/users/{name}", "admin", change_user, ("POST",)),
        route("/registry", "admin", registry_page),
        route("/registry", "admin", change_registry, ("POST",)),
    ]


def _inside(target: str) -> bool:
    """True for a path of the dashboard (any language) that a login may go on to: no other site."""
    return "//" not in target and any(target.startswith(p + "/") for p in (auth.COOKIE_PATH, *auth.LANGUAGE_PATHS))


def _local_time(text: str, field: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise AppError(f"{field}: {text!r}: a plant-local time such as 2025-03-03T10:00") from None
    if value.tzinfo is not None:
        raise AppError(f"{field}: a plant-local clock time without an offset")
    return value
