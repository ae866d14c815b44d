"""The one place where generated messages and domain objects meet."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from google.protobuf.timestamp_pb2 import Timestamp
from ibkr.gateway.v1 import events_pb2, orders_pb2

from ibkr_gateway.errors import FieldViolation, InvalidArgument
from ibkr_gateway.event.events import (
    CancelEvent,
    FillEvent,
    ModifyEvent,
    OrderEvent,
    OrderStatusEvent,
)
from ibkr_gateway.order.models import (
    AdaptiveAlgo,
    AdaptivePriority,
    Algo,
    Contract,
    Fill,
    Order,
    OrderSpec,
    OrderStatus,
    OrderType,
    SecurityType,
    Side,
    TimeInForce,
    TwapAlgo,
    TwapStrategyType,
    VwapAlgo,
)

DECIMAL_RE = re.compile(r"^-?[0-9]{1,20}(\.[0-9]{1,20})?$")

SIDES: Mapping[orders_pb2.Side.ValueType, Side] = {
    orders_pb2.SIDE_BUY: Side.BUY,
    orders_pb2.SIDE_SELL: Side.SELL,
}
ORDER_TYPES: Mapping[orders_pb2.OrderType.ValueType, OrderType] = {
    orders_pb2.ORDER_TYPE_MARKET: OrderType.MARKET,
    orders_pb2.ORDER_TYPE_LIMIT: OrderType.LIMIT,
    orders_pb2.ORDER_TYPE_STOP: OrderType.STOP,
    orders_pb2.ORDER_TYPE_STOP_LIMIT: OrderType.STOP_LIMIT,
    orders_pb2.ORDER_TYPE_TRAILING_STOP: OrderType.TRAILING_STOP,
    orders_pb2.ORDER_TYPE_TRAILING_STOP_LIMIT: OrderType.TRAILING_STOP_LIMIT,
    orders_pb2.ORDER_TYPE_MARKET_ON_CLOSE: OrderType.MARKET_ON_CLOSE,
    orders_pb2.ORDER_TYPE_LIMIT_ON_CLOSE: OrderType.LIMIT_ON_CLOSE,
    orders_pb2.ORDER_TYPE_MARKET_IF_TOUCHED: OrderType.MARKET_IF_TOUCHED,
    orders_pb2.ORDER_TYPE_LIMIT_IF_TOUCHED: OrderType.LIMIT_IF_TOUCHED,
    orders_pb2.ORDER_TYPE_RELATIVE: OrderType.RELATIVE,
    orders_pb2.ORDER_TYPE_PEGGED_TO_MIDPOINT: OrderType.PEGGED_TO_MIDPOINT,
    orders_pb2.ORDER_TYPE_OTHER: OrderType.OTHER,
}
ADAPTIVE_PRIORITIES: Mapping[orders_pb2.AdaptivePriority.ValueType, AdaptivePriority] = {
    orders_pb2.ADAPTIVE_PRIORITY_URGENT: AdaptivePriority.URGENT,
    orders_pb2.ADAPTIVE_PRIORITY_NORMAL: AdaptivePriority.NORMAL,
    orders_pb2.ADAPTIVE_PRIORITY_PATIENT: AdaptivePriority.PATIENT,
}
TWAP_STRATEGY_TYPES: Mapping[orders_pb2.TwapStrategyType.ValueType, TwapStrategyType] = {
    orders_pb2.TWAP_STRATEGY_TYPE_MARKETABLE: TwapStrategyType.MARKETABLE,
    orders_pb2.TWAP_STRATEGY_TYPE_MATCHING_MIDPOINT: TwapStrategyType.MATCHING_MIDPOINT,
    orders_pb2.TWAP_STRATEGY_TYPE_MATCHING_SAME_SIDE: TwapStrategyType.MATCHING_SAME_SIDE,
    orders_pb2.TWAP_STRATEGY_TYPE_MATCHING_LAST: TwapStrategyType.MATCHING_LAST,
}
TIME_IN_FORCE: Mapping[orders_pb2.TimeInForce.ValueType, TimeInForce] = {
    orders_pb2.TIME_IN_FORCE_DAY: TimeInForce.DAY,
    orders_pb2.TIME_IN_FORCE_GTC: TimeInForce.GTC,
    orders_pb2.TIME_IN_FORCE_IOC: TimeInForce.IOC,
    orders_pb2.TIME_IN_FORCE_FOK: TimeInForce.FOK,
    orders_pb2.TIME_IN_FORCE_GTD: TimeInForce.GTD,
    orders_pb2.TIME_IN_FORCE_OPG: TimeInForce.OPG,
}
SECURITY_TYPES: Mapping[orders_pb2.SecurityType.ValueType, SecurityType] = {
    orders_pb2.SECURITY_TYPE_STOCK: SecurityType.STOCK,
    orders_pb2.SECURITY_TYPE_OPTION: SecurityType.OPTION,
    orders_pb2.SECURITY_TYPE_FUTURE: SecurityType.FUTURE,
    orders_pb2.SECURITY_TYPE_FOREX: SecurityType.FOREX,
    orders_pb2.SECURITY_TYPE_INDEX: SecurityType.INDEX,
    orders_pb2.SECURITY_TYPE_FUTURE_OPTION: SecurityType.FUTURE_OPTION,
    orders_pb2.SECURITY_TYPE_CFD: SecurityType.CFD,
    orders_pb2.SECURITY_TYPE_BOND: SecurityType.BOND,
    orders_pb2.SECURITY_TYPE_CRYPTO: SecurityType.CRYPTO,
}
STATUSES: Mapping[orders_pb2.OrderStatus.ValueType, OrderStatus] = {
    orders_pb2.ORDER_STATUS_CREATED: OrderStatus.CREATED,
    orders_pb2.ORDER_STATUS_PENDING_SUBMIT: OrderStatus.PENDING_SUBMIT,
    orders_pb2.ORDER_STATUS_ACCEPTED: OrderStatus.ACCEPTED,
    orders_pb2.ORDER_STATUS_SUBMITTED: OrderStatus.SUBMITTED,
    orders_pb2.ORDER_STATUS_PARTIALLY_FILLED: OrderStatus.PARTIALLY_FILLED,
    orders_pb2.ORDER_STATUS_FILLED: OrderStatus.FILLED,
    orders_pb2.ORDER_STATUS_PENDING_CANCEL: OrderStatus.PENDING_CANCEL,
    orders_pb2.ORDER_STATUS_CANCELLED: OrderStatus.CANCELLED,
    orders_pb2.ORDER_STATUS_REJECTED: OrderStatus.REJECTED,
    orders_pb2.ORDER_STATUS_INACTIVE: OrderStatus.INACTIVE,
}

K = TypeVar("K")
V = TypeVar("V")


def _invert(mapping: Mapping[K, V]) -> dict[V, K]:
    return {v: k for k, v in mapping.items()}


SIDE_TO_PROTO = _invert(SIDES)
ORDER_TYPE_TO_PROTO = _invert(ORDER_TYPES)
TIF_TO_PROTO = _invert(TIME_IN_FORCE)
SECURITY_TYPE_TO_PROTO = _invert(SECURITY_TYPES)
STATUS_TO_PROTO = _invert(STATUSES)
ADAPTIVE_PRIORITY_TO_PROTO = _invert(ADAPTIVE_PRIORITIES)
TWAP_STRATEGY_TYPE_TO_PROTO = _invert(TWAP_STRATEGY_TYPES)


# -- scalars --------------------------------------------------------------------------


def decimal_text(value: Decimal | None) -> str:
    """Plain notation without trailing zeros: Decimal("187.2500") -> "187.25"."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parse_decimal(field: str, text: str, violations: list[FieldViolation]) -> Decimal | None:
    """A decimal string, or None when empty. Exponents, NaN and infinities are refused."""
    if text == "":
        return None
    if len(text) > 42 or not DECIMAL_RE.fullmatch(text):
        violations.append(
            FieldViolation(field, f'must be a decimal string like "187.25", got {text[:42]!r}')
        )
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        violations.append(FieldViolation(field, f"not a decimal: {text!r}"))
        return None


