"""Incremental judging (issue 17 item 8): one new complete hour for every outlet of a store, judged by an hours
run of ``ultralow.app.results.update``, against the full recompute of the same store in the same run.

    flock /work/notes/bench.lock python benchmarks/incremental.py --store /tmp/lead-demo/ultralow.duckdb \
        --work /tmp/bench-incremental [--hours 5] [--skip-judge]

The store is copied to ``--work`` (the original is only read). Measured, in this order:
1. ``judge``: ``Application.judge`` over all the days with data, every outlet (what a full judgement costs
   today; ``--skip-judge`` leaves it out);
2. ``rebuild``: the full run of the stored results (the same judgement plus writing result_hours, result_days
   and result_events);
3. ``--hours`` new complete hours, one after the other: each is the minutes of the store's last hour copied
   one hour later (received now, as the receiver would write them), then one ``update`` (an hours run). The
   first run records the engine's plan (the cost a process pays once), the later ones replay it; the last
   replay's statements are printed with their times.
Target: an hours run for 60 outlets under 200 ms; the full run no slower than the judgement alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import time
from pathlib import Path

from ultralow.app import Application
from ultralow.app.results import hour_judge, rebuild, update


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def add_hour(app: Application, shift_h: int) -> int:
    """Copy the minutes of the store's last data hour ``shift_h`` hours later (revision 0, received now)."""
    con = app.store.con
    con.complete()
    last = con.execute("SELECT date_trunc('hour', max(data_time)) FROM readings WHERE kind = 'minute'").fetchall()[0][0]
    base = last - dt.timedelta(hours=shift_h - 1)
    con.execute(
        "INSERT INTO readings SELECT outlet_id, code, kind, data_time + to_hours(?::BIGINT), utc_offset_min, 0, value, "
        "min, max, cou, zs, flag, 'bench', NULL, now() FROM readings "
        "WHERE kind = 'minute' AND data_time >= ? AND data_time < ? + INTERVAL 1 HOUR", [shift_h, base, base])
    return int(con.execute("SELECT count(*) FROM readings WHERE source = 'bench'").fetchall()[0][0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="/tmp/lead-demo/ultralow.duckdb")
    parser.add_argument("--work", default="/tmp/bench-incremental")
    parser.add_argument("--hours", type=int, default=5)
    parser.add_argument("--skip-judge", action="store_true")
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    db = work / "store.duckdb"
    shutil.copy(args.store, db)
    wal = Path(str(args.store) + ".wal")
    if wal.exists():
        shutil.copy(wal, str(db) + ".wal")
    print(f"store copied to {db} ({db.stat().st_size / 2**20:,.0f} MiB); {load()}")
    with Application.open_for_writing(db) as app:
        outlets = len(app.outlet_ids())
        period = app.period(app.outlet_ids())
        print(f"{outlets} outlets, period {period.as_dict()['from']} .. {period.as_dict()['to']}")
        if not args.skip_judge:
            started = time.perf_counter()
            judgement = app.judge(app.outlet_ids(), period=period)
            judge_s = time.perf_counter() - started
            print(f"judge (today's full judgement): {judge_s:.1f} s, {judgement.hours.num_rows:,} hour rows; {load()}")
            del judgement
        started = time.perf_counter()
        full = rebuild(app)
        rebuild_s = time.perf_counter() - started
        print(f"rebuild (full run, judged and stored): {rebuild_s:.1f} s, {full.hours:,} hour rows, "
              f"{full.days:,} day rows, {full.events:,} events; {load()}")
        timings = []
        for k in range(1, args.hours + 1):
            added = add_hour(app, k)
            started = time.perf_counter()
            done = update(app)
            seconds = time.perf_counter() - started
            timings.append(seconds)
            print(f"new hour {k}: {done.kind} run, {done.outlets} outlets, {done.hours} hour rows, {done.days} day "
                  f"rows, {done.events} events in {seconds * 1000:.0f} ms ({added:,} bench minutes in the store); "
                  f"{load()}")
        judge = hour_judge(app)
        warm = timings[1:] or timings
        print(f"plans recorded {judge.recorded}, replayed {judge.replayed}")
        for key, plan in judge._plans.items():  # the last replay's statements: where an hours run's time goes
            steps = ", ".join(f"{name.removeprefix('ul_').split('_', 1)[-1]} {seconds * 1000:.1f}"
                              for name, seconds in plan.timings)
            print(f"  plan {key[0]}: {sum(t for _, t in plan.timings) * 1000:.0f} ms ({steps})")
        print(f"RESULT hours run for {outlets} outlets: first (records the plan) {timings[0] * 1000:.0f} ms, "
              f"then median {statistics.median(warm) * 1000:.0f} ms (target < 200 ms); full run {rebuild_s:.1f} s"
              + ("" if args.skip_judge else f" against the judgement alone {judge_s:.1f} s "
                 f"(ratio {rebuild_s / judge_s:.2f}, target <= 1)") + f"; {load()}")


if __name__ == "__main__":
    main()
