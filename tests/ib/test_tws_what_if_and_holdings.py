"""What-if orders and positions held elsewhere, as ib_async sees them from the TWS
simulator: a what-if order is answered from the simulated account and places nothing;
a position held besides the executions is in reqPositions and the account's figures."""

from __future__ import annotations

from ib_async import IB, LimitOrder, MarketOrder, Order, Stock

from ibkr_gateway.sim.tws import TwsSimulator
from tests.ib.conftest import qualify, until
from tests.ib.test_tws_queries import buy, by_tag, errors_of

AAPL = Stock("AAPL", "SMART", "USD")


async def test_a_what_if_order_is_answered_from_the_account_and_places_nothing(
    ib: IB, sim: TwsSimulator
) -> None:
    await buy(ib, 10)  # at 100, commission 1.00
    state = await ib.whatIfOrderAsync(await qualify(ib, AAPL), MarketOrder("BUY", 100))
    assert (state.status, state.commission, state.commissionCurrency) == (
        "PreSubmitted",
        1.0,
        "USD",
    )
    assert (state.initMarginBefore, state.initMarginChange, state.initMarginAfter) == (
        "500.00",
        "5000.00",
        "5500.00",
    )
    assert (state.maintMarginBefore, state.maintMarginAfter) == ("250.00", "2750.00")
    assert (state.equityWithLoanBefore, state.equityWithLoanAfter) == ("999999.00", "999998.00")
    # A sale back to flat frees the margin; a limit away from the market costs the
    # difference to the market in equity.
    sale = await ib.whatIfOrderAsync(await qualify(ib, AAPL), LimitOrder("SELL", 10, 99))
    assert (sale.initMarginAfter, sale.equityWithLoanAfter) == ("0.00", "999988.00")
    assert len(sim.exchange.orders) == 1  # the first buy, nothing since
    assert [p.position for p in await ib.reqPositionsAsync()] == [10.0]


async def test_a_refused_what_if_order_is_an_error_of_its_request(
    ib: IB, sim: TwsSimulator
) -> None:
    errors = errors_of(ib)
    sim.refuse_next_what_if = (201, "Order rejected - reason: margin")
    order = Order(action="BUY", totalQuantity=1, orderType="MKT")
    # ib_async ends the request without an order state.
    answer: object = await ib.whatIfOrderAsync(await qualify(ib, AAPL), order)
    assert answer == []
    assert [(code, text) for _, code, text in errors] == [(201, "Order rejected - reason: margin")]
    assert sim.exchange.orders == {}


async def test_a_position_held_elsewhere_is_reported_to_every_client(
    ib: IB, sim: TwsSimulator
) -> None:
    sim.hold("AAPL", "50", "95.5")
    (held,) = await ib.reqPositionsAsync()
    assert (held.account, held.contract.symbol, held.position, held.avgCost) == (
        "DU123456",
        "AAPL",
        50.0,
        95.5,
    )
    assert held.contract.conId == (await qualify(ib, AAPL)).conId
    # The subscribed account updates follow; no cash moved (bought before).
    await until(lambda: [p.position for p in ib.portfolio()] == [50.0])
    assert by_tag(ib.accountValues())["TotalCashValue"] == "1000000.00"
    assert by_tag(ib.accountValues())["NetLiquidation"] == "1005000.00"
    (item,) = ib.portfolio()
    assert (item.realizedPNL, item.unrealizedPNL) == (0.0, 225.0)
    # Trades add to it; 0 takes it away again.
    await buy(ib, 10)
    assert [p.position for p in await ib.reqPositionsAsync()] == [60.0]
    sim.hold("AAPL", "0", "0")
    assert [p.position for p in await ib.reqPositionsAsync()] == [10.0]
