"""The IB latency benchmark runs end to end: simulator, gateway and echo server answer
every order, and the burst drains."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quick_ib_benchmark_reports_latency_and_burst_drain() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.ib_latency", "--quick", "--json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    for path in ("direct", "gateway", "gateway_reply", "echo"):
        latency = report["acknowledgement"][path]
        assert latency["failed"] == 0
        assert latency["succeeded"] == report["requests"]
        assert 0 < latency["p50_ms"] <= latency["p99_ms"]
    # An order is acknowledged on the stream only after its SubmitOrder reply.
    gateway = report["acknowledgement"]["gateway"]
    assert report["acknowledgement"]["gateway_reply"]["p50_ms"] <= gateway["p50_ms"]
    for p in ("p50", "p99"):
        target, meets = report["goals"][p]
        assert target > 0
        assert isinstance(meets, bool)
        assert report["added_ms"][p] < report["over_direct_ms"][p]
    burst = report["burst"]
    assert burst["failed"] == 0
    assert 0 < burst["accepted_s"] <= burst["drain_s"]
    assert burst["floor_s"] == burst["orders"] / burst["rate"]
    assert burst["ratio"] > 0
    assert burst["max_queue_depth"] >= 1
