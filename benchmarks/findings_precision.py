"""Precision of each data-quality rule on the demo data against its planted incidents (issue 17 item 4).

Runs the demo job (``ultralow demo``'s own code: generated signals, planted incidents, bulk load, stream)
for ``--days`` days and ``--outlets`` outlets, judges the store, and classifies every finding: **true** when
it lies at a planted incident's outlet and overlaps the incident's window (start-up included), **false**
otherwise (the signal models' background). Prints per rule: findings, true, false, precision; then the
episodes (cems/episodes.py): how many, and the rank of the first episode of each incident — the list an
engineer reads should lead with them. Not part of ``make test``; the machine may be shared.

    .venv/bin/python benchmarks/findings_precision.py [--days 60] [--outlets 12] [--db /tmp/i17-fp.duckdb]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from ultralow.app import Application
from ultralow.demo.job import DemoOptions, run_demo


class Quiet:
    def start(self, name: str, total: float | None, unit: str) -> None: ...

    def advance(self, amount: float) -> None: ...

    def update(self, completed: float) -> None: ...

    def finish(self, name: str, seconds: float, detail: str) -> None:
        print(f"  {name}: {seconds:.1f} s  {detail}")


def classify(findings: list[dict[str, Any]], incidents: list[tuple[str, str, datetime, datetime]]
             ) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"findings": 0, "true": 0, "false": 0})
    for f in findings:
        hit = any(f["outlet_id"] == outlet and f["start"] < end and f["end"] > start
                  for _, outlet, start, end in incidents)
        row = out[f["finding"]]
        row["findings"] += 1
        row["true" if hit else "false"] += 1
    return dict(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--outlets", type=int, default=12)
    parser.add_argument("--db", default="/tmp/i17-findings-precision.duckdb")
    args = parser.parse_args()
    db = Path(args.db)
    began = time.perf_counter()
    print(f"demo: {args.days} days x {args.outlets} outlets -> {db}")
    demo = run_demo(DemoOptions(db=db, days=args.days, outlets=args.outlets), Quiet())
    incidents = [(i.kind, i.outlet_id, datetime.fromisoformat(i.start).replace(tzinfo=None),
                  datetime.fromisoformat(i.end).replace(tzinfo=None)) for i in demo.incidents]
    with Application.open(db) as app:
        judgement = app.judge()
    findings = judgement.tables["findings"].to_pylist()
    table = classify(findings, incidents)
    print(f"\n{'rule':<26}{'findings':>9}{'true':>6}{'false':>7}{'precision':>11}")
    for rule, row in sorted(table.items(), key=lambda kv: -kv[1]["findings"]):
        precision = row["true"] / row["findings"] if row["findings"] else float("nan")
        print(f"{rule:<26}{row['findings']:>9}{row['true']:>6}{row['false']:>7}{precision:>11.3f}")
    total = sum(r["findings"] for r in table.values())
    true = sum(r["true"] for r in table.values())
    episodes = {f["episode"]: f for f in findings}
    print(f"{'all':<26}{total:>9}{true:>6}{total - true:>7}{(true / total if total else float('nan')):>11.3f}")
    print(f"\nfindings {total} -> episodes {len(episodes)}")
    for kind, outlet, start, end in incidents:
        ranks = sorted(f["episode_rank"] for f in findings
                       if f["outlet_id"] == outlet and f["start"] < end and f["end"] > start)
        print(f"  incident {kind:<10} {outlet:<24} first episode rank: {ranks[0] if ranks else 'none'}")
    top = sorted(episodes.values(), key=lambda f: f["episode_rank"])[:8]
    print("top episodes: " + ", ".join(f"#{f['episode_rank']} {f['episode']} sev {f['episode_severity']}"
                                       for f in top))
    print(f"\ntotal {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
