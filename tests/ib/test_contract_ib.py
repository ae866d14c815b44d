"""The contract suite passes on --backend ib against the TWS simulator, as on --backend sim."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import grpc
import pytest

from ibkr_gateway.ib.config import IBGatewayConfig
from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer
from ibkr_gateway.sim.tws import TwsSimulator
from ibkr_gateway.sim.tws.control import TwsMarketControl
from tests.contract.runner import SCENARIOS, Runner, scenario_symbols

SCENARIO_LIST: list[dict[str, Any]] = json.loads(SCENARIOS.read_text())["scenarios"]
CLIENT_ID = 11


@pytest.mark.parametrize("scenario", SCENARIO_LIST, ids=[s["name"] for s in SCENARIO_LIST])
async def test_scenario_on_the_ib_backend(
    sim: TwsSimulator, tmp_path: Path, scenario: dict[str, Any]
) -> None:
    config = GatewayConfig(
        listen="127.0.0.1:0",
        backend="ib",
        db_path=str(tmp_path / "contract-ib.db"),
        heartbeat_interval=0.2,
        ib=IBGatewayConfig(port=sim.port, client_id=CLIENT_ID, account_id="DU123456"),
    )
    # The suite's made-up symbols, listed as IB would list real ones.
    for symbol in scenario_symbols():
        sim.queries.contracts.add_stock(symbol)
    server = GatewayServer(config, market=TwsMarketControl(sim, CLIENT_ID))
    port = await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            await Runner(channel).run(scenario, "ib")
    finally:
        await server.stop()
