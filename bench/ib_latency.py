"""Order acknowledgement latency of the gateway on the IB backend, against ib_async talking
to the same TWS simulator directly; and how long a burst takes to drain through the pacer.

The simulator, the gateway and this load generator each run in their own process, so that
neither the fake IB nor the gateway shares an event loop (or a GIL) with the clock that
measures them. The direct baseline is measured in the same run on the same simulator, and
its orders are interleaved with the gateway's, so that whatever drifts during the run
(the simulator's book growing, the machine's load) affects both alike. A bare grpc.aio
echo server (submit_throughput's) is timed alongside: one gRPC round trip, a cost that
the gateway's path pays once on the way in and once on the way out of the event stream.

    python -m bench.ib_latency [--requests N] [--burst N] [--rate N] [--quick] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import itertools
import json
import math
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from ib_async import IB, Client, LimitOrder, Stock, Trade
from ibkr.gateway.v1 import gateway_pb2, gateway_pb2_grpc, orders_pb2

from bench.children import child_process
from bench.ib_report import table
from bench.submit_throughput import server_process as echo_server
from ibkr_gateway.event_loop import run as run_on_loop

ROLES = ("sim", "gateway")
ACCOUNT = "DU123456"
DIRECT_CLIENT_ID = 1
GATEWAY_CLIENT_ID = 2
# The gateway's own cost on an order's acknowledgement: its latency over direct ib_async,
# less the one gRPC round trip (the echo) that any remote service would add.
TARGET_ADDED_P50_MS = 1.0
TARGET_ADDED_P99_MS = 3.0
REQUESTS = 300
WARMUP = 30
BURST = 500
RATE = 50
QUICK_REQUESTS = 30
QUICK_WARMUP = 10
QUICK_BURST = 60
CALLERS = 16
CALL_TIMEOUT = 30.0
ACK_TIMEOUT = 10.0
CONNECT_TIMEOUT = 5.0
# Sequential orders stay within this share of the tighter of the two message budgets
# (the gateway's pacer and ib_async's own throttle). Any faster and an order would now
# and then wait out a full one-second window, which is pacing, not acknowledgement.
SEQUENTIAL_SHARE = 0.6
# direct, gateway, echo: one call each per round.
SEQUENTIAL_PATHS = 3
IDLE_GAP = 0.015
# Both the pacer and ib_async count messages over a sliding window of one second.
PACING_WINDOW = 1.0
SUBMITTED = orders_pb2.ORDER_STATUS_SUBMITTED
# Statuses an order reaches without ever being SUBMITTED: waiting on it would only time out.
DEAD_ENDS = frozenset(
    {
        orders_pb2.ORDER_STATUS_REJECTED,
        orders_pb2.ORDER_STATUS_CANCELLED,
        orders_pb2.ORDER_STATUS_FILLED,
    }
)
IB_DEAD_ENDS = frozenset({"Cancelled", "ApiCancelled", "Inactive", "Filled"})
AAPL = Stock("AAPL", "SMART", "USD")


class AckFailed(Exception):
    """The order ended, or the stream did, before the order was acknowledged."""


# -- the simulator and the gateway (run in child processes) ------------------------------


async def _until_stdin_closes() -> None:
    """Children serve until standard input closes, so that an orphan never outlives its
    parent and a profiled run exits normally (cProfile writes its file only then)."""
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)


async def _serve_sim() -> dict[str, float]:
    from ibkr_gateway.sim.tws import TwsSimulator

    sim = TwsSimulator(account=ACCOUNT)
    port = await sim.start(port=0)
    print(f"port {port}", flush=True)
    await _until_stdin_closes()
    await sim.stop()
    return {}


async def _serve_gateway(sim_port: int, db_path: str, rate: int) -> dict[str, float]:
    # Imported here: the simulator's process must not pay for the gateway's imports.
    from ibkr_gateway.ib.config import IBGatewayConfig
    from ibkr_gateway.ib.gateway import IBGateway
    from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer

    server = GatewayServer(
        GatewayConfig(
            listen="127.0.0.1:0",
            backend="ib",
            db_path=db_path,
            ib=IBGatewayConfig(
                port=sim_port,
                client_id=GATEWAY_CLIENT_ID,
                account_id=ACCOUNT,
                connect_timeout=CONNECT_TIMEOUT,
                max_messages_per_second=rate,
            ),
        )
    )
    port = await server.start()
    broker = server.broker
    assert isinstance(broker, IBGateway)
    # ib_async has a budget of its own (Client.MaxRequests a second) and queues what
    # exceeds it, out of the pacer's sight: how long it held messages back tells whether
    # the pacer or ib_async set the pace of a burst.
    throttled = {"since": 0.0, "seconds": 0.0, "episodes": 0.0}

    def throttle_start() -> None:
        throttled["since"] = time.monotonic()
        throttled["episodes"] += 1

    def throttle_end() -> None:
        throttled["seconds"] += time.monotonic() - throttled["since"]

    broker.ib.client.throttleStart += throttle_start
    broker.ib.client.throttleEnd += throttle_end
    print(f"port {port}", flush=True)
    await _until_stdin_closes()
    await server.stop()
    return {
        "pacer_max_depth": broker.pacer.max_depth,
        "pacer_sent": broker.pacer.sent_total,
        "ib_async_throttled_s": round(throttled["seconds"], 3),
        "ib_async_throttle_episodes": int(throttled["episodes"]),
        "store_batches": server.store.batches_committed,
        "store_events": server.store.events_committed,
    }


def child(
    role: str, args: Sequence[str], profile: Path | None = None
) -> contextlib.AbstractAsyncContextManager[tuple[int, dict[str, float]]]:
    return child_process("bench.ib_latency", role, args, profile)


# -- measuring -------------------------------------------------------------------------


@dataclass
class Samples:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def percentile_ms(self, p: float) -> float:
        """Nearest rank: an actual observed latency, not an interpolation."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000

    def as_json(self) -> dict[str, Any]:
        return {
            "succeeded": len(self.latencies),
            "failed": len(self.failures),
            "p50_ms": _rounded(self.percentile_ms(50), 3),
            "p99_ms": _rounded(self.percentile_ms(99), 3),
        }


