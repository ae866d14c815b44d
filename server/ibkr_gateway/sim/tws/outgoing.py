"""Encoders of the messages the simulator sends, at server version 178.

Each returns an `Out`: the fields plus what the fault injection needs to know (kind
and order id). Layouts mirror `ib_async.decoder.Decoder`; tests decode every one
with it. openOrder and completedOrder, the long ones, are in `order_messages`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from ibkr_gateway.sim.tws.framing import Field, encode_message
from ibkr_gateway.sim.tws.place_order import WireContract

SERVER_VERSION = 178
# The lowest version whose layouts these encoders produce: see `session.negotiate`.
MIN_SERVER_VERSION = 178

# Message ids (server to client).
ORDER_STATUS = 3
ERR_MSG = 4
OPEN_ORDER = 5
NEXT_VALID_ID = 9
EXECUTION_DATA = 11
MANAGED_ACCOUNTS = 15
CURRENT_TIME = 49
OPEN_ORDER_END = 53
ACCOUNT_DOWNLOAD_END = 54
EXECUTION_DATA_END = 55
COMMISSION_REPORT = 59
POSITION_DATA = 61
POSITION_END = 62
ACCOUNT_UPDATE_MULTI_END = 74
COMPLETED_ORDER = 101
COMPLETED_ORDERS_END = 102

# IB error codes the simulator sends itself (the exchange has its own).
MODIFY_MISMATCH = 105
ORDER_CANCELLED = 202
READ_ERROR = 320
DUPLICATE_CLIENT_ID = 326
# IB's code for a client whose versions the server does not speak.
UNSUPPORTED_VERSION = 506
UNSUPPORTED_VERSION_TEXT = "Unsupported version"
LINK_LOST = 1100
LINK_RESTORED_DATA_LOST = 1101
LINK_RESTORED_DATA_KEPT = 1102
NO_REQUEST_ID = -1


class Kind(enum.Enum):
    OPEN_ORDER = "openOrder"
    ORDER_STATUS = "orderStatus"
    EXEC_DETAILS = "execDetails"
    COMMISSION = "commissionReport"
    ERROR = "error"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Out:
    fields: tuple[Field, ...]
    kind: Kind = Kind.OTHER
    order_id: int = 0
    # execDetails and commissionReport: the execution they are about.
    exec_id: str = ""

    def encode(self) -> bytes:
        return encode_message(self.fields)


@dataclass(frozen=True, slots=True)
class ExecutionView:
    """One execution as reported to a client."""

    exec_id: str
    order_id: int
    client_id: int
    perm_id: int
    contract: WireContract
    account: str
    exchange: str
    side: str  # BOT or SLD
    shares: Decimal
    price: Decimal
    cum_qty: Decimal
    avg_price: Decimal
    order_ref: str
    time: datetime


def contract_fields(c: WireContract) -> tuple[Field, ...]:
    """The contract as openOrder, completedOrder, execDetails and position carry it:
    eleven fields, without primaryExchange."""
    return (
        c.con_id,
        c.symbol,
        c.sec_type,
        c.last_trade_date,
        c.strike or Decimal(0),
        c.right,
        c.multiplier,
        c.exchange,
        c.currency,
        c.local_symbol,
        c.trading_class,
    )


def ib_time(moment: datetime) -> str:
    """`YYYYMMDD HH:MM:SS UTC`: an IANA zone name is what ib_async parses; an offset
    such as "+02:00" would fail, so every time is converted to UTC first."""
    return moment.astimezone(UTC).strftime("%Y%m%d %H:%M:%S UTC")


def managed_accounts(accounts: list[str]) -> Out:
    return Out((MANAGED_ACCOUNTS, 1, ",".join(accounts)))


def next_valid_id(order_id: int) -> Out:
    return Out((NEXT_VALID_ID, 1, order_id))


def current_time(epoch_seconds: int) -> Out:
    return Out((CURRENT_TIME, 1, epoch_seconds))


def error(req_id: int, code: int, message: str, advanced_reject_json: str = "") -> Out:
    order_id = req_id if req_id > 0 else 0
    return Out((ERR_MSG, 2, req_id, code, message, advanced_reject_json), Kind.ERROR, order_id)


def order_status(
    order_id: int,
    status: str,
    filled: Decimal,
    remaining: Decimal,
    avg_fill_price: Decimal,
    perm_id: int,
    parent_id: int,
    last_fill_price: Decimal,
    client_id: int,
    why_held: str = "",
) -> Out:
    # No version field; mktCapPrice is last.
    fields: tuple[Field, ...] = (
        ORDER_STATUS,
        order_id,
        status,
        filled,
        remaining,
        avg_fill_price,
        perm_id,
        parent_id,
        last_fill_price,
        client_id,
        why_held,
        Decimal(0),
    )
    return Out(fields, Kind.ORDER_STATUS, order_id)


def open_order_end() -> Out:
    return Out((OPEN_ORDER_END, 1))


def exec_details(req_id: int, e: ExecutionView) -> Out:
    fields: tuple[Field, ...] = (
        EXECUTION_DATA,
        req_id,
        e.order_id,
        *contract_fields(e.contract),
        e.exec_id,
        ib_time(e.time),
        e.account,
        e.exchange,
        e.side,
        e.shares,
        e.price,
        e.perm_id,
        e.client_id,
        0,  # liquidation
        e.cum_qty,
        e.avg_price,
        e.order_ref,
        "",  # evRule
        "",  # evMultiplier
        "",  # modelCode
        1,  # lastLiquidity: added
        False,  # pendingPriceRevision (server version 178)
    )
    return Out(fields, Kind.EXEC_DETAILS, e.order_id, e.exec_id)


def exec_details_end(req_id: int) -> Out:
    return Out((EXECUTION_DATA_END, 1, req_id))


def commission_report(exec_id: str, commission: Decimal, currency: str, order_id: int) -> Out:
    # realizedPNL, yield and yieldRedemptionDate unset, as IB sends for opening trades.
    fields: tuple[Field, ...] = (COMMISSION_REPORT, 1, exec_id, commission, currency, "", "", "")
    return Out(fields, Kind.COMMISSION, order_id, exec_id)


def position(account: str, contract: WireContract, quantity: Decimal, avg_cost: Decimal) -> Out:
    return Out((POSITION_DATA, 3, account, *contract_fields(contract), quantity, avg_cost))


def position_end() -> Out:
    return Out((POSITION_END, 1))


def account_download_end(account: str) -> Out:
    return Out((ACCOUNT_DOWNLOAD_END, 1, account))


def account_update_multi_end(req_id: int) -> Out:
    return Out((ACCOUNT_UPDATE_MULTI_END, 1, req_id))


def completed_orders_end() -> Out:
    return Out((COMPLETED_ORDERS_END,))
