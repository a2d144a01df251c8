"""The logger's side of the protocol against a scripted receiver on loopback: the receiver here misbehaves
on purpose (withholds acknowledgements, answers the wrong QN, hangs up), which the real one never does."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from ultralow.hj212 import Packet, StreamFramer, build_9014, decode_frame
from ultralow.loggers.client import RetryPolicy, VirtualLogger
from ultralow.loggers.packets import LoggerIdentity, Outgoing, minute_packets
from ultralow.loggers.signals import minute_series

IDENTITY = LoggerIdentity("010000A8900016F000169DC0", "123456")
FAST = RetryPolicy(timeout_s=0.2, retries=3, reconnect_min_s=0.02, reconnect_max_s=0.1)
# what the scripted receiver does with the n-th copy (1-based) of a QN: "ack", "ignore", "hangup", "wrong"
Script = Callable[[Packet, int], str]


def packets(count: int) -> list[Outgoing]:
    series = minute_series("potline", datetime(2025, 3, 3, 10, 0), count, seed=1)  # potline: no sub-packets
    return minute_packets(series, IDENTITY)


@asynccontextmanager
async def scripted_receiver(script: Script) -> AsyncIterator[tuple[int, list[str], list[int]]]:
    """Yields (port, QNs received in order, connections seen as a one-element counter)."""
    received: list[str] = []
    copies: dict[str, int] = {}
    connections = [0]

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections[0] += 1
        framer = StreamFramer()
        try:
            while data := await reader.read(65536):
                for frame in framer.feed(data):
                    packet = decode_frame(frame)
                    qn = packet.qn or ""
                    received.append(qn)
                    copies[qn] = copies.get(qn, 0) + 1
                    action = script(packet, copies[qn])
                    if action == "ack":
                        writer.write(build_9014(packet))
                    elif action == "wrong":
                        packet.qn = "20000101000000000"
                        writer.write(build_9014(packet))
                    elif action == "hangup":
                        writer.close()
                        return
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1], received, connections
    finally:
        server.close()


def test_missing_ack_is_retried_with_the_same_bytes_until_acknowledged() -> None:
    async def scenario() -> None:
        async with scripted_receiver(lambda p, copy: "ack" if copy == 3 else "ignore") as (port, received, _):
            logger = VirtualLogger(IDENTITY.mn, "127.0.0.1", port, FAST)
            assert await logger.connect(time.monotonic() + 5)
            (packet,) = packets(1)
            started = time.monotonic()
            assert await logger.send(packet)
            # two time-outs of 0.2 s, then the third copy is acknowledged
            assert time.monotonic() - started >= 0.4
            assert received == [packet.qn] * 3
            assert (logger.stats.sent, logger.stats.acked, logger.stats.retried) == (1, 1, 2)
            await logger.close()

    asyncio.run(scenario())


def test_after_the_retry_count_the_packet_is_not_acknowledged() -> None:
    async def scenario() -> None:
        async with scripted_receiver(lambda p, copy: "ignore") as (port, received, _):
            logger = VirtualLogger(IDENTITY.mn, "127.0.0.1", port, FAST)
            assert await logger.connect(time.monotonic() + 5)
            (packet,) = packets(1)
            assert not await logger.send(packet)
            assert len(received) == 1 + 3  # the first copy and three retries (HJ 212-2017 Table 1)
            assert logger.stats.acked == 0
            await logger.close()

    asyncio.run(scenario())


def test_an_ack_for_another_qn_does_not_count() -> None:
    async def scenario() -> None:
        async with scripted_receiver(lambda p, copy: "wrong" if copy == 1 else "ack") as (port, received, _):
            logger = VirtualLogger(IDENTITY.mn, "127.0.0.1", port, FAST)
            assert await logger.connect(time.monotonic() + 5)
            (packet,) = packets(1)
            assert await logger.send(packet)
            assert logger.stats.retried == 1 and len(received) == 2
            await logger.close()

    asyncio.run(scenario())


def test_broken_link_is_reopened_and_the_backlog_sent_oldest_first() -> None:
    sent = packets(6)
    hang_on = sent[2].qn

    def script(packet: Packet, copy: int) -> str:
        return "hangup" if packet.qn == hang_on and copy == 1 else "ack"

    async def scenario() -> None:
        async with scripted_receiver(script) as (port, received, connections):
            logger = VirtualLogger(IDENTITY.mn, "127.0.0.1", port, FAST)
            deadline = time.monotonic() + 10
            for packet in sent[:2]:
                await logger.deliver(packet, deadline)
            logger.defer(sent[3])  # an outage: these two wait for the link
            logger.defer(sent[4])
            await logger.deliver(sent[2], deadline)  # new data waits behind the history
            await logger.deliver(sent[5], deadline)
            assert not logger.backlog
            # history first; sent[2] was cut off once and resent on the new connection
            assert received == [p.qn for p in (sent[0], sent[1], sent[3], sent[4], sent[2], sent[2], sent[5])]
            assert connections[0] == 2 and logger.stats.reconnects == 1
            assert logger.stats.acked == 6 and logger.stats.sent == 6
            assert logger.stats.backfilled == 3  # the two deferred packets and the cut-off one
            await logger.close()

    asyncio.run(scenario())


def test_connect_gives_up_at_the_deadline_when_nobody_listens() -> None:
    async def scenario() -> None:
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        logger = VirtualLogger(IDENTITY.mn, "127.0.0.1", port, FAST)
        started = time.monotonic()
        assert not await logger.connect(started + 0.3)
        assert time.monotonic() - started < 1.0

    asyncio.run(scenario())
