"""Fan-out of order events to many live subscribers, as ratios to a bare grpc.aio server.

Three figures, each from servers started afresh in child processes, with the subscribers
in a child process of their own:

- delivery: a burst of orders submitted by 16 callers while 100 streams follow the
  gateway's events, as events delivered per second in all (from the first submit to the
  last delivery), against an echo server streaming as many messages to as many streams;
- submits: the burst's submit throughput with the 100 subscribers against the same burst
  with none, so that subscribers never starve the calls that trade;
- latency: orders at a steady rate with 100 subscribers, each event's delay from its
  journal time to its arrival at a subscriber (nearest-rank p50 and p99 over all).

    python -m bench.fanout [--subscribers N] [--orders N] [--quick] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from ibkr.gateway.v1 import events_pb2, gateway_pb2, gateway_pb2_grpc, orders_pb2

from bench.children import ChildStats, child_process
from bench.submit_throughput import CALL_TIMEOUT, CALLERS, SERVICE, submit_request
from ibkr_gateway.event_loop import run as run_on_loop

SUBSCRIBERS = 100
ORDERS = 2_000
QUICK_SUBSCRIBERS = 20
QUICK_ORDERS = 300
# Events the gateway journals for each resting order: PENDING_SUBMIT, then SUBMITTED.
EVENTS_PER_ORDER = 2
PACED_RATE = 50.0
PACED_SECONDS = 8.0
QUICK_PACED_SECONDS = 2.0
# Streams share a few connections, as the clients of one process would.
CHANNELS = 4
# Subscribers stop waiting for the rest of a burst after this long without a message.
DRAIN_IDLE = 5.0
STREAM_METHOD = f"/{SERVICE}/StreamOrderEvents"
# A stream message starting with field 1 (length-delimited) carries an event.
EVENT_TAG = b"\x0a"
# OrderEvent.sequence: field 1, a varint.
SEQUENCE_TAG = 0x08

GOAL_DELIVERY = 0.8
GOAL_SUBMITS = 0.6
GOAL_P99_MS = 50.0


# -- the servers (run in child processes) -------------------------------------------------


def _echo_event(sequence: int) -> gateway_pb2.StreamOrderEventsResponse:
    """An event the size of the gateway's: a resting limit order's status change."""
    spec = submit_request(f"echo-{sequence}").order
    spec.account = "DU123456"
    return gateway_pb2.StreamOrderEventsResponse(
        event=events_pb2.OrderEvent(
            sequence=sequence,
            order_id=uuid.uuid4().hex,
            client_order_id=spec.client_order_id,
            account=spec.account,
            order=orders_pb2.Order(
                order_id=uuid.uuid4().hex,
                spec=spec,
                status=orders_pb2.ORDER_STATUS_SUBMITTED,
                filled_quantity="0",
                remaining_quantity="10",
                broker_order_id=sequence,
                last_sequence=sequence,
            ),
            status_change=events_pb2.StatusChange(
                previous_status=orders_pb2.ORDER_STATUS_PENDING_SUBMIT,
                status=orders_pb2.ORDER_STATUS_SUBMITTED,
            ),
        )
    )


def _echo_stream(count: int) -> Any:
    async def stream(
        request: gateway_pb2.StreamOrderEventsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[gateway_pb2.StreamOrderEventsResponse]:
        """`count` messages, as fast as they go."""
        message = _echo_event(1)
        for _ in range(count):
            yield message

    return stream


async def _serve(kind: str, db_path: str, per_stream: int) -> None:
    if kind == "echo":
        server = grpc.aio.server()
        server.add_generic_rpc_handlers(
            (
                grpc.method_handlers_generic_handler(
                    SERVICE,
                    {
                        "StreamOrderEvents": grpc.unary_stream_rpc_method_handler(
                            _echo_stream(per_stream),
                            request_deserializer=gateway_pb2.StreamOrderEventsRequest.FromString,
                            response_serializer=gateway_pb2.StreamOrderEventsResponse.SerializeToString,
                        )
                    },
                ),
            )
        )
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        print(f"port {port}", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)
        await server.stop(1.0)
    else:
        from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer

        gateway = GatewayServer(GatewayConfig(listen="127.0.0.1:0", db_path=db_path))
        port = await gateway.start()
        print(f"port {port}", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)
        await gateway.stop()
    print("stats {}", flush=True)


# -- the subscribers (a child process) ---------------------------------------------------


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at += 1
        if byte < 0x80:
            return value, at
        shift += 7


def _sequence(data: bytes) -> int:
    """The event's sequence without decoding the message: its first field (fields are
    written in number order), right after the event's own tag and length."""
    _, at = _varint(data, 1)
    if data[at] != SEQUENCE_TAG:
        return 0
    return _varint(data, at + 1)[0]


