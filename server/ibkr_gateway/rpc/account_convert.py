"""Positions, account figures and order previews to their generated messages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from ibkr.gateway.v1 import account_pb2, gateway_pb2

from ibkr_gateway.broker import BrokerAccountSummary, WhatIfEstimate
from ibkr_gateway.position.account import AccountSummary, market_value
from ibkr_gateway.position.models import Position, PositionCause, PositionEvent
from ibkr_gateway.position.preview import Preview
from ibkr_gateway.rpc.convert import contract_to_proto, decimal_text, spec_to_proto, timestamp

CAUSE_TO_PROTO: Mapping[PositionCause, account_pb2.PositionChangeCause.ValueType] = {
    PositionCause.FILL: account_pb2.POSITION_CHANGE_CAUSE_FILL,
    PositionCause.CORRECTION: account_pb2.POSITION_CHANGE_CAUSE_CORRECTION,
    PositionCause.ADJUSTMENT: account_pb2.POSITION_CHANGE_CAUSE_ADJUSTMENT,
    PositionCause.DISCREPANCY: account_pb2.POSITION_CHANGE_CAUSE_DISCREPANCY,
}


def position_to_proto(p: Position, price: Decimal | None = None) -> account_pb2.Position:
    """`price`: the market price for the market fields; they stay empty without one."""
    holding = p.holding
    msg = account_pb2.Position(
        account=p.account,
        contract=contract_to_proto(p.contract),
        quantity=decimal_text(holding.quantity),
        average_cost=decimal_text(holding.average_cost()),
        average_price=decimal_text(holding.average_price(p.multiplier)),
        realized_pnl=decimal_text(holding.realized_pnl),
        commissions=decimal_text(holding.commissions),
        last_sequence=p.last_sequence,
        update_time=timestamp(p.update_time),
    )
    if price is not None:
        value = market_value(p, price)
        msg.market_price = decimal_text(price)
        msg.market_value = decimal_text(value)
        msg.unrealized_pnl = decimal_text(value - holding.cost_basis)
    return msg


def position_event_to_proto(e: PositionEvent) -> account_pb2.PositionEvent:
    return account_pb2.PositionEvent(
        sequence=e.sequence,
        time=timestamp(e.time),
        position=position_to_proto(e.position),
        previous_quantity=decimal_text(e.previous_quantity),
        cause=CAUSE_TO_PROTO[e.cause],
        order_id=e.cause_order_id,
        execution_id=e.execution_id,
        realized_pnl=decimal_text(e.realized_pnl),
        reason=e.reason,
        broker_quantity=decimal_text(e.broker_quantity),
    )


def summary_to_proto(s: AccountSummary | BrokerAccountSummary) -> account_pb2.AccountSummary:
    """The simulated account's figures, or the broker's (empty where it reports none)."""
    return account_pb2.AccountSummary(
        account=s.account,
        currency=s.currency,
        net_liquidation=decimal_text(s.net_liquidation),
        cash=decimal_text(s.cash),
        buying_power=decimal_text(s.buying_power),
        initial_margin=decimal_text(s.initial_margin),
        maintenance_margin=decimal_text(s.maintenance_margin),
        excess_liquidity=decimal_text(s.excess_liquidity),
        available_funds=decimal_text(s.available_funds),
        gross_position_value=decimal_text(s.gross_position_value),
        realized_pnl=decimal_text(s.realized_pnl),
        unrealized_pnl=decimal_text(s.unrealized_pnl),
    )


def what_if_to_proto(w: WhatIfEstimate) -> gateway_pb2.WhatIfEstimate:
    return gateway_pb2.WhatIfEstimate(
        currency=w.currency,
        commission=decimal_text(w.commission),
        min_commission=decimal_text(w.min_commission),
        max_commission=decimal_text(w.max_commission),
        initial_margin_before=decimal_text(w.initial_margin_before),
        initial_margin_after=decimal_text(w.initial_margin_after),
        maintenance_margin_before=decimal_text(w.maintenance_margin_before),
        maintenance_margin_after=decimal_text(w.maintenance_margin_after),
        equity_with_loan_before=decimal_text(w.equity_with_loan_before),
        equity_with_loan_after=decimal_text(w.equity_with_loan_after),
        warning=w.warning,
    )


def preview_to_proto(
    p: Preview, last_sequence: int, now: datetime
) -> gateway_pb2.PreviewOrderResponse:
    """`last_sequence` and `now`: what the account figures reflect, and when."""
    msg = gateway_pb2.PreviewOrderResponse(
        order=spec_to_proto(p.spec),
        estimated_price=decimal_text(p.price),
        estimated_commission=decimal_text(p.commission),
        position_before=decimal_text(p.position_before),
        position_after=decimal_text(p.position_after),
        breaches=[
            gateway_pb2.LimitBreach(reason=b.reason, message=b.message, metadata=b.metadata)
            for b in p.breaches
        ],
    )
    accounts = ((msg.account_before, p.account_before), (msg.account_after, p.account_after))
    for target, summary in accounts:
        if summary is not None:
            target.CopyFrom(summary_to_proto(summary))
            target.last_sequence = last_sequence
            target.time.CopyFrom(timestamp(now))
    return msg
