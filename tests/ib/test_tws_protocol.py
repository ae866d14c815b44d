"""Session-level behaviour of the TWS simulator: version negotiation, unreadable
requests, order ids per client id, nextValidId, and the `tws-sim` command."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from ib_async import IB, LimitOrder, MarketOrder, Stock

from ibkr_gateway.sim.tws import TwsSimulator
from ibkr_gateway.sim.tws.framing import API_SIGN, frame, read_frame, split_fields
from tests.ib.conftest import CONNECT_TIMEOUT, connect, until

AAPL = Stock("AAPL", "SMART", "USD")


async def handshake(sim: TwsSimulator, offer: bytes) -> tuple[asyncio.StreamReader, Any]:
    reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
    writer.write(API_SIGN + frame(offer))
    return reader, writer


async def test_server_version_is_178_for_a_client_offering_more(sim: TwsSimulator) -> None:
    reader, writer = await handshake(sim, b"v100..200 +PACEAPI")
    version, connected_at = split_fields(await read_frame(reader))
    assert version == "178"
    assert re.fullmatch(r"\d{8} \d\d:\d\d:\d\d UTC", connected_at)
    writer.close()
    await writer.wait_closed()


@pytest.mark.parametrize(
    ("offer", "expected"), [(b"v178", "178"), (b"v178..178", "178"), (b"v157..178", "178")]
)
async def test_an_offer_that_includes_178_is_answered_178(
    sim: TwsSimulator, offer: bytes, expected: str
) -> None:
    reader, writer = await handshake(sim, offer)
    version, _ = split_fields(await read_frame(reader))
    assert version == expected
    writer.close()
    await writer.wait_closed()


@pytest.mark.parametrize("offer", [b"v100..176", b"v177", b"v179..226", b"hello", b"v1..x"])
async def test_an_offer_without_a_spoken_version_gets_error_506_then_close(
    sim: TwsSimulator, offer: bytes
) -> None:
    reader, writer = await handshake(sim, offer)
    msg_id, version, req_id, code, text, advanced = split_fields(await read_frame(reader))
    assert (msg_id, version, req_id, code, advanced) == ("4", "2", "-1", "506", "")
    assert text.startswith("Unsupported version: ")
    assert await reader.read() == b""
    writer.close()
    await writer.wait_closed()


async def test_a_pre_v100_handshake_is_closed_instead_of_hanging(sim: TwsSimulator) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
    writer.write(b"63\0")  # client version 63, no API\0 prefix: waits for the server
    async with asyncio.timeout(2):
        assert await reader.read() == b""
    writer.close()
    await writer.wait_closed()


async def test_ib_async_that_cannot_speak_178_sees_error_506(sim: TwsSimulator) -> None:
    ib = IB()
    errors: list[tuple[int, int, str]] = []
    ib.errorEvent += lambda req_id, code, text, _c: errors.append((req_id, code, text))
    ib.client.MaxClientVersion = 176
    # ib_async notices the closed socket only when its connect times out.
    with pytest.raises((ConnectionError, TimeoutError)):
        await ib.connectAsync("127.0.0.1", sim.port, clientId=1, timeout=0.5)
    ib.disconnect()
    ((req_id, code, text),) = errors
    assert (req_id, code) == (-1, 506)
    assert "v157..176" in text
    assert "v178 only" in text
    assert sim.client_ids == []


async def test_requests_before_start_api_are_ignored(sim: TwsSimulator) -> None:
    reader, writer = await handshake(sim, b"v157..178")
    await read_frame(reader)
    writer.write(frame(b"49\x001\x00"))  # reqCurrentTime, before startApi
    writer.write(frame(b"71\x002\x004\x00\x00"))  # startApi, clientId 4
    first = split_fields(await read_frame(reader))
    assert first[0] == "15"  # managedAccounts: the early request got no answer
    assert sim.client_ids == [4]
    writer.close()
    await writer.wait_closed()


async def test_unreadable_place_order_gets_error_320_and_the_session_lives_on(
    ib: IB,
) -> None:
    errors: list[tuple[int, int, str]] = []
    ib.errorEvent += lambda req_id, code, text, _c: errors.append((req_id, code, text))
    client: Any = ib.client
    client.send(3, 77, "not", "an", "order")
    await until(lambda: errors)
    ((req_id, code, text),) = errors
    assert (req_id, code) == (77, 320)
    assert "conId='not' is not an integer" in text
    trade = ib.placeOrder(AAPL, MarketOrder("BUY", 1))
    await until(lambda: trade.orderStatus.status == "Filled")


async def test_order_ids_are_per_client_id(ib: IB, sim: TwsSimulator) -> None:
    other = await connect(sim, client_id=2)
    try:
        mine = ib.placeOrder(AAPL, LimitOrder("BUY", 1, 90, orderId=500))
        theirs = other.placeOrder(AAPL, LimitOrder("SELL", 2, 120, orderId=500))
        await until(lambda: mine.orderStatus.status == theirs.orderStatus.status == "Submitted")
        with pytest.raises(KeyError, match="2 orders with id 500"):
            sim.fill(500)
        sim.fill(500, client_id=2)
        await until(lambda: theirs.orderStatus.status == "Filled")
        assert mine.orderStatus.status == "Submitted"
        assert sim.exchange_order(500, client_id=1).side.value == "BUY"
        everyone = await ib.reqAllOpenOrdersAsync()
        assert [(t.order.clientId, t.order.orderId) for t in everyone] == [(1, 500)]
    finally:
        other.disconnect()


async def test_next_valid_id_continues_above_every_order_id_seen(ib: IB, sim: TwsSimulator) -> None:
    trade = ib.placeOrder(AAPL, LimitOrder("BUY", 1, 90, orderId=9000))
    await until(lambda: trade.orderStatus.status == "Submitted")
    other = await connect(sim, client_id=2)
    try:
        assert other.client.getReqId() > 9000
    finally:
        other.disconnect()


@pytest.mark.slow
async def test_tws_sim_command_serves_until_sigterm() -> None:
    command = Path(sys.executable).with_name("ibkr-gateway")
    process = await asyncio.create_subprocess_exec(
        str(command),
        "tws-sim",
        "--port",
        "0",
        "--account",
        "DU777",
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stderr is not None
    try:
        async with asyncio.timeout(30):
            while not (
                match := re.search(
                    rb"tws-sim listening on ([\d.]+):(\d+)", line := await process.stderr.readline()
                )
            ):
                assert line, "tws-sim exited before listening"
        ib = IB()
        await ib.connectAsync(match[1].decode(), int(match[2]), clientId=1, timeout=CONNECT_TIMEOUT)
        assert ib.managedAccounts() == ["DU777"]
        ib.disconnect()
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 10) == 0