@dataclass
class Subscribers:
    """Counts messages; in timed mode, decodes each event for its journal time."""

    expected: int
    timed: bool

    def __post_init__(self) -> None:
        self.received = 0
        self.first = math.inf
        self.last = 0.0
        self.delays: list[float] = []
        self.cut = 0
        self.done = asyncio.Event()

    def deliver(self, data: bytes) -> int:
        """Counts an event; returns its sequence (0 for a heartbeat)."""
        if data[:1] != EVENT_TAG:
            return 0  # a heartbeat
        now = time.time()
        self.first = min(self.first, now)
        self.last = now
        if self.timed:
            event = gateway_pb2.StreamOrderEventsResponse.FromString(data).event
            self.delays.append(now - (event.time.seconds + event.time.nanos / 1e9))
            sequence = event.sequence
        else:
            sequence = _sequence(data)
        self.received += 1
        if self.received >= self.expected:
            self.done.set()
        return sequence

    def stats(self) -> dict[str, float]:
        stats: dict[str, float] = {
            "received": self.received,
            "first": self.first if self.received else 0.0,
            "last": self.last,
            "cut": self.cut,
        }
        if self.delays:
            ordered = sorted(self.delays)
            for p in (50, 99):
                stats[f"p{p}_ms"] = ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000
        return stats


async def _follow(
    channel: grpc.aio.Channel, subs: Subscribers, opened: asyncio.Queue[None]
) -> None:
    """One stream from the start of the journal; resumes where it was cut, if it is."""
    # Raw bytes: the subscribers must not be what limits the rate measured.
    call_stream: grpc.aio.UnaryStreamMultiCallable[Any, bytes] = channel.unary_stream(
        STREAM_METHOD, request_serializer=gateway_pb2.StreamOrderEventsRequest.SerializeToString
    )
    after = 0
    while True:
        call = call_stream(gateway_pb2.StreamOrderEventsRequest(after_sequence=after))
        if after == 0:
            await call.wait_for_connection()
            opened.put_nowait(None)
        try:
            async for data in call:
                after = subs.deliver(data) or after
            return
        except grpc.aio.AioRpcError as exc:
            if exc.code() is not grpc.StatusCode.RESOURCE_EXHAUSTED:
                raise
            # Cut for falling behind: resume after the last event read, as clients do.
            subs.cut += 1


