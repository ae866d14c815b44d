"""What the client returns: plain dataclasses with Decimal amounts and datetime times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from google.protobuf.timestamp_pb2 import Timestamp
from ibkr.gateway.v1 import account_pb2, events_pb2, gateway_pb2, orders_pb2


def decimal_or_none(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def decimal_text(value: Decimal | str | int) -> str:
    """Wire form of an amount. Floats are refused: they cannot hold prices exactly."""
    if isinstance(value, float):
        raise TypeError("pass prices and quantities as Decimal, str or int, not float")
    return format(Decimal(value), "f")


def _time(ts: Timestamp) -> datetime:
    return ts.ToDatetime(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    client_order_id: str
    account: str
    symbol: str
    side: str
    order_type: str
    quantity: Decimal
    limit_price: Decimal | None
    stop_price: Decimal | None
    time_in_force: str
    status: str
    filled_quantity: Decimal
    remaining_quantity: Decimal
    average_fill_price: Decimal | None
    broker_order_id: int
    perm_id: int
    status_reason: str
    parent_order_id: str
    create_time: datetime
    update_time: datetime
    last_sequence: int
    # IB's code of the order type, e.g. "MOC"; for order_type OTHER the only name of it.
    broker_order_type: str
    proto: orders_pb2.Order

    @property
    def is_final(self) -> bool:
        return self.status in ("FILLED", "CANCELLED", "REJECTED")

    @classmethod
    def from_proto(cls, msg: orders_pb2.Order) -> Order:
        spec = msg.spec
        return cls(
            order_id=msg.order_id,
            client_order_id=spec.client_order_id,
            account=spec.account,
            symbol=spec.contract.symbol,
            side=orders_pb2.Side.Name(spec.side).removeprefix("SIDE_"),
            order_type=orders_pb2.OrderType.Name(spec.order_type).removeprefix("ORDER_TYPE_"),
            quantity=Decimal(spec.quantity or "0"),
            limit_price=decimal_or_none(spec.limit_price),
            stop_price=decimal_or_none(spec.stop_price),
            time_in_force=orders_pb2.TimeInForce.Name(spec.time_in_force).removeprefix(
                "TIME_IN_FORCE_"
            ),
            status=orders_pb2.OrderStatus.Name(msg.status).removeprefix("ORDER_STATUS_"),
            filled_quantity=Decimal(msg.filled_quantity or "0"),
            remaining_quantity=Decimal(msg.remaining_quantity or "0"),
            average_fill_price=decimal_or_none(msg.average_fill_price),
            broker_order_id=msg.broker_order_id,
            perm_id=msg.perm_id,
            status_reason=msg.status_reason,
            parent_order_id=msg.parent_order_id,
            create_time=_time(msg.create_time),
            update_time=_time(msg.update_time),
            last_sequence=msg.last_sequence,
            broker_order_type=msg.broker_order_type,
            proto=msg,
        )


@dataclass(frozen=True, slots=True)
class Fill:
    execution_id: str
    order_id: str
    client_order_id: str
    account: str
    symbol: str
    side: str
    quantity: Decimal
    price: Decimal
    commission: Decimal | None
    commission_currency: str
    time: datetime
    sequence: int
    # The execution this one replaces; that fill no longer counts.
    corrects_execution_id: str = ""

    @classmethod
    def from_proto(cls, msg: orders_pb2.Fill) -> Fill:
        return cls(
            execution_id=msg.execution_id,
            order_id=msg.order_id,
            client_order_id=msg.client_order_id,
            account=msg.account,
            symbol=msg.symbol,
            side=orders_pb2.Side.Name(msg.side).removeprefix("SIDE_"),
            quantity=Decimal(msg.quantity),
            price=Decimal(msg.price),
            commission=decimal_or_none(msg.commission),
            commission_currency=msg.commission_currency,
            time=_time(msg.time),
            sequence=msg.sequence,
            corrects_execution_id=msg.corrects_execution_id,
        )


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """One journaled change. `kind` is status_change, fill, cancel or modification."""

    sequence: int
    time: datetime
    kind: str
    order: Order
    fill: Fill | None
    reason: str
    proto: events_pb2.OrderEvent

    @property
    def order_id(self) -> str:
        return self.order.order_id

    @property
    def client_order_id(self) -> str:
        return self.order.client_order_id

    @classmethod
    def from_proto(cls, msg: events_pb2.OrderEvent) -> OrderEvent:
        kind = msg.WhichOneof("kind") or ""
        reason = ""
        if kind == "status_change":
            reason = msg.status_change.reason
        elif kind == "cancel":
            reason = msg.cancel.reason
        elif kind == "modification":
            reason = msg.modification.reason
        return cls(
            sequence=msg.sequence,
            time=_time(msg.time),
            kind=kind,
            order=Order.from_proto(msg.order),
            fill=Fill.from_proto(msg.fill) if kind == "fill" else None,
            reason=reason,
            proto=msg,
        )


def _time_or_none(ts: Timestamp, present: bool) -> datetime | None:
    return _time(ts) if present else None


@dataclass(frozen=True, slots=True)
class AccountHalt:
    """One account halted by the kill switch on its own."""

    account: str
    reason: str
    set_by: str
    set_time: datetime | None

    @classmethod
    def from_proto(cls, msg: gateway_pb2.AccountHalt) -> AccountHalt:
        return cls(
            account=msg.account,
            reason=msg.reason,
            set_by=msg.set_by,
            set_time=_time_or_none(msg.set_time, msg.HasField("set_time")),
        )


@dataclass(frozen=True, slots=True)
class KillSwitch:
    """The gateway-wide switch, and the accounts halted on their own that the caller sees."""

    engaged: bool
    reason: str
    set_by: str
    # None until the switch was set for the first time.
    set_time: datetime | None
    halted_accounts: tuple[AccountHalt, ...]

    @classmethod
    def from_proto(cls, msg: gateway_pb2.KillSwitch) -> KillSwitch:
        return cls(
            engaged=msg.engaged,
            reason=msg.reason,
            set_by=msg.set_by,
            set_time=_time_or_none(msg.set_time, msg.HasField("set_time")),
            halted_accounts=tuple(AccountHalt.from_proto(h) for h in msg.halted_accounts),
        )


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One mutating call: who, what (the request as protobuf JSON), the outcome and when."""

    id: int
    time: datetime
    principal: str
    method: str
    request_json: str
    status: str
    detail: str
    accounts: tuple[str, ...]

    @classmethod
    def from_proto(cls, msg: gateway_pb2.AuditRecord) -> AuditRecord:
        return cls(
            id=msg.id,
            time=_time(msg.time),
            principal=msg.principal,
            method=msg.method,
            request_json=msg.request_json,
            status=msg.status,
            detail=msg.detail,
            accounts=tuple(msg.accounts),
        )


