"""SIGKILL the IB-backed gateway in the middle of a retried burst; restart it on the same
store and the same TWS simulator; every acknowledged order exists once, at the gateway
and at the broker."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import signal
import time
from asyncio.subprocess import Process
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import pytest
import pytest_asyncio
from ib_async import IB
from ibkr.gateway.v1 import gateway_pb2, gateway_pb2_grpc, orders_pb2

from tests.process import GATEWAY_READY, TWS_SIM_READY, cli_process, start_cli

pytestmark = pytest.mark.slow

S = orders_pb2
TOTAL = 1000
CLIENTS = 16
KILL_AFTER = 300
GATEWAY_CLIENT_ID = 5
OBSERVER_CLIENT_ID = 77
RETRYABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
# Every submit must be acknowledged within this (kill, restart and retries included).
BURST_DEADLINE = 60.0
# Orders reach IB at 40 a second (the gateway's pacing): 1,000 need 25 s.
BROKER_SETTLE = 45.0
CHANNEL_OPTIONS = [
    ("grpc.initial_reconnect_backoff_ms", 50),
    ("grpc.min_reconnect_backoff_ms", 50),
    ("grpc.max_reconnect_backoff_ms", 200),
]


def spec(coid: str) -> orders_pb2.OrderSpec:
    """BUY LMT 50 with the market at 100: rests at the broker."""
    return orders_pb2.OrderSpec(
        client_order_id=coid,
        contract=orders_pb2.Contract(symbol="AAPL"),
        side=S.SIDE_BUY,
        quantity="10",
        order_type=S.ORDER_TYPE_LIMIT,
        limit_price="50",
        time_in_force=S.TIME_IN_FORCE_GTC,
    )


def serve_args(db: Path, sim_port: int, listen: str) -> list[str]:
    return [
        "serve",
        "--backend",
        "ib",
        "--ib-port",
        str(sim_port),
        "--ib-client-id",
        str(GATEWAY_CLIENT_ID),
        "--ib-account",
        "DU123456",
        "--listen",
        listen,
        "--db",
        str(db),
        "--heartbeat-interval",
        "0.5",
    ]


class GatewayProcess:
    """The gateway process, which may be SIGKILLed and restarted on its port."""

    def __init__(self, db: Path, sim_port: int) -> None:
        self.db = db
        self.sim_port = sim_port
        self.port = 0
        self.proc: Process | None = None
        self._drain: asyncio.Task[bytes] | None = None

    async def start(self) -> None:
        listen = f"127.0.0.1:{self.port}"
        # Right after a SIGKILL the simulator may not yet have seen the old session
        # close (client id in use): try again briefly.
        for attempt in range(20):
            try:
                proc, port = await start_cli(
                    *serve_args(self.db, self.sim_port, listen), ready=GATEWAY_READY
                )
                break
            except RuntimeError:
                if attempt == 19:
                    raise
                await asyncio.sleep(0.1)
        assert proc.stderr is not None
        self.proc, self.port = proc, port
        self._drain = asyncio.create_task(proc.stderr.read())

    async def kill(self) -> None:
        assert self.proc is not None
        assert self._drain is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        assert await self.proc.wait() == -signal.SIGKILL
        await self._drain

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            await self.proc.wait()
        if self._drain is not None:
            await self._drain


@contextlib.asynccontextmanager
async def gateway_process(db: Path, sim_port: int) -> AsyncIterator[GatewayProcess]:
    gateway = GatewayProcess(db, sim_port)
    await gateway.start()
    try:
        yield gateway
    finally:
        await gateway.stop()


@dataclass
class Burst:
    acked: dict[str, str] = field(default_factory=dict)
    acked_before_kill: int = 0
    acked_before_kill_ids: set[str] = field(default_factory=set)
    retries: int = 0
    killed_at: float = 0.0
    restarted_at: float = 0.0
    first_ack_after_restart: float = 0.0
    kill_done: asyncio.Event = field(default_factory=asyncio.Event)


async def run_burst(gateway: GatewayProcess) -> Burst:
    burst = Burst()
    reached = asyncio.Event()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BURST_DEADLINE

    async def killer() -> None:
        await reached.wait()
        burst.acked_before_kill = len(burst.acked)
        burst.acked_before_kill_ids = set(burst.acked)
        burst.killed_at = time.monotonic()
        await gateway.kill()
        await gateway.start()
        burst.restarted_at = time.monotonic()
        burst.kill_done.set()

    async def client(n: int) -> None:
        async with grpc.aio.insecure_channel(
            f"127.0.0.1:{gateway.port}", options=CHANNEL_OPTIONS
        ) as channel:
            stub = gateway_pb2_grpc.OrderGatewayServiceStub(channel)
            for i in range(n, TOTAL, CLIENTS):
                coid = f"burst-{i:04d}"
                while True:
                    try:
                        response = await stub.SubmitOrder(
                            gateway_pb2.SubmitOrderRequest(order=spec(coid)), timeout=5
                        )
                        break
                    except grpc.aio.AioRpcError as exc:
                        if exc.code() not in RETRYABLE or loop.time() > deadline:
                            raise
                        burst.retries += 1
                        await asyncio.sleep(0.05)
                burst.acked[coid] = response.order.order_id
                if burst.kill_done.is_set() and not burst.first_ack_after_restart:
                    burst.first_ack_after_restart = time.monotonic()
                if len(burst.acked) >= KILL_AFTER:
                    reached.set()

    await asyncio.gather(killer(), *(client(n) for n in range(CLIENTS)))
    return burst


async def list_all(stub: gateway_pb2_grpc.OrderGatewayServiceAsyncStub) -> list[orders_pb2.Order]:
    orders: list[orders_pb2.Order] = []
    token = ""
    while True:
        page = await stub.ListOrders(gateway_pb2.ListOrdersRequest(page_size=250, page_token=token))
        orders += page.orders
        token = page.next_page_token
        if not token:
            return orders


async def orders_at_broker(sim_port: int, expected: int) -> collections.Counter[str]:
    """orderRef of every order IB holds, open or completed, for any client; polled
    until `expected` are there or the count stops growing once pacing is done."""
    ib = IB()
    await ib.connectAsync("127.0.0.1", sim_port, clientId=OBSERVER_CLIENT_ID, timeout=5)
    try:
        loop = asyncio.get_running_loop()
        give_up = loop.time() + BROKER_SETTLE
        last_growth, last_count = loop.time(), -1
        while True:
            open_trades = await ib.reqAllOpenOrdersAsync()
            completed = await ib.reqCompletedOrdersAsync(apiOnly=True)
            refs = collections.Counter(t.order.orderRef for t in [*open_trades, *completed])
            total = sum(refs.values())
            if total != last_count:
                last_growth, last_count = loop.time(), total
            now = loop.time()
            if total >= expected or now > give_up or now - last_growth > 5:
                return refs
            await asyncio.sleep(0.5)
    finally:
        ib.disconnect()


@dataclass
class Outcome:
    burst: Burst
    listed: list[orders_pb2.Order]
    at_broker: collections.Counter[str]

    @property
    def missing_at_broker(self) -> list[str]:
        return sorted(set(self.burst.acked) - set(self.at_broker))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def outcome(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    """The scenario, run once for the tests below."""
    db = tmp_path_factory.mktemp("kill") / "burst.db"
    started = time.monotonic()
    async with (
        cli_process("tws-sim", "--port", "0", ready=TWS_SIM_READY) as (_, sim_port),
        gateway_process(db, sim_port) as gateway,
    ):
        burst = await run_burst(gateway)
        acked_at = time.monotonic()
        at_broker = await orders_at_broker(sim_port, len(burst.acked))
        settled_at = time.monotonic()
        async with grpc.aio.insecure_channel(f"127.0.0.1:{gateway.port}") as channel:
            listed = await list_all(gateway_pb2_grpc.OrderGatewayServiceStub(channel))
    result = Outcome(burst, listed, at_broker)

    statuses = collections.Counter(S.OrderStatus.Name(o.status)[13:] for o in listed)
    missing = result.missing_at_broker
    print(
        f"\n[kill-during-burst] acks before kill {burst.acked_before_kill}, "
        f"total acked {len(burst.acked)}/{TOTAL}, client retries {burst.retries}, "
        f"orders at broker {sum(at_broker.values())} ({len(at_broker)} distinct orderRefs), "
        f"acked but never at broker {len(missing)} "
        f"({len(set(missing) & burst.acked_before_kill_ids)} of them acked before the kill), "
        f"time to recover {burst.restarted_at - burst.killed_at:.2f}s to serving, "
        f"{burst.first_ack_after_restart - burst.killed_at:.2f}s to the first ack; "
        f"burst {acked_at - started:.1f}s, broker settled {settled_at - acked_at:.1f}s later; "
        f"gateway statuses {dict(statuses)}"
    )
    return result


def test_every_acknowledged_order_exists_once(outcome: Outcome) -> None:
    burst = outcome.burst
    assert len(burst.acked) == TOTAL
    assert burst.acked_before_kill >= KILL_AFTER
    coids = collections.Counter(o.spec.client_order_id for o in outcome.listed)
    assert [c for c, n in coids.items() if n > 1] == []
    assert len(outcome.listed) == TOTAL
    by_coid = {o.spec.client_order_id: o.order_id for o in outcome.listed}
    assert {c: by_coid.get(c) for c in burst.acked} == burst.acked


def test_no_order_reaches_the_broker_twice(outcome: Outcome) -> None:
    assert [ref for ref, n in outcome.at_broker.items() if n > 1] == []
    assert set(outcome.at_broker) <= set(outcome.burst.acked)
    # Whatever did reach IB is known to the gateway as working there.
    working = {
        o.spec.client_order_id
        for o in outcome.listed
        if o.status == S.ORDER_STATUS_SUBMITTED and o.perm_id > 0
    }
    assert working == set(outcome.at_broker)


def test_every_acknowledged_order_reaches_the_broker(outcome: Outcome) -> None:
    """Also those journaled but still queued for IB (pacing) when the process died:
    the restarted gateway sends what IB did not report at start-up."""
    missing = outcome.missing_at_broker
    assert missing == [], f"{len(missing)} acknowledged orders never reached IB: {missing[:5]}"
