"""The site's current figures and search index, rebuilt in a worker thread when the store's data changes.

Pages never wait for the engine: they render the last complete build (or say that the first one is
running). A rebuild starts at most every ``refresh_interval_s`` and only when ``data_stamp`` changed.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from ultralow.app.site import SiteFigures, build_site_figures, data_stamp
from ultralow.search import SearchIndex
from ultralow.web.context import WebContext
from ultralow.web.search_docs import site_documents

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Build:
    figures: SiteFigures
    index: SearchIndex
    seconds: float


class SiteState:
    def __init__(self, context: WebContext) -> None:
        self.context = context
        self.build: Build | None = None
        self.error: str | None = None
        self._lock = threading.Lock()
        self._building = False
        self._checked_at = 0.0
        self._thread: threading.Thread | None = None

    def refresh(self) -> Build:
        """Build the figures and the index now (in the calling thread)."""
        started = time.perf_counter()
        figures = build_site_figures(self.context.app, corpus=self.context.corpus_dir)
        index = SearchIndex(site_documents(figures, self.context.registry, self.context.reports_dir))
        build = Build(figures, index, time.perf_counter() - started)
        self.build = build
        self.error = None
        return build

    def _run(self) -> None:
        try:
            self.refresh()
        except Exception as exc:  # the site keeps the last good build; the failure is shown and logged
            self.error = f"{type(exc).__name__}: {exc}"
            log.exception("site figures could not be built")
        finally:
            with self._lock:
                self._building = False

    def start_refresh(self) -> bool:
        """Start a rebuild in a daemon thread unless one runs; True when one was started."""
        with self._lock:
            if self._building:
                return False
            self._building = True
        self._thread = threading.Thread(target=self._run, name="ultralow-site-build", daemon=True)
        self._thread.start()
        return True

    def join(self, timeout_s: float) -> bool:
        """Wait for a running rebuild to end (True when none runs any more). A daemon thread still inside
        DuckDB when the interpreter exits aborts the process, so the service stops it first."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
        return thread is None or not thread.is_alive()

    @property
    def building(self) -> bool:
        return self._building

    def refresh_if_changed(self) -> None:
        """Called per request: at most every ``refresh_interval_s``, compare the store's stamp with the
        build's and rebuild in the background when they differ."""
        now = time.monotonic()
        if self._building or now - self._checked_at < self.context.refresh_interval_s:
            return
        self._checked_at = now
        if self.build is None or data_stamp(self.context.store) != self.build.figures.stamp:
            self.start_refresh()
