"""The Python runner passes every scenario, and fails when the server misbehaves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.contract.runner import (
    SCENARIOS,
    PositionChange,
    Runner,
    ScenarioFailed,
    check_position_changes,
)
from tests.service.conftest import start_gateway, stop_gateway

SCENARIO_LIST: list[dict[str, Any]] = json.loads(SCENARIOS.read_text())["scenarios"]


@pytest.mark.parametrize("scenario", SCENARIO_LIST, ids=[s["name"] for s in SCENARIO_LIST])
async def test_scenario(tmp_path: Path, scenario: dict[str, Any]) -> None:
    gw = await start_gateway(tmp_path / "contract.db")
    try:
        await Runner(gw.channel).run(scenario, "pytest")
    finally:
        await stop_gateway(gw)


async def test_a_wrong_response_fails_the_runner(tmp_path: Path) -> None:
    """A server whose fills report the wrong price must not pass the suite."""
    gw = await start_gateway(tmp_path / "broken.db")
    try:
        # The market moves a dollar: the scenario expecting a fill at 100 must fail.
        assert gw.server.sim_broker is not None
        exchange = gw.server.sim_broker.exchange
        exchange.default_price = exchange.default_price + 1
        scenario = next(s for s in SCENARIO_LIST if s["name"].startswith("market_order"))
        with pytest.raises(ScenarioFailed, match="price"):
            await Runner(gw.channel).run(scenario, "broken")
    finally:
        await stop_gateway(gw)


def test_position_changes_must_chain_match_and_come_from_the_orders() -> None:
    changes = [
        PositionChange(5, "3", "0", "o1"),
        PositionChange(7, "5", "3", "o2"),
        PositionChange(9, "1", "5", "o3"),
    ]
    check_position_changes(changes, list(changes), ["o1", "o2", "o3"], "1")
    with pytest.raises(ScenarioFailed, match="differ from one read"):
        check_position_changes(changes[:2], changes, ["o1", "o2", "o3"], None)
    broken = [*changes[:2], PositionChange(9, "1", "4", "o3")]
    with pytest.raises(ScenarioFailed, match="was '4' before, not '5'"):
        check_position_changes(broken, broken, ["o1", "o2", "o3"], None)
    with pytest.raises(ScenarioFailed, match="orders"):
        check_position_changes(changes, changes, ["o1", "o3", "o2"], None)
    with pytest.raises(ScenarioFailed, match="last quantity"):
        check_position_changes(changes, changes, ["o1", "o2", "o3"], "2")
