"""SIGKILL the leader of an --ha pair on the IB backend (the TWS simulator, which outlives
it) during a burst of retried submits from clients that switch to the standby: every
acknowledged order exists once, at the gateway and at the broker, and a stream consumer
that follows the takeover sees the journal without a gap or a duplicate."""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import time
from asyncio.subprocess import Process
from dataclasses import dataclass, field

import grpc
import pytest
import pytest_asyncio
from ibkr.gateway.v1 import gateway_pb2, gateway_pb2_grpc, orders_pb2

from tests.pg import PostgresServer
from tests.postgres.test_standby import STANDBY_READY, TAKEOVER_GOAL
from tests.process import GATEWAY_READY, TWS_SIM_READY, cli_process, start_cli
from tests.resilience.test_kill_during_burst import (
    CHANNEL_OPTIONS,
    CLIENTS,
    GATEWAY_CLIENT_ID,
    RETRYABLE,
    TOTAL,
    list_all,
    orders_at_broker,
    spec,
)

pytestmark = pytest.mark.slow

KILL_AFTER = 300
BURST_DEADLINE = 90.0


def ha_args(db: str, sim_port: int) -> list[str]:
    return [
        "serve",
        "--ha",
        "--db",
        db,
        "--backend",
        "ib",
        "--ib-port",
        str(sim_port),
        "--ib-client-id",
        str(GATEWAY_CLIENT_ID),
        "--ib-account",
        "DU123456",
        "--listen",
        "127.0.0.1:0",
        "--heartbeat-interval",
        "0.2",
    ]


@dataclass
class Pair:
    """Both gateways' addresses; callers try one, then the other."""

    targets: list[str]
    leader: Process
    killed_at: float = 0.0
    acked: dict[str, str] = field(default_factory=dict)
    acked_before_kill: int = 0
    switches: int = 0
    first_ack_after_kill: float = 0.0
    streamed: list[int] = field(default_factory=list)


