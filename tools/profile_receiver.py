"""Where the receiver's time goes: cProfile of the event-loop thread and of the writer thread under load.

Runs ``Receiver.for_pipeline`` (the ``ultralow serve`` wiring, DuckDB store in a temp dir) in this process
with one profiler on the loop thread and one inside the writer's ``accept``; the load comes from
``benchmarks/receiver_load.py --target`` in another process. Prints the top functions of each thread by
own time and cumulative time.

    python tools/profile_receiver.py [--connections 1000] [--seconds 10] [--top 25] [--clock cpu|wall]

``--clock wall`` (the default) counts the time each thread waited for the GIL in whatever function it was
running, which shows contention; ``--clock cpu`` times each thread by its own CPU time
(``time.thread_time``), which shows the work itself, undisturbed by the GIL and by other work on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import uvloop

from ultralow.ingest import Outcome, Pipeline, Received
from ultralow.receiver.events import EventLog
from ultralow.receiver.limits import ReceiverLimits
from ultralow.receiver.server import Receiver
from ultralow.registry import parse_registry
from ultralow.store import Store

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from receiver_load import registry_text  # noqa: E402


def top(profile: cProfile.Profile, sort: str, count: int) -> str:
    out = io.StringIO()
    pstats.Stats(profile, stream=out).strip_dirs().sort_stats(sort).print_stats(count)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    args = parser.parse_args()
    timer = time.thread_time if args.clock == "cpu" else time.perf_counter
    loop_profile = cProfile.Profile(timer)
    writer_profile = cProfile.Profile(timer)
    with tempfile.TemporaryDirectory(prefix="ultralow-profile-") as tmp:
        store = Store(Path(tmp) / "profile.duckdb")
        pipeline = Pipeline(store, parse_registry(registry_text(args.connections), "bench.toml"))
        limits = ReceiverLimits(max_connections=args.connections + 100,
                                max_unauthenticated=args.connections + 100,
                                max_unauthenticated_per_address=args.connections + 100)
        receiver = Receiver.for_pipeline(pipeline, port=0, limits=limits,
                                         events=EventLog(stream=open(os.devnull, "w")))  # noqa: SIM115
        accept = receiver.accept

        def profiled_accept(items: Sequence[Received]) -> Sequence[Outcome]:
            writer_profile.enable()
            try:
                return accept(items)
            finally:
                writer_profile.disable()

        receiver.accept = profiled_accept

        async def run() -> None:
            await receiver.start()
            load = await asyncio.create_subprocess_exec(
                sys.executable, str(ROOT / "benchmarks" / "receiver_load.py"), "--connections",
                str(args.connections), "--seconds", str(args.seconds), "--target", f"{receiver.port}:{os.getpid()}")
            # the load process prepares its packets first (seconds): profile only the measured run
            while not receiver.connections:
                await asyncio.sleep(0.05)
            loop_profile.enable()
            await load.wait()
            loop_profile.disable()
            await receiver.stop()

        uvloop.run(run())
        store.close()
    print("== event-loop thread, by own time ==")
    print(top(loop_profile, "tottime", args.top))
    print("== writer thread (Pipeline.accept), by own time ==")
    print(top(writer_profile, "tottime", args.top))
    print("== writer thread, cumulative ==")
    print(top(writer_profile, "cumulative", args.top))


if __name__ == "__main__":
    main()
