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
from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer
from tests.service.conftest import (
    Gateway,
    error_details,
    error_metadata,
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
        # A trailing stop 11 away from the reference 100 stops 11% from it.
        (
            order_spec(
                "trail",
                side=S.SIDE_SELL,
                order_type=S.ORDER_TYPE_TRAILING_STOP,
                trailing_amount="11",
            ),
            "RISK_PRICE_COLLAR",
        ),
        # Market-like types are held to the notional limit at the reference price.
        (
            order_spec("moc", quantity="501", order_type=S.ORDER_TYPE_MARKET_ON_CLOSE),
            "RISK_MAX_NOTIONAL",
        ),
        (order_spec("rel", quantity="501", order_type=S.ORDER_TYPE_RELATIVE), "RISK_MAX_NOTIONAL"),
        # A trigger is a price like a stop.
        (
            order_spec("mit", order_type=S.ORDER_TYPE_MARKET_IF_TOUCHED, stop_price="89"),
            "RISK_PRICE_COLLAR",
        ),
        # A sell trailing stop-limit 9 below the reference has its limit 2 below that:
        # 11% from it.
        (
            order_spec(
                "trail-limit",
                side=S.SIDE_SELL,
                order_type=S.ORDER_TYPE_TRAILING_STOP_LIMIT,
                trailing_amount="9",
                limit_offset="2",
            ),
            "RISK_PRICE_COLLAR",
        ),
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


@pytest.mark.parametrize(
    ("at_limit", "past_limit", "reason"),
    [
        # DU2: at most 5 MSFT.
        (
            limit_spec("q-at", "99", symbol="MSFT", account="DU2", quantity="5"),
            limit_spec("q-past", "99", symbol="MSFT", account="DU2", quantity="5.00000001"),
            "RISK_MAX_QUANTITY",
        ),
        # At most 50,000 of notional, at the reference price 100.
        (
            limit_spec("n-at", "100", quantity="500"),
            limit_spec("n-past", "100", quantity="500.00000001"),
            "RISK_MAX_NOTIONAL",
        ),
        # ...or at the order's own price where it may trade higher.
        (
            limit_spec("p-at", "100", quantity="500"),
            limit_spec("p-past", "100.01", quantity="500"),
            "RISK_MAX_NOTIONAL",
        ),
    ],
)
async def test_limits_hold_exactly_at_the_boundary(
    gw: Gateway, at_limit: orders_pb2.OrderSpec, past_limit: orders_pb2.OrderSpec, reason: str
) -> None:
    assert await refused(gw, past_limit) == (grpc.StatusCode.FAILED_PRECONDITION, reason)
    assert gw.server.store.last_sequence == 0
    accepted = await submit(gw, at_limit)
    assert accepted.status == S.ORDER_STATUS_PENDING_SUBMIT


async def test_a_stock_multiplier_other_than_one_is_invalid(gw: Gateway) -> None:
    # 600 x 100 is over the notional limit; a multiplier of 0.01 would have hidden it.
    spec = limit_spec("tiny-mult", "99", quantity="600")
    spec.contract.multiplier = "0.01"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await submit(gw, spec)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_details(caught.value)[1] == {
        "order.contract.multiplier": "must be empty or 1 for STK"
    }
    spec.contract.multiplier = "1"
    assert await refused(gw, spec) == (grpc.StatusCode.FAILED_PRECONDITION, "RISK_MAX_NOTIONAL")
    assert gw.server.store.last_sequence == 0


def bracket(
    coid: str, entry: str, take_profit: str, stop_loss: str, stop_limit: str = "", **kw: str
) -> gateway_pb2.SubmitBracketOrderRequest:
    return gateway_pb2.SubmitBracketOrderRequest(
        parent=limit_spec(coid, entry, **kw),
        take_profit_limit_price=take_profit,
        stop_loss_stop_price=stop_loss,
        stop_loss_limit_price=stop_limit,
    )


@pytest.mark.parametrize(
    ("request_", "reason", "leg"),
    [
        (bracket("b-tp", "100", "111", "95"), "RISK_PRICE_COLLAR", "b-tp.tp"),
        (bracket("b-sl", "100", "105", "89"), "RISK_PRICE_COLLAR", "b-sl.sl"),
        (bracket("b-sll", "100", "105", "95", "89"), "RISK_PRICE_COLLAR", "b-sll.sl"),
        # 490 x 100 is within 50,000 for the entry; the take-profit sells at 109.
        (bracket("b-n", "100", "109", "95", quantity="490"), "RISK_MAX_NOTIONAL", "b-n.tp"),
    ],
)
async def test_bracket_children_are_held_to_the_limits(
    gw: Gateway, request_: gateway_pb2.SubmitBracketOrderRequest, reason: str, leg: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.stub.SubmitBracketOrder(request_)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error_details(caught.value)[0] == reason
    assert error_metadata(caught.value)["client_order_id"] == leg
    assert gw.server.store.last_sequence == 0
    assert gw.server.sim_broker is not None
    assert gw.server.sim_broker.exchange.orders == {}
    within = await gw.stub.SubmitBracketOrder(bracket("b-ok", "100", "110", "90", quantity="450"))
    assert within.parent.status == S.ORDER_STATUS_PENDING_SUBMIT


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


def test_a_price_collar_stops_the_start_on_the_ib_backend(tmp_path: Path) -> None:
    risk = tmp_path / "collar.toml"
    risk.write_text('[accounts.DU1]\nprice_collar_percent = "5"\n')
    db = tmp_path / "ib.db"
    with pytest.raises(RiskFileError, match="price_collar_percent needs a reference price"):
        GatewayServer(GatewayConfig(backend="ib", db_path=str(db), risk_file=str(risk)))
    assert not db.exists()


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