class SubmittedWatch:
    """Follows one StreamOrderEvents call and notes when each order is first seen
    SUBMITTED. Arrivals are kept by order id, so that an event that overtakes its own
    SubmitOrder response is still timed from when it arrived."""

    def __init__(self, stub: gateway_pb2_grpc.OrderGatewayServiceAsyncStub) -> None:
        self._call = stub.StreamOrderEvents(gateway_pb2.StreamOrderEventsRequest())
        self._arrivals: dict[str, asyncio.Future[float]] = {}
        self._ended: AckFailed | None = None
        self._task = asyncio.get_running_loop().create_task(self._follow())

    def _arrival(self, order_id: str) -> asyncio.Future[float]:
        future = self._arrivals.get(order_id)
        if future is None:
            future = self._arrivals[order_id] = asyncio.get_running_loop().create_future()
            if self._ended is not None:
                future.set_exception(self._ended)
        return future

    async def _follow(self) -> None:
        try:
            async for message in self._call:
                if not message.HasField("event"):
                    continue
                seen = time.perf_counter()
                event = message.event
                status = event.order.status
                if status == SUBMITTED or status in DEAD_ENDS:
                    future = self._arrival(event.order_id)
                    if future.done():
                        continue
                    if status == SUBMITTED:
                        future.set_result(seen)
                    else:
                        name = orders_pb2.OrderStatus.Name(status)
                        reason = event.status_change.reason or event.cancel.reason
                        future.set_exception(AckFailed(f"{name} {reason}".strip()))
            self._end(AckFailed("the event stream ended"))
        except grpc.aio.AioRpcError as exc:
            self._end(AckFailed(f"the event stream failed: {exc.code().name}: {exc.details()}"))

    def _end(self, error: AckFailed) -> None:
        self._ended = error
        for future in self._arrivals.values():
            if not future.done():
                future.set_exception(error)

    async def submitted(self, order_id: str, within: float) -> float:
        """The perf_counter time at which the order's SUBMITTED event arrived."""
        try:
            return await asyncio.wait_for(asyncio.shield(self._arrival(order_id)), within)
        except TimeoutError:
            raise AckFailed(f"not SUBMITTED within {within:.0f}s") from None

    async def close(self) -> None:
        self._call.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


