"""`ibkr-gateway serve --backend ib` against `ibkr-gateway tws-sim`, both as processes."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from ib_async import IB

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
    assert "10 passed, 0 failed" in text


async def test_tws_sim_holds_positions_from_the_start() -> None:
    async with cli_process(
        "tws-sim",
        "--port",
        "0",
        "--hold",
        "AAPL:100@95.5",
        "--hold",
        "zzz:-3@7",
        ready=TWS_SIM_READY,
    ) as (_, sim_port):
        ib = IB()
        await ib.connectAsync("127.0.0.1", sim_port, clientId=3, timeout=5)
        try:
            held = {
                p.contract.symbol: (p.position, p.avgCost) for p in await ib.reqPositionsAsync()
            }
        finally:
            ib.disconnect()
    # A symbol the simulator did not list is listed to hold it.
    assert held == {"AAPL": (100.0, 95.5), "ZZZ": (-3.0, 7.0)}


@pytest.mark.parametrize("value", ["AAPL", "AAPL:x@1", "AAPL:1@-2", ":1@2"])
async def test_tws_sim_refuses_a_holding_it_cannot_read(value: str) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ibkr_gateway.cli",
        "tws-sim",
        "--port",
        "0",
        "--hold",
        value,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    assert "SYMBOL:QUANTITY@COST" in err.decode()
