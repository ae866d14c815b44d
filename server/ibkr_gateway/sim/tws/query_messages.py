"""Encoders of the answers to contract, account and market data requests, at server
version 178. Layouts mirror `ib_async.decoder.Decoder` and `ibapi.decoder.Decoder`;
tests decode every one with both."""

from __future__ import annotations

from decimal import Decimal

from ibkr_gateway.sim.tws.contracts import Listing
from ibkr_gateway.sim.tws.framing import Field
from ibkr_gateway.sim.tws.outgoing import Out
from ibkr_gateway.sim.tws.place_order import WireContract

# Message ids (server to client).
TICK_PRICE = 1
TICK_SIZE = 2
ACCT_VALUE = 6
PORTFOLIO_VALUE = 7
ACCT_UPDATE_TIME = 8
CONTRACT_DATA = 10
CONTRACT_DATA_END = 52
TICK_SNAPSHOT_END = 57
MARKET_DATA_TYPE = 58
ACCOUNT_SUMMARY = 63
ACCOUNT_SUMMARY_END = 64
TICK_REQ_PARAMS = 81

ORDER_TYPES = "LMT,MKT,STP,STP LMT,TRAIL"
VALID_EXCHANGES = "SMART,NYSE,NASDAQ,ARCA,BATS,IEX"
TIME_ZONE = "US/Eastern"


def contract_details(req_id: int, listing: Listing, under_con_id: int) -> Out:
    c = listing.wire()
    option = listing.sec_type == "OPT"
    fields: tuple[Field, ...] = (
        CONTRACT_DATA,
        req_id,  # no version field from server version 164
        c.symbol,
        c.sec_type,
        c.last_trade_date,
        c.strike or Decimal(0),
        c.right,
        c.exchange,
        c.currency,
        c.local_symbol,
        c.trading_class,  # marketName
        c.trading_class,
        c.con_id,
        listing.min_tick,
        c.multiplier,
        ORDER_TYPES,
        VALID_EXCHANGES,
        1,  # priceMagnifier
        under_con_id,
        listing.long_name,
        c.primary_exchange,
        c.last_trade_date[:6],  # contractMonth
        "",  # industry
        "",  # category
        "",  # subcategory
        TIME_ZONE,
        "",  # tradingHours
        "",  # liquidHours
        "",  # evRule
        "",  # evMultiplier
        0,  # secIdList count
        1,  # aggGroup
        c.symbol if option else "",  # underSymbol
        "STK" if option else "",  # underSecType
        "" if option else "26",  # marketRuleIds (26: US stocks)
        c.last_trade_date,  # realExpirationDate
        listing.stock_type,
        Decimal(1),  # minSize
        Decimal(1),  # sizeIncrement
        Decimal(100) if not option else Decimal(1),  # suggestedSizeIncrement
    )
    return Out(fields)


def contract_details_end(req_id: int) -> Out:
    return Out((CONTRACT_DATA_END, 1, req_id))


def tick_req_params(req_id: int, min_tick: Decimal) -> Out:
    # No version field. bboExchange is a key for reqSmartComponents, which the simulator
    # does not answer; snapshotPermissions 3: snapshots allowed.
    return Out((TICK_REQ_PARAMS, req_id, min_tick, "9c0001", 3))


def market_data_type(req_id: int, data_type: int) -> Out:
    return Out((MARKET_DATA_TYPE, 1, req_id, data_type))


def tick_price(req_id: int, tick_type: int, price: Decimal, size: Decimal) -> Out:
    # attrMask 0: not pre-open, not past limit, cannot auto-execute.
    return Out((TICK_PRICE, 6, req_id, tick_type, price, size, 0))


def tick_size(req_id: int, tick_type: int, size: Decimal) -> Out:
    return Out((TICK_SIZE, 6, req_id, tick_type, size))


def tick_snapshot_end(req_id: int) -> Out:
    return Out((TICK_SNAPSHOT_END, 1, req_id))


def account_summary(req_id: int, account: str, tag: str, value: str, currency: str) -> Out:
    return Out((ACCOUNT_SUMMARY, 1, req_id, account, tag, value, currency))


def account_summary_end(req_id: int) -> Out:
    return Out((ACCOUNT_SUMMARY_END, 1, req_id))


def account_value(key: str, value: str, currency: str, account: str) -> Out:
    return Out((ACCT_VALUE, 2, key, value, currency, account))


def portfolio_value(
    contract: WireContract,
    position: Decimal,
    market_price: Decimal,
    market_value: Decimal,
    average_cost: Decimal,
    unrealized_pnl: Decimal,
    realized_pnl: Decimal,
    account: str,
) -> Out:
    """Version 8: the contract with primaryExchange and without exchange."""
    c = contract
    fields: tuple[Field, ...] = (
        PORTFOLIO_VALUE,
        8,
        c.con_id,
        c.symbol,
        c.sec_type,
        c.last_trade_date,
        c.strike or Decimal(0),
        c.right,
        c.multiplier,
        c.primary_exchange,
        c.currency,
        c.local_symbol,
        c.trading_class,
        position,
        market_price,
        market_value,
        average_cost,
        unrealized_pnl,
        realized_pnl,
        account,
    )
    return Out(fields)


def account_update_time(hh_mm: str) -> Out:
    return Out((ACCT_UPDATE_TIME, 1, hh_mm))
