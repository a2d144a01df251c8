"""Everything the dashboard and the ``user``/``marks`` commands write or read in the store.

One :class:`OpsStore` per connection: its lock serialises the dashboard's writes (ids are ``max + 1``
inside the transaction), and every change writes its audit row in the same transaction, so a change
without its audit row cannot be committed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import duckdb

from ultralow.app.ops.audit import AuditRow, as_json
from ultralow.app.ops.settings import OpsSettings, load_settings
from ultralow.app.ops.users import (
    MIN_PASSWORD_CHARS,
    NAME_PATTERN,
    ROLES,
    LoginResult,
    Session,
    User,
    burn_time,
    hash_password,
    verify_password,
)
from ultralow.app.problems import AppError, UsageProblem
from ultralow.registry import Registry
from ultralow.store import Store

MAX_REASON_CHARS: Final = 2000
_ID_COLUMNS: Final = {"audit_log": "audit_id", "mark_entries": "mark_id", "alarms": "alarm_id"}


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Mark:
    mark_id: int
    outlet_id: str
    code: str | None
    start_time: datetime  # plant-local, the interval is [start_time, end_time)
    end_time: datetime
    mark_type: str
    reason: str
    entered_by: str
    entered_at: datetime
    withdrawn_by: str | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None

    @property
    def in_force(self) -> bool:
        return self.withdrawn_at is None

    def as_dict(self) -> dict[str, Any]:
        return {"mark_id": self.mark_id, "outlet_id": self.outlet_id, "code": self.code,
                "start_time": self.start_time.isoformat(), "end_time": self.end_time.isoformat(),
                "mark_type": self.mark_type, "reason": self.reason, "entered_by": self.entered_by,
                "entered_at": self.entered_at.isoformat(), "in_force": self.in_force,
                "withdrawn_by": self.withdrawn_by,
                "withdrawn_at": None if self.withdrawn_at is None else self.withdrawn_at.isoformat(),
                "withdrawal_reason": self.withdrawal_reason}


@dataclass(frozen=True, slots=True)
class Ack:
    acked_by: str
    acked_at: datetime
    comment: str


@dataclass(frozen=True, slots=True)
class Alarm:
    alarm_id: int
    kind: str  # "exceedance" (a completed hour above its limit) or "warning" (running mean near it)
    outlet_id: str
    code: str
    hour: datetime  # plant-local start of the clock hour
    utc_offset_min: int
    value_mg_m3: float
    limit_mg_m3: float
    threshold_mg_m3: float
    limit_set: str | None
    raised_at: datetime
    acks: tuple[Ack, ...]

    @property
    def acknowledged(self) -> bool:
        return bool(self.acks)


class OpsStore:
    """The dashboard's tables on ``store`` (a connection that may write) for ``registry``."""

    def __init__(self, store: Store, registry: Registry, settings: OpsSettings | None = None,
                 mark_types: Sequence[str] | None = None) -> None:
        self.store = store
        self.registry = registry
        self.settings = settings or load_settings()
        if mark_types is None:
            from ultralow.standards import packaged_rules
            mark_types = [m.mark_type for m in packaged_rules().marking]
        self.mark_types = tuple(mark_types)
        self.lock = threading.RLock()

    # -- plumbing ----------------------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.lock, self.store.lock:
            con = self.store.con
            con.complete()
            try:
                con.begin()
            except duckdb.Error as exc:
                raise AppError(f"{self.store.path}: the store is open read-only here: {exc}") from exc
            try:
                yield con
            except BaseException:
                con.rollback()
                raise
            con.commit()

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self.store.lock:
            self.store.con.complete()
            return self.store.con.execute(sql, list(params)).fetchall()

    @staticmethod
    def _next_id(con: duckdb.DuckDBPyConnection, table: str) -> int:
        column = _ID_COLUMNS[table]  # identifiers from code constants only
        row = con.execute(f"SELECT coalesce(max({column}), 0) + 1 FROM {table}").fetchone()  # noqa: S608
        return int(row[0]) if row else 1

    def _audit(self, con: duckdb.DuckDBPyConnection, actor: str, action: str, target: str | None,
               before: Any, after: Any, peer: str | None, now: datetime) -> None:
        con.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [self._next_id(con, "audit_log"), now, actor, action, target, as_json(before), as_json(after),
                     peer])

    @staticmethod
    def _now(now: datetime | None) -> datetime:
        return now or datetime.now(UTC)

    # -- users -------------------------------------------------------------------------------------
    def _user_row(self, con: duckdb.DuckDBPyConnection | None, name: str) -> User | None:
        sql = ("SELECT name, role, created_at, created_by, disabled, failed_logins, locked_until FROM users "
               "WHERE name = ?")
        rows = con.execute(sql, [name]).fetchall() if con is not None else self._read(sql, [name])
        if not rows:
            return None
        r = rows[0]
        return User(r[0], r[1], _utc(r[2]) or r[2], r[3], bool(r[4]), int(r[5]), _utc(r[6]))

    def user(self, name: str) -> User | None:
        return self._user_row(None, name)

    def _written_user(self, name: str) -> User:
        """The user just written, read back (gone only if another process removed it in between)."""
        user = self.user(name)
        if user is None:
            raise AppError(f"user {name!r}: removed by another process while being written")
        return user

    def users(self) -> list[User]:
        rows = self._read("SELECT name, role, created_at, created_by, disabled, failed_logins, locked_until "
                          "FROM users ORDER BY name")
        return [User(r[0], r[1], _utc(r[2]) or r[2], r[3], bool(r[4]), int(r[5]), _utc(r[6])) for r in rows]

    def add_user(self, name: str, role: str, password: str, *, actor: str, peer: str | None = None,
                 now: datetime | None = None) -> User:
        problems = []
        if not re.match(NAME_PATTERN, name):
            problems.append(f"name: {name!r}: 1-64 letters, digits, _ . @ - (starting with a letter or digit)")
        if role not in ROLES:
            problems.append(f"role: {role!r}: one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD_CHARS:
            problems.append(f"password: at least {MIN_PASSWORD_CHARS} characters")
        if problems:
            raise UsageProblem(problems)
        at = self._now(now)
        hashed = hash_password(password)
        with self._write() as con:
            if self._user_row(con, name) is not None:
                raise UsageProblem(f"name: {name!r}: a user of that name exists")
            con.execute("INSERT INTO users (name, role, password_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                        [name, role, hashed, at, actor])
            self._audit(con, actor, "user.add", name, None, {"name": name, "role": role}, peer, at)
        return self._written_user(name)

    def change_user(self, name: str, *, actor: str, role: str | None = None, disabled: bool | None = None,
                    password: str | None = None, unlock: bool = False, peer: str | None = None,
                    now: datetime | None = None) -> User:
        """Change a user's role, disable or enable them, set a new password or lift a lock (admin)."""
        if role is not None and role not in ROLES:
            raise UsageProblem(f"role: {role!r}: one of {', '.join(ROLES)}")
        if password is not None and len(password) < MIN_PASSWORD_CHARS:
            raise UsageProblem(f"password: at least {MIN_PASSWORD_CHARS} characters")
        at = self._now(now)
        hashed = hash_password(password) if password is not None else None
        with self._write() as con:
            old = self._user_row(con, name)
            if old is None:
                raise UsageProblem(f"name: {name!r}: no such user")
            before = {"role": old.role, "disabled": old.disabled, "locked_until": old.locked_until}
            after = dict(before)
            if role is not None:
                con.execute("UPDATE users SET role = ? WHERE name = ?", [role, name])
                after["role"] = role
            if disabled is not None:
                con.execute("UPDATE users SET disabled = ? WHERE name = ?", [disabled, name])
                after["disabled"] = disabled
                if disabled:  # a disabled user's sessions end now
                    con.execute("UPDATE sessions SET ended_at = ? WHERE user_name = ? AND ended_at IS NULL",
                                [at, name])
            if hashed is not None:
                con.execute("UPDATE users SET password_hash = ? WHERE name = ?", [hashed, name])
                after["password"] = "changed"
            if unlock:
                con.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE name = ?", [name])
                after["locked_until"] = None
            self._audit(con, actor, "user.change", name, before, after, peer, at)
        return self._written_user(name)

    # -- login and sessions ------------------------------------------------------------------------
    def login(self, name: str, password: str, *, peer: str | None = None, now: datetime | None = None
              ) -> LoginResult:
        """Check a password. After ``max_failed_attempts`` failures in a row the account is locked for
        ``lock_minutes`` (even the right password is refused meanwhile); each attempt is audited."""
        at = self._now(now)
        s = self.settings
        wrong = "Wrong user name or password."
        with self._write() as con:
            user = self._user_row(con, name)
            if user is None:
                burn_time(password)
                self._audit(con, name[:64] or "?", "login.failed", name[:64], None, {"reason": "unknown user"},
                            peer, at)
                return LoginResult(False, wrong)
            if user.locked_until is not None and user.locked_until > at:
                self._audit(con, name, "login.refused", name, None, {"reason": "locked",
                                                                     "locked_until": user.locked_until}, peer, at)
                return LoginResult(False, _locked_message(user.locked_until), locked_until=user.locked_until)
            row = con.execute("SELECT password_hash FROM users WHERE name = ?", [name]).fetchone()
            good = row is not None and verify_password(str(row[0]), password)
            if not good or user.disabled:
                failures = user.failed_logins + 1
                locked = at + timedelta(minutes=s.lock_minutes) if failures >= s.max_failed_attempts else None
                con.execute("UPDATE users SET failed_logins = ?, locked_until = ? WHERE name = ?",
                            [0 if locked else failures, locked, name])
                self._audit(con, name, "login.failed", name, None,
                            {"reason": "disabled" if good else "wrong password", "failures": failures,
                             "locked_until": locked}, peer, at)
                if locked is not None:
                    return LoginResult(False, _locked_message(locked), locked_until=locked)
                left = s.max_failed_attempts - failures
                return LoginResult(False, f"{wrong} {left} more failed attempt{'s' if left != 1 else ''} "
                                          "lock the account.")
            token = secrets.token_urlsafe(32)
            csrf = secrets.token_urlsafe(32)
            expires = at + timedelta(hours=s.session_hours)
            con.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE name = ?", [name])
            con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, NULL, ?)",
                        [_token_hash(token), name, csrf, at, expires, peer])
            self._audit(con, name, "login", name, None, {"role": user.role}, peer, at)
        return LoginResult(True, "", token, Session(self._written_user(name), csrf, at, expires))

    def session(self, token: str, *, now: datetime | None = None) -> Session | None:
        """The live session of a cookie value (None: unknown, ended, expired, or its user disabled)."""
        if not token or len(token) > 128:
            return None
        at = self._now(now)
        rows = self._read("SELECT user_name, csrf_token, created_at, expires_at FROM sessions "
                          "WHERE token_sha256 = ? AND ended_at IS NULL AND expires_at > ?", [_token_hash(token), at])
        if not rows:
            return None
        user = self.user(rows[0][0])
        if user is None or user.disabled:
            return None
        return Session(user, rows[0][1], _utc(rows[0][2]) or at, _utc(rows[0][3]) or at)

    def logout(self, token: str, *, peer: str | None = None, now: datetime | None = None) -> None:
        at = self._now(now)
        with self._write() as con:
            row = con.execute("SELECT user_name FROM sessions WHERE token_sha256 = ? AND ended_at IS NULL",
                              [_token_hash(token)]).fetchone()
            if row is None:
                return
            con.execute("UPDATE sessions SET ended_at = ? WHERE token_sha256 = ?", [at, _token_hash(token)])
            self._audit(con, str(row[0]), "logout", str(row[0]), None, None, peer, at)

    # -- registry ----------------------------------------------------------------------------------
    def registry_versions(self) -> list[tuple[int, datetime, str | None, str]]:
        """(version, loaded_at, path, text) of every registry the store kept, oldest first."""
        rows = self._read("SELECT version, loaded_at, path, text FROM registry ORDER BY version")
        return [(int(r[0]), _utc(r[1]) or r[1], r[2], r[3]) for r in rows]

    def change_registry(self, text: str, *, actor: str, peer: str | None = None, now: datetime | None = None
                        ) -> int:
        """Keep ``text`` as the store's newest registry version (checked as ``ultralow serve`` checks a
        file: every key, outlet and limit-set id); the audit row gives the outlets before and after. Returns
        the new version (the running receiver keeps its registry until it restarts)."""
        from ultralow.app.setup import checked_registry
        from ultralow.registry import parse_registry

        registry = checked_registry(parse_registry(text, "registry form"))
        if not registry.outlets:
            raise UsageProblem("registry form: no [[outlets]]: a registry without outlets would stop every logger")
        at = self._now(now)
        with self._write() as con:
            row = con.execute("SELECT version, text FROM registry ORDER BY version DESC LIMIT 1").fetchone()
            if row is not None and row[1] == text:
                raise UsageProblem("registry: unchanged")
            version = (int(row[0]) if row is not None else 0) + 1
            con.execute("INSERT INTO registry (version, loaded_at, path, text) VALUES (?, ?, ?, ?)",
                        [version, at, "dashboard", text])
            before = _registry_summary(int(row[0]), str(row[1])) if row is not None else None
            self._audit(con, actor, "registry.change", f"registry version {version}", before,
                        _registry_summary(version, text, registry), peer, at)
        return version

    def audit_registry_versions(self) -> int:
        """Audit rows for registry versions the store took from files (``ultralow serve --config``, ingest,
        demo) and the trail does not show yet; returns how many were added."""
        versions = self.registry_versions()
        with self._write() as con:
            seen = {r[0] for r in con.execute(
                "SELECT target FROM audit_log WHERE starts_with(action, 'registry.')").fetchall()}
            added = 0
            previous: tuple[int, datetime, str | None, str] | None = None
            for version in versions:
                if f"registry version {version[0]}" not in seen:
                    before = None if previous is None else _registry_summary(previous[0], previous[3])
                    self._audit(con, f"file:{version[2] or '?'}", "registry.load", f"registry version {version[0]}",
                                before, _registry_summary(version[0], version[3]), None, version[1])
                    added += 1
                previous = version
        return added

    # -- audit -------------------------------------------------------------------------------------
    def record(self, actor: str, action: str, target: str | None, before: Any = None, after: Any = None, *,
               peer: str | None = None, now: datetime | None = None) -> None:
        """An audit row for a change made elsewhere (a registry change, for one)."""
        with self._write() as con:
            self._audit(con, actor, action, target, before, after, peer, self._now(now))

    def audit(self, *, actor: str | None = None, action: str | None = None, limit: int | None = None,
              offset: int = 0) -> list[AuditRow]:
        """Newest first; ``action`` matches a prefix (``mark`` finds mark.add and mark.withdraw)."""
        where: list[str] = []
        params: list[object] = []
        if actor:
            where.append("actor = ?")
            params.append(actor)
        if action:
            where.append("starts_with(action, ?)")
            params.append(action)
        sql = ("SELECT audit_id, recorded_at, actor, action, target, before_json, after_json, peer FROM audit_log"  # noqa: S608 - constant fragments, values bound
               + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY audit_id DESC")
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [int(limit), int(offset)]
        return [AuditRow(r[0], _utc(r[1]) or r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in self._read(sql, params)]

    # -- marks -------------------------------------------------------------------------------------
    def add_mark(self, outlet_id: str, start_time: datetime, end_time: datetime, mark_type: str, reason: str, *,
                 actor: str, code: str | None = None, peer: str | None = None, now: datetime | None = None) -> Mark:
        """A mark on ``outlet_id`` (every factor when ``code`` is None) over plant-local
        ``[start_time, end_time)``; the engine applies it from its next run."""
        problems = []
        known = {o.id for o in self.registry.outlets}
        if outlet_id not in known:
            problems.append(f"outlet: {outlet_id!r} is not an outlet of the registry")
        if mark_type not in self.mark_types:
            problems.append(f"type: {mark_type!r}: one of {', '.join(self.mark_types)}")
        if start_time.tzinfo is not None or end_time.tzinfo is not None:
            problems.append("start/end: plant-local clock times without an offset")
        elif end_time <= start_time:
            problems.append("end: must be after start")
        if code is not None and not re.match(r"^[a-z][0-9]{5}$", code):
            problems.append(f"code: {code!r}: an HJ 212 factor code such as a21026")
        reason = reason.strip()
        if not reason:
            problems.append("reason: required")
        elif len(reason) > MAX_REASON_CHARS:
            problems.append(f"reason: at most {MAX_REASON_CHARS} characters")
        if problems:
            raise UsageProblem(problems)
        at = self._now(now)
        with self._write() as con:
            mark_id = self._next_id(con, "mark_entries")
            con.execute("INSERT INTO mark_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [mark_id, outlet_id, code, start_time, end_time, mark_type, reason, actor, at])
            after = {"outlet_id": outlet_id, "code": code, "start_time": start_time, "end_time": end_time,
                     "mark_type": mark_type, "reason": reason}
            self._audit(con, actor, "mark.add", f"mark {mark_id}", None, after, peer, at)
        return self.mark(mark_id)

    def withdraw_mark(self, mark_id: int, reason: str, *, actor: str, peer: str | None = None,
                      now: datetime | None = None) -> Mark:
        """Withdraw a mark: it stays in the store, with who withdrew it, when and why; the engine stops
        applying it from its next run."""
        reason = reason.strip()
        if not reason:
            raise UsageProblem("reason: required")
        at = self._now(now)
        with self._write() as con:
            found = con.execute("SELECT count(*) FROM mark_entries WHERE mark_id = ?", [mark_id]).fetchone()
            if not found or not found[0]:
                raise UsageProblem(f"mark: {mark_id}: no such mark")
            done = con.execute("SELECT withdrawn_at FROM mark_withdrawals WHERE mark_id = ?", [mark_id]).fetchone()
            if done is not None:
                raise UsageProblem(f"mark: {mark_id}: withdrawn already ({done[0]})")
            con.execute("INSERT INTO mark_withdrawals VALUES (?, ?, ?, ?)", [mark_id, actor, at, reason[:MAX_REASON_CHARS]])
            self._audit(con, actor, "mark.withdraw", f"mark {mark_id}", {"in_force": True},
                        {"in_force": False, "reason": reason}, peer, at)
        return self.mark(mark_id)

    _MARK_SQL = ("SELECT e.mark_id, e.outlet_id, e.code, e.start_time, e.end_time, e.mark_type, e.reason, "
                 "e.entered_by, e.entered_at, w.withdrawn_by, w.withdrawn_at, w.reason "
                 "FROM mark_entries AS e LEFT JOIN mark_withdrawals AS w ON e.mark_id = w.mark_id")

    @staticmethod
    def _mark_of(r: tuple[Any, ...]) -> Mark:
        return Mark(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], _utc(r[8]) or r[8], r[9], _utc(r[10]), r[11])

    def mark(self, mark_id: int) -> Mark:
        rows = self._read(self._MARK_SQL + " WHERE e.mark_id = ?", [mark_id])
        if not rows:
            raise UsageProblem(f"mark: {mark_id}: no such mark")
        return self._mark_of(rows[0])

    def marks(self, *, outlet_id: str | None = None, include_withdrawn: bool = True) -> list[Mark]:
        where, params = [], []
        if outlet_id:
            where.append("e.outlet_id = ?")
            params.append(outlet_id)
        if not include_withdrawn:
            where.append("w.mark_id IS NULL")
        sql = self._MARK_SQL + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY e.mark_id DESC"
        return [self._mark_of(r) for r in self._read(sql, params)]

    # -- alarms ------------------------------------------------------------------------------------
    def raise_alarms(self, candidates: Sequence[dict[str, Any]], *, now: datetime | None = None) -> list[Alarm]:
        """Store the candidate alarms not raised before (one per kind, outlet, factor and hour); returns the
        new ones. Candidates: kind, outlet_id, code, hour, utc_offset_min, value_mg_m3, limit_mg_m3,
        threshold_mg_m3, limit_set."""
        at = self._now(now)
        new_ids = []
        with self._write() as con:
            for c in candidates:
                seen = con.execute("SELECT count(*) FROM alarms WHERE kind = ? AND outlet_id = ? AND code = ? "
                                   "AND hour = ?", [c["kind"], c["outlet_id"], c["code"], c["hour"]]).fetchone()
                if seen and seen[0]:
                    continue
                alarm_id = self._next_id(con, "alarms")
                con.execute("INSERT INTO alarms VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [alarm_id, c["kind"], c["outlet_id"], c["code"], c["hour"], c["utc_offset_min"],
                             c["value_mg_m3"], c["limit_mg_m3"], c["threshold_mg_m3"], c.get("limit_set"), at])
                new_ids.append(alarm_id)
        return [a for a in self.alarms() if a.alarm_id in set(new_ids)]

    def alarms(self, *, outlet_id: str | None = None, open_only: bool = False, limit: int | None = None
               ) -> list[Alarm]:
        where: list[str] = []
        params: list[object] = []
        if outlet_id:
            where.append("outlet_id = ?")
            params.append(outlet_id)
        if open_only:
            where.append("alarm_id NOT IN (SELECT alarm_id FROM alarm_acks)")
        sql = ("SELECT alarm_id, kind, outlet_id, code, hour, utc_offset_min, value_mg_m3, limit_mg_m3, "  # noqa: S608 - constant fragments, values bound
               "threshold_mg_m3, limit_set, raised_at FROM alarms" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY hour DESC, alarm_id DESC")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        rows = self._read(sql, params)
        acks: dict[int, list[Ack]] = {}
        if rows:
            for a in self._read("SELECT alarm_id, acked_by, acked_at, comment FROM alarm_acks ORDER BY acked_at"):
                acks.setdefault(int(a[0]), []).append(Ack(a[1], _utc(a[2]) or a[2], a[3]))
        return [Alarm(int(r[0]), r[1], r[2], r[3], r[4], int(r[5]), float(r[6]), float(r[7]), float(r[8]), r[9],
                      _utc(r[10]) or r[10], tuple(acks.get(int(r[0]), ()))) for r in rows]

    def acknowledge(self, alarm_id: int, comment: str, *, actor: str, peer: str | None = None,
                    now: datetime | None = None) -> Alarm:
        comment = comment.strip()
        if not comment:
            raise UsageProblem("comment: required")
        at = self._now(now)
        with self._write() as con:
            row = con.execute("SELECT kind, outlet_id, code, hour FROM alarms WHERE alarm_id = ?", [alarm_id]).fetchone()
            if row is None:
                raise UsageProblem(f"alarm: {alarm_id}: no such alarm")
            before = con.execute("SELECT count(*) FROM alarm_acks WHERE alarm_id = ?", [alarm_id]).fetchone()
            con.execute("INSERT INTO alarm_acks VALUES (?, ?, ?, ?)", [alarm_id, actor, at, comment[:MAX_REASON_CHARS]])
            self._audit(con, actor, "alarm.ack", f"alarm {alarm_id}",
                        {"acknowledged": bool(before and before[0])},
                        {"acknowledged": True, "comment": comment, "kind": row[0], "outlet_id": row[1],
                         "code": row[2], "hour": row[3]}, peer, at)
        return next(a for a in self.alarms() if a.alarm_id == alarm_id)


def _registry_summary(version: int, text: str, registry: Registry | None = None) -> dict[str, Any]:
    """What an audit row says about a registry version: its number, the SHA-256 of its text, its outlets
    (id, MN, limit sets)."""
    if registry is None:
        from ultralow.registry import parse_registry

        try:
            registry = parse_registry(text, f"registry version {version}")
        except ValueError:
            registry = None
    outlets = [] if registry is None else [
        {"id": o.id, "mn": o.mn, "limit_sets": list(o.limit_sets)} for o in registry.outlets]
    return {"version": version, "sha256": hashlib.sha256(text.encode()).hexdigest(), "outlets": outlets}


def _locked_message(until: datetime) -> str:
    return (f"Too many failed attempts: this account is locked until {until.strftime('%Y-%m-%d %H:%M')} UTC. "
            "Try again later or ask an administrator to unlock it.")
