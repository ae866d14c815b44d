"""SubmitOrder throughput and latency of the gateway, as ratios to a bare grpc.aio echo server.

Absolute numbers depend on the machine; the ratio to an echo server with the same method
shape, driven by the same client on the same machine, is what stays comparable. Each server
runs in its own process so that the load generator never shares its event loop or its GIL.

Three figures: throughput with 16 callers, the median latency of one caller alone, and
SubmitOrders (batches of 50 from the same 16 callers) in orders per second against the
gateway's own single submits.

    python -m bench.submit_throughput [--requests N] [--quick] [--json]
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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from ibkr.gateway.v1 import gateway_pb2, gateway_pb2_grpc, orders_pb2

from bench.children import child_process
from ibkr_gateway.event_loop import loop_factory
from ibkr_gateway.event_loop import run as run_on_loop

SERVICE = gateway_pb2.DESCRIPTOR.services_by_name["OrderGatewayService"].full_name
SERVERS = ("echo", "gateway")
TARGET_THROUGHPUT_RATIO = 0.7
TARGET_ALONE_P50_RATIO = 1.5
TARGET_BATCH_RATIO = 3.0
CALLERS = 16
BATCH = 50
ALONE_REQUESTS = 500
QUICK_ALONE_REQUESTS = 100
CALL_TIMEOUT = 30.0
REQUESTS = 3000
WARMUP = 300
QUICK_REQUESTS = 300
QUICK_WARMUP = 50
# Each subchannel gets its own TCP connection only with a local pool; the global pool
# would quietly put every "separate" channel on one connection.
PER_CALLER_OPTIONS = [("grpc.use_local_subchannel_pool", 1)]


# -- the servers (run in child processes) --------------------------------------------


async def _echo_submit(
    request: gateway_pb2.SubmitOrderRequest, context: grpc.aio.ServicerContext[Any, Any]
) -> gateway_pb2.SubmitOrderResponse:
    return gateway_pb2.SubmitOrderResponse(
        order=orders_pb2.Order(
            order_id=uuid.uuid4().hex,
            spec=request.order,
            status=orders_pb2.ORDER_STATUS_SUBMITTED,
        )
    )


async def _serve(kind: str, db_path: str) -> None:
    """Serves until standard input closes, so that an orphan never outlives its parent
    and a profiled run exits normally (cProfile writes its file only then)."""
    stats: dict[str, int] = {}
    if kind == "echo":
        server = grpc.aio.server()
        server.add_generic_rpc_handlers(
            (
                grpc.method_handlers_generic_handler(
                    SERVICE,
                    {
                        "SubmitOrder": grpc.unary_unary_rpc_method_handler(
                            _echo_submit,
                            request_deserializer=gateway_pb2.SubmitOrderRequest.FromString,
                            response_serializer=gateway_pb2.SubmitOrderResponse.SerializeToString,
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
        # Imported here: the echo process must not pay for (or be slowed by) the gateway.
        from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer

        gateway = GatewayServer(GatewayConfig(listen="127.0.0.1:0", db_path=db_path))
        port = await gateway.start()
        print(f"port {port}", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)
        await gateway.stop()
        stats = {
            "store_batches": gateway.store.batches_committed,
            "store_events": gateway.store.events_committed,
        }
    print(f"stats {json.dumps(stats)}", flush=True)


def server_process(
    kind: str, workdir: Path, profile: Path | None
) -> contextlib.AbstractAsyncContextManager[tuple[int, dict[str, float]]]:
    """The port, and the server's own counters once it has stopped."""
    return child_process(
        "bench.submit_throughput", kind, ["--db", str(workdir / "gateway.db")], profile
    )


# -- the load generator ------------------------------------------------------------------


