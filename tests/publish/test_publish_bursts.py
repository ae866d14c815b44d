"""NATS SIGKILLed and restarted during a burst of submits, and the gateway SIGKILLed and
restarted during another: either way the JetStream stream ends up holding exactly the
journal, every sequence once, in order, as consumers see it; and the gateway acknowledges
orders while NATS is down."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from ibkr.gateway.v1 import gateway_pb2, gateway_pb2_grpc, orders_pb2

from ibkr_gateway.rpc.server import PUBLISH_HEALTH
from tests.nats_server import NatsServer, nats_server
from tests.polling import until
from tests.process import GATEWAY_READY, start_cli
from tests.publish.stream_support import assert_stream_is_journal, stream_count

pytestmark = pytest.mark.slow

S = orders_pb2
TOTAL = 600
CLIENTS = 16
RETRYABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
BURST_DEADLINE = 90.0
CHANNEL_OPTIONS = [
    ("grpc.initial_reconnect_backoff_ms", 50),
    ("grpc.min_reconnect_backoff_ms", 50),
    ("grpc.max_reconnect_backoff_ms", 200),
]


def spec(coid: str, i: int) -> orders_pb2.OrderSpec:
    """Market orders fill (order, fill and position events); limit orders rest."""
    limit = i % 2 == 0
    return orders_pb2.OrderSpec(
        client_order_id=coid,
        account=("DU123456", "DU2")[i % 3 == 0],
        contract=orders_pb2.Contract(symbol="AAPL"),
        side=S.SIDE_BUY,
        quantity="10",
        order_type=S.ORDER_TYPE_LIMIT if limit else S.ORDER_TYPE_MARKET,
        limit_price="50" if limit else "",
        time_in_force=S.TIME_IN_FORCE_GTC,
    )


class Gateway:
    """`ibkr-gateway serve --publish`, which may be SIGKILLed and started again."""

    def __init__(self, db: Path, nats_url: str) -> None:
        self.db = db
        self.nats_url = nats_url
        self.port = 0
        self.proc: asyncio.subprocess.Process | None = None
        self._drain: asyncio.Task[bytes] | None = None

    async def start(self) -> None:
        proc, self.port = await start_cli(
            "serve",
            "--listen",
            f"127.0.0.1:{self.port}",
            "--db",
            str(self.db),
            "--sim-account",
            "DU2",
            "--heartbeat-interval",
            "0.1",
            "--publish",
            self.nats_url,
            ready=GATEWAY_READY,
        )
        assert proc.stderr is not None
        self.proc = proc
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
            assert await self.proc.wait() == 0
        if self._drain is not None:
            await self._drain

    async def head(self) -> int:
        """The journal's last sequence, from the heartbeat that follows a full replay."""
        async with grpc.aio.insecure_channel(f"127.0.0.1:{self.port}") as channel:
            call = gateway_pb2_grpc.OrderGatewayServiceStub(channel).StreamOrderEvents(
                gateway_pb2.StreamOrderEventsRequest(order_id="no-such-order")
            )
            async for message in call:
                if message.HasField("heartbeat"):
                    call.cancel()
                    return message.heartbeat.last_sequence
        raise AssertionError("the stream ended without a heartbeat")

    async def health(self, service: str) -> int:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{self.port}") as channel:
            answer = await health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=service)
            )
            return int(answer.status)


async def burst(gateway: Gateway, on_ack: Callable[[int], Awaitable[None]]) -> dict[str, str]:
    """TOTAL retried submits from CLIENTS callers; on_ack is told each running count."""
    acked: dict[str, str] = {}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BURST_DEADLINE

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
                            gateway_pb2.SubmitOrderRequest(order=spec(coid, i)), timeout=5
                        )
                        break
                    except grpc.aio.AioRpcError as exc:
                        if exc.code() not in RETRYABLE or loop.time() > deadline:
                            raise
                        await asyncio.sleep(0.05)
                acked[coid] = response.order.order_id
                await on_ack(len(acked))

    await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    return acked


async def settle(gateway: Gateway, nats: NatsServer) -> None:
    """Until the stream holds the whole journal, which no longer grows."""

    async def caught_up() -> bool:
        head = await gateway.head()
        count = await stream_count(nats.url)
        assert count <= head, f"the stream holds {count} messages, the journal {head} events"
        return count == head and await gateway.head() == head

    await until(caught_up, 60.0, "the stream never caught up with the journal")


async def test_nats_killed_and_restarted_mid_burst(tmp_path: Path) -> None:
    async with nats_server(tmp_path / "jetstream") as nats:
        gateway = Gateway(tmp_path / "gateway.db", nats.url)
        await gateway.start()
        try:
            outage: dict[str, int] = {}
            down = asyncio.Event()
            back = asyncio.Event()

            async def on_ack(count: int) -> None:
                if count == 150:
                    await nats.kill()
                    outage["killed_at"] = count
                    down.set()
                elif down.is_set() and not back.is_set() and count >= 400:
                    back.set()
                    # Acknowledged while NATS was down: trading did not wait for it.
                    outage["acked_while_down"] = count - outage["killed_at"]
                    outage["publish_health"] = await gateway.health(PUBLISH_HEALTH)
                    outage["health"] = await gateway.health("")
                    await nats.start()

            acked = await burst(gateway, on_ack)
            assert len(acked) == TOTAL
            assert outage["acked_while_down"] >= 250
            assert outage["health"] == health_pb2.HealthCheckResponse.SERVING
            assert outage["publish_health"] == health_pb2.HealthCheckResponse.NOT_SERVING
            await settle(gateway, nats)
            assert await gateway.health(PUBLISH_HEALTH) == health_pb2.HealthCheckResponse.SERVING
        finally:
            await gateway.stop()
        seen = await assert_stream_is_journal(nats.url, gateway.db)
        assert {r.subject.rsplit(".", 1)[-1] for r in seen} == {"orders", "fills", "positions"}


async def test_gateway_killed_mid_burst_resumes_publishing(tmp_path: Path) -> None:
    async with nats_server(tmp_path / "jetstream") as nats:
        gateway = Gateway(tmp_path / "gateway.db", nats.url)
        await gateway.start()
        try:
            published_at_kill: list[int] = []

            async def on_ack(count: int) -> None:
                if count == 250:
                    published_at_kill.append(await stream_count(nats.url))
                    await gateway.kill()
                    await gateway.start()

            acked = await burst(gateway, on_ack)
            assert len(acked) == TOTAL
            assert published_at_kill[0] > 0
            await settle(gateway, nats)
        finally:
            await gateway.stop()
        await assert_stream_is_journal(nats.url, gateway.db)
