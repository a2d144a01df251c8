"""Run several network services on one event loop until SIGTERM or SIGINT, then stop them in reverse.

``ultralow serve`` runs the HJ 212 receiver this way; the web app joins as one more service.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Sequence
from typing import Protocol


class Service(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


async def run_until_signalled(services: Sequence[Service], stop: asyncio.Event | None = None) -> None:
    """Start every service, wait for a stop signal (or ``stop`` being set), then stop them gracefully."""
    loop = asyncio.get_running_loop()
    stop = stop or asyncio.Event()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):  # not the main thread, or no signals here
            pass
    started: list[Service] = []
    try:
        for service in services:
            await service.start()
            started.append(service)
        await stop.wait()
    finally:
        for service in reversed(started):
            await service.stop()
        for sig in installed:
            loop.remove_signal_handler(sig)