@dataclass
class Result:
    requests: int
    seconds: float
    latencies: list[float]
    failures: list[str]
    server_stats: dict[str, float] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile_ms(self, p: float) -> float:
        """Nearest rank: an actual observed latency, not an interpolation."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000

    def as_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "succeeded": len(self.latencies),
            "failed": len(self.failures),
            "seconds": round(self.seconds, 4),
            "rps": round(self.rps, 1),
            "p50_ms": _rounded(self.percentile_ms(50), 3),
            "p99_ms": _rounded(self.percentile_ms(99), 3),
            **self.server_stats,
        }


def submit_request(client_order_id: str) -> gateway_pb2.SubmitOrderRequest:
    # Far below the simulator's reference price of 100: the order rests, nothing fills,
    # so every call does the same work.
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


async def run_batches(
    stubs: Sequence[gateway_pb2_grpc.OrderGatewayServiceAsyncStub], prefix: str, orders: int
) -> Result:
    """SubmitOrders with BATCH orders a call from CALLERS callers; a latency per call."""
    count = max(1, orders // BATCH)
    requests = [
        gateway_pb2.SubmitOrdersRequest(
            orders=[submit_request(f"{prefix}-{i}-{n}").order for n in range(BATCH)]
        )
        for i in range(count)
    ]
    latencies: list[float] = []
    failures: list[str] = []
    claimed = itertools.count()

    async def caller(stub: gateway_pb2_grpc.OrderGatewayServiceAsyncStub) -> None:
        while (i := next(claimed)) < count:
            started = time.perf_counter()
            try:
                response = await stub.SubmitOrders(requests[i], timeout=CALL_TIMEOUT)
            except grpc.aio.AioRpcError as exc:
                failures.append(f"{exc.code().name}: {exc.details()}")
                continue
            failures.extend(r.error.message for r in response.results if r.HasField("error"))
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(caller(stubs[n % len(stubs)]) for n in range(CALLERS)))
    return Result(count, time.perf_counter() - started, latencies, failures)


async def run_phase(
    stubs: Sequence[gateway_pb2_grpc.OrderGatewayServiceAsyncStub],
    prefix: str,
    count: int,
    callers: int = CALLERS,
) -> Result:
    # Built up front so that the client spends its (shared) CPU on calls, not messages.
    requests = [submit_request(f"{prefix}-{i}") for i in range(count)]
    latencies: list[float] = []
    failures: list[str] = []
    claimed = itertools.count()

    async def caller(stub: gateway_pb2_grpc.OrderGatewayServiceAsyncStub) -> None:
        while (i := next(claimed)) < count:
            started = time.perf_counter()
            try:
                await stub.SubmitOrder(requests[i], timeout=CALL_TIMEOUT)
            except grpc.aio.AioRpcError as exc:
                failures.append(f"{exc.code().name}: {exc.details()}")
                continue
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(caller(stubs[n % len(stubs)]) for n in range(callers)))
    return Result(count, time.perf_counter() - started, latencies, failures)


@dataclass
class Phases:
    """What one server did: CALLERS callers at once, one caller alone, and (the gateway)
    batches."""

    callers: Result
    alone: Result
    batches: Result | None = None


async def drive(
    port: int, args: argparse.Namespace, prefix: str, *, batches: bool = False
) -> Phases:
    target = f"127.0.0.1:{port}"
    channels = (
        [grpc.aio.insecure_channel(target, options=PER_CALLER_OPTIONS) for _ in range(CALLERS)]
        if args.channels == "per-caller"
        else [grpc.aio.insecure_channel(target)]
    )
    try:
        await asyncio.gather(*(c.channel_ready() for c in channels))
        stubs = [gateway_pb2_grpc.OrderGatewayServiceStub(c) for c in channels]
        # Warm-up failures count too: a server that fails there is broken, not cold.
        warm = await run_phase(stubs, f"{prefix}-warm", args.warmup)
        measured = await run_phase(stubs, f"{prefix}-run", args.requests)
        measured.failures[:0] = warm.failures
        alone = await run_phase(stubs[:1], f"{prefix}-alone", args.alone, callers=1)
        batched = await run_batches(stubs, f"{prefix}-batch", args.requests) if batches else None
        return Phases(measured, alone, batched)
    finally:
        await asyncio.gather(*(c.close() for c in channels))


async def run(args: argparse.Namespace) -> dict[str, Phases]:
    results: dict[str, Phases] = {}
    nonce = uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory(prefix="bench-submit-") as tmp:
        for kind in SERVERS:
            profile = args.profile_gateway if kind == "gateway" else None
            async with server_process(kind, Path(tmp), profile) as (port, stats):
                phases = await drive(port, args, nonce, batches=kind == "gateway")
            phases.callers.server_stats = stats
            results[kind] = phases
    return results


# -- reporting ---------------------------------------------------------------------------


def _ratio(a: float, b: float) -> float:
    return a / b if b else math.nan


def _rounded(value: float, digits: int) -> float | None:
    # NaN (no successful call) is not JSON; null is.
    return None if math.isnan(value) else round(value, digits)


def _cell(value: float | None, width: int = 0) -> str:
    return ("-" if value is None else f"{value:.2f}").rjust(width)


def summary(args: argparse.Namespace, results: dict[str, Phases]) -> dict[str, Any]:
    echo, gateway = results["echo"].callers, results["gateway"].callers
    throughput = _ratio(gateway.rps, echo.rps)
    alone = {kind: r.alone.percentile_ms(50) for kind, r in results.items()}
    alone_ratio = _ratio(alone["gateway"], alone["echo"])
    batches = results["gateway"].batches
    assert batches is not None
    batch_orders_per_s = batches.rps * BATCH
    batch_ratio = _ratio(batch_orders_per_s, gateway.rps)
    return {
        # Both servers run on the loop the gateway would pick here.
        "event_loop": loop_factory()[0],
        "callers": CALLERS,
        "channels": args.channels,
        "requests": args.requests,
        "warmup": args.warmup,
        "servers": {kind: r.callers.as_json() for kind, r in results.items()},
        "ratios": {
            "throughput": _rounded(throughput, 3),
            "p50": _rounded(_ratio(gateway.percentile_ms(50), echo.percentile_ms(50)), 3),
            "p99": _rounded(_ratio(gateway.percentile_ms(99), echo.percentile_ms(99)), 3),
        },
        "target_throughput_ratio": TARGET_THROUGHPUT_RATIO,
        "meets_target": throughput >= TARGET_THROUGHPUT_RATIO,
        "alone": {
            "requests": args.alone,
            "p50_ms": {kind: _rounded(p50, 3) for kind, p50 in alone.items()},
            "ratio": _rounded(alone_ratio, 3),
            "target_ratio": TARGET_ALONE_P50_RATIO,
            "meets_target": alone_ratio <= TARGET_ALONE_P50_RATIO,
            "failed": sum(len(r.alone.failures) for r in results.values()),
        },
        "batches": {
            "size": BATCH,
            "calls": batches.requests,
            "orders_per_s": round(batch_orders_per_s, 1),
            "single_rps": round(gateway.rps, 1),
            "ratio": _rounded(batch_ratio, 3),
            "target_ratio": TARGET_BATCH_RATIO,
            "meets_target": batch_ratio >= TARGET_BATCH_RATIO,
            "failed": len(batches.failures),
        },
    }


def table(report: dict[str, Any]) -> str:
    channels = "one channel" if report["channels"] == "shared" else "a channel each"
    lines = [
        f"SubmitOrder: {report['callers']} callers on {channels}, "
        f"{report['requests']} requests after {report['warmup']} warm-up; servers on the "
        f"{report['event_loop']} event loop",
        "",
        f"{'server':<10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'failed':>8}",
    ]
    for kind, s in report["servers"].items():
        lines.append(
            f"{kind:<10}{s['rps']:>10.1f}{_cell(s['p50_ms'], 10)}"
            f"{_cell(s['p99_ms'], 10)}{s['failed']:>8}"
        )
    r = report["ratios"]
    verdict = "meets" if report["meets_target"] else "MISSES"
    alone, batches = report["alone"], report["batches"]
    lines += [
        "",
        f"gateway/echo  throughput {_cell(r['throughput'])}  "
        f"p50 {_cell(r['p50'])}x  p99 {_cell(r['p99'])}x",
        f"throughput ratio {verdict} the target {report['target_throughput_ratio']}",
        "",
        f"1 caller, {alone['requests']} requests: p50 gateway "
        f"{_cell(alone['p50_ms']['gateway'])} ms, echo {_cell(alone['p50_ms']['echo'])} ms: "
        f"ratio {_cell(alone['ratio'])} "
        f"({_verdict(alone['meets_target'])} the target <= {alone['target_ratio']})",
        f"SubmitOrders, batches of {batches['size']} from {report['callers']} callers: "
        f"{batches['orders_per_s']:.0f} orders/s, single submits {batches['single_rps']:.0f}/s: "
        f"ratio {_cell(batches['ratio'])} "
        f"({_verdict(batches['meets_target'])} the target >= {batches['target_ratio']})",
    ]
    return "\n".join(lines)


def _verdict(met: bool) -> str:
    return "meets" if met else "MISSES"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.submit_throughput", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--requests", type=int, help=f"measured requests per server ({REQUESTS})")
    parser.add_argument("--warmup", type=int, help=f"unmeasured requests first ({WARMUP})")
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few hundred")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--channels",
        choices=["shared", "per-caller"],
        default="shared",
        help="one channel for all callers (the echo server's best here) or one each",
    )
    parser.add_argument(
        "--profile-gateway",
        type=Path,
        metavar="FILE",
        help="run the gateway under cProfile, writing its stats to FILE",
    )
    # The child side: this module is also the server processes' entry point.
    parser.add_argument("--serve", choices=SERVERS, help=argparse.SUPPRESS)
    parser.add_argument("--db", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.requests is None:
        args.requests = QUICK_REQUESTS if args.quick else REQUESTS
    if args.warmup is None:
        args.warmup = QUICK_WARMUP if args.quick else WARMUP
    args.alone = QUICK_ALONE_REQUESTS if args.quick else ALONE_REQUESTS
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be positive and --warmup not negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve:
        run_on_loop(_serve(args.serve, args.db))
        return 0
    results = asyncio.run(run(args))
    report = summary(args, results)
    print(json.dumps(report, indent=2) if args.json else table(report))
    failed = False
    for kind, phases in results.items():
        for result in (phases.callers, phases.alone, phases.batches):
            for failure in result.failures[:5] if result else ():
                print(f"{kind}: call failed: {failure}", file=sys.stderr)
            failed = failed or bool(result and result.failures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