def parse_enum(
    field: str,
    value: int,
    mapping: Mapping[Any, V],
    violations: list[FieldViolation],
    default: V | None = None,
) -> V | None:
    if value == 0:
        if default is None:
            violations.append(FieldViolation(field, "is required"))
        return default
    if value not in mapping:
        violations.append(FieldViolation(field, f"unknown value {value}"))
        return None
    return mapping[value]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The range google.protobuf.Timestamp allows: 0001-01-01 to 9999-12-31.
_MIN_SECONDS = -62_135_596_800
_MAX_SECONDS = 253_402_300_799


def timestamp(value: datetime) -> Timestamp:
    # Integer arithmetic: exact, and much cheaper than Timestamp.FromDatetime.
    delta = value - _EPOCH
    return Timestamp(seconds=delta.days * 86_400 + delta.seconds, nanos=delta.microseconds * 1000)


# -- requests -----------------------------------------------------------------------


def contract_from_proto(
    msg: orders_pb2.Contract, prefix: str, violations: list[FieldViolation]
) -> Contract:
    sec_type = parse_enum(
        f"{prefix}.sec_type", msg.sec_type, SECURITY_TYPES, violations, SecurityType.STOCK
    )
    return Contract(
        symbol=msg.symbol,
        sec_type=sec_type or SecurityType.STOCK,
        exchange=msg.exchange or "SMART",
        currency=msg.currency or "USD",
        con_id=msg.con_id,
        primary_exchange=msg.primary_exchange,
        last_trade_date_or_contract_month=msg.last_trade_date_or_contract_month,
        strike=parse_decimal(f"{prefix}.strike", msg.strike, violations),
        right=msg.right,
        multiplier=parse_decimal(f"{prefix}.multiplier", msg.multiplier, violations),
        local_symbol=msg.local_symbol,
        trading_class=msg.trading_class,
    )


