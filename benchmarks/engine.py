"""The compliance engine on N outlet-years of minute data (8 factors each), against two baselines measured
in the same run: a bare DuckDB hourly GROUP BY over the same rows, and a straightforward pandas
implementation of the hourly judgement (valid minutes, hourly means, 45-minute rule, O2 correction,
exceedance) on a subset, scaled by rows.

Prints minute values per second for each, the ratio pipeline / GROUP BY (target <= 3; also as a ratio of the
process's CPU time, steadier on a machine shared with other work) and the speed-up
over pandas (target >= 10), and the process's peak RSS after the pipeline (target < 4 GiB at 1e9 values,
out of core: DuckDB memory_limit and temp_directory).

    .venv/bin/python benchmarks/engine.py [--outlet-years 4 | --values 1e9] [--memory-limit 3GiB]
                                         [--threads 2] [--pandas-outlet-years 0.25] [--dir DIR] [--keep]
                                         [--profile]

--profile: also print where the pipeline's time goes, stage by stage (each table the engine keeps, and the
fetches of the results), wall and CPU time of each blocking call; it adds no work.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa

from ultralow.cems import Engine, Period, duckdb_engine, run, store_readings
from ultralow.standards import packaged_catalog

FACTORS = 8
MINUTES_PER_YEAR = 365 * 24 * 60
YEAR = 2025

# One outlet-year per INSERT: a coal unit with PM, SO2, NOx, O2, flow, humidity, temperature, pressure.
# Values follow a slow sine plus noise from a hash; flags: about 0.2 % of hours D (fault), one stopped day
# in 97 (F), the rest N. Everything is a constant of this benchmark; the outlet number is a parameter.
GENERATE = """
INSERT INTO readings_current
SELECT 'bench-' || lpad(CAST($outlet AS VARCHAR), 4, '0') AS outlet_id,
       c.code,
       'minute' AS kind,
       TIMESTAMP '2025-01-01 00:00:00' + to_minutes(m.range) AS data_time,
       CAST(480 AS SMALLINT) AS utc_offset_min,
       c.base + c.amp * sin(m.range / 97.0 + $outlet)
              + c.amp * 0.3 * (CAST(hash(m.range, c.ci, $outlet) % 1000 AS DOUBLE) / 1000.0 - 0.5) AS value,
       CAST(NULL AS DOUBLE) AS min, CAST(NULL AS DOUBLE) AS max, CAST(NULL AS DOUBLE) AS cou,
       CAST(NULL AS DOUBLE) AS zs,
       CASE WHEN hash(m.range // 60, c.ci, $outlet) % 500 = 0 THEN 'D'
            WHEN (m.range // 1440 + $outlet) % 97 = 0 THEN 'F'
            ELSE 'N' END AS flag
FROM range($minutes) AS m,
     (VALUES (0, 'a34013', 6.0, 3.0), (1, 'a21026', 22.0, 10.0), (2, 'a21002', 38.0, 12.0),
             (3, 'a19001', 6.5, 1.0), (4, 'a00000', 150.0, 20.0), (5, 'a01014', 9.0, 1.0),
             (6, 'a01012', 50.0, 3.0), (7, 'a01013', 0.2, 0.05)) AS c(ci, code, base, amp)
"""
CREATE = """
CREATE TABLE readings_current (outlet_id VARCHAR NOT NULL, code VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    data_time TIMESTAMP NOT NULL, utc_offset_min SMALLINT NOT NULL, value DOUBLE, min DOUBLE, max DOUBLE,
    cou DOUBLE, zs DOUBLE, flag VARCHAR)
"""
NO_PROGRESS_BAR = "SET enable_progress_bar = false"
GROUP_BY = """
CREATE TEMP TABLE bare_hourly AS
SELECT outlet_id, code, date_trunc('hour', data_time) AS hour, avg(value) AS mean, count(*) AS n
FROM readings_current GROUP BY ALL
"""


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # ru_maxrss is KiB on Linux


def generate(path: Path, outlets: int, minutes: int, memory_limit: str, threads: int) -> float:
    started = time.perf_counter()
    con = duckdb.connect(str(path), config={"memory_limit": memory_limit, "threads": threads,
                                            "preserve_insertion_order": False})
    con.execute(NO_PROGRESS_BAR).fetchall()
    con.execute(CREATE)
    for outlet in range(outlets):
        con.execute(GENERATE, {"outlet": outlet, "minutes": minutes})
    con.execute("CHECKPOINT")
    con.close()
    return time.perf_counter() - started


def outlets_table(outlets: int) -> pa.Table:
    ids = [f"bench-{i:04d}" for i in range(outlets)]
    return pa.table({
        "outlet_id": ids, "base": ["bench"] * outlets, "source_type": ["coal_boiler"] * outlets,
        "limit_sets": pa.array([["GB13223-2011", "ultra-low-2015"]] * outlets, pa.list_(pa.string())),
        "wet_analyser": [False] * outlets, "utc_offset_min": pa.array([480] * outlets, pa.int16()),
    })


def bare_group_by(path: Path, memory_limit: str, temp_dir: Path, threads: int) -> tuple[float, float]:
    con = duckdb.connect(str(path), read_only=True, config={
        "memory_limit": memory_limit, "temp_directory": str(temp_dir), "threads": threads,
        "preserve_insertion_order": False})
    con.execute(NO_PROGRESS_BAR).fetchall()
    started, cpu = time.perf_counter(), time.process_time()
    con.execute(GROUP_BY)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    con.close()
    return elapsed, cpu


Stages = list[tuple[str, float, float]]


def timed(engine: Engine, stages: Stages) -> None:
    """Record the wall and CPU time (all threads of the process) of every blocking call of ``engine`` (keeps
    and fetches) in ``stages``: CPU time compares variants on a machine shared with other work."""
    materialize, to_arrow, scalar = engine.materialize, engine.to_arrow, engine.scalar

    def clocked(name: str, call: Any, expr: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        out = call(expr)
        stages.append((name, time.perf_counter() - wall, time.process_time() - cpu))
        return out

    def keep(name: str, expr: ir.Table) -> ir.Table:
        return clocked(f"keep {name}", lambda e: materialize(name, e), expr)

    def fetch(expr: ir.Table) -> pa.Table:
        return clocked("fetch", to_arrow, expr)

    def fetch_scalar(expr: ir.Scalar) -> Any:
        return clocked("fetch", scalar, expr)

    engine.materialize, engine.to_arrow, engine.scalar = keep, fetch, fetch_scalar


def pipeline(path: Path, outlets: int, period: Period, memory_limit: str, temp_dir: Path,
             threads: int, stages: Stages | None = None) -> tuple[float, float, dict[str, int]]:
    engine = duckdb_engine(path, memory_limit=memory_limit, temp_directory=temp_dir, threads=threads)
    if stages is not None:
        timed(engine, stages)
    started, cpu = time.perf_counter(), time.process_time()
    result = run(store_readings(engine), engine.load(outlets_table(outlets)), engine.load(packaged_catalog().table()),
                 None, period, engine=engine)
    counts = {name: engine.to_arrow(expr).num_rows for name, expr in result.tables().items() if name != "hours"}
    counts["hours"] = int(engine.scalar(result.hours.count()))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.close()
    return elapsed, cpu, counts


def pandas_judgement(df: pd.DataFrame) -> pd.DataFrame:
    """The hourly judgement written plainly in pandas: valid minutes (flag N, value >= 0), hourly means,
    45-minute rule, O2 correction to 6 %, comparison with the ultra-low limits."""
    df = df.assign(hour=df["data_time"].dt.floor("h"))
    df["ok"] = (df["flag"] == "N") & df["value"].notna() & (df["value"] >= 0)
    valid = df[df["ok"]].groupby(["outlet_id", "code", "hour"])["value"].agg(["mean", "count"])
    hours = df.groupby(["outlet_id", "code", "hour"]).size().rename("n").to_frame().join(valid)
    hours["count"] = hours["count"].fillna(0)
    hours["valid"] = hours["count"] >= 45
    hours = hours.reset_index()
    o2 = hours[hours["code"] == "a19001"][["outlet_id", "hour", "mean", "valid"]].rename(
        columns={"mean": "o2", "valid": "o2_valid"})
    limits = {"a34013": 10.0, "a21026": 35.0, "a21002": 50.0}
    pol = hours[hours["code"].isin(list(limits))].merge(o2, on=["outlet_id", "hour"], how="left")
    pol["valid"] = pol["valid"] & pol["o2_valid"].fillna(False).astype(bool)
    pol["corrected"] = np.where(pol["valid"], pol["mean"] * (21 - 6) / (21 - pol["o2"]), np.nan)
    pol["limit"] = pol["code"].map(limits)
    pol["exceeded"] = pol["valid"] & (pol["corrected"] > pol["limit"])
    return pol.groupby(["outlet_id", "code"]).agg(valid=("valid", "sum"), exceeded=("exceeded", "sum"))


def pandas_baseline(path: Path, outlet_years: float) -> tuple[float, int]:
    minutes = max(60, int(MINUTES_PER_YEAR * min(outlet_years, 1.0)))
    outlets = max(1, int(round(outlet_years))) if outlet_years >= 1 else 1
    con = duckdb.connect(str(path), read_only=True)
    con.execute(NO_PROGRESS_BAR).fetchall()
    df = con.execute(
        "SELECT outlet_id, code, data_time, value, flag FROM readings_current "
        "WHERE outlet_id < $limit_id AND data_time < TIMESTAMP '2025-01-01 00:00:00' + to_minutes($minutes)",
        {"limit_id": f"bench-{outlets:04d}", "minutes": minutes},
    ).df()
    con.close()
    started = time.perf_counter()
    pandas_judgement(df)
    return time.perf_counter() - started, len(df)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outlet-years", type=float, default=4.0)
    parser.add_argument("--values", type=float, default=None, help="total minute values (overrides outlet-years)")
    parser.add_argument("--memory-limit", default="3GiB")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--pandas-outlet-years", type=float, default=0.25)
    parser.add_argument("--dir", default=None, help="working directory (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the generated store")
    parser.add_argument("--profile", action="store_true", help="print the pipeline's time stage by stage")
    args = parser.parse_args()

    per_outlet = FACTORS * MINUTES_PER_YEAR
    outlets = max(1, round(args.values / per_outlet)) if args.values else max(1, round(args.outlet_years))
    values = outlets * per_outlet
    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="ultralow-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    store, spill = work / "engine.duckdb", work / "spill"
    spill.mkdir(exist_ok=True)
    print(f"outlet-years: {outlets} x {FACTORS} factors x {MINUTES_PER_YEAR} minutes = {values:,} minute values")
    print(f"memory_limit {args.memory_limit}, threads {args.threads}, load average {os.getloadavg()[0]:.2f}")
    if not store.exists():
        seconds = generate(store, outlets, MINUTES_PER_YEAR, args.memory_limit, args.threads)
        print(f"generated in {seconds:.1f} s ({store.stat().st_size / 2**30:.2f} GiB on disk)")

    load = os.getloadavg()[0]
    group_by_s, group_by_cpu = bare_group_by(store, args.memory_limit, spill, args.threads)
    print(f"baseline bare DuckDB hourly GROUP BY: {group_by_s:.2f} s = {values / group_by_s:,.0f} values/s, "
          f"CPU {group_by_cpu:.2f} s (load at start {load:.2f})")

    period = Period(dt.date(YEAR, 1, 1), dt.date(YEAR + 1, 1, 1))
    stages: Stages | None = [] if args.profile else None
    load = os.getloadavg()[0]
    pipeline_s, pipeline_cpu, counts = pipeline(store, outlets, period, args.memory_limit, spill, args.threads, stages)
    rss = peak_rss_gib()
    print(f"pipeline (whole compliance run): {pipeline_s:.2f} s = {values / pipeline_s:,.0f} values/s, CPU "
          f"{pipeline_cpu:.2f} s; rows out: {counts} (load at start {load:.2f})")
    if stages is not None:
        merged: dict[str, tuple[float, float]] = {}
        for name, wall, used in stages:
            before = merged.get(name, (0.0, 0.0))
            merged[name] = (before[0] + wall, before[1] + used)
        rest = (pipeline_s - sum(w for w, _ in merged.values()), pipeline_cpu - sum(c for _, c in merged.values()))
        print(f"  {'stage':32s} {'wall':>8s} {'share':>7s} {'CPU':>8s}")
        for name, (wall, used) in [*merged.items(), ("building expressions (Python)", rest)]:
            print(f"  {name:32s} {wall:6.2f} s {100 * wall / pipeline_s:5.1f} % {used:6.2f} s")
        print(f"  {'total':32s} {pipeline_s:6.2f} s {100.0:5.1f} % {pipeline_cpu:6.2f} s")
    print(f"peak RSS after the pipeline: {rss:.2f} GiB")

    pandas_s, pandas_rows = pandas_baseline(store, args.pandas_outlet_years)
    pandas_rate = pandas_rows / pandas_s
    print(f"baseline pandas (hourly judgement only, {pandas_rows:,} values, scaled by rows): {pandas_s:.2f} s = "
          f"{pandas_rate:,.0f} values/s")
    print(f"ratio pipeline / bare GROUP BY: {pipeline_s / group_by_s:.2f} (target <= 3); CPU time ratio "
          f"{pipeline_cpu / group_by_cpu:.2f}")
    print(f"speed-up over pandas: {(values / pipeline_s) / pandas_rate:.1f}x (target >= 10)")
    if not args.keep and not args.dir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
