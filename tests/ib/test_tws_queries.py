"""Account and market data requests to the TWS simulator, as ib_async makes them: the
account summary and account updates follow the simulator's executions and prices, and
quotes come from the exchange's reference price, as a snapshot or a stream."""

from __future__ import annotations

from decimal import Decimal

from ib_async import IB, AccountValue, Contract, LimitOrder, MarketOrder, Stock, Ticker

from ibkr_gateway.sim.tws import TwsSimulator
from ibkr_gateway.sim.tws.queries import (
    DELAYED_INSTEAD,
    NO_SECURITY_DEFINITION,
    NOT_SUBSCRIBED,
)
from tests.ib.conftest import qualify, until

AAPL = Stock("AAPL", "SMART", "USD")
SUMMARY_TAGS = ("NetLiquidation", "TotalCashValue", "BuyingPower", "AvailableFunds")


def errors_of(ib: IB) -> list[tuple[int, int, str]]:
    seen: list[tuple[int, int, str]] = []
    ib.errorEvent += lambda req_id, code, text, _contract: seen.append((req_id, code, text))
    return seen


def by_tag(values: list[AccountValue], currency: str = "USD") -> dict[str, str]:
    return {v.tag: v.value for v in values if v.currency in (currency, "")}


async def buy(ib: IB, quantity: int) -> None:
    trade = ib.placeOrder(AAPL, MarketOrder("BUY", quantity))
    await until(lambda: trade.isDone() and trade.fills and trade.fills[-1].commissionReport.execId)


async def test_account_summary_is_cash_and_positions_at_market(ib: IB, sim: TwsSimulator) -> None:
    fresh = by_tag(await ib.accountSummaryAsync())
    assert {t: fresh[t] for t in (*SUMMARY_TAGS, "GrossPositionValue")} == {
        "NetLiquidation": "1000000.00",
        "TotalCashValue": "1000000.00",
        "BuyingPower": "4000000.00",
        "AvailableFunds": "1000000.00",
        "GrossPositionValue": "0.00",
    }
    assert fresh["AccountType"] == "INDIVIDUAL"
    await buy(ib, 10)  # at 100, commission 1.00
    sim.set_price("AAPL", "110")
    ib.wrapper.acctSummary.clear()  # ask again rather than read what was kept
    after = by_tag(await ib.accountSummaryAsync())
    assert {t: after[t] for t in (*SUMMARY_TAGS, "GrossPositionValue", "InitMarginReq")} == {
        "TotalCashValue": "998999.00",
        "NetLiquidation": "1000099.00",
        "GrossPositionValue": "1100.00",
        "InitMarginReq": "550.00",
        "AvailableFunds": "999549.00",
        "BuyingPower": "3998196.00",
    }
    ledger = by_tag([v for v in await ib.accountSummaryAsync() if v.tag == "CashBalance"], "BASE")
    assert ledger == {"CashBalance": "998999.00"}


async def test_an_account_summary_can_be_cancelled(ib: IB) -> None:
    errors = errors_of(ib)
    client = ib.client
    req_id = client.getReqId()
    client.reqAccountSummary(req_id, "All", "NetLiquidation")  # type: ignore[no-untyped-call]
    await until(lambda: ("DU123456", "NetLiquidation", "USD") in ib.wrapper.acctSummary)
    client.cancelAccountSummary(req_id)  # type: ignore[no-untyped-call]
    await ib.reqCurrentTimeAsync()  # a round trip: anything the cancel caused is in
    assert errors == []


async def test_account_updates_follow_fills_and_prices(ib: IB, sim: TwsSimulator) -> None:
    """ib_async subscribes to account updates at connect; the portfolio and account
    values it keeps must then follow the simulator without being asked again."""
    assert by_tag(ib.accountValues())["NetLiquidation"] == "1000000.00"
    assert ib.portfolio() == []
    await buy(ib, 10)
    await until(lambda: [p.position for p in ib.portfolio()] == [10.0])
    sim.set_price("AAPL", "110")
    await until(lambda: ib.portfolio()[0].marketPrice == 110.0)
    (item,) = ib.portfolio()
    assert (item.marketValue, item.averageCost, item.unrealizedPNL) == (1100.0, 100.0, 100.0)
    assert by_tag(ib.accountValues())["NetLiquidation"] == "1000099.00"
    sell = ib.placeOrder(AAPL, MarketOrder("SELL", 4))
    await until(lambda: sell.isDone() and ib.portfolio()[0].position == 6.0)
    (item,) = ib.portfolio()
    assert (item.realizedPNL, item.unrealizedPNL) == (40.0, 60.0)
    await until(lambda: by_tag(ib.accountValues())["RealizedPnL"] == "40.00")