def _time_from_proto(
    msg: Any, name: str, prefix: str, violations: list[FieldViolation]
) -> datetime | None:
    """The timestamp field `name` of msg, None when unset; its path is prefix.name."""
    field = f"{prefix}.{name}"
    if not msg.HasField(name):
        return None
    ts: Timestamp = getattr(msg, name)
    if not (_MIN_SECONDS <= ts.seconds <= _MAX_SECONDS and 0 <= ts.nanos < 1_000_000_000):
        violations.append(FieldViolation(field, "not a valid timestamp"))
        return None
    return ts.ToDatetime(tzinfo=UTC)


def algo_from_proto(
    msg: orders_pb2.Algo, prefix: str, violations: list[FieldViolation]
) -> Algo | None:
    which = msg.WhichOneof("strategy")
    if which == "adaptive":
        priority = parse_enum(
            f"{prefix}.adaptive.priority",
            msg.adaptive.priority,
            ADAPTIVE_PRIORITIES,
            violations,
            AdaptivePriority.NORMAL,
        )
        return AdaptiveAlgo(priority or AdaptivePriority.NORMAL)
    if which == "twap":
        twap = msg.twap
        kind = parse_enum(
            f"{prefix}.twap.strategy_type",
            twap.strategy_type,
            TWAP_STRATEGY_TYPES,
            violations,
            TwapStrategyType.MARKETABLE,
        )
        return TwapAlgo(
            strategy_type=kind or TwapStrategyType.MARKETABLE,
            start_time=_time_from_proto(
                twap, "start_time", f"{prefix}.twap.start_time", violations
            ),
            end_time=_time_from_proto(twap, "end_time", f"{prefix}.twap", violations),
            allow_past_end_time=twap.allow_past_end_time,
        )
    if which == "vwap":
        vwap = msg.vwap
        field = f"{prefix}.vwap.max_pct_vol"
        max_pct_vol = parse_decimal(field, vwap.max_pct_vol, violations)
        if vwap.max_pct_vol == "":
            violations.append(FieldViolation(field, "is required"))
        return VwapAlgo(
            max_pct_vol=max_pct_vol or Decimal(0),
            start_time=_time_from_proto(
                vwap, "start_time", f"{prefix}.vwap.start_time", violations
            ),
            end_time=_time_from_proto(vwap, "end_time", f"{prefix}.vwap", violations),
            allow_past_end_time=vwap.allow_past_end_time,
            no_take_liq=vwap.no_take_liq,
        )
    violations.append(FieldViolation(prefix, "names no strategy (adaptive, twap or vwap)"))
    return None


