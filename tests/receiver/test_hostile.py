"""Hostile clients against the real receiver on loopback (issue 10, items 1-4), each bounded to seconds.

Attackers connect from other loopback addresses (127.0.0.2 and up) than the genuine logger (127.0.0.1),
as they would from other hosts; the bounds are scaled down (limits passed in) so that each attack takes
a second or two, and every scenario runs under an overall time limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from receiver_support import MN, OTHER_MN, PW, REGISTRY, Client, packet, running_receiver

from ultralow.hj212 import CrcVariant, Flag, crc_modbus, decode
from ultralow.receiver.limits import ReceiverLimits

SCENARIO_LIMIT_S = 30.0


def run(coro: Coroutine[Any, Any, None]) -> None:
    async def bounded() -> None:
        await asyncio.wait_for(coro, SCENARIO_LIMIT_S)

    asyncio.run(bounded())


def fast(**overrides: Any) -> ReceiverLimits:
    """Limits for tests: quick commits and sweeps."""
    return ReceiverLimits(**{"batch_interval_s": 0.005, "sweep_interval_s": 0.05, **overrides})


async def wait_until(condition: Any, timeout_s: float = 5.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while loop.time() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.02)
    return bool(condition())


# -- item 1: bounded sub-packet numbers, background tasks that survive --------------------------------

def test_a_pnum_above_the_bound_is_quarantined_and_not_acknowledged(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_receiver(tmp_path, fast(subpacket_timeout_s=0.2)) as rx:
            client = await Client.connect(rx.port)
            await client.send(packet(cn="2061", qn="20250303110030001", flag=Flag(1, True, True),
                                     pnum=999_999_999, pno=1))
            await client.send(packet(qn="20250303100105002"))  # a normal frame after it is served
            replies = await client.replies_within(1, 3.0)
            assert [r.qn for r in replies] == ["20250303100105002"]
            assert rx.count("SELECT count(*) FROM quarantine WHERE reason LIKE 'PNUM 999999999 is above%'") == 1
            assert rx.count("SELECT count(*) FROM raw_frames") == 1
            assert rx.receiver.assembler.open_sets == 0
            await client.close()

    run(scenario())


def test_a_failing_sweeper_is_logged_restarted_and_health_says_so(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_receiver(tmp_path, fast(auth_timeout_s=0.5, health_interval_s=0.2)) as rx:
            original = rx.receiver.assembler.expire
            failures = {"left": 2}

            def expire(now_s: float) -> list[Any]:
                if failures["left"]:
                    failures["left"] -= 1
                    raise MemoryError("simulated")
                return original(now_s)

            rx.receiver.assembler.expire = expire  # type: ignore[method-assign]
            stranger = await Client.connect(rx.port)
            assert await stranger.closed_by_peer(5.0)  # deadlines still run after the failures
            (first, second) = rx.events("task_failed")[:2]
            assert first["task"] == "sweeper" and first["error"] == "MemoryError: simulated"
            assert second["restart_in_s"] == 2 * first["restart_in_s"]
            assert await wait_until(lambda: any(e["tasks"]["sweeper"]["failures"] == 2 for e in rx.events("health")))
            sweeper = rx.events("health")[-1]["tasks"]["sweeper"]
            assert sweeper["state"] == "running" and sweeper["last_error"] == "MemoryError: simulated"
            assert rx.receiver.health()["writer"]["alive"] is True

    run(scenario())


# -- item 2: deadlines and fairness -----------------------------------------------------------------

def test_drippers_from_one_address_hold_few_slots_and_a_logger_is_always_served(tmp_path: Path) -> None:
    async def scenario() -> None:
        limits = fast(max_connections=40, max_unauthenticated=30, max_unauthenticated_per_address=4,
                      frame_deadline_s=0.5, frame_deadline_per_kib_s=0.0)
        async with running_receiver(tmp_path, limits) as rx:
            drippers = []
            for _ in range(20):  # 20 connections from one address: 4 admitted, 16 refused
                dripper = await Client.connect(rx.port, source="127.0.0.2")
                await dripper.send(b"##0100QN=")  # a frame begun, never finished
                drippers.append(dripper)
            assert await wait_until(lambda: rx.receiver.refused["per_address_limit"] == 16)
            logger = await Client.connect(rx.port)
            await logger.send(packet())
            assert len(await logger.replies_within(1, 3.0)) == 1
            # the admitted drippers are closed by the frame deadline although they keep sending bytes
            for dripper in drippers[:4]:
                await dripper.send(b"1")
            assert await wait_until(lambda: rx.receiver.unauthenticated == 0, 3.0)
            reasons = [e["reason"] for e in rx.events("disconnect") if e["peer"].startswith("127.0.0.2:")]
            assert reasons == ["frame_deadline"] * 4
            await logger.close()

    run(scenario())


def test_a_flood_from_many_addresses_never_refuses_a_known_logger(tmp_path: Path) -> None:
    async def scenario() -> None:
        limits = fast(max_connections=30, max_unauthenticated=20, max_unauthenticated_per_address=2)
        async with running_receiver(tmp_path, limits) as rx:
            known = await Client.connect(rx.port)  # connected and authenticated before the flood
            await known.send(packet(qn="20250303100105001"))
            assert len(await known.replies_within(1)) == 1
            flood = [await Client.connect(rx.port, source=f"127.0.1.{i // 2 + 1}") for i in range(60)]
            assert rx.receiver.unauthenticated <= 20 and len(rx.receiver.connections) <= 30
            # a second logger connecting in the middle of the flood gets a slot (the oldest stranger goes)
            late = await Client.connect(rx.port)
            await late.send(packet(qn="20250303100105002", mn=OTHER_MN))
            assert len(await late.replies_within(1, 3.0)) == 1
            await known.send(packet(qn="20250303100205003", data_time="20250303100100"))
            assert len(await known.replies_within(2, 3.0)) == 2
            assert rx.receiver.refused["max_connections"] == 0
            assert rx.receiver.evicted == 60 + 1 - 20  # every stranger beyond 20 pushed out the oldest
            for client in (known, late, *flood):
                await client.close()

    run(scenario())


def test_a_truncated_frame_with_a_large_length_does_not_block_the_frames_after_it(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_receiver(tmp_path, fast()) as rx:
            client = await Client.connect(rx.port)
            first = packet(qn="20250303100105001")
            await client.send(b"##9999" + first[6:80])  # cut off by a logger reset
            for minute in range(3):
                await client.send(packet(qn=f"20250303100{minute + 2}05001", data_time=f"2025030310{minute + 1:02d}00"))
            replies = await client.replies_within(3, 3.0)
            assert len(replies) == 3 and all(r.cn == "9014" for r in replies)
            assert rx.count("SELECT count(*) FROM quarantine WHERE reason LIKE '%truncated%'") == 1
            await client.close()

    run(scenario())


# -- item 3: access control -------------------------------------------------------------------------

def test_password_guessing_is_backed_off_and_the_right_guess_gets_no_ack(tmp_path: Path) -> None:
    async def scenario() -> None:
        limits = fast(auth_failures_per_mn=5, auth_backoff_s=30.0)
        async with running_receiver(tmp_path, limits) as rx:
            guesser = await Client.connect(rx.port, source="127.0.0.3")
            for guess in range(10):
                await guesser.send(packet(qn=f"2025030310010500{guess}", pw=f"{guess:06d}"))
            await guesser.send(packet(qn="20250303100105099"))  # the right PW, after the threshold
            assert await guesser.closed_by_peer(3.0)
            assert guesser.replies == []
            (backoff,) = rx.events("auth_backoff")
            assert backoff["host"] == "127.0.0.3" and backoff["failures"] == 5 and backoff["seconds"] == 30.0
            again = await Client.connect(rx.port, source="127.0.0.3")
            assert await again.closed_by_peer(2.0)
            assert rx.receiver.refused["auth_backoff"] == 1
            logger = await Client.connect(rx.port)  # another address is unaffected
            await logger.send(packet(qn="20250303100105100"))
            assert len(await logger.replies_within(1)) == 1
            assert rx.count("SELECT count(*) FROM raw_frames") == 1
            await logger.close()

    run(scenario())


def test_stranger_traffic_is_sampled_counted_and_summarised_not_stored_whole(tmp_path: Path) -> None:
    async def scenario() -> None:
        limits = fast(quarantine_samples_per_address=3, quarantine_window_s=0.5, auth_failures_per_mn=10**6,
                      auth_failures_per_address=10**6, junk_limit_bytes=10**9)
        async with running_receiver(tmp_path, limits) as rx:
            stranger = await Client.connect(rx.port, source="127.0.0.4")
            frames = [packet(qn=f"20250303100105{i:03d}", mn=f"99{i:022d}") for i in range(200)]
            await stranger.send(b"".join(frames))
            await stranger.send(frames[0] * 5)  # identical resends
            assert await wait_until(lambda: rx.receiver.gate.summaries == 1, 5.0)
            assert await wait_until(lambda: rx.count("SELECT count(*) FROM quarantine") == 4, 3.0)
            whole = rx.count("SELECT count(*) FROM quarantine WHERE source = 'tcp'")
            assert whole == 3  # the samples
            with rx.store.lock:
                (reason, raw) = rx.store.con.execute(
                    "SELECT reason, raw FROM quarantine WHERE source = 'tcp-summary'").fetchone()
            # 200 + 5 frames sent, 3 kept whole: 202 counted; the first and last of them kept as samples
            assert "202 frames" in reason and "unknown MN x197" in reason and "(repeated frame) x5" in reason
            assert raw.startswith(frames[3]) and raw.endswith(frames[0])
            assert stranger.replies == []
            await stranger.close()

    run(scenario())


def test_an_outlet_with_peers_accepts_only_its_addresses(tmp_path: Path) -> None:
    registry = REGISTRY.replace('name = "Unit 1"\n', 'name = "Unit 1"\npeers = ["127.0.0.5/32", "10.2.3.0/24"]\n')

    async def scenario() -> None:
        async with running_receiver(tmp_path, fast(), registry_text=registry) as rx:
            outsider = await Client.connect(rx.port, source="127.0.0.6")
            await outsider.send(packet(qn="20250303100105001"))
            assert await outsider.replies_within(1, 1.0) == []
            insider = await Client.connect(rx.port, source="127.0.0.5")
            await insider.send(packet(qn="20250303100105002"))
            assert len(await insider.replies_within(1)) == 1
            assert rx.count("SELECT count(*) FROM quarantine WHERE reason LIKE "
                            "'address 127.0.0.6 is not in the peers of outlet u1%'") == 1
            await outsider.close()
            await insider.close()

    run(scenario())


# -- item 4: Modbus loggers -------------------------------------------------------------------------

def test_a_modbus_logger_is_acknowledged_in_its_own_crc_variant(tmp_path: Path) -> None:
    registry = REGISTRY.replace('name = "Unit 1"\n', 'name = "Unit 1"\ncrc_variants = ["modbus_hilo"]\n')
    framed = packet(qn="20250303100105001")
    segment = framed[6:-6]
    modbus_framed = framed[:-6] + f"{crc_modbus(segment):04X}".encode() + b"\r\n"
    assert decode(modbus_framed).crc_variant is CrcVariant.MODBUS_HILO

    async def scenario() -> None:
        async with running_receiver(tmp_path, fast(), registry_text=registry) as rx:
            client = await Client.connect(rx.port)
            await client.send(modbus_framed)
            (reply,) = await client.replies_within(1, 3.0)
            assert reply.cn == "9014" and reply.qn == "20250303100105001" and reply.mn == MN and reply.pw == PW
            assert reply.crc_variant is CrcVariant.MODBUS_HILO  # the CRC the logger itself computes
            assert rx.count("SELECT count(*) FROM readings") == 1
            await client.close()

    run(scenario())
