"""JSON encoding of domain objects for the store. Decimals and times as strings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

import orjson

from ibkr_gateway.event.events import (
    CancelEvent,
    FillEvent,
    JournalEvent,
    ModifyEvent,
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
from ibkr_gateway.position.models import Position, PositionCause, PositionEvent
from ibkr_gateway.position.pnl import Holding

JSON = dict[str, Any]


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _default(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def encode(value: object) -> str:
    """JSON of a domain dataclass, field by field (orjson walks dataclasses natively):
    enums by value, times in ISO 8601, Decimals as text."""
    return orjson.dumps(value, default=_default).decode()


def _as_json(value: object) -> JSON:
    decoded: JSON = orjson.loads(encode(value))
    return decoded


def contract_to_json(c: Contract) -> JSON:
    return _as_json(c)


def spec_to_json(s: OrderSpec) -> JSON:
    return _as_json(s)


def order_to_json(o: Order) -> JSON:
    return _as_json(o)


def fill_to_json(f: Fill) -> JSON:
    return _as_json(f)


def _time_or_none(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def contract_from_json(d: JSON) -> Contract:
    return Contract(
        symbol=d["symbol"],
        sec_type=SecurityType(d["sec_type"]),
        exchange=d["exchange"],
        currency=d["currency"],
        con_id=d["con_id"],
        primary_exchange=d["primary_exchange"],
        last_trade_date_or_contract_month=d["last_trade_date_or_contract_month"],
        strike=_undec(d["strike"]),
        right=d["right"],
        multiplier=_undec(d["multiplier"]),
        local_symbol=d["local_symbol"],
        trading_class=d["trading_class"],
    )


def algo_from_json(d: JSON | None) -> Algo | None:
    """Each algo has a field of its own: priority, strategy_type or max_pct_vol."""
    if d is None:
        return None
    if "priority" in d:
        return AdaptiveAlgo(AdaptivePriority(d["priority"]))
    start, end = _time_or_none(d["start_time"]), _time_or_none(d["end_time"])
    if "strategy_type" in d:
        return TwapAlgo(
            strategy_type=TwapStrategyType(d["strategy_type"]),
            start_time=start,
            end_time=end,
            allow_past_end_time=d["allow_past_end_time"],
        )
    return VwapAlgo(
        max_pct_vol=Decimal(d["max_pct_vol"]),
        start_time=start,
        end_time=end,
        allow_past_end_time=d["allow_past_end_time"],
        no_take_liq=d["no_take_liq"],
    )


def spec_from_json(d: JSON) -> OrderSpec:
    return OrderSpec(
        client_order_id=d["client_order_id"],
        account=d["account"],
        contract=contract_from_json(d["contract"]),
        side=Side(d["side"]),
        quantity=Decimal(d["quantity"]),
        order_type=OrderType(d["order_type"]),
        limit_price=_undec(d["limit_price"]),
        stop_price=_undec(d["stop_price"]),
        time_in_force=TimeInForce(d["time_in_force"]),
        outside_rth=d["outside_rth"],
        # Absent from snapshots written before these fields existed.
        trailing_amount=_undec(d.get("trailing_amount")),
        trailing_percent=_undec(d.get("trailing_percent")),
        good_till=_time_or_none(d.get("good_till")),
        oca_group=d.get("oca_group", ""),
        algo=algo_from_json(d.get("algo")),
        display_size=_undec(d.get("display_size")),
        hidden=d.get("hidden", False),
        limit_offset=_undec(d.get("limit_offset")),
        peg_offset=_undec(d.get("peg_offset")),
    )


def order_from_json(d: JSON) -> Order:
    return Order(
        order_id=d["order_id"],
        spec=spec_from_json(d["spec"]),
        status=OrderStatus(d["status"]),
        create_time=datetime.fromisoformat(d["create_time"]),
        update_time=datetime.fromisoformat(d["update_time"]),
        filled_quantity=Decimal(d["filled_quantity"]),
        average_fill_price=_undec(d["average_fill_price"]),
        broker_order_id=d["broker_order_id"],
        perm_id=d["perm_id"],
        status_reason=d["status_reason"],
        parent_order_id=d["parent_order_id"],
        oca_group=d["oca_group"],
        last_sequence=d["last_sequence"],
        fills_quantity=Decimal(d["fills_quantity"]),
        fills_notional=Decimal(d["fills_notional"]),
        request_fingerprint=d["request_fingerprint"],
        external=d.get("external", False),
        broker_order_type=d.get("broker_order_type", ""),
    )


def fill_from_json(d: JSON) -> Fill:
    return Fill(
        execution_id=d["execution_id"],
        order_id=d["order_id"],
        client_order_id=d["client_order_id"],
        account=d["account"],
        symbol=d["symbol"],
        side=Side(d["side"]),
        quantity=Decimal(d["quantity"]),
        price=Decimal(d["price"]),
        time=datetime.fromisoformat(d["time"]),
        commission=_undec(d["commission"]),
        commission_currency=d["commission_currency"],
        exchange=d["exchange"],
        broker_order_id=d["broker_order_id"],
        sequence=d["sequence"],
        corrects_execution_id=d.get("corrects_execution_id", ""),
    )


def holding_from_json(d: JSON) -> Holding:
    return Holding(**{name: Decimal(value) for name, value in d.items()})


def position_from_json(d: JSON) -> Position:
    before = d["before_last_execution"]
    return Position(
        account=d["account"],
        contract=contract_from_json(d["contract"]),
        holding=holding_from_json(d["holding"]),
        update_time=datetime.fromisoformat(d["update_time"]),
        last_sequence=d["last_sequence"],
        last_execution=d["last_execution"],
        before_last_execution=None if before is None else holding_from_json(before),
    )


def event_kind(event: JournalEvent) -> str:
    return type(event).__name__


def _position_payload(event: PositionEvent) -> JSON:
    return {
        "position": _as_json(event.position),
        "previous_quantity": str(event.previous_quantity),
        "cause": event.cause.value,
        "realized_pnl": str(event.realized_pnl),
        "cause_order_id": event.cause_order_id,
        "execution_id": event.execution_id,
        "reason": event.reason,
        "broker_quantity": _dec(event.broker_quantity),
    }


def _position_event(sequence: int, time: str, body: JSON) -> PositionEvent:
    return PositionEvent(
        sequence=sequence,
        time=datetime.fromisoformat(time),
        position=position_from_json(body["position"]),
        previous_quantity=Decimal(body["previous_quantity"]),
        cause=PositionCause(body["cause"]),
        realized_pnl=Decimal(body["realized_pnl"]),
        cause_order_id=body["cause_order_id"],
        execution_id=body["execution_id"],
        reason=body["reason"],
        broker_quantity=_undec(body.get("broker_quantity")),
    )


def event_payload(event: JournalEvent) -> str:
    """The kind-specific part of an event; an order snapshot is stored beside it."""
    body: JSON
    if isinstance(event, PositionEvent):
        body = _position_payload(event)
    elif isinstance(event, OrderStatusEvent):
        body = {"previous_status": event.previous_status.value, "reason": event.reason}
    elif isinstance(event, FillEvent):
        body = {"fill": fill_to_json(event.fill)}
    elif isinstance(event, CancelEvent):
        body = {"previous_status": event.previous_status.value, "reason": event.reason}
    elif isinstance(event, ModifyEvent):
        body = {
            "previous_quantity": str(event.previous_quantity),
            "previous_limit_price": _dec(event.previous_limit_price),
            "previous_stop_price": _dec(event.previous_stop_price),
            "previous_tif": event.previous_time_in_force.value,
            "reason": event.reason,
        }
    else:
        raise TypeError(f"cannot encode {type(event).__name__}")
    return dumps(body)


def event_from_row(
    sequence: int, time: str, kind: str, payload: str, order_snapshot: str
) -> JournalEvent:
    # orjson: a replay decodes every event it sends, and this is most of that cost.
    body = orjson.loads(payload)
    if kind == "PositionEvent":
        return _position_event(sequence, time, body)
    common: JSON = {
        "sequence": sequence,
        "time": datetime.fromisoformat(time),
        "order": order_from_json(orjson.loads(order_snapshot)),
    }
    if kind == "OrderStatusEvent":
        return OrderStatusEvent(
            **common, previous_status=OrderStatus(body["previous_status"]), reason=body["reason"]
        )
    if kind == "FillEvent":
        return FillEvent(**common, fill=fill_from_json(body["fill"]))
    if kind == "CancelEvent":
        return CancelEvent(
            **common, previous_status=OrderStatus(body["previous_status"]), reason=body["reason"]
        )
    if kind == "ModifyEvent":
        return ModifyEvent(
            **common,
            previous_quantity=Decimal(body["previous_quantity"]),
            previous_limit_price=_undec(body["previous_limit_price"]),
            previous_stop_price=_undec(body["previous_stop_price"]),
            previous_time_in_force=TimeInForce(body["previous_tif"]),
            reason=body["reason"],
        )
    raise ValueError(f"unknown event kind {kind!r} at sequence {sequence}")


class JournalRow(NamedTuple):
    """A journaled event as stored; decoded by `event()`, only when needed."""

    sequence: int
    time: str
    kind: str
    payload: str
    order_snapshot: str

    def event(self) -> JournalEvent:
        return event_from_row(*self)


def dumps(d: JSON) -> str:
    return orjson.dumps(d).decode()
