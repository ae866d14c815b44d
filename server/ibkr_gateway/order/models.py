"""Domain types of orders and fills. Plain frozen dataclasses, no generated code."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ibkr_gateway.copying import replace_fields


class OrderStatus(enum.Enum):
    CREATED = "CREATED"
    PENDING_SUBMIT = "PENDING_SUBMIT"
    ACCEPTED = "ACCEPTED"
    SUBMITTED = "SUBMITTED"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    PENDING_CANCEL = "PENDING_CANCEL"
    CANCELLED = "CANCELLED"
    REJECTED = "REJECTED"
    INACTIVE = "INACTIVE"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATUSES


FINAL_STATUSES = frozenset({OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.REJECTED})


class Side(enum.Enum):
    BUY = "BUY"
    SELL = "SELL"

    @property
    def opposite(self) -> Side:
        return Side.SELL if self is Side.BUY else Side.BUY


class OrderType(enum.Enum):
    """Values are IB's orderType codes."""

    MARKET = "MKT"
    LIMIT = "LMT"
    STOP = "STP"
    STOP_LIMIT = "STP LMT"
    TRAILING_STOP = "TRAIL"
    TRAILING_STOP_LIMIT = "TRAIL LIMIT"
    MARKET_ON_CLOSE = "MOC"
    LIMIT_ON_CLOSE = "LOC"
    MARKET_IF_TOUCHED = "MIT"
    LIMIT_IF_TOUCHED = "LIT"
    RELATIVE = "REL"
    PEGGED_TO_MIDPOINT = "PEG MID"
    # A broker order type without a name here (orders placed outside the gateway only);
    # Order.broker_order_type holds the broker's own name.
    OTHER = "OTHER"

    @property
    def needs_limit_price(self) -> bool:
        return self in _NEEDS_LIMIT

    @property
    def needs_stop_price(self) -> bool:
        """The stop price, or for the if-touched types the trigger price (IB auxPrice)."""
        return self in _NEEDS_STOP

    @property
    def waits_for_stop(self) -> bool:
        """Rests untriggered until the market trades through a stop price."""
        return self in _STOPS

    @property
    def waits_for_touch(self) -> bool:
        """Rests untriggered until the market touches its trigger price from the
        favourable side: a buy at or below it, a sell at or above it."""
        return self in (OrderType.MARKET_IF_TOUCHED, OrderType.LIMIT_IF_TOUCHED)

    @property
    def trails(self) -> bool:
        return self in (OrderType.TRAILING_STOP, OrderType.TRAILING_STOP_LIMIT)

    @property
    def at_close(self) -> bool:
        """Trades only in the closing auction."""
        return self in (OrderType.MARKET_ON_CLOSE, OrderType.LIMIT_ON_CLOSE)

    @property
    def pegged(self) -> bool:
        """Priced off the market with an offset, its limit price an optional cap."""
        return self in (OrderType.RELATIVE, OrderType.PEGGED_TO_MIDPOINT)


_NEEDS_LIMIT = frozenset(
    {
        OrderType.LIMIT,
        OrderType.STOP_LIMIT,
        OrderType.LIMIT_ON_CLOSE,
        OrderType.LIMIT_IF_TOUCHED,
    }
)
_NEEDS_STOP = frozenset(
    {
        OrderType.STOP,
        OrderType.STOP_LIMIT,
        OrderType.MARKET_IF_TOUCHED,
        OrderType.LIMIT_IF_TOUCHED,
    }
)
_STOPS = frozenset(
    {
        OrderType.STOP,
        OrderType.STOP_LIMIT,
        OrderType.TRAILING_STOP,
        OrderType.TRAILING_STOP_LIMIT,
    }
)


class AdaptivePriority(enum.Enum):
    """Values are IB's adaptivePriority values."""

    URGENT = "Urgent"
    NORMAL = "Normal"
    PATIENT = "Patient"


class TwapStrategyType(enum.Enum):
    """Values are IB's TWAP strategyType values."""

    MARKETABLE = "Marketable"
    MATCHING_MIDPOINT = "Matching Midpoint"
    MATCHING_SAME_SIDE = "Matching Same Side"
    MATCHING_LAST = "Matching Last"


@dataclass(frozen=True, slots=True)
class AdaptiveAlgo:
    priority: AdaptivePriority = AdaptivePriority.NORMAL


@dataclass(frozen=True, slots=True)
class TwapAlgo:
    strategy_type: TwapStrategyType = TwapStrategyType.MARKETABLE
    start_time: datetime | None = None
    end_time: datetime | None = None
    allow_past_end_time: bool = False


