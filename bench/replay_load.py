"""SubmitOrder latency while many streams replay a large journal, as a ratio to the
latency with no stream open; and the gateway's memory meanwhile.

A stream resuming far back replays the journal before it goes live. Many such streams at
once must neither starve the calls that trade (their replay may take only the loop's
spare time) nor hold the journal in memory (each reads it a page at a time). The journal
is written straight through the store; the gateway, the stream readers and this load
generator each run in their own process, so that only the gateway's own loop is
measured.

    python -m bench.replay_load [--events N] [--streams N] [--submits N] [--quick] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from ibkr.gateway.v1 import gateway_pb2, gateway_pb2_grpc

from bench.children import child_process
from bench.journal import write_journal
from bench.submit_throughput import submit_request
from ibkr_gateway.event_loop import run as run_on_loop

EVENTS = 200_000
STREAMS = 100
SUBMITS = 200
QUICK_EVENTS = 20_000
QUICK_STREAMS = 20
QUICK_SUBMITS = 50
WARMUP = 20
# Streams share a few connections, as the clients of one process would.
CHANNELS = 4
GOAL_RATIO = 3.0
CALL_TIMEOUT = 30.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


# -- the children ------------------------------------------------------------------------


async def _serve_gateway(db_path: str) -> None:
    from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer

    gateway = GatewayServer(GatewayConfig(listen="127.0.0.1:0", db_path=db_path))
    port = await gateway.start()
    print(f"port {port}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)
    await gateway.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"stats {json.dumps({'peak_rss_mb': round(peak, 1)})}", flush=True)


async def _serve_readers(port: int, streams: int) -> None:
    """Replays the journal from its start on every stream, reading as fast as it comes;
    says "port N" (the gateway's) once every stream is replaying."""
    channels = [grpc.aio.insecure_channel(f"127.0.0.1:{port}") for _ in range(CHANNELS)]
    counts = [0] * streams
    replaying = asyncio.Event()

    async def read(n: int) -> None:
        stub = gateway_pb2_grpc.OrderGatewayServiceStub(channels[n % CHANNELS])
        call = stub.StreamOrderEvents(gateway_pb2.StreamOrderEventsRequest(after_sequence=0))
        async for message in call:
            if message.HasField("event"):
                counts[n] += 1
                if counts[n] == 1 and all(counts):
                    replaying.set()

    tasks = [asyncio.create_task(read(n)) for n in range(streams)]
    await asyncio.wait_for(replaying.wait(), 60)
    print(f"port {port}", flush=True)
    started, read_before = time.perf_counter(), sum(counts)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)
    seconds, read_since = time.perf_counter() - started, sum(counts) - read_before
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for channel in channels:
        await channel.close()
    stats = {
        "events_per_s": round(read_since / seconds),
        "fewest_read": min(counts),
        "most_read": max(counts),
    }
    print(f"stats {json.dumps(stats)}", flush=True)


# -- the load generator ------------------------------------------------------------------


@dataclass
class Phase:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def p50_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else math.nan


async def submit_one_by_one(
    stub: gateway_pb2_grpc.OrderGatewayServiceAsyncStub, prefix: str, count: int
) -> Phase:
    """One call at a time: each latency is the gateway's answer to a lone caller."""
    phase = Phase()
    for i in range(count):
        started = time.perf_counter()
        try:
            await stub.SubmitOrder(submit_request(f"{prefix}-{i}"), timeout=CALL_TIMEOUT)
        except grpc.aio.AioRpcError as exc:
            phase.failures.append(f"{exc.code().name}: {exc.details()}")
            continue
        phase.latencies.append(time.perf_counter() - started)
    return phase


@contextlib.asynccontextmanager
async def sampling(pid: int, into: list[float]) -> AsyncIterator[None]:
    async def sample() -> None:
        while True:
            into.append(rss_mb(pid))
            await asyncio.sleep(0.1)

    task = asyncio.create_task(sample())
    try:
        yield
    finally:
        task.cancel()


