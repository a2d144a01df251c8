"""Store write speed: readings/s through Pipeline.accept (2051 minute packets) and through the Parquet bulk
path, each against a bare DuckDB Arrow/Parquet append of the same rows measured in the same run.

    .venv/bin/python benchmarks/store_write.py [--packets 100000] [--batch 2000] [--bulk-rows 20000000]

Packets are decoded before timing (the receiver decodes them); each accept() call is one commit. Every
timed part ends with a CHECKPOINT, so that rows still only in the WAL are not counted as done.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ultralow.hj212 import CHINA_TZ, Flag, Message, decode, encode, format_data_time, format_qn
from ultralow.ingest import Pipeline, Received
from ultralow.ingest.files import ingest_file
from ultralow.registry import Registry, parse_registry
from ultralow.store import Store
from ultralow.store.store import register

CODES = ("a21026", "a21002", "a34013", "a19001", "a01012", "a01011", "a00000", "a01013", "a01014", "a21005",
         "a21001", "a21024", "a05001")  # 13 factors, as a coal boiler stack sends
OUTLETS = 1000


def registry() -> Registry:
    text = '[[bases]]\nid = "b"\nname = "Base"\ncountry = "CN"\n' + "".join(
        f'[[outlets]]\nid = "o{i}"\nbase = "b"\nname = "Stack {i}"\nmn = "MN{i:08d}"\npw = "123456"\n'
        f'source_type = "coal_boiler"\nlimit_sets = []\n'
        for i in range(OUTLETS)
    )
    return parse_registry(text, "bench.toml")


def minute_packets(count: int) -> list[bytes]:
    start = datetime(2025, 3, 3, tzinfo=CHINA_TZ)
    out = []
    for i in range(count):
        when = start + timedelta(minutes=i // OUTLETS)
        values = {code: {"Cou": f"{1.1 + i % 5:.3f}", "Min": f"{9 + i % 3:.2f}", "Avg": f"{12.3 + i % 7:.2f}",
                         "Max": f"{15 + i % 4:.2f}", "ZsAvg": f"{13.1 + i % 6:.2f}", "Flag": "N"} for code in CODES}
        out.append(encode(Message(cn="2051", qn=format_qn(when + timedelta(seconds=20)), pw="123456",
                                  mn=f"MN{i % OUTLETS:08d}", flag=Flag(1, False, True),
                                  globals={"DataTime": format_data_time(when)}, values=values)))
    return out


def bench_accept(work: Path, packets: int, batch: int) -> None:
    raws = minute_packets(packets)
    resent: list[Received] = []
    now = datetime.now(UTC)
    items = [Received(raw, decode(raw), "127.0.0.1:1", now, "tcp", "bench") for raw in raws]
    readings = packets * len(CODES)
    with Store(work / "accept.duckdb") as store:
        pipeline = Pipeline(store, registry())
        t0 = time.perf_counter()
        for start in range(0, len(items), batch):
            pipeline.accept(items[start : start + batch])
        store.con.execute("CHECKPOINT")  # in the file, not only in the WAL: the work a later close would do
        accept_s = time.perf_counter() - t0
        stored = store.con.execute("SELECT count(*) FROM readings").fetchone()
        # the same rows, as the store holds them, appended bare (no checks, no frames) in the same batches
        store.con.complete()
        rows = store.con.sql("SELECT * FROM readings ORDER BY frame_id, code").to_arrow_table()
        resent = items[: batch * 5]  # every one of these is now a duplicate
        dup_t0 = time.perf_counter()
        for start in range(0, len(resent), batch):
            pipeline.accept(resent[start : start + batch])
        dup_s = time.perf_counter() - dup_t0
    assert stored == (readings,), stored
    with Store(work / "bare.duckdb") as bare:
        per_batch = batch * len(CODES)
        t0 = time.perf_counter()
        for start in range(0, rows.num_rows, per_batch):
            with bare.transaction() as con:
                register(con, "chunk", rows.slice(start, per_batch))
                con.execute("INSERT INTO readings SELECT * FROM chunk")
                con.unregister("chunk")
        bare.con.execute("CHECKPOINT")
        bare_s = time.perf_counter() - t0
    print(f"Pipeline.accept: {packets} packets x {len(CODES)} factors in batches of {batch}: "
          f"{packets / accept_s:,.0f} packets/s, {readings / accept_s:,.0f} readings/s ({accept_s:.2f} s)")
    print(f"  resent packets (all duplicates): {len(resent) / dup_s:,.0f} packets/s")
    print(f"  baseline, bare DuckDB Arrow append of the same rows, same batches: {readings / bare_s:,.0f} readings/s "
          f"({bare_s:.2f} s)")


def bench_bulk(work: Path, rows: int) -> None:
    """A long-format Parquet file (the demo's bulk path) through ingest_file, vs a bare read_parquet insert."""
    minutes = rows // (OUTLETS // 10 * len(CODES)) + 1
    outlets = np.arange(OUTLETS // 10)
    rng = np.random.default_rng(1)
    path = work / "bulk.parquet"
    writer: pq.ParquetWriter | None = None
    written = 0
    start = np.datetime64("2025-01-01T00:00")
    for outlet in outlets:  # one outlet's whole series after the other, in time order
        if written >= rows:
            break
        n = min(minutes * len(CODES), rows - written)
        index = np.arange(n)
        table = pa.table({
            "mn": pa.array(np.full(n, f"MN{outlet:08d}")),
            "data_time": pa.array((start + (index // len(CODES)).astype("timedelta64[m]")).astype("datetime64[us]")),
            "code": pa.array(np.array(CODES)[index % len(CODES)]),
            "value": pa.array(np.round(rng.uniform(5, 40, n), 2)),
            "flag": pa.array(np.full(n, "N")),
        })
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
        written += n
    assert writer is not None
    writer.close()
    received = datetime.now(UTC)
    with Store(work / "bulk.duckdb") as store:
        t0 = time.perf_counter()
        result = ingest_file(Pipeline(store, registry()), path, received)
        store.con.execute("CHECKPOINT")  # in the file, not only in the WAL: the work a later close would do
        bulk_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        current = store.con.execute("SELECT count(*) FROM readings_current").fetchone()
        view_s = time.perf_counter() - t0
    assert result.stored == rows, (result.stored, rows)
    with Store(work / "bulk-bare.duckdb") as bare:
        t0 = time.perf_counter()
        bare.con.execute(
            "INSERT INTO readings SELECT 'o' || CAST(CAST(substr(mn, 3) AS INTEGER) AS VARCHAR), code, 'minute', "
            "data_time, 480, 0, value, NULL, NULL, NULL, NULL, flag, 'parquet', NULL, now() FROM read_parquet(?)",
            [str(path)],
        )
        bare.con.execute("CHECKPOINT")
        bare_s = time.perf_counter() - t0
    print(f"Parquet bulk ingest: {rows:,} rows: {rows / bulk_s:,.0f} readings/s ({bulk_s:.2f} s); "
          f"count(*) of readings_current over them: {view_s:.2f} s ({current[0] if current else 0:,} rows)")
    print(f"  baseline, bare INSERT … SELECT FROM read_parquet: {rows / bare_s:,.0f} readings/s ({bare_s:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packets", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--bulk-rows", type=int, default=20_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ultralow-bench-") as tmp:
        bench_accept(Path(tmp), args.packets, args.batch)
        if args.bulk_rows:
            bench_bulk(Path(tmp), args.bulk_rows)


if __name__ == "__main__":
    main()