def spec_from_proto(msg: orders_pb2.OrderSpec, prefix: str) -> OrderSpec:
    """Parses the wire form; business rules are checked by the OrderManager."""
    v: list[FieldViolation] = []
    contract = contract_from_proto(msg.contract, f"{prefix}.contract", v)
    side = parse_enum(f"{prefix}.side", msg.side, SIDES, v)
    order_type = parse_enum(f"{prefix}.order_type", msg.order_type, ORDER_TYPES, v)
    tif = parse_enum(
        f"{prefix}.time_in_force", msg.time_in_force, TIME_IN_FORCE, v, TimeInForce.DAY
    )
    quantity = parse_decimal(f"{prefix}.quantity", msg.quantity, v)
    if msg.quantity == "":
        v.append(FieldViolation(f"{prefix}.quantity", "is required"))
    limit_price = parse_decimal(f"{prefix}.limit_price", msg.limit_price, v)
    stop_price = parse_decimal(f"{prefix}.stop_price", msg.stop_price, v)
    trailing_amount = parse_decimal(f"{prefix}.trailing_amount", msg.trailing_amount, v)
    trailing_percent = parse_decimal(f"{prefix}.trailing_percent", msg.trailing_percent, v)
    good_till = _time_from_proto(msg, "good_till_time", prefix, v)
    algo = algo_from_proto(msg.algo, f"{prefix}.algo", v) if msg.HasField("algo") else None
    display_size = parse_decimal(f"{prefix}.display_size", msg.display_size, v)
    limit_offset = parse_decimal(f"{prefix}.limit_offset", msg.limit_offset, v)
    peg_offset = parse_decimal(f"{prefix}.peg_offset", msg.peg_offset, v)
    if v:
        raise InvalidArgument(v)
    assert side is not None
    assert order_type is not None
    assert quantity is not None
    return OrderSpec(
        client_order_id=msg.client_order_id,
        account=msg.account,
        contract=contract,
        side=side,
        quantity=quantity,
        order_type=order_type,
        limit_price=limit_price,
        stop_price=stop_price,
        time_in_force=tif or TimeInForce.DAY,
        outside_rth=msg.outside_rth,
        trailing_amount=trailing_amount,
        trailing_percent=trailing_percent,
        good_till=good_till,
        oca_group=msg.oca_group,
        algo=algo,
        display_size=display_size,
        hidden=msg.hidden,
        limit_offset=limit_offset,
        peg_offset=peg_offset,
    )


def prefixed(error: InvalidArgument, prefix: str) -> InvalidArgument:
    """The same violations with field paths relative to the request."""
    return InvalidArgument(
        [FieldViolation(f"{prefix}.{v.field}", v.description) for v in error.violations],
        reason=error.reason,
    )


# -- responses ----------------------------------------------------------------------


def contract_to_proto(c: Contract) -> orders_pb2.Contract:
    return orders_pb2.Contract(
        symbol=c.symbol,
        sec_type=SECURITY_TYPE_TO_PROTO[c.sec_type],
        exchange=c.exchange,
        currency=c.currency,
        con_id=c.con_id,
        primary_exchange=c.primary_exchange,
        last_trade_date_or_contract_month=c.last_trade_date_or_contract_month,
        strike=decimal_text(c.strike),
        right=c.right,
        multiplier=decimal_text(c.multiplier),
        local_symbol=c.local_symbol,
        trading_class=c.trading_class,
    )


def algo_to_proto(a: Algo) -> orders_pb2.Algo:
    if isinstance(a, AdaptiveAlgo):
        return orders_pb2.Algo(
            adaptive=orders_pb2.AdaptiveAlgo(priority=ADAPTIVE_PRIORITY_TO_PROTO[a.priority])
        )
    start = timestamp(a.start_time) if a.start_time is not None else None
    end = timestamp(a.end_time) if a.end_time is not None else None
    if isinstance(a, TwapAlgo):
        return orders_pb2.Algo(
            twap=orders_pb2.TwapAlgo(
                strategy_type=TWAP_STRATEGY_TYPE_TO_PROTO[a.strategy_type],
                start_time=start,
                end_time=end,
                allow_past_end_time=a.allow_past_end_time,
            )
        )
    return orders_pb2.Algo(
        vwap=orders_pb2.VwapAlgo(
            max_pct_vol=decimal_text(a.max_pct_vol),
            start_time=start,
            end_time=end,
            allow_past_end_time=a.allow_past_end_time,
            no_take_liq=a.no_take_liq,
        )
    )