async def _serve_subscribers(port: int, count: int, per_stream: int, timed: bool) -> None:
    """Says "port N" (the server's) once every stream is open; counts until stdin closes
    and every stream has had per_stream events (or none came for DRAIN_IDLE)."""
    channels = [grpc.aio.insecure_channel(f"127.0.0.1:{port}") for _ in range(CHANNELS)]
    subs = Subscribers(count * per_stream, timed)
    opened: asyncio.Queue[None] = asyncio.Queue()
    tasks = [
        asyncio.create_task(_follow(channels[n % CHANNELS], subs, opened)) for n in range(count)
    ]
    for _ in range(count):
        await asyncio.wait_for(opened.get(), 60)
    print(f"port {port}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)
    # The burst is submitted; its last events may still be on their way.
    seen = -1
    while subs.expected and not subs.done.is_set() and subs.received > seen:
        seen = subs.received
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(subs.done.wait(), DRAIN_IDLE)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for channel in channels:
        await channel.close()
    print(f"stats {json.dumps(subs.stats())}", flush=True)


# -- the load generator ------------------------------------------------------------------


def _server(
    kind: str, workdir: Path, per_stream: int = 0
) -> contextlib.AbstractAsyncContextManager[tuple[int, ChildStats]]:
    db = workdir / f"{uuid.uuid4().hex}.db"
    return child_process("bench.fanout", kind, ["--db", str(db), "--per-stream", str(per_stream)])


def _subscribers(
    port: int, count: int, per_stream: int, timed: bool
) -> contextlib.AbstractAsyncContextManager[tuple[int, ChildStats]]:
    args = ["--port", str(port), "--subscribers", str(count), "--per-stream", str(per_stream)]
    return child_process("bench.fanout", "subscribers", [*args, *(["--timed"] if timed else [])])


async def _submit_burst(port: int, prefix: str, orders: int) -> tuple[float, float, int]:
    """Orders submitted by CALLERS callers on one channel: (start, seconds, failures)."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = gateway_pb2_grpc.OrderGatewayServiceStub(channel)
        requests = [submit_request(f"{prefix}-{i}") for i in range(orders)]
        claimed = itertools.count()
        failures = 0

        async def caller() -> None:
            nonlocal failures
            while (i := next(claimed)) < orders:
                try:
                    await stub.SubmitOrder(requests[i], timeout=CALL_TIMEOUT)
                except grpc.aio.AioRpcError:
                    failures += 1

        started_wall, started = time.time(), time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(CALLERS)))
        return started_wall, time.perf_counter() - started, failures


async def _submit_paced(port: int, prefix: str, rate: float, seconds: float) -> int:
    """Orders at a steady rate, each call on its own so a slow answer never delays the next."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = gateway_pb2_grpc.OrderGatewayServiceStub(channel)
        calls = []
        started = time.perf_counter()
        for i in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
            request = submit_request(f"{prefix}-{i}")
            calls.append(asyncio.ensure_future(stub.SubmitOrder(request, timeout=CALL_TIMEOUT)))
        results = await asyncio.gather(*calls, return_exceptions=True)
        return sum(isinstance(r, BaseException) for r in results)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    nonce = uuid.uuid4().hex[:8]
    subscribers, orders = args.subscribers, args.orders
    events = orders * EVENTS_PER_ORDER
    report: dict[str, Any] = {"subscribers": subscribers, "orders": orders, "failed": 0}
    with tempfile.TemporaryDirectory(prefix="bench-fanout-") as tmp:
        workdir = Path(tmp)
        # The echo server: each stream asks for as many messages as the burst makes events.
        async with _server("echo", workdir, events) as (port, _):
            started = time.time()
            async with _subscribers(port, subscribers, events, False) as (_, subs):
                pass
        echo_rate = subs["received"] / (subs["last"] - started)
        # The burst without subscribers, then with them.
        async with _server("gateway", workdir) as (port, _):
            _, alone_seconds, failed = await _submit_burst(port, f"{nonce}-alone", orders)
        report["failed"] += failed
        async with _server("gateway", workdir) as (port, _):
            async with _subscribers(port, subscribers, events, False) as (_, subs):
                started, loaded_seconds, failed = await _submit_burst(
                    port, f"{nonce}-loaded", orders
                )
        report["failed"] += failed
        delivered = subs["received"]
        delivery_rate = delivered / (subs["last"] - started) if delivered else 0.0
        # Steady orders, every event timed from its journal time to its arrival.
        async with _server("gateway", workdir) as (port, _):
            async with _subscribers(port, subscribers, 0, True) as (_, timed):
                report["failed"] += await _submit_paced(
                    port, f"{nonce}-paced", PACED_RATE, args.paced_seconds
                )
                # The last events' way to the subscribers.
                await asyncio.sleep(1.0)
    alone_rps, loaded_rps = orders / alone_seconds, orders / loaded_seconds
    report.update(
        {
            "echo_msgs_per_s": round(echo_rate),
            "gateway_events_per_s": round(delivery_rate),
            "delivered": delivered,
            "expected": events * subscribers,
            "streams_cut": subs["cut"],
            "delivery_ratio": round(delivery_rate / echo_rate, 3),
            "submit_rps_alone": round(alone_rps, 1),
            "submit_rps_with_subscribers": round(loaded_rps, 1),
            "submit_ratio": round(loaded_rps / alone_rps, 3),
            "paced_rate": PACED_RATE,
            "paced_events_timed": None,
            "latency_p50_ms": round(timed.get("p50_ms", math.nan), 2),
            "latency_p99_ms": round(timed.get("p99_ms", math.nan), 2),
            "latency_streams_cut": timed["cut"],
        }
    )
    report["paced_events_timed"] = timed["received"]
    report["goals"] = {
        "delivery_ratio": [GOAL_DELIVERY, report["delivery_ratio"] >= GOAL_DELIVERY],
        "submit_ratio": [GOAL_SUBMITS, report["submit_ratio"] >= GOAL_SUBMITS],
        "latency_p99_ms": [GOAL_P99_MS, report["latency_p99_ms"] <= GOAL_P99_MS],
    }
    return report


def _verdict(met: bool) -> str:
    return "meets" if met else "MISSES"


def table(report: dict[str, Any]) -> str:
    goals = report["goals"]
    n = report["subscribers"]
    return "\n".join(
        [
            f"Fan-out: {n} subscribers, a burst of {report['orders']} orders from {CALLERS} "
            "callers; orders at "
            f"{report['paced_rate']:.0f}/s for the latency",
            "",
            f"delivered/s   gateway {report['gateway_events_per_s']:>8}  echo stream "
            f"{report['echo_msgs_per_s']:>8}  ratio {report['delivery_ratio']:.2f} "
            f"({_verdict(goals['delivery_ratio'][1])} the goal >= {GOAL_DELIVERY}; "
            f"{report['delivered']} of {report['expected']} delivered, "
            f"{report['streams_cut']} streams cut and resumed)",
            f"submit req/s  with {n} subscribers {report['submit_rps_with_subscribers']:>8.1f}  "
            f"without {report['submit_rps_alone']:>8.1f}  ratio {report['submit_ratio']:.2f} "
            f"({_verdict(goals['submit_ratio'][1])} the goal >= {GOAL_SUBMITS})",
            f"journal-to-subscriber latency  p50 {report['latency_p50_ms']:.1f} ms  "
            f"p99 {report['latency_p99_ms']:.1f} ms over {report['paced_events_timed']} "
            f"deliveries ({_verdict(goals['latency_p99_ms'][1])} the goal p99 <= "
            f"{GOAL_P99_MS:.0f} ms)",
        ]
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fanout", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--subscribers", type=int, help=f"streams following ({SUBSCRIBERS})")
    parser.add_argument("--orders", type=int, help=f"orders in the burst ({ORDERS})")
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    # The children's side: this module is also their entry point.
    parser.add_argument(
        "--serve", choices=("echo", "gateway", "subscribers"), help=argparse.SUPPRESS
    )
    parser.add_argument("--db", default="", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--per-stream", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--timed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.subscribers = args.subscribers or (QUICK_SUBSCRIBERS if args.quick else SUBSCRIBERS)
    args.orders = args.orders or (QUICK_ORDERS if args.quick else ORDERS)
    args.paced_seconds = QUICK_PACED_SECONDS if args.quick else PACED_SECONDS
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve == "subscribers":
        asyncio.run(_serve_subscribers(args.port, args.subscribers, args.per_stream, args.timed))
        return 0
    if args.serve:
        run_on_loop(_serve(args.serve, args.db, args.per_stream))
        return 0
    report = asyncio.run(run(args))
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 1 if report["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