async def submitter(pair: Pair, n: int, kill_due: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BURST_DEADLINE
    channels = [grpc.aio.insecure_channel(t, options=CHANNEL_OPTIONS) for t in pair.targets]
    stubs = [gateway_pb2_grpc.OrderGatewayServiceStub(c) for c in channels]
    at = 0
    try:
        for i in range(n, TOTAL, CLIENTS):
            coid = f"ha-{i:04d}"
            while True:
                try:
                    response = await stubs[at].SubmitOrder(
                        gateway_pb2.SubmitOrderRequest(order=spec(coid)), timeout=5
                    )
                    break
                except grpc.aio.AioRpcError as exc:
                    if exc.code() not in RETRYABLE or loop.time() > deadline:
                        raise
                    # UNAVAILABLE from a standby, or no answer from a dead leader.
                    at = 1 - at
                    pair.switches += 1
                    await asyncio.sleep(0.02)
            pair.acked[coid] = response.order.order_id
            if pair.killed_at and not pair.first_ack_after_kill:
                pair.first_ack_after_kill = time.monotonic()
            if len(pair.acked) >= KILL_AFTER:
                kill_due.set()
    finally:
        for c in channels:
            await c.close()


async def consumer(pair: Pair, done: asyncio.Event) -> None:
    """Follows the journal, resuming after the last sequence it saw on whichever
    gateway leads; stops once `done` is set and it has caught up (a heartbeat)."""
    channels = [grpc.aio.insecure_channel(t, options=CHANNEL_OPTIONS) for t in pair.targets]
    stubs = [gateway_pb2_grpc.OrderGatewayServiceStub(c) for c in channels]
    at = 0
    try:
        while True:
            after = pair.streamed[-1] if pair.streamed else 0
            call = stubs[at].StreamOrderEvents(
                gateway_pb2.StreamOrderEventsRequest(after_sequence=after)
            )
            try:
                async for message in call:
                    if message.HasField("heartbeat"):
                        if done.is_set():
                            return
                        continue
                    pair.streamed.append(message.event.sequence)
            except grpc.aio.AioRpcError as exc:
                if exc.code() not in RETRYABLE:
                    raise
                at = 1 - at
                await asyncio.sleep(0.02)
    finally:
        for c in channels:
            await c.close()


@dataclass
class Outcome:
    pair: Pair
    listed: list[orders_pb2.Order]
    at_broker: collections.Counter[str]
    takeover: float


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def outcome(postgres: PostgresServer) -> Outcome:
    db = postgres.new_database()
    async with cli_process("tws-sim", "--port", "0", ready=TWS_SIM_READY) as (_, sim_port):
        leader, leader_port = await start_cli(*ha_args(db, sim_port), ready=GATEWAY_READY)
        assert leader.stderr is not None
        drain = asyncio.create_task(leader.stderr.read())
        async with cli_process(*ha_args(db, sim_port), ready=STANDBY_READY) as (
            standby,
            standby_port,
        ):
            pair = Pair([f"127.0.0.1:{leader_port}", f"127.0.0.1:{standby_port}"], leader)
            kill_due = asyncio.Event()
            done = asyncio.Event()

            async def killer() -> None:
                await kill_due.wait()
                pair.acked_before_kill = len(pair.acked)
                pair.killed_at = time.monotonic()
                os.kill(leader.pid, signal.SIGKILL)
                assert await leader.wait() == -signal.SIGKILL
                await drain

            following = asyncio.create_task(consumer(pair, done))
            await asyncio.gather(killer(), *(submitter(pair, n, kill_due) for n in range(CLIENTS)))
            at_broker = await orders_at_broker(sim_port, len(pair.acked))
            async with grpc.aio.insecure_channel(pair.targets[1]) as channel:
                listed = await list_all(gateway_pb2_grpc.OrderGatewayServiceStub(channel))
            done.set()
            await asyncio.wait_for(following, 30)
            assert standby.returncode is None
    takeover = pair.first_ack_after_kill - pair.killed_at
    statuses = collections.Counter(orders_pb2.OrderStatus.Name(o.status)[13:] for o in listed)
    print(
        f"\n[standby-burst] acked before kill {pair.acked_before_kill}, total acked "
        f"{len(pair.acked)}/{TOTAL}, client switches {pair.switches}, takeover (SIGKILL to "
        f"first ack on the standby) {takeover:.2f}s, orders at broker "
        f"{sum(at_broker.values())} ({len(at_broker)} distinct orderRefs), streamed "
        f"{len(pair.streamed)} events, gateway statuses {dict(statuses)}"
    )
    return Outcome(pair, listed, at_broker, takeover)


def test_every_acknowledged_order_exists_once(outcome: Outcome) -> None:
    pair = outcome.pair
    assert len(pair.acked) == TOTAL
    assert pair.acked_before_kill >= KILL_AFTER
    coids = collections.Counter(o.spec.client_order_id for o in outcome.listed)
    assert [c for c, n in coids.items() if n > 1] == []
    by_coid = {o.spec.client_order_id: o.order_id for o in outcome.listed}
    assert {c: by_coid.get(c) for c in pair.acked} == pair.acked
    assert len(outcome.listed) == TOTAL


def test_no_order_reaches_the_broker_twice_and_every_one_reaches_it(outcome: Outcome) -> None:
    assert [ref for ref, n in outcome.at_broker.items() if n > 1] == []
    assert set(outcome.at_broker) == set(outcome.pair.acked)


def test_the_stream_follows_the_takeover_without_gap_or_duplicate(outcome: Outcome) -> None:
    streamed = outcome.pair.streamed
    assert streamed == list(range(1, len(streamed) + 1))
    # Caught up (a heartbeat) after the burst: every order's creation at least.
    assert len(streamed) >= TOTAL


def test_the_takeover_is_within_the_goal(outcome: Outcome) -> None:
    assert outcome.takeover < TAKEOVER_GOAL