def spec_to_proto(s: OrderSpec) -> orders_pb2.OrderSpec:
    return orders_pb2.OrderSpec(
        client_order_id=s.client_order_id,
        account=s.account,
        contract=contract_to_proto(s.contract),
        side=SIDE_TO_PROTO[s.side],
        quantity=decimal_text(s.quantity),
        order_type=ORDER_TYPE_TO_PROTO[s.order_type],
        limit_price=decimal_text(s.limit_price),
        stop_price=decimal_text(s.stop_price),
        time_in_force=TIF_TO_PROTO[s.time_in_force],
        outside_rth=s.outside_rth,
        trailing_amount=decimal_text(s.trailing_amount),
        trailing_percent=decimal_text(s.trailing_percent),
        good_till_time=timestamp(s.good_till) if s.good_till is not None else None,
        oca_group=s.oca_group,
        algo=algo_to_proto(s.algo) if s.algo is not None else None,
        display_size=decimal_text(s.display_size),
        hidden=s.hidden,
        limit_offset=decimal_text(s.limit_offset),
        peg_offset=decimal_text(s.peg_offset),
    )


def order_to_proto(o: Order) -> orders_pb2.Order:
    return orders_pb2.Order(
        order_id=o.order_id,
        spec=spec_to_proto(o.spec),
        status=STATUS_TO_PROTO[o.status],
        filled_quantity=decimal_text(o.filled_quantity),
        remaining_quantity=decimal_text(o.remaining_quantity),
        average_fill_price=decimal_text(o.average_fill_price),
        broker_order_id=o.broker_order_id,
        perm_id=o.perm_id,
        status_reason=o.status_reason,
        create_time=timestamp(o.create_time),
        update_time=timestamp(o.update_time),
        parent_order_id=o.parent_order_id,
        oca_group=o.oca_group,
        last_sequence=o.last_sequence,
        external=o.external,
        broker_order_type=o.ib_order_type,
    )


def fill_to_proto(f: Fill) -> orders_pb2.Fill:
    return orders_pb2.Fill(
        execution_id=f.execution_id,
        order_id=f.order_id,
        client_order_id=f.client_order_id,
        account=f.account,
        symbol=f.symbol,
        side=SIDE_TO_PROTO[f.side],
        quantity=decimal_text(f.quantity),
        price=decimal_text(f.price),
        time=timestamp(f.time),
        commission=decimal_text(f.commission),
        commission_currency=f.commission_currency,
        sequence=f.sequence,
        exchange=f.exchange,
        broker_order_id=f.broker_order_id,
        corrects_execution_id=f.corrects_execution_id,
    )


def event_to_proto(e: OrderEvent) -> events_pb2.OrderEvent:
    msg = events_pb2.OrderEvent(
        sequence=e.sequence,
        time=timestamp(e.time),
        order_id=e.order_id,
        client_order_id=e.client_order_id,
        account=e.account,
        order=order_to_proto(e.order),
    )
    if isinstance(e, OrderStatusEvent):
        msg.status_change.CopyFrom(
            events_pb2.StatusChange(
                previous_status=STATUS_TO_PROTO[e.previous_status],
                status=STATUS_TO_PROTO[e.status],
                reason=e.reason,
            )
        )
    elif isinstance(e, FillEvent):
        msg.fill.CopyFrom(fill_to_proto(e.fill))
    elif isinstance(e, CancelEvent):
        msg.cancel.CopyFrom(
            events_pb2.Cancellation(
                previous_status=STATUS_TO_PROTO[e.previous_status], reason=e.reason
            )
        )
    elif isinstance(e, ModifyEvent):
        msg.modification.CopyFrom(
            events_pb2.Modification(
                previous_quantity=decimal_text(e.previous_quantity),
                previous_limit_price=decimal_text(e.previous_limit_price),
                previous_stop_price=decimal_text(e.previous_stop_price),
                previous_time_in_force=TIF_TO_PROTO[e.previous_time_in_force],
                reason=e.reason,
            )
        )
    return msg
