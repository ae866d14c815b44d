"""`serve --event-loop`: uvloop when installed, asyncio's own loop on request (and it
trades as well), and a clear line when the loop asked for is missing or unknown."""

from __future__ import annotations

import os
from pathlib import Path

import grpc
from ibkr.gateway.v1 import gateway_pb2, gateway_pb2_grpc, orders_pb2

from tests.operator.test_startup_mistakes import error_line, refused
from tests.process import GATEWAY_READY, cli_process
from tests.service.conftest import order_spec


async def _serves_on(loop: str, tmp_path: Path) -> None:
    log: list[str] = []
    async with cli_process(
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--db",
        str(tmp_path / f"{loop}.db"),
        "--event-loop",
        loop,
        ready=GATEWAY_READY,
        log=log,
    ) as (_, port):
        assert any(f"running on the {loop} event loop" in line for line in log), log
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = gateway_pb2_grpc.OrderGatewayServiceStub(channel)
            spec = order_spec(f"on-{loop}", quantity="10")
            order = (await stub.SubmitOrder(gateway_pb2.SubmitOrderRequest(order=spec))).order
            stream = stub.StreamOrderEvents(gateway_pb2.StreamOrderEventsRequest())
            async for message in stream:
                if message.event.order.status == orders_pb2.ORDER_STATUS_FILLED:
                    assert message.event.order_id == order.order_id
                    break
            stream.cancel()


async def test_asyncio_s_own_loop_serves_and_trades(tmp_path: Path) -> None:
    await _serves_on("asyncio", tmp_path)


async def test_uvloop_serves_and_trades(tmp_path: Path) -> None:
    await _serves_on("uvloop", tmp_path)


async def test_an_unknown_loop_names_the_option(tmp_path: Path) -> None:
    code, err = await refused("--event-loop", "trio", "--db", str(tmp_path / "x.db"))
    assert code == 2
    assert "--event-loop" in error_line(err)


async def test_uvloop_asked_for_where_it_is_missing_is_one_clear_line(tmp_path: Path) -> None:
    # A uvloop that cannot be imported shadows the installed one.
    shadow = tmp_path / "shadow" / "uvloop"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('uvloop is not built here')\n")
    path = os.pathsep.join(p for p in (str(shadow.parent), os.environ.get("PYTHONPATH")) if p)
    code, err = await refused(
        "--event-loop", "uvloop", "--db", str(tmp_path / "x.db"), env={"PYTHONPATH": path}
    )
    assert code == 2
    assert "--event-loop uvloop: uvloop is not installed" in error_line(err)
