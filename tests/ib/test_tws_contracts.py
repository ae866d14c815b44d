"""Contracts in the TWS simulator: reqContractDetails as ib_async sees it (a stable conId
per contract, the one orders get too; unknown symbols answered with error 200; a bare
symbol listed as stock and option answered with both), and prices off the contract's
minimum tick refused with error 110."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ib_async import IB, Contract, LimitOrder, MarketOrder, Order, Stock, StopOrder

from ibkr_gateway.sim.tws import TwsSimulator
from ibkr_gateway.sim.tws.contracts import con_id_for, min_tick
from ibkr_gateway.sim.tws.order_rules import OFF_TICK, validate
from ibkr_gateway.sim.tws.place_order import PlaceOrder
from ibkr_gateway.sim.tws.queries import NO_SECURITY_DEFINITION_TEXT
from tests.ib.conftest import qualify, until
from tests.ib.test_tws_requests import placed

AAPL = Stock("AAPL", "SMART", "USD")
OFF_TICK_TEXT = "The price does not conform to the minimum price variation for this contract."


def errors_of(ib: IB) -> list[tuple[int, int, str]]:
    seen: list[tuple[int, int, str]] = []
    ib.errorEvent += lambda req_id, code, text, _contract: seen.append((req_id, code, text))
    return seen


async def test_contract_details_of_a_listed_stock(ib: IB) -> None:
    (details,) = await ib.reqContractDetailsAsync(AAPL)
    c = details.contract
    assert c is not None
    assert (c.symbol, c.secType, c.exchange, c.currency) == ("AAPL", "STK", "SMART", "USD")
    assert (c.conId, c.primaryExchange, c.tradingClass) == (con_id_for("AAPL"), "NASDAQ", "AAPL")
    assert (details.minTick, details.longName, details.marketRuleIds) == (0.01, "APPLE INC", "26")
    assert details.timeZoneId == "US/Eastern"


async def test_qualify_fills_the_con_id_that_unqualified_orders_get_too(ib: IB) -> None:
    qualified = await qualify(ib, Stock("AAPL", "SMART", "USD"))
    assert qualified.conId == con_id_for("AAPL")
    again = await ib.reqContractDetailsAsync(Contract(conId=qualified.conId))
    assert [d.contract.symbol for d in again if d.contract] == ["AAPL"]
    trades = [
        ib.placeOrder(qualified, MarketOrder("BUY", 3)),
        ib.placeOrder(AAPL, MarketOrder("BUY", 4)),
    ]
    await until(lambda: all(t.isDone() for t in trades))
    positions = await ib.reqPositionsAsync()
    assert [(p.contract.conId, p.position) for p in positions] == [(qualified.conId, 7.0)]


async def test_an_unknown_symbol_is_answered_with_error_200(ib: IB) -> None:
    errors = errors_of(ib)
    assert await ib.reqContractDetailsAsync(Stock("NOPE", "SMART", "USD")) == []
    ((_, code, text),) = errors
    assert (code, text) == (200, NO_SECURITY_DEFINITION_TEXT)


async def test_a_symbol_with_a_price_at_the_exchange_is_listed(ib: IB, sim: TwsSimulator) -> None:
    assert await ib.reqContractDetailsAsync(Stock("ZZZZ", "SMART", "USD")) == []
    sim.set_price("ZZZZ", "5")
    (details,) = await ib.reqContractDetailsAsync(Stock("ZZZZ", "SMART", "USD"))
    assert details.contract is not None
    assert details.contract.conId == con_id_for("ZZZZ")


async def test_a_bare_symbol_listed_as_stock_and_option_answers_both(
    ib: IB, sim: TwsSimulator
) -> None:
    option = sim.queries.contracts.add_option("AAPL", "20261218", "200", "C")
    both = await ib.reqContractDetailsAsync(Contract(symbol="AAPL"))
    assert [(d.contract.secType, d.contract.conId) for d in both if d.contract] == [
        ("STK", con_id_for("AAPL")),
        ("OPT", option.con_id),
    ]
    opt = both[1]
    assert opt.contract is not None
    assert (opt.contract.localSymbol, opt.contract.multiplier) == ("AAPL  261218C00200000", "100")
    assert (opt.contract.strike, opt.contract.right) == (200.0, "C")
    assert (opt.underConId, opt.underSymbol, opt.longName) == (
        con_id_for("AAPL"),
        "AAPL",
        "APPLE INC",
    )
    # Narrowed by type, the request is no longer ambiguous.
    assert len(await ib.reqContractDetailsAsync(AAPL)) == 1
    assert len(await ib.reqContractDetailsAsync(Contract(symbol="AAPL", secType="OPT"))) == 1


@pytest.mark.parametrize(
    ("price", "tick"),
    [("187.25", "0.01"), ("1", "0.01"), ("0.9999", "0.0001"), ("0.5", "0.0001")],
)
def test_min_tick_of_us_stocks(price: str, tick: str) -> None:
    assert min_tick("STK", Decimal(price)) == Decimal(tick)


ON_AND_OFF_TICK: dict[str, tuple[Order, bool]] = {
    "LMT on tick": (LimitOrder("BUY", 1, 50), True),
    "LMT cents": (LimitOrder("BUY", 1, 187.25), True),
    "LMT sub-dollar": (LimitOrder("BUY", 1, 0.5001), True),
    "LMT half cent": (LimitOrder("BUY", 1, 100.005), False),
    "LMT sub-dollar off": (LimitOrder("BUY", 1, 0.50005), False),
    "STP off": (StopOrder("SELL", 1, 99.999), False),
    "TRAIL amount off": (
        Order(action="SELL", totalQuantity=1, orderType="TRAIL", auxPrice=0.125),
        False,
    ),
    "TRAIL stop price off": (
        Order(action="SELL", totalQuantity=1, orderType="TRAIL", auxPrice=1, trailStopPrice=9.001),
        False,
    ),
    "TRAIL percent": (
        Order(action="SELL", totalQuantity=1, orderType="TRAIL", trailingPercent=1.25),
        True,
    ),
}


@pytest.mark.parametrize("case", list(ON_AND_OFF_TICK))
def test_prices_must_conform_to_the_min_tick(case: str) -> None:
    order, conforms = ON_AND_OFF_TICK[case]
    request: PlaceOrder = placed(order)
    if conforms:
        validate(request, "DU123456")
        return
    with pytest.raises(Exception, match=f"IB error {OFF_TICK}") as raised:
        validate(request, "DU123456")
    assert getattr(raised.value, "message", "") == OFF_TICK_TEXT


async def test_a_new_order_off_tick_is_refused_with_110(ib: IB, sim: TwsSimulator) -> None:
    errors = errors_of(ib)
    trade = ib.placeOrder(AAPL, LimitOrder("BUY", 1, 100.005))
    await until(lambda: errors)
    assert errors == [(trade.order.orderId, 110, OFF_TICK_TEXT)]
    assert trade.orderStatus.status == "Cancelled"  # ib_async ends a refused new order
    assert sim.exchange.orders == {}


async def test_a_modify_off_tick_is_refused_and_the_order_keeps_working(
    ib: IB, sim: TwsSimulator
) -> None:
    errors = errors_of(ib)
    trade = ib.placeOrder(AAPL, LimitOrder("BUY", 1, 90))
    await until(lambda: trade.orderStatus.status == "Submitted")
    trade.order.lmtPrice = 90.001
    ib.placeOrder(AAPL, trade.order)
    await until(lambda: errors)
    assert errors == [(trade.order.orderId, 110, OFF_TICK_TEXT)]
    at_exchange = sim.exchange_order(trade.order.orderId)
    assert (at_exchange.status, at_exchange.limit_price) == ("Submitted", Decimal(90))
