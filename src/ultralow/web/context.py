"""What the web application is built on: the application layer on the store, the reports folder, the
corpus texts whose claims the site checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ultralow.app import Application
from ultralow.registry import Registry
from ultralow.store import Store


@dataclass
class WebContext:
    """The application layer (its store is shared with the receiver under ``ultralow serve``, read-only
    under ``ultralow web``), the folder of the annual report files (``report-YYYY-LANG.html|pdf``) and the
    corpus folder (None: ``ultralow.claims.corpus_dir()``)."""

    app: Application
    reports_dir: Path
    corpus_dir: Path | None = None
    refresh_interval_s: float = 60.0  # how often a changed store may trigger a rebuild of the figures
    # the dashboard (ultralow.web.ops): the receiver's live feed when it runs in this process, and how often
    # the running hours are judged
    ops_feed: Any = None
    ops_interval_s: float = 5.0
    # hooks of sub-applications: when the server starts, before it stops (streams end), after it stopped
    on_start: list[Callable[[], None]] = field(default_factory=list)
    before_stop: list[Callable[[], None]] = field(default_factory=list)
    on_shutdown: list[Callable[[], None]] = field(default_factory=list)
    # the receiver's health when it runs in this process (``ultralow serve``); None: ask the local API
    health: Callable[[], dict[str, Any]] | None = None

    @property
    def store(self) -> Store:
        return self.app.store

    @property
    def registry(self) -> Registry:
        return self.app.registry

    @property
    def db(self) -> Path:
        return self.app.store.path


def default_reports_dir(db: Path) -> Path:
    """``reports/`` beside the store file."""
    return db.resolve().parent / "reports"
