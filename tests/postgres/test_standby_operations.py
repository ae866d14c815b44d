"""`serve --ha` as operators run it: the address the standby hands out (--advertise, or
the listen address with this machine's name for a wildcard host), /metrics on both
gateways of the pair, and a leader stopped dead (SIGSTOP) taken over and fenced off."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import sys
import time
import urllib.request
from collections.abc import AsyncIterator

import grpc
import psycopg
import pytest
from ibkr.gateway.v1 import gateway_pb2, gateway_pb2_grpc, orders_pb2

from ibkr_gateway.ha.runner import LEADER_SILENCE_LIMIT
from tests.nats_server import free_port
from tests.pg import PostgresServer
from tests.postgres.test_standby import STANDBY_READY, ha_args, health, serving
from tests.service.conftest import error_details, error_metadata, limit_spec

pytestmark = pytest.mark.slow

LEADING = "gateway serving on"


class Gateway:
    """A `serve` process, its port, and every line it logged so far."""

    def __init__(self, proc: asyncio.subprocess.Process, port: int, log: list[str]) -> None:
        self.proc = proc
        self.port = port
        self.log = log


@contextlib.asynccontextmanager
async def gateway(*args: str, ready: str) -> AsyncIterator[Gateway]:
    """Started and ready (it logged `ready HOST:PORT`, any host), its log kept; terminated
    (continued first, if stopped) on exit."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ibkr_gateway.cli", *args, stderr=asyncio.subprocess.PIPE
    )
    assert proc.stderr is not None
    log: list[str] = []
    try:
        while True:
            line = (await proc.stderr.readline()).decode()
            log.append(line)
            if not line:
                raise RuntimeError(f"exited with {await proc.wait()}: {''.join(log)}")
            found = re.search(re.escape(ready) + r" \S+:(\d+)", line)
            if found:
                break
        port = int(found.group(1))

        async def drain() -> None:
            assert proc.stderr is not None
            async for raw in proc.stderr:
                log.append(raw.decode())

        draining = asyncio.create_task(drain())
        try:
            yield Gateway(proc, port, log)
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGCONT)
                proc.terminate()
            await proc.wait()
            await draining
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def refused_by_standby(port: int) -> grpc.aio.AioRpcError:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = gateway_pb2_grpc.OrderGatewayServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.SubmitOrder(gateway_pb2.SubmitOrderRequest(order=limit_spec("x")))
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    assert error_details(refused.value)[0] == "NOT_LEADER"
    return refused.value


async def test_a_leader_on_a_wildcard_host_is_advertised_by_name(
    postgres: PostgresServer,
) -> None:
    db = postgres.new_database()
    wildcard = ["serve", "--ha", "--db", db, "--listen", "0.0.0.0:0", "--insecure"]
    async with gateway(*wildcard, ready=LEADING) as leader:
        async with gateway(*ha_args(db), ready=STANDBY_READY) as standby:
            error = await refused_by_standby(standby.port)
            assert error_metadata(error)["leader"] == f"{socket.getfqdn()}:{leader.port}"
            # The start-up line says where the address came from.
            named = [line for line in leader.log if f"advertised as {socket.getfqdn()}:" in line]
            assert any("wildcard" in line for line in named), leader.log


async def test_advertise_is_what_the_standby_hands_out(postgres: PostgresServer) -> None:
    db = postgres.new_database()
    wildcard = ["serve", "--ha", "--db", db, "--listen", "0.0.0.0:0", "--insecure"]
    async with gateway(*wildcard, "--advertise", "gw-a.desk.example:7443", ready=LEADING):
        async with gateway(*ha_args(db), ready=STANDBY_READY) as standby:
            error = await refused_by_standby(standby.port)
            assert error_metadata(error)["leader"] == "gw-a.desk.example:7443"
    # The writers table, which standbys read it from, records it.
    with psycopg.connect(db, autocommit=True) as conn:
        row = conn.execute("SELECT address FROM writers").fetchone()
    assert row is not None
    assert row[0] == "gw-a.desk.example:7443"


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        return str(answer.read().decode())


def sample(text: str, name: str) -> str:
    """The first sample of `name`: its labels and value."""
    found = re.search(rf"^{name}(\{{[^}}]*\}})? (\S+)$", text, re.MULTILINE)
    assert found is not None, f"no {name} in\n{text}"
    return f"{found.group(1) or ''} {found.group(2)}"


