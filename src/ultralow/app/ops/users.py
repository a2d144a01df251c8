"""Users, passwords (argon2id) and the results of a login attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# viewer reads; operator also acknowledges alarms and enters or withdraws marks; admin also manages users
# and the registry. Each role includes the rights of those before it.
ROLES: Final = ("viewer", "operator", "admin")
MIN_PASSWORD_CHARS: Final = 10
NAME_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$"

_HASHER = PasswordHasher()  # argon2id, the library's defaults (RFC 9106 low-memory profile)
# verified when the name is unknown, so that an unknown name costs the same time as a wrong password
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def burn_time(password: str) -> None:
    verify_password(_DUMMY_HASH, password)


def role_at_least(role: str, needed: str) -> bool:
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: str
    created_at: datetime
    created_by: str
    disabled: bool
    failed_logins: int
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf_token: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class LoginResult:
    """``ok`` with ``token`` (the cookie value) and ``session``; else ``message`` says why (a locked
    account says until when; a wrong name and a wrong password say the same)."""

    ok: bool
    message: str
    token: str | None = None
    session: Session | None = None
    locked_until: datetime | None = None
