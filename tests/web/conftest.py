"""The web test harness: the site on uvicorn on a free loopback port, and Playwright driving Debian's
Chromium (one browser per test module). Screenshots go to ``test-output/web/`` (git-ignored)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ultralow.app import Application
from ultralow.registry import load_registry
from ultralow.store import Store, save_registry
from ultralow.web.app import create_app
from ultralow.web.context import WebContext
from ultralow.web.server import ThreadedWebServer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_REGISTRY = ROOT / "examples" / "ultralow.toml"
SCREENSHOTS = ROOT / "test-output" / "web"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def example_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebContext]:
    """A store holding only the example registry (no readings)."""
    folder = tmp_path_factory.mktemp("site")
    registry = load_registry(EXAMPLE_REGISTRY)
    with Store(folder / "site.duckdb") as store:
        save_registry(store, registry)
        yield WebContext(app=Application.from_store(store, registry=registry), reports_dir=folder / "reports")


@pytest.fixture(scope="module")
def live_site(example_context: WebContext) -> Iterator[str]:
    """The site of a store without readings (``http://127.0.0.1:PORT``), uvicorn in a thread."""
    with ThreadedWebServer(create_app(example_context)) as server:
        yield server.url


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo store: 3 days, 5 outlets (``ultralow demo --no-serve``), built once per session, with
    one report file beside it."""
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.duckdb"
    subprocess.run([sys.executable, "-c", "from ultralow.cli import main; main()", "demo", "--days", "3",
                    "--outlets", "5", "--no-serve", "--no-report", "--format", "json", "--db", str(db)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    (folder / "reports").mkdir()
    (folder / "reports" / "report-2025-en.html").write_text("<html><body>Annual report 2025</body></html>")
    return db


@pytest.fixture(scope="module")
def demo_site(demo_db: Path) -> Iterator[str]:
    """The site of the demo store with its figures built before the first request."""
    with Application.open(demo_db) as app:
        web = create_app(WebContext(app=app, reports_dir=demo_db.parent / "reports"), build_on_start=False)
        web.state.site.refresh()
        with ThreadedWebServer(web) as server:
            yield server.url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for the module (Debian's build; Playwright's download is not used)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