async def test_both_gateways_of_the_pair_serve_metrics(postgres: PostgresServer) -> None:
    db = postgres.new_database()
    leader_metrics = free_port()
    async with gateway(
        *ha_args(db), "--metrics-listen", f"127.0.0.1:{leader_metrics}", ready=LEADING
    ) as leader:
        # Port 0: the port it picks as standby is the one it keeps as leader.
        async with gateway(
            *ha_args(db), "--metrics-listen", "127.0.0.1:0", ready=STANDBY_READY
        ) as standby:
            found = re.search(r"/metrics on 127\.0\.0\.1:(\d+)", "".join(standby.log))
            assert found is not None, standby.log
            standby_metrics = int(found.group(1))
            on_leader = await asyncio.to_thread(scrape, leader_metrics)
            assert sample(on_leader, "ibkr_gateway_ha_leader") == " 1.0"
            on_standby = await asyncio.to_thread(scrape, standby_metrics)
            assert sample(on_standby, "ibkr_gateway_ha_leader") == " 0.0"
            assert f'leader="127.0.0.1:{leader.port}"' in sample(on_standby, "ibkr_gateway_ha_info")
            # Only leadership: the standby has no journal, calls or broker to report.
            assert "ibkr_gateway_journal_sequence" not in on_standby

            os.kill(leader.proc.pid, signal.SIGKILL)
            async with grpc.aio.insecure_channel(f"127.0.0.1:{standby.port}") as channel:
                await serving(channel, within=20)
            # The same port, now with the leader's metrics.
            after = await asyncio.to_thread(scrape, standby_metrics)
            assert sample(after, "ibkr_gateway_ha_leader") == " 1.0"
            assert f'leader="127.0.0.1:{standby.port}"' in sample(after, "ibkr_gateway_ha_info")
            assert sample(after, "ibkr_gateway_journal_sequence") == " 0.0"


async def test_a_stopped_leader_is_taken_over_and_never_writes_again(
    postgres: PostgresServer,
) -> None:
    """SIGSTOP: the leader's sessions stay open (its kernel answers TCP keepalives) but
    silent. The server ends its writer session after LEADER_SILENCE_LIMIT, the standby
    takes over; continued, the former leader's queued submit is refused, not written, and
    it stops by itself."""
    db = postgres.new_database()
    async with gateway(*ha_args(db), ready=LEADING) as leader:
        async with gateway(*ha_args(db), ready=STANDBY_READY) as standby:
            async with (
                grpc.aio.insecure_channel(f"127.0.0.1:{leader.port}") as to_leader,
                grpc.aio.insecure_channel(f"127.0.0.1:{standby.port}") as to_standby,
            ):
                old = gateway_pb2_grpc.OrderGatewayServiceStub(to_leader)
                resting = await old.SubmitOrder(
                    gateway_pb2.SubmitOrderRequest(order=limit_spec("before-stop"))
                )
                stopped = time.monotonic()
                leader.proc.send_signal(signal.SIGSTOP)
                # Sent on the open connection: the stopped process reads it once continued.
                late = asyncio.ensure_future(
                    old.SubmitOrder(
                        gateway_pb2.SubmitOrderRequest(order=limit_spec("while-stopped")),
                        timeout=60,
                    )
                )
                await serving(to_standby, within=LEADER_SILENCE_LIMIT + 15)
                takeover = time.monotonic() - stopped
                print(f"\n[standby] takeover {takeover:.2f}s after SIGSTOP of the leader")
                assert takeover > LEADER_SILENCE_LIMIT - 0.5
                new = gateway_pb2_grpc.OrderGatewayServiceStub(to_standby)
                after = await new.SubmitOrder(
                    gateway_pb2.SubmitOrderRequest(order=limit_spec("after-takeover"))
                )

                leader.proc.send_signal(signal.SIGCONT)
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    await late
                # Refused as the store's failure: retried on the new leader, it is placed once.
                assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
                assert await asyncio.wait_for(leader.proc.wait(), 20) == 1
                assert any("stopped leading" in line for line in leader.log), leader.log

                listed = await new.ListOrders(gateway_pb2.ListOrdersRequest())
                client_ids = {o.spec.client_order_id for o in listed.orders}
                assert client_ids == {"before-stop", "after-takeover"}
                got = await new.GetOrder(
                    gateway_pb2.GetOrderRequest(order_id=resting.order.order_id)
                )
                assert got.order.status == orders_pb2.ORDER_STATUS_SUBMITTED
                assert after.order.order_id != resting.order.order_id
                assert await health(to_standby) == 1
