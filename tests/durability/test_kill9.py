"""Restart durability: SIGKILL the gateway mid-burst, restart it on the same store (the
same SQLite file, the same PostgreSQL database)."""

from __future__ import annotations

import asyncio
import os
import signal
from asyncio.subprocess import Process
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import grpc
import pytest
from ibkr.gateway.v1 import (
    account_pb2,
    account_pb2_grpc,
    gateway_pb2,
    gateway_pb2_grpc,
    orders_pb2,
)

from tests.process import GATEWAY_READY, cli_process

pytestmark = pytest.mark.slow

S = orders_pb2
CALLERS = 16
KILL_AFTER = 200


def gateway_process(db: Path | str) -> AbstractAsyncContextManager[tuple[Process, int]]:
    return cli_process(
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--db",
        str(db),
        "--heartbeat-interval",
        "0.2",
        ready=GATEWAY_READY,
    )


def spec(coid: str, i: int) -> orders_pb2.OrderSpec:
    limit = i % 2 == 0
    return orders_pb2.OrderSpec(
        client_order_id=coid,
        contract=orders_pb2.Contract(symbol="AAPL"),
        side=S.SIDE_BUY,
        quantity="10",
        order_type=S.ORDER_TYPE_LIMIT if limit else S.ORDER_TYPE_MARKET,
        limit_price="50" if limit else "",
        time_in_force=S.TIME_IN_FORCE_GTC,
    )


async def burst(port: int, proc: Process) -> tuple[dict[str, str], set[str]]:
    """Submits until the process is killed; returns acknowledged and attempted ids."""
    acked: dict[str, str] = {}
    attempted: set[str] = set()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = gateway_pb2_grpc.OrderGatewayServiceStub(channel)

        async def caller(n: int) -> None:
            for i in range(10_000):
                coid = f"c{n}-{i}"
                attempted.add(coid)
                try:
                    response = await stub.SubmitOrder(
                        gateway_pb2.SubmitOrderRequest(order=spec(coid, i)), timeout=5
                    )
                except grpc.aio.AioRpcError:
                    return
                acked[coid] = response.order.order_id
                if len(acked) == KILL_AFTER:
                    os.kill(proc.pid, signal.SIGKILL)

        await asyncio.gather(*(caller(n) for n in range(CALLERS)))
    return acked, attempted


async def journal(channel: grpc.aio.Channel) -> list[int]:
    """The whole journal's sequences: the order events and the position changes between."""
    sequences = []
    stub = gateway_pb2_grpc.OrderGatewayServiceStub(channel)
    async for message in stub.StreamOrderEvents(gateway_pb2.StreamOrderEventsRequest()):
        if message.HasField("heartbeat"):
            break
        sequences.append(message.event.sequence)
    positions = account_pb2_grpc.AccountServiceStub(channel)
    async for change in positions.StreamPositions(account_pb2.StreamPositionsRequest()):
        if change.HasField("heartbeat"):
            break
        sequences.append(change.event.sequence)
    return sorted(sequences)


async def test_acknowledged_orders_survive_sigkill(db: str) -> None:
    async with gateway_process(db) as (proc, port):
        acked, attempted = await burst(port, proc)
        assert await proc.wait() == -signal.SIGKILL
    assert len(acked) >= KILL_AFTER

    async with gateway_process(db) as (_, port):
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = gateway_pb2_grpc.OrderGatewayServiceStub(channel)
            for coid, order_id in acked.items():
                got = await stub.GetOrder(gateway_pb2.GetOrderRequest(order_id=order_id))
                assert got.order.spec.client_order_id == coid
                assert got.order.status != S.ORDER_STATUS_UNSPECIFIED

            # Before anything new happens, the journal replays in full.
            replayed = await journal(channel)
            assert replayed == list(range(1, len(replayed) + 1))
            assert len(replayed) >= 2 * len(acked)

            # Retrying every attempt (acknowledged or not) yields exactly one order each.
            for coid in sorted(attempted):
                i = int(coid.split("-")[1])
                retry = await stub.SubmitOrder(
                    gateway_pb2.SubmitOrderRequest(order=spec(coid, i)), timeout=5
                )
                if coid in acked:
                    assert retry.order.order_id == acked[coid]
            listed: list[str] = []
            token = ""
            while True:
                page = await stub.ListOrders(
                    gateway_pb2.ListOrdersRequest(page_size=1000, page_token=token)
                )
                listed += [o.spec.client_order_id for o in page.orders]
                token = page.next_page_token
                if not token:
                    break
            assert sorted(listed) == sorted(attempted)

            # Sequences continue after the restart with no gap and no reuse.
            await asyncio.sleep(0.5)
            sequences = await journal(channel)
            assert sequences == list(range(1, len(sequences) + 1))
            before = len(sequences)
            fresh = await stub.SubmitOrder(
                gateway_pb2.SubmitOrderRequest(order=spec("after-restart", 1))
            )
            assert fresh.order.last_sequence == before + 1

            # Resting GTC orders were rebuilt into the simulated exchange's book.
            resting = next(
                order_id for coid, order_id in acked.items() if int(coid.split("-")[1]) % 2 == 0
            )
            cancel = await stub.CancelOrder(gateway_pb2.CancelOrderRequest(order_id=resting))
            assert cancel.order.status == S.ORDER_STATUS_PENDING_CANCEL
