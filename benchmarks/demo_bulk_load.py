"""The demo's heavy steps: generating outlet-years and the bulk load through `ultralow ingest`'s file path.

Prints, for the whole demo group over --days days: generation time with 2 processes against 1 process
(baseline), and bulk-load rows/s as the demo does it (export written alongside, 1 reader) against the
baseline of writing every export file first and then ingesting them one by one, and with 2 readers; each
into a fresh store, all measured in this run, with the load average at the start of each measurement.

    .venv/bin/python benchmarks/demo_bulk_load.py [--days 21] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from ultralow.demo.bulk import write_exports
from ultralow.demo.group import group_for_run
from ultralow.demo.load import bulk_load
from ultralow.demo.scenario import read_scenario
from ultralow.demo.year import generate
from ultralow.ingest import Pipeline
from ultralow.ingest.files import ingest_file
from ultralow.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=21)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    scenario = read_scenario()
    registry = group_for_run(None)
    outlets = len(registry.outlets)

    for workers in (1, 2):
        load = os.getloadavg()[0]
        began = time.perf_counter()
        years = generate(registry.outlets, scenario, args.days, args.seed, workers)
        seconds = time.perf_counter() - began
        label = "baseline" if workers == 1 else "demo"
        print(f"generate {outlets} outlets x {args.days} d, {workers} process(es) [{label}]: {seconds:.2f} s "
              f"({seconds / outlets / args.days * 365:.2f} s per outlet-year; load {load:.1f})")

    start = datetime.combine(scenario.start, datetime.min.time())
    rows = sum(y.values.shape[0] * len(y.codes) for y in years)
    for label, readers in (("baseline: export, then ingest", 0), ("demo: overlapped, 1 reader", 1),
                           ("overlapped, 2 readers", 2)):
        with tempfile.TemporaryDirectory(prefix="ultralow-bench-") as folder:
            with Store(Path(folder) / "bench.duckdb") as store:
                pipeline = Pipeline(store, registry)
                load = os.getloadavg()[0]
                began = time.perf_counter()
                if readers == 0:
                    files = write_exports(years, start, Path(folder) / "x", 7)
                    stored = sum(ingest_file(pipeline, f.path, datetime.now(UTC), "parquet").stored for f in files)
                else:
                    stored = bulk_load(pipeline, years, start, Path(folder) / "x", 7, readers).stored
                seconds = time.perf_counter() - began
        assert stored == rows, (stored, rows)
        print(f"bulk load {rows:,} rows [{label}]: {seconds:.2f} s = {rows / seconds:,.0f} rows/s (load {load:.1f})")

if __name__ == "__main__":
    main()
