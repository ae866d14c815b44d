"""SubmitOrder latency with the journal published to NATS JetStream, while NATS is up and
while it is down, as a ratio; with a gateway that does not publish as the baseline; and
how fast the stream catches up once NATS is back.

Trading must not wait for NATS: with NATS down the publisher only retries its connection,
so a submit must take what it takes with NATS up (the goal: a ratio below 1.5). The
gateway and the load generator run in their own processes; nats-server (Debian's, `make
nats`) in its own, on 127.0.0.1.

    python -m bench.publish [--submits N] [--quick] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import nats
from ibkr.gateway.v1 import gateway_pb2, gateway_pb2_grpc

from bench.children import child_process
from bench.replay_load import Phase, submit_one_by_one
from ibkr_gateway.event_loop import run as run_on_loop
from ibkr_gateway.publish.messages import stream_name
from tests.nats_server import NatsServer

SUBMITS = 600
QUICK_SUBMITS = 40
ROUNDS = 6
QUICK_ROUNDS = 2
WARMUP = 20
GOAL_RATIO = 1.5
CATCH_UP_TIMEOUT = 120.0


async def _serve_gateway(db_path: str, publish: str) -> None:
    from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer

    gateway = GatewayServer(GatewayConfig(listen="127.0.0.1:0", db_path=db_path, publish=publish))
    port = await gateway.start()
    print(f"port {port}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)
    await gateway.stop()


async def journal_head(stub: gateway_pb2_grpc.OrderGatewayServiceAsyncStub) -> int:
    """The journal's last sequence: the heartbeat after replaying it for no order."""
    call = stub.StreamOrderEvents(gateway_pb2.StreamOrderEventsRequest(order_id="no-such-order"))
    async for message in call:
        if message.HasField("heartbeat"):
            call.cancel()
            return message.heartbeat.last_sequence
    raise RuntimeError("the stream ended without a heartbeat")


async def stream_messages(url: str) -> int:
    nc = await nats.connect(url)
    try:
        return int((await nc.jetstream().stream_info(stream_name("default"))).state.messages)
    finally:
        await nc.close()


@dataclass
class Measured:
    baseline: Phase = field(default_factory=Phase)
    up: Phase = field(default_factory=Phase)
    down: Phase = field(default_factory=Phase)
    catch_up_s: list[float] = field(default_factory=list)
    journal: int = 0


def add(phase: Phase, more: Phase) -> None:
    phase.latencies += more.latencies
    phase.failures += more.failures


async def measure(tmp: Path, submits: int, rounds: int) -> Measured:
    """Rounds of: submits to a gateway that does not publish, to one that does with NATS
    up, then with NATS killed; NATS restarted, until the stream holds the journal.
    Interleaved, so that the load of a shared machine weighs on every phase alike."""
    nonce = uuid.uuid4().hex[:8]
    server = NatsServer(tmp / "jetstream")
    await server.start()
    plain = child_process("bench.publish", "gateway", ["--db", str(tmp / "plain.db")])
    publishing = child_process(
        "bench.publish", "gateway", ["--db", str(tmp / "pub.db"), "--publish", server.url]
    )
    measured = Measured()
    per_round = max(1, submits // rounds)
    try:
        async with (
            plain as (plain_port, _),
            publishing as (port, _),
            grpc.aio.insecure_channel(f"127.0.0.1:{plain_port}") as plain_channel,
            grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel,
        ):
            base = gateway_pb2_grpc.OrderGatewayServiceStub(plain_channel)
            stub = gateway_pb2_grpc.OrderGatewayServiceStub(channel)
            await submit_one_by_one(base, f"{nonce}-warm", WARMUP)
            await submit_one_by_one(stub, f"{nonce}-warm", WARMUP)
            for r in range(rounds):
                for phase, target, name in (
                    (measured.baseline, base, "base"),
                    (measured.up, stub, "up"),
                ):
                    add(phase, await submit_one_by_one(target, f"{nonce}-{name}{r}", per_round))
                await server.kill()
                add(measured.down, await submit_one_by_one(stub, f"{nonce}-down{r}", per_round))
                measured.journal = await journal_head(stub)
                await server.start()
                restarted = time.perf_counter()
                async with asyncio.timeout(CATCH_UP_TIMEOUT):
                    while await stream_messages(server.url) < measured.journal:  # noqa: ASYNC110
                        await asyncio.sleep(0.01)
                measured.catch_up_s.append(time.perf_counter() - restarted)
    finally:
        await server.stop()
    return measured


async def run(submits: int, rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        measured = await measure(Path(tmp), submits, rounds)
    phases = (measured.baseline, measured.up, measured.down)
    baseline, up, down = (phase.p50_ms() for phase in phases)
    ratio = down / up
    failures = [f for phase in phases for f in phase.failures]
    return {
        "submits": len(measured.up.latencies),
        "rounds": rounds,
        "baseline_p50_ms": round(baseline, 3),
        "nats_up_p50_ms": round(up, 3),
        "nats_down_p50_ms": round(down, 3),
        "ratio": round(ratio, 2),
        "up_vs_baseline": round(up / baseline, 2),
        "goal_ratio": GOAL_RATIO,
        "meets_goal": bool(ratio < GOAL_RATIO),
        "journal_events": measured.journal,
        "catch_up_s_median": round(statistics.median(measured.catch_up_s), 2),
        "failed": len(failures),
        "failures": failures[:5],
    }


def line(report: dict[str, Any]) -> str:
    verdict = "meets" if report["meets_goal"] else "MISSES"
    return (
        f"submit p50 {report['nats_down_p50_ms']:.2f} ms with NATS down, "
        f"{report['nats_up_p50_ms']:.2f} ms with it up: ratio {report['ratio']:.2f} "
        f"({verdict} the goal < {report['goal_ratio']}); "
        f"{report['baseline_p50_ms']:.2f} ms without --publish "
        f"(x{report['up_vs_baseline']:.2f} with it up); {report['submits']} submits a phase in "
        f"{report['rounds']} interleaved rounds; the stream held the journal again "
        f"{report['catch_up_s_median']:.2f} s (median) after NATS restarted"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.publish", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--submits", type=int, help=f"submits timed per phase ({SUBMITS})")
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a line")
    # The gateway's side: this module is also its entry point.
    parser.add_argument("--serve", choices=("gateway",), help=argparse.SUPPRESS)
    parser.add_argument("--db", default="", help=argparse.SUPPRESS)
    parser.add_argument("--publish", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.submits = args.submits or (QUICK_SUBMITS if args.quick else SUBMITS)
    args.rounds = QUICK_ROUNDS if args.quick else ROUNDS
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve == "gateway":
        run_on_loop(_serve_gateway(args.db, args.publish))
        return 0
    report = asyncio.run(run(args.submits, args.rounds))
    print(json.dumps(report, indent=2) if args.json else line(report))
    for failure in report["failures"]:
        print(f"call failed: {failure}", file=sys.stderr)
    return 1 if report["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