async def run(events: int, streams: int, submits: int) -> dict[str, Any]:
    nonce = uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        db = Path(tmp) / "gateway.db"
        started = time.perf_counter()
        journal = await write_journal(db, events)
        built_in = time.perf_counter() - started
        gateway = child_process("bench.replay_load", "gateway", ["--db", str(db)])
        async with gateway as (port, gateway_stats):
            async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = gateway_pb2_grpc.OrderGatewayServiceStub(channel)
                await submit_one_by_one(stub, f"{nonce}-warm", WARMUP)
                idle = await submit_one_by_one(stub, f"{nonce}-idle", submits)
                pid = gateway_stats.pid
                rss_idle = rss_mb(pid)
                rss_samples: list[float] = []
                readers = child_process(
                    "bench.replay_load", "readers", ["--port", str(port), "--streams", str(streams)]
                )
                async with readers as (_, reader_stats), sampling(pid, rss_samples):
                    loaded = await submit_one_by_one(stub, f"{nonce}-loaded", submits)
    ratio = loaded.p50_ms() / idle.p50_ms()
    peak = max(rss_samples, default=rss_idle)
    return {
        "journal_events": journal,
        "journal_built_s": round(built_in, 1),
        "streams": streams,
        "submits": submits,
        "idle_p50_ms": round(idle.p50_ms(), 3),
        "loaded_p50_ms": round(loaded.p50_ms(), 3),
        "ratio": round(ratio, 2),
        "goal_ratio": GOAL_RATIO,
        "meets_goal": ratio < GOAL_RATIO,
        "failed": len(idle.failures) + len(loaded.failures),
        "failures": (idle.failures + loaded.failures)[:5],
        "replay_events_per_s": reader_stats.get("events_per_s", 0),
        "fewest_read": reader_stats.get("fewest_read", 0),
        "most_read": reader_stats.get("most_read", 0),
        "gateway_rss_idle_mb": round(rss_idle, 1),
        "gateway_rss_peak_mb": round(peak, 1),
        "gateway_rss_growth_mb": round(peak - rss_idle, 1),
        "gateway_peak_rss_mb": gateway_stats.get("peak_rss_mb", math.nan),
    }


def line(report: dict[str, Any]) -> str:
    verdict = "meets" if report["meets_goal"] else "MISSES"
    return (
        f"submit p50 {report['loaded_p50_ms']:.2f} ms while {report['streams']} streams replay "
        f"a {report['journal_events']}-event journal, {report['idle_p50_ms']:.2f} ms idle: "
        f"ratio {report['ratio']:.2f} ({verdict} the goal < {report['goal_ratio']:.0f}); "
        f"replay {report['replay_events_per_s']} events/s in all (each stream read "
        f"{report['fewest_read']}..{report['most_read']}); gateway RSS "
        f"{report['gateway_rss_idle_mb']:.0f} MB idle, {report['gateway_rss_peak_mb']:.0f} MB "
        f"peak while replaying (+{report['gateway_rss_growth_mb']:.0f} MB)"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.replay_load", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--events", type=int, help=f"journal size ({EVENTS})")
    parser.add_argument("--streams", type=int, help=f"streams replaying it ({STREAMS})")
    parser.add_argument("--submits", type=int, help=f"submits timed per phase ({SUBMITS})")
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a line")
    # The children's side: this module is also their entry point.
    parser.add_argument("--serve", choices=("gateway", "readers"), help=argparse.SUPPRESS)
    parser.add_argument("--db", default="", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.events = args.events or (QUICK_EVENTS if args.quick else EVENTS)
    args.streams = args.streams or (QUICK_STREAMS if args.quick else STREAMS)
    args.submits = args.submits or (QUICK_SUBMITS if args.quick else SUBMITS)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve == "gateway":
        run_on_loop(_serve_gateway(args.db))
        return 0
    if args.serve == "readers":
        asyncio.run(_serve_readers(args.port, args.streams))
        return 0
    report = asyncio.run(run(args.events, args.streams, args.submits))
    print(json.dumps(report, indent=2) if args.json else line(report))
    for failure in report["failures"]:
        print(f"call failed: {failure}", file=sys.stderr)
    return 1 if report["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
