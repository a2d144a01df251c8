"""The dashboard's settings as data (``data/ops.toml``): login lockout, session lifetime, early warnings."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True, slots=True)
class WarningRule:
    code: str  # a factor code or "*"
    fraction: float  # of the limit
    min_valid_minutes: int
    source: str
    status: str


@dataclass(frozen=True, slots=True)
class OpsSettings:
    max_failed_attempts: int
    lock_minutes: int
    session_hours: int
    warnings: tuple[WarningRule, ...]

    def warning_for(self, code: str) -> WarningRule | None:
        """The rule for ``code``, else the "*" rule, else None."""
        exact = [w for w in self.warnings if w.code == code]
        if exact:
            return exact[0]
        return next((w for w in self.warnings if w.code == "*"), None)


def parse_settings(data: dict[str, Any], label: str = "ops.toml") -> OpsSettings:
    login = data.get("login", {})
    problems = []
    attempts = int(login.get("max_failed_attempts", 5))
    if not 1 <= attempts <= 10:
        problems.append(f"{label}: [login] max_failed_attempts: must be 1 to 10, not {attempts}")
    warnings = []
    for i, row in enumerate(data.get("warning", []), start=1):
        fraction = float(row.get("fraction", 0))
        if not 0 < fraction <= 1:
            problems.append(f"{label}: [[warning]] #{i}: fraction: must be above 0 and at most 1")
        if row.get("status") not in ("verified", "unverified") or not row.get("source"):
            problems.append(f"{label}: [[warning]] #{i}: source and status (verified|unverified) are required")
        warnings.append(WarningRule(str(row.get("code", "*")), fraction, int(row.get("min_valid_minutes", 0)),
                                    str(row.get("source", "")), str(row.get("status", ""))))
    if problems:
        raise ValueError("\n".join(problems))
    return OpsSettings(attempts, int(login.get("lock_minutes", 15)), int(login.get("session_hours", 12)),
                       tuple(warnings))


@cache
def load_settings() -> OpsSettings:
    text = resources.files("ultralow.app.ops").joinpath("data/ops.toml").read_text(encoding="utf-8")
    return parse_settings(tomllib.loads(text))
