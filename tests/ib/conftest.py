"""Fixtures for running the real ib_async against the TWS simulator on port 0."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from ib_async import IB, Contract

from ibkr_gateway.sim.tws import TwsSimulator

CONNECT_TIMEOUT = 2.0


@pytest.fixture(autouse=True)
def ib_async_decoded_everything(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fails the test if ib_async dropped a message it could not decode, or got a
    status for an order it did not know (both are simulator bugs)."""
    caplog.set_level(logging.INFO, logger="ib_async")
    yield
    assert ib_async_failures(caplog.records) == []


def ib_async_failures(
    records: list[logging.LogRecord], *, unknown_orders: bool = True
) -> list[str]:
    """Messages ib_async could not decode (and, unless told otherwise, statuses of
    orders it did not know)."""
    return [
        f"{r.name}: {r.getMessage()}"
        for r in records
        if (r.name == "ib_async.Decoder" and r.levelno >= logging.WARNING)
        or (unknown_orders and "No order found" in r.getMessage())
    ]


@pytest.fixture
async def sim() -> AsyncIterator[TwsSimulator]:
    simulator = TwsSimulator()
    await simulator.start()
    yield simulator
    await simulator.stop()


async def connect(sim: TwsSimulator, client_id: int = 1) -> IB:
    ib = IB()
    await ib.connectAsync("127.0.0.1", sim.port, clientId=client_id, timeout=CONNECT_TIMEOUT)
    return ib


@pytest.fixture
async def ib(sim: TwsSimulator) -> AsyncIterator[IB]:
    client = await connect(sim)
    yield client
    client.disconnect()


async def qualify(ib: IB, contract: Contract) -> Contract:
    """The contract with its conId, as reqContractDetails gave it."""
    (qualified,) = await ib.qualifyContractsAsync(contract)
    assert isinstance(qualified, Contract), qualified
    return qualified


async def until(condition: Callable[[], object], seconds: float = 2.0) -> None:
    """Waits for a condition the event loop will make true; fails after `seconds`."""
    async with asyncio.timeout(seconds):
        # Polling: conditions span ib_async and the simulator, which share no event.
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.005)
