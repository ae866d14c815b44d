"""The benchmark runs end to end: both servers answer every call."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quick_benchmark_reports_throughput_for_both_servers() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.submit_throughput", "--quick", "--json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    for kind in ("echo", "gateway"):
        server = report["servers"][kind]
        assert server["failed"] == 0
        assert server["rps"] > 0
    assert report["ratios"]["throughput"] > 0


def _quick(module: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", module, "--quick", "--json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout)
    return report


@pytest.mark.slow
def test_quick_replay_benchmark_reports_a_ratio_and_a_verdict() -> None:
    report = _quick("bench.replay_load")
    assert report["failed"] == 0
    assert isinstance(report["ratio"], float)
    assert report["ratio"] > 0
    assert isinstance(report["meets_goal"], bool)


@pytest.mark.slow
def test_quick_finished_orders_benchmark_reports_growth_and_a_verdict() -> None:
    report = _quick("bench.finished_orders")
    assert report["journal_events"] == 4 * 10_000
    assert isinstance(report["meets_goal"], bool)


@pytest.mark.slow
def test_quick_fanout_benchmark_reports_every_figure_and_a_verdict() -> None:
    report: dict[str, Any] = _quick("bench.fanout")
    assert report["failed"] == 0
    assert report["delivered"] == report["expected"]
    for figure in ("delivery_ratio", "submit_ratio", "latency_p99_ms"):
        value = report[figure]
        assert isinstance(value, float)
        assert value > 0
        assert isinstance(report["goals"][figure][1], bool)


@pytest.mark.slow
def test_quick_submit_benchmark_reports_one_caller_and_batches() -> None:
    report: dict[str, Any] = _quick("bench.submit_throughput")
    assert report["alone"]["failed"] == 0
    assert report["alone"]["ratio"] > 0
    assert report["batches"]["failed"] == 0
    assert report["batches"]["ratio"] > 0
    assert isinstance(report["batches"]["meets_target"], bool)


@pytest.mark.slow
def test_quick_publish_benchmark_reports_latency_with_nats_up_and_down() -> None:
    report = _quick("bench.publish")
    assert report["failed"] == 0
    for phase in ("baseline_p50_ms", "nats_up_p50_ms", "nats_down_p50_ms"):
        p50 = report[phase]
        assert isinstance(p50, float)
        assert p50 > 0
    assert isinstance(report["meets_goal"], bool)
    journal = report["journal_events"]
    assert isinstance(journal, int)
    assert journal > 0
