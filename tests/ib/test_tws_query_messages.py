"""Every answer to a contract, account or market data request, decoded by both
ib_async's Decoder and IB's own (`ibapi`), at server version 178: neither may fail,
log, or put a value in the wrong attribute."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from ibkr_gateway.sim.tws import outgoing
from ibkr_gateway.sim.tws import query_messages as qm
from ibkr_gateway.sim.tws.contracts import Listing, con_id_for
from ibkr_gateway.sim.tws.outgoing import Out
from ibkr_gateway.sim.tws.place_order import WireContract
from tests.ib.wire import Call, decode_ibapi, decode_one, wire_fields

D = Decimal
STOCK = Listing("AAPL", "STK", "APPLE INC", "NASDAQ", "COMMON")
OPTION = Listing(
    "AAPL", "OPT", "APPLE INC", last_trade_date="20261218", strike=D("202.5"), right="P"
)
HELD = WireContract(con_id=con_id_for("AAPL"), symbol="AAPL", exchange="SMART")


@pytest.fixture(autouse=True)
def no_decoder_warnings(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG, logger="ib_async")
    yield
    bad = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith(("ib_async", "ibapi")) and r.levelno >= logging.WARNING
    ]
    assert bad == []


def both(message: Out) -> tuple[Call, list[Call]]:
    """ib_async's one call, and ibapi's calls (it may make two of one message)."""
    ib_async_call = decode_one(message)
    calls, problems = decode_ibapi(wire_fields(message))
    assert problems == [], problems
    assert calls, "ibapi made no call"
    assert all(name != "error" for name, _ in calls), calls
    return ib_async_call, calls


@pytest.mark.parametrize("listing", [STOCK, OPTION], ids=["stock", "option"])
def test_contract_details(listing: Listing) -> None:
    under = con_id_for("AAPL") if listing.sec_type == "OPT" else 0
    (name, (req_id, cd)), [(ib_name, (ib_req_id, ib_cd))] = both(
        qm.contract_details(7, listing, under)
    )
    assert (name, ib_name, req_id, ib_req_id) == ("contractDetails", "contractDetails", 7, 7)
    for details in (cd, ib_cd):
        c = details.contract
        assert (c.symbol, c.secType, c.conId) == ("AAPL", listing.sec_type, listing.con_id)
        assert (c.exchange, c.currency, c.tradingClass) == ("SMART", "USD", "AAPL")
        assert c.localSymbol == listing.local_symbol
        assert (details.minTick, details.longName, details.underConId) == (0.01, "APPLE INC", under)
        assert details.timeZoneId == "US/Eastern"
        assert D(str(details.minSize)) == 1
        assert D(str(details.suggestedSizeIncrement)) == (1 if listing.sec_type == "OPT" else 100)
    assert cd.contract.lastTradeDateOrContractMonth == listing.last_trade_date
    assert ib_cd.contract.lastTradeDateOrContractMonth == listing.last_trade_date
    if listing.sec_type == "OPT":
        assert (cd.contract.strike, cd.contract.right, cd.contract.multiplier) == (
            202.5,
            "P",
            "100",
        )
        assert (ib_cd.contract.strike, ib_cd.contract.right) == (202.5, "P")
    else:
        assert (cd.contract.primaryExchange, cd.stockType, cd.marketRuleIds) == (
            "NASDAQ",
            "COMMON",
            "26",
        )


def test_contract_details_end() -> None:
    assert both(qm.contract_details_end(7)) == (
        ("contractDetailsEnd", (7,)),
        [("contractDetailsEnd", (7,))],
    )


def test_tick_price_carries_its_size() -> None:
    (name, args), calls = both(qm.tick_price(3, 1, D("99.99"), D(100)))
    assert (name, args) == ("priceSizeTick", (3, 1, 99.99, 100.0))
    (price_name, (req_id, tick, price, _attrib)), (size_name, size_args) = calls
    assert (price_name, req_id, tick, price) == ("tickPrice", 3, 1, 99.99)
    assert (size_name, size_args) == ("tickSize", (3, 0, D(100)))


def test_tick_size() -> None:
    (name, args), [(ib_name, ib_args)] = both(qm.tick_size(3, 8, D(1234)))
    assert (name, args) == ("tickSize", (3, 8, 1234.0))
    assert (ib_name, ib_args) == ("tickSize", (3, 8, D(1234)))


@pytest.mark.parametrize(
    ("message", "name", "args"),
    [
        (qm.tick_snapshot_end(3), "tickSnapshotEnd", (3,)),
        (qm.market_data_type(3, 3), "marketDataType", (3, 3)),
        (qm.account_summary_end(4), "accountSummaryEnd", (4,)),
        (qm.account_update_time("14:30"), "updateAccountTime", ("14:30",)),
        (
            qm.account_summary(4, "DU1", "NetLiquidation", "1000.00", "USD"),
            "accountSummary",
            (4, "DU1", "NetLiquidation", "1000.00", "USD"),
        ),
        (
            qm.account_value("TotalCashValue", "998999.00", "USD", "DU1"),
            "updateAccountValue",
            ("TotalCashValue", "998999.00", "USD", "DU1"),
        ),
        (outgoing.account_download_end("DU1"), "accountDownloadEnd", ("DU1",)),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_simple_messages(message: Out, name: str, args: tuple[Any, ...]) -> None:
    assert both(message) == ((name, args), [(name, args)])


def test_tick_req_params() -> None:
    (name, args), [(ib_name, ib_args)] = both(qm.tick_req_params(3, D("0.01")))
    assert (name, args) == ("tickReqParams", (3, 0.01, "9c0001", 3))
    assert (ib_name, ib_args) == ("tickReqParams", (3, 0.01, "9c0001", 3))


def test_portfolio_value() -> None:
    message = qm.portfolio_value(HELD, D(10), D(110), D(1100), D(100), D(100), D(40), "DU1")
    (name, args), [(ib_name, ib_args)] = both(message)
    assert name == ib_name == "updatePortfolio"
    contract, *values = args
    ib_contract, *ib_values = ib_args
    assert values == [10.0, 110.0, 1100.0, 100.0, 100.0, 40.0, "DU1"]
    assert ib_values == [D(10), 110.0, 1100.0, 100.0, 100.0, 40.0, "DU1"]
    for c in (contract, ib_contract):
        assert (c.conId, c.symbol, c.secType, c.currency) == (HELD.con_id, "AAPL", "STK", "USD")