@dataclass(frozen=True, slots=True)
class VwapAlgo:
    # A fraction of the market's volume, e.g. 0.1 for 10% (IB maxPctVol).
    max_pct_vol: Decimal
    start_time: datetime | None = None
    end_time: datetime | None = None
    allow_past_end_time: bool = False
    no_take_liq: bool = False


Algo = AdaptiveAlgo | TwapAlgo | VwapAlgo


class TimeInForce(enum.Enum):
    DAY = "DAY"
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"
    GTD = "GTD"
    OPG = "OPG"


class SecurityType(enum.Enum):
    """Values are IB's secType codes."""

    STOCK = "STK"
    OPTION = "OPT"
    FUTURE = "FUT"
    FOREX = "CASH"
    INDEX = "IND"
    FUTURE_OPTION = "FOP"
    CFD = "CFD"
    BOND = "BOND"
    CRYPTO = "CRYPTO"


@dataclass(frozen=True, slots=True)
class Contract:
    symbol: str
    sec_type: SecurityType = SecurityType.STOCK
    exchange: str = "SMART"
    currency: str = "USD"
    con_id: int = 0
    primary_exchange: str = ""
    last_trade_date_or_contract_month: str = ""
    strike: Decimal | None = None
    right: str = ""
    multiplier: Decimal | None = None
    local_symbol: str = ""
    trading_class: str = ""


@dataclass(frozen=True, slots=True)
class OrderSpec:
    client_order_id: str
    account: str
    contract: Contract
    side: Side
    quantity: Decimal
    order_type: OrderType
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.DAY
    outside_rth: bool = False
    # Trailing types: distance of the stop from the market, as an amount or a percentage.
    trailing_amount: Decimal | None = None
    trailing_percent: Decimal | None = None
    # GTD: when the order expires.
    good_till: datetime | None = None
    oca_group: str = ""
    algo: Algo | None = None
    # Iceberg: the quantity shown at a time (a whole number).
    display_size: Decimal | None = None
    hidden: bool = False
    # TRAILING_STOP_LIMIT: distance of the limit beyond the stop.
    limit_offset: Decimal | None = None
    # RELATIVE and PEGGED_TO_MIDPOINT: offset from the peg.
    peg_offset: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    spec: OrderSpec
    status: OrderStatus
    create_time: datetime
    update_time: datetime
    filled_quantity: Decimal = Decimal(0)
    average_fill_price: Decimal | None = None
    broker_order_id: int = 0
    perm_id: int = 0
    status_reason: str = ""
    parent_order_id: str = ""
    oca_group: str = ""
    last_sequence: int = 0
    # Running totals of the recorded fills; the broker's cumulative figures may run
    # ahead of them (filled_quantity is the larger of the two).
    fills_quantity: Decimal = Decimal(0)
    fills_notional: Decimal = Decimal(0)
    # Digest of the submit request that created the order (idempotency check).
    request_fingerprint: str = ""
    # Placed outside the gateway, found at the broker.
    external: bool = False
    # The broker's order type code when the spec cannot say it (OrderType.OTHER).
    broker_order_type: str = ""

    @property
    def remaining_quantity(self) -> Decimal:
        if self.status.is_final:
            return Decimal(0)
        return max(self.spec.quantity - self.filled_quantity, Decimal(0))

    @property
    def is_final(self) -> bool:
        return self.status.is_final

    @property
    def ib_order_type(self) -> str:
        """IB's code of the order type."""
        return self.broker_order_type or self.spec.order_type.value

    def evolve(self, **changes: object) -> Order:
        return replace_fields(self, changes)


@dataclass(frozen=True, slots=True)
class Fill:
    execution_id: str
    order_id: str
    client_order_id: str
    account: str
    symbol: str
    side: Side
    quantity: Decimal
    price: Decimal
    time: datetime
    commission: Decimal | None = None
    commission_currency: str = ""
    exchange: str = ""
    broker_order_id: int = 0
    sequence: int = 0
    # The execution this one replaces (an IB execution correction); see
    # `execution_revision`.
    corrects_execution_id: str = ""


def execution_revision(execution_id: str) -> tuple[str, str]:
    """(execution, revision): IB corrects an execution by sending another whose id is
    the same up to its last period, e.g. 0001f4e8.6555a8f2.01.02 for ...01.01."""
    base, dot, revision = execution_id.rpartition(".")
    return (base, revision) if dot else (execution_id, "")


def is_later_revision(revision: str, than: str) -> bool:
    # Revisions are fixed-width counters; a wider one is a later one.
    return (len(revision), revision) > (len(than), than)