async def test_a_snapshot_quotes_the_reference_price(ib: IB, sim: TwsSimulator) -> None:
    aapl = await qualify(ib, AAPL)
    sim.set_price("AAPL", "187.25", "300")
    (ticker,) = await ib.reqTickersAsync(aapl)
    assert (ticker.bid, ticker.ask, ticker.last, ticker.close) == (187.24, 187.26, 187.25, 187.25)
    assert (ticker.bidSize, ticker.askSize, ticker.minTick) == (300.0, 300.0, 0.01)
    assert ticker.marketDataType == 1


async def test_a_stream_follows_the_price_volume_and_ends_when_cancelled(
    ib: IB, sim: TwsSimulator
) -> None:
    aapl = await qualify(ib, AAPL)
    ticker: Ticker = ib.reqMktData(aapl)
    await until(lambda: ticker.last == 100.0 and ticker.volume == 0.0)
    sim.set_price("AAPL", "101")
    await until(lambda: (ticker.bid, ticker.last, ticker.ask) == (100.99, 101.0, 101.01))
    await buy(ib, 7)
    await until(lambda: ticker.volume == 7.0)
    assert ticker.close == 100.0  # until the end of the day
    sim.end_of_day()
    await until(lambda: ticker.close == 101.0)
    ib.cancelMktData(aapl)
    await ib.reqCurrentTimeAsync()
    ticks = len(ticker.ticks)
    sim.set_price("AAPL", "102")
    await ib.reqCurrentTimeAsync()
    assert ticker.last == 101.0
    assert len(ticker.ticks) == ticks


async def test_market_data_for_an_unknown_contract_is_error_200(ib: IB) -> None:
    errors = errors_of(ib)
    ticker = ib.reqMktData(Contract(conId=12345, symbol="NOPE", secType="STK"))
    await until(lambda: errors)
    assert errors[0][1] == NO_SECURITY_DEFINITION
    assert ticker.last != ticker.last  # never set: NaN


async def test_without_live_data_only_delayed_data_is_served(ib: IB, sim: TwsSimulator) -> None:
    sim.queries.live_data = False
    errors = errors_of(ib)
    aapl = await qualify(ib, AAPL)
    ticker = ib.reqMktData(aapl)
    await until(lambda: errors)
    assert [code for _, code, _ in errors] == [NOT_SUBSCRIBED]
    assert ticker.last != ticker.last
    ib.reqMarketDataType(3)
    assert ib.reqMktData(aapl) is ticker  # ib_async keeps one ticker per contract
    await until(lambda: ticker.last == 100.0)
    assert (ticker.marketDataType, ticker.bid, ticker.ask) == (3, 99.99, 100.01)
    assert [code for _, code, _ in errors[1:]] == [DELAYED_INSTEAD]
    sim.set_price("AAPL", "99")
    await until(lambda: ticker.last == 99.0)


async def test_a_limit_order_at_the_bid_rests_and_at_the_ask_fills(ib: IB) -> None:
    """The quote is usable for pricing: the exchange trades at the reference price,
    between bid and ask."""
    aapl = await qualify(ib, AAPL)
    (ticker,) = await ib.reqTickersAsync(aapl)
    at_bid = ib.placeOrder(aapl, LimitOrder("BUY", 1, ticker.bid))
    at_ask = ib.placeOrder(aapl, LimitOrder("BUY", 1, ticker.ask))
    await until(lambda: at_bid.orderStatus.status == "Submitted" and at_ask.isDone())
    assert Decimal(str(at_ask.orderStatus.avgFillPrice)) == Decimal(100)
