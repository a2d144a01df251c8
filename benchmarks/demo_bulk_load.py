"""The demo's heavy steps: generating outlet-years and the bulk load through `ultralow ingest`'s file path.

Prints, for the whole demo group over --days days: generation time with 2 processes against 1 process
(baseline), and bulk-load rows/s with 2 ingest readers (export overlapped) against 1 reader (baseline),
each into a fresh store, all measured in this run, with the load average at the start of each measurement.

    .venv/bin/python benchmarks/demo_bulk_load.py [--days 14] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path

from ultralow.demo.group import group_for_run
from ultralow.demo.load import bulk_load
from ultralow.demo.scenario import read_scenario
from ultralow.demo.year import generate
from ultralow.ingest import Pipeline
from ultralow.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=14)
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
    for readers in (1, 2):
        with tempfile.TemporaryDirectory(prefix="ultralow-bench-") as folder:
            with Store(Path(folder) / "bench.duckdb") as store:
                load = os.getloadavg()[0]
                began = time.perf_counter()
                report = bulk_load(Pipeline(store, registry), years, start, Path(folder) / "x", 7, readers)
                seconds = time.perf_counter() - began
        assert report.stored == rows, (report.stored, rows)
        label = "baseline" if readers == 1 else "demo"
        print(f"bulk load {rows:,} rows, {readers} reader(s) [{label}]: {seconds:.2f} s = "
              f"{rows / seconds:,.0f} rows/s (export thread busy {report.export_seconds:.2f} s; load {load:.1f})")


if __name__ == "__main__":
    main()