@dataclass(frozen=True, slots=True)
class Position:
    """One account's holding in one contract. Quantities are signed (negative: short);
    the market fields are None where the gateway knows no price (and in stream events)."""

    account: str
    symbol: str
    quantity: Decimal
    # Per unit, opening commissions included, times the multiplier (IB's avgCost).
    average_cost: Decimal | None
    average_price: Decimal | None
    realized_pnl: Decimal
    commissions: Decimal
    market_price: Decimal | None
    market_value: Decimal | None
    unrealized_pnl: Decimal | None
    last_sequence: int
    update_time: datetime
    proto: account_pb2.Position

    @classmethod
    def from_proto(cls, msg: account_pb2.Position) -> Position:
        return cls(
            account=msg.account,
            symbol=msg.contract.symbol,
            quantity=Decimal(msg.quantity or "0"),
            average_cost=decimal_or_none(msg.average_cost),
            average_price=decimal_or_none(msg.average_price),
            realized_pnl=Decimal(msg.realized_pnl or "0"),
            commissions=Decimal(msg.commissions or "0"),
            market_price=decimal_or_none(msg.market_price),
            market_value=decimal_or_none(msg.market_value),
            unrealized_pnl=decimal_or_none(msg.unrealized_pnl),
            last_sequence=msg.last_sequence,
            update_time=_time(msg.update_time),
            proto=msg,
        )


