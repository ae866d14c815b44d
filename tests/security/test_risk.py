"""Pre-trade limits per account and the kill switch: refused orders never reach the broker."""

from __future__ import annotations

import tomllib
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import grpc
import pytest
from ibkr.gateway.v1 import gateway_pb2, orders_pb2

from ibkr_gateway.risk.limits import RiskConfig, RiskFileError
from tests.service.conftest import (
    Gateway,
    error_details,
    limit_spec,
    order_spec,
    reaches,
    read_events,
    start_gateway,
    stop_gateway,
    submit,
)

S = orders_pb2
RISK = """
[defaults]
max_quantity = "1000"
max_notional = "50000"
price_collar_percent = "10"
max_open_orders = 3
allowed_sec_types = ["STK"]

[accounts.DU2]
max_quantity = "5"
allowed_symbols = ["MSFT"]

[rate]
orders_per_second = 50
"""


@pytest.fixture
async def gw(tmp_path: Path) -> AsyncIterator[Gateway]:
    risk = tmp_path / "risk.toml"
    risk.write_text(RISK)
    gateway = await start_gateway(tmp_path / "risk.db", risk_file=str(risk))
    try:
        yield gateway
    finally:
        await stop_gateway(gateway)


async def refused(gw: Gateway, spec: orders_pb2.OrderSpec) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await submit(gw, spec)
    return caught.value.code(), error_details(caught.value)[0]


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        (limit_spec("q", "99", quantity="1001"), "RISK_MAX_QUANTITY"),
        (limit_spec("n", "99", quantity="600"), "RISK_MAX_NOTIONAL"),  # 600 x 100 > 50,000
        (limit_spec("c-lo", "89"), "RISK_PRICE_COLLAR"),  # 11% under the reference 100
        (limit_spec("c-hi", "111"), "RISK_PRICE_COLLAR"),
        (limit_spec("sym", "99", symbol="AAPL", account="DU2"), "RISK_SYMBOL_NOT_ALLOWED"),
        (limit_spec("q2", "99", symbol="MSFT", account="DU2", quantity="6"), "RISK_MAX_QUANTITY"),
    ],
)
async def test_orders_over_a_limit_are_refused_and_never_stored(
    gw: Gateway, spec: orders_pb2.OrderSpec, reason: str
) -> None:
    assert await refused(gw, spec) == (grpc.StatusCode.FAILED_PRECONDITION, reason)
    assert gw.server.store.last_sequence == 0
    assert gw.server.sim_broker is not None
    assert gw.server.sim_broker.exchange.orders == {}


async def test_security_type_and_open_order_limits(gw: Gateway) -> None:
    option = limit_spec("opt", "99")
    option.contract.sec_type = S.SECURITY_TYPE_OPTION
    assert (await refused(gw, option))[1] == "RISK_SEC_TYPE_NOT_ALLOWED"
    for i in range(3):
        await submit(gw, limit_spec(f"open-{i}", "95"))
    assert (await refused(gw, limit_spec("open-3", "95")))[1] == "RISK_MAX_OPEN_ORDERS"
    # A retry of an accepted order is still answered with the original.
    again = await submit(gw, limit_spec("open-0", "95"))
    assert again.spec.client_order_id == "open-0"
    # A cancelled order no longer counts.
    await gw.stub.CancelOrder(gateway_pb2.CancelOrderRequest(order_id=again.order_id))
    await read_events(gw, until=reaches(again.order_id, S.ORDER_STATUS_CANCELLED))
    await submit(gw, limit_spec("open-4", "95"))


async def test_a_modification_is_checked_too(gw: Gateway) -> None:
    order = await submit(gw, limit_spec("mod", "95"))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.stub.ModifyOrder(
            gateway_pb2.ModifyOrderRequest(order_id=order.order_id, quantity="2000")
        )
    assert error_details(caught.value)[0] == "RISK_MAX_QUANTITY"


async def test_order_rate_per_caller(tmp_path: Path) -> None:
    risk = tmp_path / "rate.toml"
    risk.write_text("[rate]\norders_per_second = 3\n")
    gw = await start_gateway(tmp_path / "rate.db", risk_file=str(risk))
    try:
        for i in range(3):
            await submit(gw, limit_spec(f"r{i}", "50"))
        assert await refused(gw, limit_spec("r3", "50")) == (
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            "RISK_ORDER_RATE",
        )
    finally:
        await stop_gateway(gw)


async def test_kill_switch_cancels_everything_and_blocks_until_released(tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    gw = await start_gateway(db)
    working = await submit(gw, limit_spec("ks-1", "95"))
    engaged = await gw.stub.SetKillSwitch(
        gateway_pb2.SetKillSwitchRequest(engaged=True, reason="runaway strategy")
    )
    assert engaged.kill_switch.engaged
    assert engaged.kill_switch.set_by == "local"
    assert [o.order_id for o in engaged.cancelled_orders] == [working.order_id]
    assert await refused(gw, order_spec("ks-2")) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "KILL_SWITCH_ENGAGED",
    )
    # It survives a restart.
    await stop_gateway(gw)
    restarted = await start_gateway(db)
    try:
        state = await restarted.stub.GetKillSwitch(gateway_pb2.GetKillSwitchRequest())
        assert state.kill_switch.engaged
        assert state.kill_switch.reason == "runaway strategy"
        assert (await refused(restarted, order_spec("ks-3")))[1] == "KILL_SWITCH_ENGAGED"
        await restarted.stub.SetKillSwitch(gateway_pb2.SetKillSwitchRequest(engaged=False))
        await submit(restarted, order_spec("ks-4"))
    finally:
        await stop_gateway(restarted)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[limits]\n", "unknown sections"),
        ("[defaults]\nmax_quantity = -1\n", "positive"),
        ("[defaults]\nmax_qty = 1\n", "unknown keys"),
        ("[defaults]\nallowed_sec_types = ['SHARES']\n", "allowed_sec_types"),
        ("[rate]\norders_per_second = 0\n", "positive integer"),
    ],
)
def test_bad_risk_files_are_refused(text: str, message: str) -> None:
    with pytest.raises(RiskFileError, match=message):
        RiskConfig.parse(tomllib.loads(text))


def test_account_limits_override_the_defaults_key_by_key() -> None:
    config = RiskConfig.parse(tomllib.loads(RISK))
    du2 = config.for_account("DU2")
    assert (du2.max_quantity, du2.max_notional) == (Decimal(5), Decimal(50000))
    assert config.for_account("other").allowed_symbols is None
