"""The batching writer with the real pipeline and store: batches, order of outcomes, failure, stop."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from receiver_support import REGISTRY, packet

from ultralow.hj212 import decode
from ultralow.ingest import Outcome, Pipeline, Received
from ultralow.receiver.writer import BatchWriter
from ultralow.registry import parse_registry
from ultralow.store import Store


def received(i: int) -> Received:
    raw = packet(qn=f"202503031001{i:05d}", data_time=f"2025030310{i // 60:02d}{i % 60:02d}")
    return Received(raw, decode(raw), "127.0.0.1:1", datetime.now(UTC), "tcp", f"test frame {i}")


def test_items_are_committed_in_batches_and_outcomes_come_back_in_order(tmp_path: Path) -> None:
    with Store(tmp_path / "w.duckdb") as store:
        pipeline = Pipeline(store, parse_registry(REGISTRY))
        sizes: list[int] = []

        def accept(items: Sequence[Received]) -> list[Outcome]:
            sizes.append(len(items))
            return pipeline.accept(items)

        async def scenario() -> list[tuple[int, str]]:
            results: list[tuple[int, str]] = []

            def done(tokens: list[int], outcomes: Sequence[Outcome] | None) -> None:
                assert outcomes is not None
                results.extend((t, o.status) for t, o in zip(tokens, outcomes, strict=True))

            writer: BatchWriter[Received, int, Outcome] = BatchWriter(
                accept, done, asyncio.get_running_loop(), interval_s=0.05, max_frames=4)
            writer.start()
            for i in range(10):
                writer.submit(received(i), i)
            writer.submit(received(3), 99)  # a resend within the run
            await writer.stop()
            return results

        results = asyncio.run(scenario())
        assert [t for t, _ in results] == [*range(10), 99]
        assert dict(results)[99] == "duplicate"
        assert all(size <= 4 for size in sizes) and sum(sizes) == 11
        assert store.con.execute("SELECT count(*) FROM raw_frames").fetchone() == (10,)


def test_a_failed_commit_reports_no_outcomes_and_the_writer_goes_on(tmp_path: Path) -> None:
    store = Store(tmp_path / "w.duckdb")
    pipeline = Pipeline(store, parse_registry(REGISTRY))
    store.close()  # every commit now fails inside DuckDB

    async def scenario() -> tuple[list[Sequence[Outcome] | None], list[str], int]:
        seen: list[Sequence[Outcome] | None] = []
        errors: list[str] = []
        writer: BatchWriter[Received, int, Outcome] = BatchWriter(
            pipeline.accept, lambda tokens, outcomes: seen.append(outcomes), asyncio.get_running_loop(),
            interval_s=0.0, max_frames=1, on_error=lambda exc, n: errors.append(type(exc).__name__))
        writer.start()
        writer.submit(received(0), 0)
        writer.submit(received(1), 1)
        await writer.stop()
        return seen, errors, writer.failed_batches

    seen, errors, failed = asyncio.run(scenario())
    assert seen == [None, None]  # nothing to acknowledge: the loggers will resend
    assert len(errors) == 2 and failed == 2


def test_a_quiet_spell_gives_one_idle_tick(tmp_path: Path) -> None:
    with Store(tmp_path / "w.duckdb") as store:
        pipeline = Pipeline(store, parse_registry(REGISTRY))
        sizes: list[int] = []

        def accept(items: Sequence[Received]) -> list[Outcome]:
            sizes.append(len(items))
            return pipeline.accept(items)

        async def until(count: int) -> None:  # the writer thread's calls, waited for (a loaded machine is slow)
            for _ in range(500):
                if len(sizes) >= count:
                    return
                await asyncio.sleep(0.01)

        async def scenario() -> None:
            writer: BatchWriter[Received, int, Outcome] = BatchWriter(
                accept, lambda tokens, outcomes: None, asyncio.get_running_loop(), interval_s=0.0, max_frames=10,
                idle_s=0.05)
            writer.start()
            await asyncio.sleep(0.3)  # quiet from the start: nothing written, nothing to tidy
            writer.submit(received(0), 0)
            await until(2)
            await asyncio.sleep(0.5)  # ten more idle periods: still one tick for this quiet spell
            writer.submit(received(1), 1)
            await until(4)
            await asyncio.sleep(0.2)
            await writer.stop()

        asyncio.run(scenario())
        assert sizes == [1, 0, 1, 0]  # each batch, then one idle tick (accept([])) per quiet spell
        assert store.con.execute("SELECT count(*) FROM raw_frames").fetchone() == (2,)
