"""`ibkr-gateway serve --backend ib` against `ibkr-gateway tws-sim`, both as processes."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


async def _start(*args: str, ready: str) -> tuple[asyncio.subprocess.Process, int]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ibkr_gateway.cli", *args, stderr=asyncio.subprocess.PIPE
    )
    assert proc.stderr is not None
    while True:
        line = (await proc.stderr.readline()).decode()
        if not line:
            raise AssertionError(f"{args[0]} exited with {await proc.wait()}")
        found = re.search(ready + r" 127\.0\.0\.1:(\d+)", line)
        if found:
            return proc, int(found.group(1))


async def test_contract_scenarios_through_both_processes(tmp_path: Path) -> None:
    sim, sim_port = await _start("tws-sim", "--port", "0", ready="tws-sim listening on")
    gateway, port = await _start(
        "serve",
        "--backend",
        "ib",
        "--ib-port",
        str(sim_port),
        "--ib-client-id",
        "5",
        "--ib-account",
        "DU123456",
        "--listen",
        "127.0.0.1:0",
        "--db",
        str(tmp_path / "pair.db"),
        "--heartbeat-interval",
        "0.5",
        ready="gateway serving on",
    )
    drains = [asyncio.create_task(p.stderr.read()) for p in (sim, gateway) if p.stderr]
    try:
        runner = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.contract.runner",
            "--target",
            f"127.0.0.1:{port}",
            "--skip-simulator",
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
        )
        output, _ = await asyncio.wait_for(runner.communicate(), 60)
        text = output.decode()
        assert runner.returncode == 0, text
        assert "6 passed, 0 failed" in text
    finally:
        for proc in (gateway, sim):
            proc.terminate()
            await proc.wait()
        await asyncio.gather(*drains)