def submit_request(client_order_id: str) -> gateway_pb2.SubmitOrderRequest:
    # Half the simulator's reference price of 100: the order rests, nothing fills, so
    # every order does the same work.
    return gateway_pb2.SubmitOrderRequest(
        order=orders_pb2.OrderSpec(
            client_order_id=client_order_id,
            contract=orders_pb2.Contract(symbol="AAPL"),
            side=orders_pb2.SIDE_BUY,
            quantity="10",
            order_type=orders_pb2.ORDER_TYPE_LIMIT,
            limit_price="50",
        )
    )


async def direct_ack(ib: IB, order: LimitOrder) -> float:
    """placeOrder until the trade's status is Submitted, in seconds."""
    acked: asyncio.Future[float] = asyncio.get_running_loop().create_future()

    def on_status(trade: Trade) -> None:
        status = trade.orderStatus.status
        if acked.done():
            return
        if status == "Submitted":
            acked.set_result(time.perf_counter())
        elif status in IB_DEAD_ENDS:
            message = trade.log[-1].message if trade.log else ""
            acked.set_exception(AckFailed(f"{status} {message}".strip()))

    started = time.perf_counter()
    trade = ib.placeOrder(AAPL, order)
    # Attached before the next await, so no status can come before it.
    trade.statusEvent += on_status
    try:
        return await asyncio.wait_for(acked, ACK_TIMEOUT) - started
    except TimeoutError:
        raise AckFailed(f"not Submitted within {ACK_TIMEOUT:.0f}s") from None
    finally:
        trade.statusEvent -= on_status


async def gateway_ack(
    stub: gateway_pb2_grpc.OrderGatewayServiceAsyncStub,
    watch: SubmittedWatch,
    request: gateway_pb2.SubmitOrderRequest,
) -> tuple[float, float]:
    """SubmitOrder until its SUBMITTED event is on the stream, and until its response
    came, in seconds."""
    started = time.perf_counter()
    response = await stub.SubmitOrder(request, timeout=CALL_TIMEOUT)
    replied = time.perf_counter()
    submitted = await watch.submitted(response.order.order_id, ACK_TIMEOUT)
    return submitted - started, replied - started


@dataclass
class Sequential:
    direct: Samples = field(default_factory=Samples)
    gateway: Samples = field(default_factory=Samples)
    # When the SubmitOrder response came: after the first durable commit, before IB.
    gateway_reply: Samples = field(default_factory=Samples)
    # The same call answered at once by a bare grpc.aio server: what the gRPC hop costs.
    echo: Samples = field(default_factory=Samples)


async def run_sequential(
    ib: IB,
    stub: gateway_pb2_grpc.OrderGatewayServiceAsyncStub,
    echo_stub: gateway_pb2_grpc.OrderGatewayServiceAsyncStub,
    watch: SubmittedWatch,
    prefix: str,
    count: int,
    gap: float,
) -> Sequential:
    # Built up front so that only the calls are timed.
    orders = [LimitOrder("BUY", 10, 50, orderRef=f"{prefix}-direct-{i}") for i in range(count)]
    requests = [submit_request(f"{prefix}-gateway-{i}") for i in range(count)]
    echo_request = submit_request(f"{prefix}-echo")
    result = Sequential()

    async def direct(i: int) -> None:
        try:
            result.direct.latencies.append(await direct_ack(ib, orders[i]))
        except AckFailed as exc:
            result.direct.failures.append(str(exc))

    async def gateway(i: int) -> None:
        try:
            acked, replied = await gateway_ack(stub, watch, requests[i])
        except grpc.aio.AioRpcError as exc:
            result.gateway.failures.append(f"{exc.code().name}: {exc.details()}")
        except AckFailed as exc:
            result.gateway.failures.append(str(exc))
        else:
            result.gateway.latencies.append(acked)
            result.gateway_reply.latencies.append(replied)

    async def echo(i: int) -> None:
        started = time.perf_counter()
        try:
            await echo_stub.SubmitOrder(echo_request, timeout=CALL_TIMEOUT)
        except grpc.aio.AioRpcError as exc:
            result.echo.failures.append(f"{exc.code().name}: {exc.details()}")
        else:
            result.echo.latencies.append(time.perf_counter() - started)

    paths = (direct, gateway, echo)
    for i in range(count):
        for k in range(len(paths)):
            # The same idle time before every call: on an idle machine a wake-up costs
            # far more than on a busy one, and a call right after another would not pay it.
            await asyncio.sleep(gap)
            # Rotating the order keeps any path from always following the same other.
            await paths[(i + k) % len(paths)](i)
    return result


