"""The public site's latency: page p95 and search p95 over real HTTP (uvicorn on a loopback port), with the
bare DuckDB query behind the ESG page's performance table timed in the same run as the baseline.

    .venv/bin/python benchmarks/web.py [--db ultralow.duckdb] [--rounds 20]

Run it on the store `make demo` leaves (the full demo year). Targets (issue: public site): page p95 under
200 ms, search p95 under 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from ultralow.app import Application
from ultralow.web.app import create_app
from ultralow.web.context import WebContext
from ultralow.web.server import ThreadedWebServer

PAGES = ("/en/", "/en/who-we-are", "/en/what-we-do", "/en/esg", "/en/social", "/en/overseas", "/en/claims",
         "/zh/esg", "/zh/overseas")
QUERIES = ("Guinea", "几内亚", "sulphur dioxide", "电解铝", "donation", "kindergarten")
# the ESG table stands on per outlet and pollutant hourly means of the year: the same aggregation, bare
BASELINE_SQL = """SELECT outlet_id, code, avg(value) AS mean_value, count(*) AS minutes
                  FROM readings WHERE kind = 'minute' AND code IN ('a21026', 'a21002', 'a34013')
                  GROUP BY ALL"""


def p95_ms(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000 if len(samples) > 1 else samples[0] * 1000


def timed(call: Callable[[], object], rounds: int) -> list[float]:
    seconds = []
    for _ in range(rounds):
        began = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - began)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="ultralow.duckdb")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with Application.open(args.db) as app:
        began = time.perf_counter()
        web = create_app(WebContext(app=app, reports_dir=Path(args.db).resolve().parent / "reports"),
                         build_on_start=False)
        web.state.site.refresh()
        print(f"site build (judging the store, search index): {time.perf_counter() - began:.1f} s")
        baseline = timed(lambda: app.store.con.execute(BASELINE_SQL).fetchall(), max(3, args.rounds // 4))
        with ThreadedWebServer(web) as server, httpx.Client(base_url=server.url, timeout=30) as client:
            def get(path: str, query: str | None = None) -> None:
                response = client.get(path, params={"q": query} if query else None)
                response.raise_for_status()

            pages = {path: timed(lambda p=path: get(p), args.rounds) for path in PAGES}  # type: ignore[misc]
            searches = {q: timed(lambda q=q: get("/en/search", q), args.rounds) for q in QUERIES}  # type: ignore[misc]
    for path, samples in pages.items():
        print(f"page {path:<16} p50 {statistics.median(samples) * 1000:7.1f} ms  p95 {p95_ms(samples):7.1f} ms")
    every_page = [s for samples in pages.values() for s in samples]
    every_search = [s for samples in searches.values() for s in samples]
    print(f"pages  (all) p95 {p95_ms(every_page):7.1f} ms  (target < 200 ms)")
    print(f"search (all) p95 {p95_ms(every_search):7.1f} ms  (target < 50 ms; queries: {', '.join(QUERIES)})")
    print(f"baseline: bare DuckDB query behind the ESG table p95 {p95_ms(baseline):7.1f} ms "
          f"(median {statistics.median(baseline) * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
