"""The audit trail: one append-only row per login, logout, mark, withdrawal, acknowledgement, user and
registry change (who, when, what, before and after as JSON)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

AUDIT_COLUMNS: Final = ("audit_id", "at", "actor", "action", "target", "before", "after", "peer")


@dataclass(frozen=True, slots=True)
class AuditRow:
    audit_id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    before: str | None  # JSON text
    after: str | None
    peer: str | None


def as_json(value: Any) -> str | None:
    """``value`` as compact JSON with sorted keys (None stays None); datetimes as ISO text."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=_iso, separators=(",", ":"))


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _cell(value: object) -> str:
    """A CSV cell; text a spreadsheet would run as a formula gets a leading apostrophe."""
    text = "" if value is None else value.isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def audit_csv(rows: Iterable[AuditRow], write: Callable[[str], object]) -> None:
    """The rows as UTF-8 CSV with a BOM (Excel opens it with the right encoding)."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    write("\ufeff")
    out.writerow(AUDIT_COLUMNS)
    for row in rows:
        out.writerow([_cell(v) for v in (row.audit_id, row.at, row.actor, row.action, row.target, row.before,
                                         row.after, row.peer)])
        write(buffer.getvalue())
        buffer.seek(0)
        buffer.truncate()
    write(buffer.getvalue())
