"""The printed table of bench.ib_latency."""

from __future__ import annotations

from typing import Any


def cell(value: float | None, width: int = 0, sign: bool = False) -> str:
    if value is None:
        return "-".rjust(width)
    return (f"{value:+.2f}" if sign else f"{value:.2f}").rjust(width)


def table(report: dict[str, Any]) -> str:
    ack, added, burst = report["acknowledgement"], report["added_ms"], report["burst"]
    over = report["over_direct_ms"]
    lines = [
        f"Acknowledgement on the TWS simulator: {report['requests']} orders a path after "
        f"{report['warmup']} warm-up, one at a time, each after {report['idle_gap_ms']} ms idle",
        "",
        f"{'path':<26}{'p50 ms':>10}{'p99 ms':>10}{'failed':>8}",
    ]
    rows = (
        ("direct ib_async", ack["direct"]),
        ("gateway", ack["gateway"]),
        ("  its SubmitOrder reply", ack["gateway_reply"]),
        ("grpc.aio echo (one hop)", ack["echo"]),
    )
    for name, s in rows:
        lines.append(f"{name:<26}{cell(s['p50_ms'], 10)}{cell(s['p99_ms'], 10)}{s['failed']:>8}")
    depth = burst["max_queue_depth"]
    lines += [
        "",
        f"gateway - direct         p50 {cell(over['p50'], sign=True)} ms  "
        f"p99 {cell(over['p99'], sign=True)} ms",
        f"  less one echo hop      p50 {cell(added['p50'], sign=True)} ms  "
        f"p99 {cell(added['p99'], sign=True)} ms",
    ]
    for p, (target, meets) in report["goals"].items():
        lines.append(
            f"{p} of the gateway's own cost {'meets' if meets else 'MISSES'} "
            f"the goal of +{target:.2f} ms"
        )
    lines += [
        "",
        f"Burst: {burst['orders']} orders from {burst['callers']} callers, "
        f"paced at {burst['rate']} messages/s",
        "",
        f"{'accepted s':>12}{'drain s':>10}{'floor s':>10}{'drain/floor':>13}"
        f"{'max queue':>11}{'failed':>8}",
        f"{cell(burst['accepted_s'], 12)}{cell(burst['drain_s'], 10)}"
        f"{cell(burst['floor_s'], 10)}{cell(burst['ratio'], 13)}"
        f"{'-' if depth is None else str(int(depth)):>11}{burst['failed']:>8}",
    ]
    throttled = report["gateway_stats"].get("ib_async_throttled_s")
    if throttled:
        lines.append(f"ib_async held messages back (its own throttle) for {throttled:.2f} s")
    return "\n".join(lines)
