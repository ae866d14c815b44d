"""Client requests by message id, parsed strictly: a missing or surplus field is a
`ProtocolError`, so that a layout drift in `ib_async` fails a test instead of being
answered with guesses.

The requests an order gateway or a trading client sends at connect, around orders,
and for contracts, accounts and quotes are understood; anything else parses as
`Unhandled` and is logged and ignored by the session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ibkr_gateway.sim.tws.framing import FieldReader, ProtocolError
from ibkr_gateway.sim.tws.place_order import (
    PlaceOrder,
    WireContract,
    parse_place_order,
    read_contract,
)


@dataclass(frozen=True, slots=True)
class StartApi:
    client_id: int
    optional_capabilities: str


@dataclass(frozen=True, slots=True)
class CancelOrder:
    order_id: int
    manual_cancel_time: str


@dataclass(frozen=True, slots=True)
class GlobalCancel:
    pass


@dataclass(frozen=True, slots=True)
class ReqIds:
    count: int


@dataclass(frozen=True, slots=True)
class ReqCurrentTime:
    pass


@dataclass(frozen=True, slots=True)
class ReqOpenOrders:
    all_clients: bool


@dataclass(frozen=True, slots=True)
class ReqAutoOpenOrders:
    auto_bind: bool


@dataclass(frozen=True, slots=True)
class ReqCompletedOrders:
    api_only: bool


@dataclass(frozen=True, slots=True)
class ReqPositions:
    pass


@dataclass(frozen=True, slots=True)
class ReqAccountUpdates:
    subscribe: bool
    account: str


@dataclass(frozen=True, slots=True)
class ReqAccountUpdatesMulti:
    req_id: int
    account: str
    model_code: str
    ledger_and_nlv: bool


@dataclass(frozen=True, slots=True)
class ExecutionFilter:
    client_id: int = 0
    account: str = ""
    time: str = ""
    symbol: str = ""
    sec_type: str = ""
    exchange: str = ""
    side: str = ""


@dataclass(frozen=True, slots=True)
class ReqExecutions:
    req_id: int
    filter: ExecutionFilter


@dataclass(frozen=True, slots=True)
class CancelPositions:
    pass


@dataclass(frozen=True, slots=True)
class ReqContractDetails:
    req_id: int
    contract: WireContract
    include_expired: bool
    sec_id_type: str
    sec_id: str
    issuer_id: str


@dataclass(frozen=True, slots=True)
class ReqMktData:
    req_id: int
    contract: WireContract
    generic_ticks: str
    snapshot: bool
    regulatory_snapshot: bool
    options: str
    combo_legs: int = 0
    delta_neutral: bool = False


@dataclass(frozen=True, slots=True)
class CancelMktData:
    req_id: int


@dataclass(frozen=True, slots=True)
class ReqMarketDataType:
    market_data_type: int


@dataclass(frozen=True, slots=True)
class ReqAccountSummary:
    req_id: int
    group: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CancelAccountSummary:
    req_id: int


@dataclass(frozen=True, slots=True)
class Unhandled:
    message_id: int
    fields: tuple[str, ...]


Request = (
    StartApi
    | PlaceOrder
    | CancelOrder
    | GlobalCancel
    | ReqIds
    | ReqCurrentTime
    | ReqOpenOrders
    | ReqAutoOpenOrders
    | ReqCompletedOrders
    | ReqPositions
    | ReqAccountUpdates
    | ReqAccountUpdatesMulti
    | ReqExecutions
    | CancelPositions
    | ReqContractDetails
    | ReqMktData
    | CancelMktData
    | ReqMarketDataType
    | ReqAccountSummary
    | CancelAccountSummary
    | Unhandled
)

# Answered by the simulator's queries (contracts, account, market data).
QUERIES = (
    ReqPositions,
    CancelPositions,
    ReqAccountUpdates,
    ReqAccountUpdatesMulti,
    ReqContractDetails,
    ReqMktData,
    CancelMktData,
    ReqMarketDataType,
    ReqAccountSummary,
    CancelAccountSummary,
)


def _version(r: FieldReader, expected: int) -> None:
    version = r.integer("version")
    if version != expected:
        raise ProtocolError(f"{r.message}: version {version}, expected {expected}")


def _start_api(r: FieldReader) -> StartApi:
    _version(r, 2)
    return StartApi(r.integer("clientId"), r.text("optionalCapabilities"))


def _cancel_order(r: FieldReader) -> CancelOrder:
    _version(r, 1)
    return CancelOrder(r.integer("orderId"), r.text("manualCancelOrderTime"))


def _global_cancel(r: FieldReader) -> GlobalCancel:
    _version(r, 1)
    return GlobalCancel()


def _req_ids(r: FieldReader) -> ReqIds:
    _version(r, 1)
    return ReqIds(r.integer("numIds"))


def _req_current_time(r: FieldReader) -> ReqCurrentTime:
    _version(r, 1)
    return ReqCurrentTime()


def _req_open_orders(r: FieldReader) -> ReqOpenOrders:
    _version(r, 1)
    return ReqOpenOrders(all_clients=False)


def _req_all_open_orders(r: FieldReader) -> ReqOpenOrders:
    _version(r, 1)
    return ReqOpenOrders(all_clients=True)


def _req_auto_open_orders(r: FieldReader) -> ReqAutoOpenOrders:
    _version(r, 1)
    return ReqAutoOpenOrders(r.flag("bAutoBind"))


def _req_completed_orders(r: FieldReader) -> ReqCompletedOrders:
    # No version field: the flag follows the message id directly.
    return ReqCompletedOrders(r.flag("apiOnly"))


def _req_positions(r: FieldReader) -> ReqPositions:
    _version(r, 1)
    return ReqPositions()


def _req_account_updates(r: FieldReader) -> ReqAccountUpdates:
    _version(r, 2)
    return ReqAccountUpdates(r.flag("subscribe"), r.text("acctCode"))


def _req_account_updates_multi(r: FieldReader) -> ReqAccountUpdatesMulti:
    _version(r, 1)
    return ReqAccountUpdatesMulti(
        r.integer("reqId"), r.text("account"), r.text("modelCode"), r.flag("ledgerAndNLV")
    )


def _req_executions(r: FieldReader) -> ReqExecutions:
    _version(r, 3)
    req_id = r.integer("reqId")
    return ReqExecutions(
        req_id,
        ExecutionFilter(
            client_id=r.integer("clientId"),
            account=r.text("acctCode"),
            time=r.text("time"),
            symbol=r.text("symbol"),
            sec_type=r.text("secType"),
            exchange=r.text("exchange"),
            side=r.text("side"),
        ),
    )


def _cancel_positions(r: FieldReader) -> CancelPositions:
    _version(r, 1)
    return CancelPositions()


def _req_contract_details(r: FieldReader) -> ReqContractDetails:
    _version(r, 8)
    req_id = r.integer("reqId")
    contract = read_contract(r)
    return ReqContractDetails(
        req_id,
        contract,
        include_expired=r.flag("includeExpired"),
        sec_id_type=r.text("secIdType"),
        sec_id=r.text("secId"),
        issuer_id=r.text("issuerId"),
    )


def _req_mkt_data(r: FieldReader) -> ReqMktData:
    _version(r, 11)
    req_id = r.integer("reqId")
    contract = read_contract(r)
    legs = 0
    if contract.sec_type == "BAG":
        legs = r.integer("comboLegs count")
        r.skip(4 * legs, "comboLegs")
    delta_neutral = r.flag("deltaNeutralContract present")
    if delta_neutral:
        r.skip(3, "deltaNeutralContract")
    return ReqMktData(
        req_id,
        contract,
        generic_ticks=r.text("genericTickList"),
        snapshot=r.flag("snapshot"),
        regulatory_snapshot=r.flag("regulatorySnapshot"),
        options=r.text("mktDataOptions"),
        combo_legs=legs,
        delta_neutral=delta_neutral,
    )


def _cancel_mkt_data(r: FieldReader) -> CancelMktData:
    _version(r, 2)
    return CancelMktData(r.integer("reqId"))


def _req_market_data_type(r: FieldReader) -> ReqMarketDataType:
    _version(r, 1)
    return ReqMarketDataType(r.integer("marketDataType"))


def _req_account_summary(r: FieldReader) -> ReqAccountSummary:
    _version(r, 1)
    req_id = r.integer("reqId")
    group = r.text("groupName")
    tags = tuple(t.strip() for t in r.text("tags").split(",") if t.strip())
    return ReqAccountSummary(req_id, group, tags)


def _cancel_account_summary(r: FieldReader) -> CancelAccountSummary:
    _version(r, 1)
    return CancelAccountSummary(r.integer("reqId"))


_PARSERS: dict[int, tuple[str, Callable[[FieldReader], Request]]] = {
    1: ("reqMktData", _req_mkt_data),
    2: ("cancelMktData", _cancel_mkt_data),
    4: ("cancelOrder", _cancel_order),
    5: ("reqOpenOrders", _req_open_orders),
    6: ("reqAccountUpdates", _req_account_updates),
    7: ("reqExecutions", _req_executions),
    8: ("reqIds", _req_ids),
    9: ("reqContractDetails", _req_contract_details),
    15: ("reqAutoOpenOrders", _req_auto_open_orders),
    16: ("reqAllOpenOrders", _req_all_open_orders),
    49: ("reqCurrentTime", _req_current_time),
    58: ("reqGlobalCancel", _global_cancel),
    59: ("reqMarketDataType", _req_market_data_type),
    61: ("reqPositions", _req_positions),
    62: ("reqAccountSummary", _req_account_summary),
    63: ("cancelAccountSummary", _cancel_account_summary),
    64: ("cancelPositions", _cancel_positions),
    71: ("startApi", _start_api),
    76: ("reqAccountUpdatesMulti", _req_account_updates_multi),
    99: ("reqCompletedOrders", _req_completed_orders),
}

PLACE_ORDER = 3


def message_id(fields: list[str]) -> int:
    try:
        return int(fields[0])
    except (IndexError, ValueError):
        raise ProtocolError(f"message without a numeric id: {fields[:3]}") from None


def parse_request(fields: list[str]) -> Request:
    msg_id = message_id(fields)
    if msg_id == PLACE_ORDER:
        return parse_place_order(fields)
    entry = _PARSERS.get(msg_id)
    if entry is None:
        return Unhandled(msg_id, tuple(fields))
    name, parse = entry
    reader = FieldReader(fields, name)
    request = parse(reader)
    reader.finish()
    return request
