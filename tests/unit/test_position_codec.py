"""Position changes in the store: encoded and decoded exactly, as every journal kind is."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ibkr_gateway.event.events import JournalEvent, OrderEvent
from ibkr_gateway.order.models import Contract, SecurityType
from ibkr_gateway.position.models import Position, PositionCause, PositionEvent
from ibkr_gateway.position.pnl import Holding
from ibkr_gateway.store.codec import dumps, encode, event_from_row, event_kind, event_payload

D = Decimal
T0 = datetime(2024, 5, 1, 14, 30, tzinfo=UTC)
OPTION = Contract(
    "AAPL",
    sec_type=SecurityType.OPTION,
    last_trade_date_or_contract_month="20240621",
    strike=D("187.50"),
    right="C",
    multiplier=D(100),
)
HOLDING = Holding(
    quantity=D("-3"),
    cost_basis=D("-1049.35"),
    price_basis=D("-1050.00"),
    realized_pnl=D("12.30000001"),
    commissions=D("2.60"),
    cash_flow=D("1061.65000001"),
)

CHANGES = [
    PositionEvent(
        sequence=5,
        time=T0,
        position=Position(
            "DU1",
            OPTION,
            HOLDING,
            T0,
            last_sequence=5,
            last_execution="0001f4e8.6555a8f2.01",
            before_last_execution=Holding(quantity=D(2), cost_basis=D("700.65")),
        ),
        previous_quantity=D(2),
        cause=PositionCause.CORRECTION,
        realized_pnl=D("-0.10"),
        cause_order_id="o1",
        execution_id="0001f4e8.6555a8f2.01.02",
    ),
    PositionEvent(
        sequence=6,
        time=T0,
        position=Position("DU2", Contract("MSFT"), Holding(), T0, last_sequence=6),
        previous_quantity=D(0),
        cause=PositionCause.ADJUSTMENT,
        reason="held before",
    ),
    PositionEvent(
        sequence=7,
        time=T0,
        position=Position("DU2", Contract("MSFT"), Holding(quantity=D(5)), T0, last_sequence=6),
        previous_quantity=D(5),
        cause=PositionCause.DISCREPANCY,
        reason="IB holds 7.5, the gateway's fills make 5",
        broker_quantity=D("7.5"),
    ),
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda e: e.cause.value)
def test_position_change_round_trip(change: PositionEvent) -> None:
    back = event_from_row(
        change.sequence, T0.isoformat(), event_kind(change), event_payload(change), ""
    )
    assert back == change
    assert isinstance(back, PositionEvent)
    assert back.position.holding == change.position.holding


def test_snapshot_round_trip_keeps_decimals_as_text() -> None:
    body = json.loads(encode(CHANGES[0].position))
    assert body["holding"]["realized_pnl"] == "12.30000001"
    assert body["contract"]["strike"] == "187.50"
    assert json.loads(dumps(body)) == body


def test_every_journal_kind_is_encoded() -> None:
    assert {cls.__name__ for cls in JournalEvent.__subclasses__()} == {
        "OrderEvent",
        "PositionEvent",
    }
    assert OrderEvent in JournalEvent.__subclasses__()


def test_a_journal_row_without_a_broker_quantity_reads_as_none() -> None:
    """Rows written before position events carried IB's quantity."""
    body = json.loads(event_payload(CHANGES[1]))
    del body["broker_quantity"]
    back = event_from_row(6, T0.isoformat(), "PositionEvent", dumps(body), "")
    assert back == CHANGES[1]
