"""The site's figures follow the store: after a data change the next build (started by a request once the
store's data stamp differs) shows the new figures on the pages that render the cached selections."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx

from ultralow.app import Application
from ultralow.store import Store
from ultralow.web.app import create_app
from ultralow.web.context import WebContext
from ultralow.web.server import ThreadedWebServer

OUTLET = "beihai-alumina-cal1"
JUDGED = re.compile(r"of ([\d,]+) judged pollutant hours")


def _outlet_row(html: str) -> str:
    """The What-we-do row of OUTLET (its last hour with data is the row's last cell)."""
    row = re.search(rf'<tr[^>]*>(?:(?!</tr>).)*{OUTLET}(?:(?!</tr>).)*</tr>', html, re.S)
    assert row is not None, f"no row of {OUTLET}"
    return row.group(0)


def test_a_data_change_shows_on_the_pages(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "changing.duckdb"
    shutil.copy(demo_db, db)
    with Store(db) as store:
        context = WebContext(app=Application.from_store(store), reports_dir=tmp_path / "reports",
                             refresh_interval_s=0.0)
        web = create_app(context, build_on_start=False)
        state = web.state.site
        state.refresh()
        first = state.build
        with ThreadedWebServer(web) as server, httpx.Client(base_url=server.url, timeout=30) as client:
            what = client.get("/en/what-we-do").text
            esg = client.get("/en/esg").text
            # the 3-day demo runs 2025-01-01 00:00 .. 2025-01-03 23:59 (plant time): last hour 3 Jan, 23:00
            assert "3 Jan 2025, 23:00:00" in _outlet_row(what)
            judged_before = int(JUDGED.findall(esg)[0].replace(",", ""))
            assert state.join(60) and state.build is first  # no change: no rebuild

            with store.lock:  # the outlet's last day goes away: its last hour with data is 2 Jan, 23:00
                store.con.execute("DELETE FROM readings WHERE outlet_id = ? AND data_time >= '2025-01-03'",
                                  [OUTLET])
            client.get("/en/esg")  # this request sees the new stamp and starts the rebuild
            assert state.join(120) and state.build is not first and state.error is None
            what = client.get("/en/what-we-do").text
            esg = client.get("/en/esg").text
            assert "2 Jan 2025, 23:00:00" in _outlet_row(what)
            # its SO2 and PM hours of 3 Jan are no longer judged (24 h each at most): fewer judged hours
            judged_after = int(JUDGED.findall(esg)[0].replace(",", ""))
            assert judged_before - 2 * 24 <= judged_after < judged_before
