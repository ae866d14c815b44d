"""A gateway whose NATS is down trades on, shows the lag (metric and health entry) and
catches up once NATS is there; a stream it cannot extend faithfully is left alone."""

from __future__ import annotations

from pathlib import Path

import nats
from grpc_health.v1 import health_pb2, health_pb2_grpc
from nats.js import api

from ibkr_gateway.publish.publisher import JournalPublisher
from ibkr_gateway.rpc.server import PUBLISH_HEALTH
from tests.nats_server import NatsServer, nats_server
from tests.polling import until
from tests.publish.stream_support import assert_stream_is_journal, stream_count
from tests.service.conftest import Gateway, order_spec, start_gateway, stop_gateway, submit

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


async def health(gw: Gateway, service: str) -> int:
    answer = await health_pb2_grpc.HealthStub(gw.channel).Check(
        health_pb2.HealthCheckRequest(service=service)
    )
    return int(answer.status)


def metric(gw: Gateway, name: str) -> float | None:
    return gw.server.metrics.registry.get_sample_value(name)


def publisher_of(gw: Gateway) -> JournalPublisher:
    assert gw.server.publisher is not None
    return gw.server.publisher


async def test_orders_go_on_while_nats_is_down_then_the_stream_catches_up(
    tmp_path: Path,
) -> None:
    nats_down = NatsServer(tmp_path / "jetstream")
    gw = await start_gateway(tmp_path / "gateway.db", publish=nats_down.url)
    try:
        publisher = publisher_of(gw)
        for i in range(5):
            await submit(gw, order_spec(f"down-{i}"))
        head = gw.server.bus.last_sequence
        assert head >= 10
        assert publisher.lag == head
        assert metric(gw, "ibkr_gateway_publish_lag") == gw.server.bus.last_sequence
        assert metric(gw, "ibkr_gateway_publish_connected") == 0
        assert await health(gw, PUBLISH_HEALTH) == NOT_SERVING
        assert await health(gw, "") == SERVING

        await nats_down.start()

        async def caught_up() -> bool:
            return publisher.lag == 0 and await health(gw, PUBLISH_HEALTH) == SERVING

        await until(caught_up, 30.0, "publishing never caught up once NATS was there")
        assert metric(gw, "ibkr_gateway_publish_lag") == 0
        assert metric(gw, "ibkr_gateway_publish_sequence") == gw.server.bus.last_sequence
        assert metric(gw, "ibkr_gateway_publish_connected") == 1
    finally:
        await stop_gateway(gw)
    try:
        await assert_stream_is_journal(nats_down.url, tmp_path / "gateway.db")
    finally:
        await nats_down.stop()


async def test_another_store_under_the_same_gateway_id_is_not_published(tmp_path: Path) -> None:
    async with nats_server(tmp_path / "jetstream") as server:
        first = await start_gateway(tmp_path / "first.db", publish=server.url)
        try:
            await submit(first, order_spec("first"))

            async def published() -> bool:
                return publisher_of(first).lag == 0

            await until(published, 30.0, "the first gateway never published its journal")
        finally:
            await stop_gateway(first)
        head = await stream_count(server.url)
        assert head == publisher_of(first).acked

        second = await start_gateway(tmp_path / "second.db", publish=server.url)
        try:
            publisher = publisher_of(second)

            async def refused(why: str) -> bool:
                return why in (publisher.problem or "")

            await until(
                lambda: refused("beyond this journal's last, 0"), 30.0, "a longer stream taken"
            )
            for i in range(3):
                await submit(second, order_spec(f"second-{i}"))
            assert second.server.bus.last_sequence > head
            await until(
                lambda: refused("holds another journal's event"), 30.0, "another journal taken"
            )
            assert await health(second, PUBLISH_HEALTH) == NOT_SERVING
            assert await health(second, "") == SERVING
            assert await stream_count(server.url) == head
        finally:
            await stop_gateway(second)


async def test_a_stream_of_other_subjects_is_not_taken_over(tmp_path: Path) -> None:
    async with nats_server(tmp_path / "jetstream") as server:
        nc = await nats.connect(server.url)
        try:
            await nc.jetstream().add_stream(
                name="IBKR_GATEWAY_default", subjects=["elsewhere.>"], storage=api.StorageType.FILE
            )
        finally:
            await nc.close()
        gw = await start_gateway(tmp_path / "gateway.db", publish=server.url)
        try:
            await submit(gw, order_spec("one"))
            publisher = publisher_of(gw)

            async def refused() -> bool:
                return "takes subjects ['elsewhere.>']" in (publisher.problem or "")

            await until(refused, 30.0, "the stream was taken over")
            assert await stream_count(server.url) == 0
        finally:
            await stop_gateway(gw)