@dataclass(frozen=True, slots=True)
class PositionEvent:
    """One journaled position change. `cause` is FILL, CORRECTION, ADJUSTMENT or
    DISCREPANCY (IB holds `broker_quantity`; the position is unchanged)."""

    sequence: int
    time: datetime
    position: Position
    previous_quantity: Decimal
    cause: str
    order_id: str
    execution_id: str
    realized_pnl: Decimal
    reason: str
    # What IB reported, for a DISCREPANCY or an ADJUSTMENT adopting IB's position.
    broker_quantity: Decimal | None
    proto: account_pb2.PositionEvent

    @classmethod
    def from_proto(cls, msg: account_pb2.PositionEvent) -> PositionEvent:
        return cls(
            sequence=msg.sequence,
            time=_time(msg.time),
            position=Position.from_proto(msg.position),
            previous_quantity=Decimal(msg.previous_quantity or "0"),
            cause=account_pb2.PositionChangeCause.Name(msg.cause).removeprefix(
                "POSITION_CHANGE_CAUSE_"
            ),
            order_id=msg.order_id,
            execution_id=msg.execution_id,
            realized_pnl=Decimal(msg.realized_pnl or "0"),
            reason=msg.reason,
            broker_quantity=decimal_or_none(msg.broker_quantity),
            proto=msg,
        )


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """Cash, margin and P&L of one account, in `currency`."""

    account: str
    currency: str
    net_liquidation: Decimal
    cash: Decimal
    buying_power: Decimal
    initial_margin: Decimal
    maintenance_margin: Decimal
    excess_liquidity: Decimal
    available_funds: Decimal
    gross_position_value: Decimal
    realized_pnl: Decimal
    unrealized_pnl: Decimal
    last_sequence: int
    time: datetime
    proto: account_pb2.AccountSummary

    @classmethod
    def from_proto(cls, msg: account_pb2.AccountSummary) -> AccountSummary:
        def amount(name: str) -> Decimal:
            return Decimal(getattr(msg, name) or "0")

        return cls(
            account=msg.account,
            currency=msg.currency,
            net_liquidation=amount("net_liquidation"),
            cash=amount("cash"),
            buying_power=amount("buying_power"),
            initial_margin=amount("initial_margin"),
            maintenance_margin=amount("maintenance_margin"),
            excess_liquidity=amount("excess_liquidity"),
            available_funds=amount("available_funds"),
            gross_position_value=amount("gross_position_value"),
            realized_pnl=amount("realized_pnl"),
            unrealized_pnl=amount("unrealized_pnl"),
            last_sequence=msg.last_sequence,
            time=_time(msg.time),
            proto=msg,
        )


@dataclass(frozen=True, slots=True)
class PositionList:
    """Positions as of one journal sequence: `positions(after_sequence=last_sequence)`
    continues exactly where the listing ends."""

    positions: tuple[Position, ...]
    last_sequence: int


@dataclass(frozen=True, slots=True)
class LimitBreach:
    """A limit an order would break: the reason SubmitOrder would refuse it with."""

    reason: str
    message: str
    metadata: dict[str, str]


@dataclass(frozen=True, slots=True)
class WhatIfEstimate:
    """IB's answer to an order sent as a what-if order (backend ib), in `currency`;
    None where IB gives no figure."""

    currency: str
    commission: Decimal | None
    min_commission: Decimal | None
    max_commission: Decimal | None
    initial_margin_before: Decimal | None
    initial_margin_after: Decimal | None
    maintenance_margin_before: Decimal | None
    maintenance_margin_after: Decimal | None
    equity_with_loan_before: Decimal | None
    equity_with_loan_after: Decimal | None
    warning: str

    @classmethod
    def from_proto(cls, msg: gateway_pb2.WhatIfEstimate) -> WhatIfEstimate:
        amounts = {
            name: decimal_or_none(getattr(msg, name))
            for name in (
                "commission",
                "min_commission",
                "max_commission",
                "initial_margin_before",
                "initial_margin_after",
                "maintenance_margin_before",
                "maintenance_margin_after",
                "equity_with_loan_before",
                "equity_with_loan_after",
            )
        }
        return cls(currency=msg.currency, warning=msg.warning, **amounts)


@dataclass(frozen=True, slots=True)
class OrderPreview:
    """What an order would do. The account figures are None off the simulated backend;
    the estimates are None where no price is known."""

    estimated_price: Decimal | None
    estimated_commission: Decimal | None
    position_before: Decimal
    position_after: Decimal
    account_before: AccountSummary | None
    account_after: AccountSummary | None
    breaches: tuple[LimitBreach, ...]
    # IB's what-if answer (backend ib); None otherwise.
    what_if: WhatIfEstimate | None
    proto: gateway_pb2.PreviewOrderResponse

    @classmethod
    def from_proto(cls, msg: gateway_pb2.PreviewOrderResponse) -> OrderPreview:
        def account(name: str) -> AccountSummary | None:
            present = msg.HasField(name)  # type: ignore[arg-type]
            return AccountSummary.from_proto(getattr(msg, name)) if present else None

        return cls(
            estimated_price=decimal_or_none(msg.estimated_price),
            estimated_commission=decimal_or_none(msg.estimated_commission),
            position_before=Decimal(msg.position_before or "0"),
            position_after=Decimal(msg.position_after or "0"),
            account_before=account("account_before"),
            account_after=account("account_after"),
            breaches=tuple(
                LimitBreach(b.reason, b.message, dict(b.metadata)) for b in msg.breaches
            ),
            what_if=WhatIfEstimate.from_proto(msg.what_if) if msg.HasField("what_if") else None,
            proto=msg,
        )
