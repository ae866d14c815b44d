"""PositionBook: changes journaled per fill, corrections, adjustments, what readers see."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from ibkr_gateway.event.events import JournalEvent, stamp_sequence
from ibkr_gateway.order.models import Contract, Fill, Order, OrderSpec, OrderStatus, OrderType, Side
from ibkr_gateway.position.book import PositionBook
from ibkr_gateway.position.models import Position, PositionCause, PositionEvent
from ibkr_gateway.position.pnl import Holding, trade

D = Decimal
T0 = datetime(2024, 5, 1, 14, 30, tzinfo=UTC)
AAPL = Contract("AAPL")


class Journal:
    def __init__(self, loaded: Sequence[Position] = ()) -> None:
        self.events: list[JournalEvent] = []
        self.loaded = list(loaded)

    def append(
        self, events: Sequence[JournalEvent], *, abandon_on_failure: bool = False
    ) -> tuple[list[JournalEvent], asyncio.Future[None]]:
        for event in events:
            stamp_sequence(event, len(self.events) + 1)
            self.events.append(event)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return list(events), done

    def load_positions(self) -> list[Position]:
        return self.loaded

    def changes(self) -> list[PositionEvent]:
        return [e for e in self.events if isinstance(e, PositionEvent)]


def order(contract: Contract = AAPL) -> Order:
    spec = OrderSpec("c1", "DU1", contract, Side.BUY, D(100), OrderType.MARKET)
    return Order("o1", spec, OrderStatus.FILLED, T0, T0)


def fill(execution_id: str, side: Side, quantity: str, price: str, commission: str = "1") -> Fill:
    return Fill(
        execution_id, "o1", "c1", "DU1", "AAPL", side, D(quantity), D(price), T0, D(commission)
    )


def book(journal: Journal) -> PositionBook:
    return PositionBook(journal, lambda: T0)


async def test_each_fill_journals_one_change_with_its_cause() -> None:
    journal = Journal()
    positions = book(journal)
    positions.on_fill(order(), fill("e1.01", Side.BUY, "100", "100"), None)
    positions.on_fill(order(), fill("e2.01", Side.SELL, "40", "110"), None)
    first, second = journal.changes()
    assert (first.previous_quantity, first.position.quantity) == (D(0), D(100))
    assert (second.cause, second.cause_order_id, second.execution_id) == (
        PositionCause.FILL,
        "o1",
        "e2.01",
    )
    assert second.realized_pnl == D("398.6")
    assert second.position.last_sequence == 2
    assert second.order_id == ""


async def test_readers_see_a_change_once_it_is_published() -> None:
    journal = Journal()
    positions = book(journal)
    positions.on_fill(order(), fill("e1.01", Side.BUY, "10", "100"), None)
    assert positions.positions() == []
    assert positions.recorded("DU1", AAPL) is not None
    positions.on_published(journal.events[0])
    (shown,) = positions.positions(["DU1"])
    assert shown.quantity == 10
    assert positions.positions(["DU2"]) == []


async def test_a_correction_of_the_last_execution_replaces_it_exactly() -> None:
    journal = Journal()
    positions = book(journal)
    buy = fill("e1.01", Side.BUY, "100", "100")
    positions.on_fill(order(), buy, None)
    sell = fill("e2.01", Side.SELL, "40", "110")
    positions.on_fill(order(), sell, None)
    corrected = fill("e2.02", Side.SELL, "30", "111", "0.9")
    positions.on_fill(order(), corrected, sell)
    change = journal.changes()[-1]
    expected, _ = trade(Holding(), D(100), D(100), D(1))
    expected, realized = trade(expected, D(-30), D(111), D("0.9"))
    assert change.cause is PositionCause.CORRECTION
    assert change.position.holding == expected
    assert change.previous_quantity == 60
    assert change.realized_pnl == realized - D("398.6")
    # A second correction of the same execution still starts from before it.
    positions.on_fill(order(), fill("e2.03", Side.SELL, "20", "111"), corrected)
    assert journal.changes()[-1].position.quantity == 80


async def test_a_correction_of_an_earlier_execution_keeps_quantity_and_cash_exact() -> None:
    journal = Journal()
    positions = book(journal)
    first = fill("e1.01", Side.BUY, "100", "100")
    positions.on_fill(order(), first, None)
    positions.on_fill(order(), fill("e2.01", Side.SELL, "40", "110"), None)
    positions.on_fill(order(), fill("e1.02", Side.BUY, "90", "100"), first)
    holding = journal.changes()[-1].position.holding
    assert holding.quantity == 50
    assert holding.cash_flow == D(-9000 - 1 + 4400 - 1)
    assert holding.commissions == 2


async def test_an_adjustment_sets_quantity_and_cost_and_moves_no_cash() -> None:
    journal = Journal()
    positions = book(journal)
    positions.on_fill(order(), fill("e1.01", Side.BUY, "10", "100"), None)
    position, _ = positions.adjust("DU1", AAPL, D(500), D("80.5"), "held before")
    change = journal.changes()[-1]
    assert (change.cause, change.reason, change.previous_quantity) == (
        PositionCause.ADJUSTMENT,
        "held before",
        D(10),
    )
    assert position.holding.average_cost() == D("80.5")
    assert position.holding.cash_flow == D(-1001)
    assert position.holding.realized_pnl == 0


async def test_positions_are_loaded_from_the_journal() -> None:
    held = Position("DU1", AAPL, Holding(quantity=D(5), cost_basis=D(500)), T0, last_sequence=9)
    positions = book(Journal([held]))
    assert positions.positions() == [held]
    assert positions.recorded("DU1", AAPL) == held


async def test_contracts_with_another_exchange_or_con_id_are_the_same_position() -> None:
    journal = Journal()
    positions = book(journal)
    positions.on_fill(order(), fill("e1.01", Side.BUY, "10", "100"), None)
    routed = Contract("AAPL", exchange="ISLAND", con_id=265598)
    positions.on_fill(order(routed), fill("e2.01", Side.BUY, "10", "100"), None)
    last = journal.changes()[-1].position
    assert last.quantity == 20
    assert last.contract.con_id == 265598
    option = Contract("AAPL", last_trade_date_or_contract_month="20240621", strike=D(200))
    positions.on_fill(order(option), fill("e3.01", Side.BUY, "1", "3"), None)
    assert journal.changes()[-1].position.quantity == 1
