"""The dashboard over HTTP on a live loopback server: every /ops route as each role and as nobody, CSRF
refusals, the lockout, escaping, the audit trail and its CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from ops_helpers import PASSWORDS, Browserless, add_role_users, signed_in
from starlette.routing import Route

from ultralow.app import Application, open_store_read_only
from ultralow.app.ops import OpsStore
from ultralow.registry import load_registry
from ultralow.store import Store, save_registry
from ultralow.web.app import create_app
from ultralow.web.context import WebContext
from ultralow.web.server import ThreadedWebServer

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("viewer", "operator", "admin")
# (method, path, the least role); every route of the dashboard is here (checked below)
ROUTES = [
    ("GET", "/ops/", "viewer"),
    ("GET", "/ops/live", "viewer"),
    ("GET", "/ops/live.json", "viewer"),
    ("GET", "/ops/events", "viewer"),
    ("GET", "/ops/alarms", "viewer"),
    ("GET", "/ops/marks", "viewer"),
    ("GET", "/ops/quality", "viewer"),
    ("GET", "/ops/audit", "admin"),
    ("GET", "/ops/audit.csv", "admin"),
    ("GET", "/ops/users", "admin"),
    ("GET", "/ops/registry", "admin"),
    ("POST", "/ops/registry", "admin"),
    ("POST", "/ops/alarms/1/ack", "operator"),
    ("POST", "/ops/marks", "operator"),
    ("POST", "/ops/marks/1/withdraw", "operator"),
    ("POST", "/ops/users", "admin"),
    ("POST", "/ops/users/viewer1", "admin"),
    ("POST", "/ops/logout", "viewer"),
]
OPEN_ROUTES = {("GET", "/ops/login"), ("POST", "/ops/login")}


@pytest.fixture(scope="module")
def ops_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Store, object]]:
    folder = tmp_path_factory.mktemp("ops")
    registry = load_registry(ROOT / "examples" / "ultralow.toml")
    with Store(folder / "ops.duckdb") as store:
        save_registry(store, registry)
        add_role_users(store, registry)
        web = create_app(WebContext(app=Application.from_store(store, registry=registry),
                                    reports_dir=folder / "reports"), build_on_start=False)
        with ThreadedWebServer(web) as server:
            yield server.url, store, web


def test_on_a_read_only_store_the_dashboard_says_where_it_runs(tmp_path: Path) -> None:
    """`ultralow web` opens the store read-only: a sign-in would have to write, so every dashboard path
    answers 503 with the reason (before: the login page, then a 500 from the failed UPDATE)."""
    registry = load_registry(ROOT / "examples" / "ultralow.toml")
    with Store(tmp_path / "ops.duckdb") as store:
        save_registry(store, registry)
        add_role_users(store, registry)
    with open_store_read_only(tmp_path / "ops.duckdb") as store:
        web = create_app(WebContext(app=Application.from_store(store, registry=registry),
                                    reports_dir=tmp_path / "reports"), build_on_start=False)
        with ThreadedWebServer(web) as server, httpx.Client(base_url=server.url) as client:
            for method, path in (("GET", "/ops/login"), ("POST", "/ops/login"), ("GET", "/zh/ops/live")):
                response = client.request(method, path, data={"name": "viewer1", "password": PASSWORDS["viewer"]}
                                          if method == "POST" else None)
                assert response.status_code == 503, (method, path)
                assert "runs with <code>ultralow serve</code>" in response.text
            assert client.get("/", follow_redirects=True).status_code == 200  # the site itself is served


def least(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)


def test_the_route_table_is_complete(ops_site: tuple[str, Store, object]) -> None:
    _, _, web = ops_site
    ops_app = next(r.app for r in web.routes if getattr(r, "path", "") == "/ops")  # type: ignore[attr-defined]
    found = {(m, "/ops" + r.path.replace("{alarm_id:int}", "1").replace("{mark_id:int}", "1")
              .replace("{name}", "viewer1"))
             for r in ops_app.routes if isinstance(r, Route) for m in (r.methods or ()) if m != "HEAD"}
    assert found == {(m, p) for m, p, _ in ROUTES} | OPEN_ROUTES


def call(user: Browserless, method: str, path: str) -> httpx.Response:
    if path == "/ops/events":
        with user.client() as c, c.stream("GET", path, headers=user.headers()) as response:
            if response.status_code == 200:
                first = next(response.iter_text())
                assert first.startswith("retry:")
            return response
    return user.get(path) if method == "GET" else user.post(path, {})


@pytest.mark.parametrize(("method", "path", "needed"), [r for r in ROUTES if r[1] != "/ops/logout"])
def test_every_route_as_nobody_and_each_role(ops_site: tuple[str, Store, object], method: str, path: str,
                                             needed: str) -> None:
    base, _, _ = ops_site
    nobody = call(Browserless(base), method, path)
    if method == "GET" and path != "/ops/events":
        assert nobody.status_code == 303
        assert nobody.headers["location"].startswith("/ops/login?next=")
    else:
        assert nobody.status_code == 401
    for role in ROLES:
        response = call(signed_in(base, role), method, path)
        if not least(role, needed):
            assert response.status_code == 403, (role, path)
        elif method == "GET":
            assert response.status_code in (200, 303), (role, path, response.status_code)
        else:  # allowed, and the empty form is refused as bad input, not as a matter of rights
            assert response.status_code == 400, (role, path, response.status_code)


def test_logout_ends_the_session(ops_site: tuple[str, Store, object]) -> None:
    base, _, _ = ops_site
    nobody = Browserless(base).post("/ops/logout", {}, csrf=False)
    assert nobody.status_code == 401
    user = signed_in(base, "viewer")
    assert user.post("/ops/logout", {}, csrf=False).status_code == 403  # CSRF token required here too
    assert user.post("/ops/logout", {}).status_code == 303
    assert user.get("/ops/live").status_code == 303  # the same cookie no longer works


def test_cookies_are_secure_http_only_and_same_site(ops_site: tuple[str, Store, object]) -> None:
    base, _, _ = ops_site
    with httpx.Client(base_url=base) as c:
        page = c.get("/ops/login")
        assert "Secure" in page.headers["set-cookie"] and "HttpOnly" in page.headers["set-cookie"]
        user = Browserless(base)
        response = user.login("viewer1", PASSWORDS["viewer"])
    session = next(h for h in response.headers.get_list("set-cookie") if h.startswith("ops_session="))
    for attribute in ("HttpOnly", "Secure", "SameSite=strict", "Path=/ops"):
        assert attribute in session
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_the_dashboard_in_chinese_at_zh_ops(ops_site: tuple[str, Store, object]) -> None:
    base, _, _ = ops_site
    nobody = Browserless(base).get("/zh/ops/live")
    assert nobody.status_code == 303 and nobody.headers["location"] == "/zh/ops/login?next=/zh/ops/live"
    login = Browserless(base).get("/zh/ops/login")
    assert '<html lang="zh-Hans">' in login.text and "登录运行监控平台" in login.text
    assert 'action="/zh/ops/login"' in login.text
    user = Browserless(base, prefix="/zh/ops")
    response = user.login("viewer1", PASSWORDS["viewer"])
    assert response.status_code == 303 and response.headers["location"] == "/zh/ops/live"
    # one sign-in for both languages: the session cookie is set for each dashboard path
    sessions = [h for h in response.headers.get_list("set-cookie") if h.startswith("ops_session=")]
    assert sorted(h.split("Path=")[1].split(";")[0] for h in sessions) == ["/ops", "/zh/ops"]
    live = user.get("/zh/ops/live")
    assert "实时排放口" in live.text and "未处理报警" in live.text and "Live stacks" not in live.text
    assert "viewer1 (查看员)" in live.text  # the role, a word of the data, shown translated
    assert 'href="/zh/ops/alarms"' in live.text and 'data-ops="/zh/ops"' in live.text
    assert 'href="/ops/live" hreflang="en"' in live.text  # the language switch: the same page in English
    assert "Live stacks" in user.get("/ops/live").text
    denied = user.get("/zh/ops/users")  # a viewer: the admin page refused, in Chinese
    assert denied.status_code == 403 and "无权访问" in denied.text
    operator = signed_in(base, "operator")  # the marks form (operators) names factors in Chinese: factors.csv
    marks = operator.get("/zh/ops/marks").text
    assert '<option value="a21026">二氧化硫 (a21026)</option>' in marks and "sulphur dioxide" not in marks
    english = operator.get("/ops/marks").text
    assert '<option value="a21026">sulphur dioxide (a21026)</option>' in english
    # mark types by their names (web/labels.py MARK_TYPES, translated in the catalog), the code as the value
    assert '<option value="stopped">停运</option>' in marks and '<option value="out_of_control">失控</option>' in marks
    assert '<option value="stopped">Stopped</option>' in english


def test_forms_without_the_token_are_refused(ops_site: tuple[str, Store, object]) -> None:
    base, store, _ = ops_site
    operator = signed_in(base, "operator")
    mark = {"outlet": "sd-power-u1", "mark_type": "calibration", "start": "2025-03-03T10:00",
            "end": "2025-03-03T11:00", "reason": "zero and span check"}
    before = OpsStore(store, load_registry(ROOT / "examples" / "ultralow.toml")).marks()
    assert operator.post("/ops/marks", mark, csrf=False).status_code == 403
    assert operator.post("/ops/marks", {**mark, "csrf": "not-the-token"}, csrf=False).status_code == 403
    with operator.client() as c:  # the right token from another site's page
        other = c.post("/ops/marks", data={**mark, "csrf": operator.csrf},
                       headers={**operator.headers(), "origin": "https://evil.example"})
    assert other.status_code == 403
    assert OpsStore(store, load_registry(ROOT / "examples" / "ultralow.toml")).marks() == before
    # the login form needs its token as well
    with httpx.Client(base_url=base) as c:
        refused = c.post("/ops/login", data={"name": "viewer1", "password": PASSWORDS["viewer"]})
    assert refused.status_code == 403
    assert "ops_session" not in refused.headers.get("set-cookie", "")


def test_lockout_after_five_failed_attempts(ops_site: tuple[str, Store, object]) -> None:
    base, store, _ = ops_site
    OpsStore(store, load_registry(ROOT / "examples" / "ultralow.toml")).add_user(
        "lockme", "viewer", "the-right-password", actor="test")
    user = Browserless(base)
    answers = [user.login("lockme", "wrong-password") for _ in range(5)]
    # attempts 1-4: 401 saying how many are left (5 - n); attempt 5 locks (ops.toml max_failed_attempts = 5)
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert "4 more failed attempts lock the account" in answers[0].text
    assert "1 more failed attempt lock the account" in answers[3].text
    assert "locked until" in answers[4].text
    right = user.login("lockme", "the-right-password")
    assert right.status_code == 429 and "locked until" in right.text
    assert "ops_session" not in right.headers.get("set-cookie", "")
    unknown = user.login("nobody-of-that-name", "whatever-password")
    assert unknown.status_code == 401 and "Wrong user name or password." in unknown.text


def test_user_text_is_escaped(ops_site: tuple[str, Store, object]) -> None:
    base, _, _ = ops_site
    operator = signed_in(base, "operator")
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = operator.post("/ops/marks", {"outlet": "sd-power-u1", "mark_type": "maintenance",
                                            "start": "2025-03-04T08:00", "end": "2025-03-04T09:00",
                                            "reason": hostile})
    assert response.status_code == 303
    page = operator.get("/ops/marks").text
    assert hostile not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    # a bad outlet id in the query is escaped too
    quality = operator.get('/ops/alarms?outlet="><script>x</script>').text
    assert "<script>x</script>" not in quality


def test_admin_reads_the_audit_trail_and_exports_csv(ops_site: tuple[str, Store, object]) -> None:
    base, _, _ = ops_site
    operator = signed_in(base, "operator")
    assert operator.post("/ops/marks", {"outlet": "sd-power-u1", "mark_type": "startup_shutdown",
                                        "start": "2025-03-05T06:00", "end": "2025-03-05T08:00",
                                        "reason": "unit 1 cold start"}).status_code == 303
    admin = signed_in(base, "admin")
    page = admin.get("/ops/audit?action=mark.add").text
    assert "unit 1 cold start" in page and "operator1" in page
    export = admin.get("/ops/audit.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert export.headers["content-disposition"] == 'attachment; filename="ultralow-audit.csv"'
    text = export.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0]) == ["audit_id", "at", "actor", "action", "target", "before", "after", "peer"]
    actions = {r["action"] for r in rows}
    assert {"user.add", "login", "mark.add"} <= actions
    mark_row = next(r for r in rows if r["action"] == "mark.add" and "cold start" in r["after"])
    assert mark_row["actor"] == "operator1" and mark_row["peer"] == "127.0.0.1" and mark_row["before"] == ""
    ids = [int(r["audit_id"]) for r in rows]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)


def test_admin_manages_users_and_each_change_is_audited(ops_site: tuple[str, Store, object]) -> None:
    base, store, _ = ops_site
    admin = signed_in(base, "admin")
    assert admin.post("/ops/users", {"name": "newviewer", "role": "viewer",
                                     "password": "new-viewer-password"}).status_code == 303
    assert admin.post("/ops/users/newviewer", {"action": "role", "role": "operator"}).status_code == 303
    assert admin.post("/ops/users", {"name": "short", "role": "viewer", "password": "short"}).status_code == 400
    ops = OpsStore(store, load_registry(ROOT / "examples" / "ultralow.toml"))
    user = ops.user("newviewer")
    assert user is not None and user.role == "operator"
    change = ops.audit(action="user.change")[0]
    assert change.actor == "admin1" and '"role":"viewer"' in (change.before or "")
    assert '"role":"operator"' in (change.after or "")
    row = store.con.execute("SELECT password_hash FROM users WHERE name = 'newviewer'").fetchone()
    assert row is not None and str(row[0]).startswith("$argon2id$") and "new-viewer-password" not in str(row[0])


def test_admin_changes_the_registry_and_the_trail_has_every_version(ops_site: tuple[str, Store, object]) -> None:
    base, store, _ = ops_site
    admin = signed_in(base, "admin")
    text = (ROOT / "examples" / "ultralow.toml").read_text(encoding="utf-8")
    bad = admin.post("/ops/registry", {"text": text.replace('source_type = "coal_boiler"', 'source_type = "tea_kettle"', 1)})
    assert bad.status_code == 400 and "registry form:" in bad.text and "tea_kettle" in bad.text
    added = text + '\n[[outlets]]\nid = "sd-power-u9"\nbase = "shandong-power"\nname = "Unit 9"\nmn = "999"\n' \
                   'pw = "123456"\nsource_type = "coal_boiler"\nlimit_sets = ["GB13223-2011"]\n'
    saved = admin.post("/ops/registry", {"text": added})
    assert saved.status_code == 200 and "Saved as registry version 2" in saved.text
    assert admin.post("/ops/registry", {"text": added}).status_code == 400  # unchanged
    ops = OpsStore(store, load_registry(ROOT / "examples" / "ultralow.toml"))
    trail = {r.target: r for r in ops.audit(action="registry.")}
    assert trail["registry version 1"].action == "registry.load"  # taken from the file when the store was made
    change = trail["registry version 2"]
    assert change.action == "registry.change" and change.actor == "admin1"
    assert '"id":"sd-power-u9"' in (change.after or "") and '"id":"sd-power-u9"' not in (change.before or "")
    assert ops.registry_versions()[-1][3] == added
