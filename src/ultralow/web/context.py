"""What the web application is built on: the store it reads, the group's registry, the reports folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ultralow.registry import Registry
from ultralow.store import Store


@dataclass
class WebContext:
    """The open store (shared with the receiver under ``ultralow serve``, read-only under ``ultralow web``),
    its registry and the folder holding the annual report files (``report-YYYY-LANG.html|pdf``)."""

    store: Store
    registry: Registry
    reports_dir: Path

    @property
    def db(self) -> Path:
        return self.store.path


def default_reports_dir(db: Path) -> Path:
    """``reports/`` beside the store file."""
    return db.resolve().parent / "reports"
