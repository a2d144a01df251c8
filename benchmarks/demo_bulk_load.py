"""The demo's heavy steps: generating outlet-years and the bulk load through `ultralow ingest`'s file path.

Prints, for the whole demo group over --days days: generation time with 2 processes against 1 process
(baseline); the export files written; then, on those same files, each into a fresh store: the bare DuckDB
``INSERT … SELECT`` from ``read_parquet`` into the readings table (the baseline: no checks, one statement)
and ``ultralow ingest``'s file path one file after the other, with their ratio (target <= 2), and the batch
path alone (what every file took before the direct insert, and what a file not provably clean takes); the bulk
load as the demo does it (the files written alongside, 1 reader) and with 2 readers. All measured in this
run, with the load average at the start of each measurement.

    .venv/bin/python benchmarks/demo_bulk_load.py [--days 21] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from ultralow.demo.bulk import write_exports
from ultralow.demo.group import group_for_run
from ultralow.demo.load import bulk_load
from ultralow.demo.scenario import read_scenario
from ultralow.demo.year import generate
from ultralow.ingest import Pipeline
from ultralow.ingest.files import FileResult, _ingest_long, ingest_file
from ultralow.ingest.long_format import read_parquet_long
from ultralow.registry import Registry
from ultralow.store import Store

# The baseline: the same Parquet files into a table of the readings schema in one statement, with the MN
# mapped to its outlet (a join) and constants for the columns the files do not carry; no checks at all.
BARE_INSERT = """
INSERT INTO readings
SELECT o.outlet_id, p.code, 'minute', p.data_time, o.utc_offset_min, 0, p.value, NULL, NULL, NULL, NULL, p.flag,
       'parquet', NULL, now()
FROM read_parquet(?) AS p JOIN bench_outlets AS o ON o.mn = p.mn
"""


def batch_path(pipeline: Pipeline, path: Path) -> int:
    """Readings stored by the batch path (row checks, Arrow batches, the writer's collision check)."""
    result = FileResult(str(path), "parquet")
    _ingest_long(pipeline, read_parquet_long(path, pipeline.registry, pipeline.tables, datetime.now(UTC)), result)
    return result.stored


def bare_insert(path: Path, registry: Registry, files: list[Path]) -> float:
    with Store(path) as store:
        store.con.register("bench_outlets", pa.table({
            "mn": [o.mn for o in registry.outlets], "outlet_id": [o.id for o in registry.outlets],
            "utc_offset_min": pa.array([o.utc_offset_min for o in registry.outlets], pa.int16())}))
        began = time.perf_counter()
        store.con.execute(BARE_INSERT, [[str(f) for f in files]])
        return time.perf_counter() - began


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
    with tempfile.TemporaryDirectory(prefix="ultralow-bench-") as folder:
        load = os.getloadavg()[0]
        began = time.perf_counter()
        files = write_exports(years, start, Path(folder) / "x", 7)
        seconds = time.perf_counter() - began
        print(f"export {rows:,} rows to {len(files)} Parquet files: {seconds:.2f} s (load {load:.1f})")
        load = os.getloadavg()[0]
        bare = bare_insert(Path(folder) / "bare.duckdb", registry, [f.path for f in files])
        print(f"baseline bare DuckDB INSERT ... SELECT of the files: {bare:.2f} s = {rows / bare:,.0f} rows/s "
              f"(load {load:.1f})")
        with Store(Path(folder) / "ingest.duckdb") as store:
            pipeline = Pipeline(store, registry)
            load = os.getloadavg()[0]
            began = time.perf_counter()
            stored = sum(ingest_file(pipeline, f.path, datetime.now(UTC), "parquet").stored for f in files)
            seconds = time.perf_counter() - began
        assert stored == rows, (stored, rows)
        print(f"ultralow ingest of the files, one by one: {seconds:.2f} s = {rows / seconds:,.0f} rows/s "
              f"(load {load:.1f})")
        print(f"ratio ingest / bare INSERT ... SELECT: {seconds / bare:.2f} (target <= 2)")
        with Store(Path(folder) / "batch.duckdb") as store:
            pipeline = Pipeline(store, registry)
            load = os.getloadavg()[0]
            began = time.perf_counter()
            stored = sum(batch_path(pipeline, f.path) for f in files)
            batch = time.perf_counter() - began
        assert stored == rows, (stored, rows)
        print(f"the batch path alone (files not provably clean; every file before the direct insert): {batch:.2f} s "
              f"= {batch / bare:.2f} x the bare insert (load {load:.1f})")
        shutil.rmtree(Path(folder) / "x")
    for label, readers in (("demo: written alongside, 1 reader", 1), ("written alongside, 2 readers", 2)):
        with tempfile.TemporaryDirectory(prefix="ultralow-bench-") as folder:
            with Store(Path(folder) / "bench.duckdb") as store:
                pipeline = Pipeline(store, registry)
                load = os.getloadavg()[0]
                began = time.perf_counter()
                stored = bulk_load(pipeline, years, start, Path(folder) / "x", 7, readers).stored
                seconds = time.perf_counter() - began
        assert stored == rows, (stored, rows)
        print(f"bulk load {rows:,} rows [{label}]: {seconds:.2f} s = {rows / seconds:,.0f} rows/s; "
              f"{seconds / bare:.2f} x the bare insert (load {load:.1f})")


if __name__ == "__main__":
    main()
