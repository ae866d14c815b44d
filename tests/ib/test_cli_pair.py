"""`ibkr-gateway serve --backend ib` against `ibkr-gateway tws-sim`, both as processes."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from tests.contract.runner import scenario_symbols
from tests.process import GATEWAY_READY, TWS_SIM_READY, cli_process

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


async def test_contract_scenarios_through_both_processes(tmp_path: Path) -> None:
    async with (
        cli_process(
            "tws-sim",
            "--port",
            "0",
            *(arg for symbol in scenario_symbols() for arg in ("--list-stock", symbol)),
            ready=TWS_SIM_READY,
        ) as (_, sim_port),
        cli_process(
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
            ready=GATEWAY_READY,
        ) as (_, port),
    ):
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
    assert "8 passed, 0 failed" in text
