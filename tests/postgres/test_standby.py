"""`serve --ha`: the standby answers NOT_SERVING and UNAVAILABLE with the leader's
address, and takes over, journal and orders intact, when the leader is killed."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from ibkr.gateway.v1 import gateway_pb2, gateway_pb2_grpc, orders_pb2

from tests.pg import PostgresServer
from tests.process import GATEWAY_READY, cli_process
from tests.service.conftest import error_details, error_metadata, limit_spec

pytestmark = pytest.mark.slow

STANDBY_READY = "gateway standby on"
# The goal for a takeover after the leader's process is killed.
TAKEOVER_GOAL = 5.0


def ha_args(db: str) -> list[str]:
    return ["serve", "--ha", "--db", db, "--listen", "127.0.0.1:0", "--heartbeat-interval", "0.2"]


async def health(channel: grpc.aio.Channel) -> int:
    stub = health_pb2_grpc.HealthStub(channel)
    try:
        return int((await stub.Check(health_pb2.HealthCheckRequest(), timeout=1)).status)
    except grpc.aio.AioRpcError:
        # Between the standby's server and the leader's on the same port.
        return -1


async def serving(channel: grpc.aio.Channel, within: float) -> None:
    async with asyncio.timeout(within):
        # Polling: health is read over gRPC, which offers no event to wait on.
        while await health(channel) != health_pb2.HealthCheckResponse.SERVING:  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def test_the_standby_points_to_the_leader_and_takes_over(postgres: PostgresServer) -> None:
    db = postgres.new_database()
    async with cli_process(*ha_args(db), ready=GATEWAY_READY) as (leader, leader_port):
        async with cli_process(*ha_args(db), ready=STANDBY_READY) as (_, standby_port):
            async with (
                grpc.aio.insecure_channel(f"127.0.0.1:{leader_port}") as to_leader,
                grpc.aio.insecure_channel(f"127.0.0.1:{standby_port}") as to_standby,
            ):
                standby = gateway_pb2_grpc.OrderGatewayServiceStub(to_standby)
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    await standby.SubmitOrder(
                        gateway_pb2.SubmitOrderRequest(order=limit_spec("to-standby"))
                    )
                assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
                assert error_details(refused.value)[0] == "NOT_LEADER"
                assert error_metadata(refused.value)["leader"] == f"127.0.0.1:{leader_port}"
                assert await health(to_standby) == health_pb2.HealthCheckResponse.NOT_SERVING
                with pytest.raises(grpc.aio.AioRpcError) as streamed:
                    async for _ in standby.StreamOrderEvents(
                        gateway_pb2.StreamOrderEventsRequest()
                    ):
                        pass
                assert streamed.value.code() == grpc.StatusCode.UNAVAILABLE

                stub = gateway_pb2_grpc.OrderGatewayServiceStub(to_leader)
                resting = await stub.SubmitOrder(
                    gateway_pb2.SubmitOrderRequest(order=limit_spec("resting"))
                )
                killed = time.monotonic()
                os.kill(leader.pid, signal.SIGKILL)
                await serving(to_standby, within=20)
                takeover = time.monotonic() - killed
                print(f"\n[standby] takeover {takeover:.2f}s after SIGKILL of the leader")
                assert takeover < TAKEOVER_GOAL

                got = await standby.GetOrder(
                    gateway_pb2.GetOrderRequest(order_id=resting.order.order_id)
                )
                # Working orders are loaded: the new leader's exchange holds it again.
                assert got.order.status == orders_pb2.ORDER_STATUS_SUBMITTED
                new = await standby.SubmitOrder(
                    gateway_pb2.SubmitOrderRequest(order=limit_spec("after"))
                )
                events = []
                async for message in standby.StreamOrderEvents(
                    gateway_pb2.StreamOrderEventsRequest()
                ):
                    if message.HasField("heartbeat"):
                        break
                    events.append(message.event)
                sequences = [e.sequence for e in events]
                assert sequences == list(range(1, len(sequences) + 1))
                assert {e.order_id for e in events} == {
                    resting.order.order_id,
                    new.order.order_id,
                }


async def test_a_leader_whose_session_ended_steps_down_by_itself(
    postgres: PostgresServer,
) -> None:
    """The leader's sessions end while its process lives on (a network cut, a stall), and
    it has nothing to write: the standby takes over, and the former leader finds out on
    its own and stops (letting go of the broker) with one line saying why."""
    db = postgres.new_database()
    async with cli_process(*ha_args(db), ready=GATEWAY_READY) as (leader, _):
        async with cli_process(*ha_args(db), ready=STANDBY_READY) as (_, standby_port):
            async with grpc.aio.insecure_channel(f"127.0.0.1:{standby_port}") as to_standby:
                with postgres.admin() as admin:
                    admin.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name LIKE %s",
                        (f"ibkr-gateway default pid {leader.pid} %",),
                    )
                await serving(to_standby, within=20)
                assert await asyncio.wait_for(leader.wait(), 20) == 1