def idle_gap(rate: int) -> float:
    """IDLE_GAP, or longer if needed to keep each path within SEQUENTIAL_SHARE of the
    tighter message budget (every path sends once per round of three gaps)."""
    budget = min(rate, Client.MaxRequests or rate)
    return max(IDLE_GAP, 1 / (SEQUENTIAL_SHARE * budget * SEQUENTIAL_PATHS))


@dataclass
class Burst:
    orders: int
    rate: int
    accepted_seconds: float = math.nan
    drain_seconds: float = math.nan
    failures: list[str] = field(default_factory=list)

    @property
    def floor_seconds(self) -> float:
        # What the pacer's rate alone allows. Its sliding window lets the first `rate`
        # messages go at once, so a drain may beat this by up to one window.
        return self.orders / self.rate


async def run_burst(
    stub: gateway_pb2_grpc.OrderGatewayServiceAsyncStub,
    watch: SubmittedWatch,
    prefix: str,
    count: int,
    rate: int,
) -> Burst:
    requests = [submit_request(f"{prefix}-burst-{i}") for i in range(count)]
    order_ids: list[str] = []
    result = Burst(count, rate)
    claimed = itertools.count()

    async def caller() -> None:
        while (i := next(claimed)) < count:
            try:
                response = await stub.SubmitOrder(requests[i], timeout=CALL_TIMEOUT)
            except grpc.aio.AioRpcError as exc:
                result.failures.append(f"{exc.code().name}: {exc.details()}")
                continue
            order_ids.append(response.order.order_id)

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(CALLERS)))
    result.accepted_seconds = time.perf_counter() - started
    timeout = 2 * result.floor_seconds + ACK_TIMEOUT
    arrivals = await asyncio.gather(
        *(watch.submitted(order_id, timeout) for order_id in order_ids), return_exceptions=True
    )
    done = [t for t in arrivals if isinstance(t, float)]
    result.failures += [str(t) for t in arrivals if isinstance(t, BaseException)]
    if done:
        result.drain_seconds = max(done) - started
    return result


@dataclass
class Results:
    gap: float
    warm: Sequential
    sequential: Sequential
    burst: Burst
    gateway_stats: dict[str, float] = field(default_factory=dict)

    def failures(self) -> dict[str, list[str]]:
        s, w = self.sequential, self.warm
        return {
            "direct": w.direct.failures + s.direct.failures,
            "gateway": w.gateway.failures + s.gateway.failures,
            "echo": w.echo.failures + s.echo.failures,
            "burst": self.burst.failures,
        }


async def run(args: argparse.Namespace) -> Results:
    nonce = uuid.uuid4().hex[:8]
    gap = idle_gap(args.rate)
    with tempfile.TemporaryDirectory(prefix="bench-ib-") as tmp:
        async with contextlib.AsyncExitStack() as stack:
            sim_port, _ = await stack.enter_async_context(child("sim", []))
            gateway_args = ["--sim-port", str(sim_port), "--db", f"{tmp}/gateway.db"]
            gateway_port, gateway_stats = await stack.enter_async_context(
                child("gateway", [*gateway_args, "--rate", str(args.rate)], args.profile_gateway)
            )
            echo_port, _ = await stack.enter_async_context(echo_server("echo", Path(tmp), None))
            channels = [
                grpc.aio.insecure_channel(f"127.0.0.1:{port}") for port in (gateway_port, echo_port)
            ]
            for channel in channels:
                stack.push_async_callback(channel.close)
            stub, echo_stub = map(gateway_pb2_grpc.OrderGatewayServiceStub, channels)
            ib = IB()
            stack.callback(ib.disconnect)
            await ib.connectAsync(
                "127.0.0.1", sim_port, clientId=DIRECT_CLIENT_ID, timeout=CONNECT_TIMEOUT
            )
            watch = SubmittedWatch(stub)
            stack.push_async_callback(watch.close)
            # The warm-up also covers the stream's start: its first events may come from
            # the journal rather than live.
            sequential = functools.partial(run_sequential, ib, stub, echo_stub, watch, gap=gap)
            warm = await sequential(f"{nonce}-warm", args.warmup)
            measured = await sequential(f"{nonce}-run", args.requests)
            ib.disconnect()
            # The burst starts with both one-second windows empty.
            await asyncio.sleep(PACING_WINDOW * 1.2)
            burst = await run_burst(stub, watch, nonce, args.burst, args.rate)
    # The gateway's counters are in once its process has ended.
    return Results(gap, warm, measured, burst, gateway_stats)


# -- reporting ---------------------------------------------------------------------------


def _rounded(value: float, digits: int) -> float | None:
    # NaN (nothing succeeded) is not JSON; null is.
    return None if math.isnan(value) else round(value, digits)


def summary(args: argparse.Namespace, results: Results) -> dict[str, Any]:
    s, b = results.sequential, results.burst
    over_direct = {p: s.gateway.percentile_ms(p) - s.direct.percentile_ms(p) for p in (50, 99)}
    added = {p: over_direct[p] - s.echo.percentile_ms(p) for p in (50, 99)}
    failures = results.failures()
    return {
        "requests": args.requests,
        "warmup": args.warmup,
        "idle_gap_ms": round(results.gap * 1000, 1),
        "acknowledgement": {
            "direct": s.direct.as_json() | {"failed": len(failures["direct"])},
            "gateway": s.gateway.as_json() | {"failed": len(failures["gateway"])},
            "gateway_reply": s.gateway_reply.as_json(),
            "echo": s.echo.as_json() | {"failed": len(failures["echo"])},
        },
        "over_direct_ms": {f"p{p}": _rounded(v, 3) for p, v in over_direct.items()},
        "added_ms": {f"p{p}": _rounded(v, 3) for p, v in added.items()},
        "goals": {
            "p50": [TARGET_ADDED_P50_MS, added[50] <= TARGET_ADDED_P50_MS],
            "p99": [TARGET_ADDED_P99_MS, added[99] <= TARGET_ADDED_P99_MS],
        },
        "burst": {
            "orders": b.orders,
            "callers": CALLERS,
            "rate": b.rate,
            "accepted_s": _rounded(b.accepted_seconds, 3),
            "drain_s": _rounded(b.drain_seconds, 3),
            "floor_s": round(b.floor_seconds, 3),
            "ratio": _rounded(b.drain_seconds / b.floor_seconds, 3),
            "failed": len(b.failures),
            "max_queue_depth": results.gateway_stats.get("pacer_max_depth"),
        },
        "gateway_stats": results.gateway_stats,
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.ib_latency", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--requests", type=int, help=f"measured orders per path ({REQUESTS})")
    parser.add_argument("--warmup", type=int, help=f"unmeasured orders per path first ({WARMUP})")
    parser.add_argument("--burst", type=int, help=f"orders in the burst ({BURST})")
    parser.add_argument(
        "--rate",
        type=int,
        default=RATE,
        help=f"the gateway's max_messages_per_second, 1..50 ({RATE})",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--profile-gateway",
        type=Path,
        metavar="FILE",
        help="run the gateway under cProfile, writing its stats to FILE",
    )
    # The child side: this module is also the simulator's and the gateway's entry point.
    parser.add_argument("--serve", choices=ROLES, help=argparse.SUPPRESS)
    parser.add_argument("--sim-port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--db", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.requests is None:
        args.requests = QUICK_REQUESTS if args.quick else REQUESTS
    if args.warmup is None:
        args.warmup = QUICK_WARMUP if args.quick else WARMUP
    if args.burst is None:
        args.burst = QUICK_BURST if args.quick else BURST
    if args.requests < 1 or args.burst < 1 or args.warmup < 0:
        parser.error("--requests and --burst must be positive and --warmup not negative")
    if not 1 <= args.rate <= 50:
        parser.error("--rate must be in 1..50")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve:
        serving = (
            _serve_sim()
            if args.serve == "sim"
            else _serve_gateway(args.sim_port, args.db, args.rate)
        )
        stats = run_on_loop(serving)
        print(f"stats {json.dumps(stats)}", flush=True)
        return 0
    results = asyncio.run(run(args))
    report = summary(args, results)
    print(json.dumps(report, indent=2) if args.json else table(report))
    failed = False
    for path, failures in results.failures().items():
        for failure in failures[:5]:
            print(f"{path}: order failed: {failure}", file=sys.stderr)
        failed = failed or bool(failures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
