"""Reconciliation with the broker's positions: which differ, and what a pass does with
them (adopt after a connect, report while connected, wait while fills are in flight)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal

from ibkr_gateway.broker import BrokerPosition
from ibkr_gateway.order.models import Contract, Order, SecurityType, Side
from ibkr_gateway.position.book import PositionBook
from ibkr_gateway.position.models import Position, PositionCause
from ibkr_gateway.position.reconcile import differences
from ibkr_gateway.position.reconciler import PositionReconciler
from tests.unit.test_position_book import T0, Journal, fill, order

D = Decimal
AAPL = Contract("AAPL", con_id=265598)
MSFT = Contract("MSFT")
OPTION = Contract(
    "AAPL",
    sec_type=SecurityType.OPTION,
    last_trade_date_or_contract_month="20250117",
    strike=D("150"),
    right="C",
    multiplier=D("100"),
)


def recorded(positions: PositionBook) -> list[Position]:
    return list(positions.recorded_snapshot().values())


def at_ib(
    contract: Contract, quantity: str, cost: str = "100", account: str = "DU1"
) -> BrokerPosition:
    return BrokerPosition(account, contract, D(quantity), D(cost))


async def holding(journal: Journal, quantity: str, contract: Contract = AAPL) -> PositionBook:
    """A book holding `quantity` bought at 100 (commission 1)."""
    positions = PositionBook(journal, lambda: T0)
    held = order(contract)
    positions.on_fill(held, fill("e1", Side.BUY, quantity, "100"), None)
    return positions


async def test_quantities_that_agree_are_no_difference() -> None:
    positions = await holding(Journal(), "100")
    # IB's average cost differs (rounding, commissions): only quantities are compared.
    assert differences(recorded(positions), [at_ib(AAPL, "100", "99.5")], frozenset({"DU1"})) == []


async def test_positions_match_by_contract_id_else_by_terms() -> None:
    positions = await holding(Journal(), "100")
    # IB names the contract by its id and its own exchange; the gateway's has the id.
    renamed = Contract("AAPL", exchange="NASDAQ", con_id=265598)
    assert differences(recorded(positions), [at_ib(renamed, "100")], frozenset({"DU1"})) == []
    (found,) = differences(recorded(positions), [at_ib(renamed, "70")], frozenset({"DU1"}))
    assert (found.key, found.gateway_quantity, found.broker_quantity) == (
        ("DU1", "STK:AAPL:USD"),
        D(100),
        D(70),
    )
    # Without an id on either side, the terms (expiry, strike, right, multiplier) match.
    options = await holding(Journal(), "2", OPTION)
    same_terms = Contract(
        "AAPL",
        sec_type=SecurityType.OPTION,
        last_trade_date_or_contract_month="20250117",
        strike=D("150.0"),
        right="C",
        multiplier=D("100"),
    )
    assert differences(recorded(options), [at_ib(same_terms, "2")], frozenset({"DU1"})) == []


async def test_what_one_side_lacks_is_held_at_zero_there() -> None:
    positions = await holding(Journal(), "100")
    found = differences(recorded(positions), [at_ib(MSFT, "-5", "300")], frozenset({"DU1"}))
    assert [(d.contract.symbol, d.gateway_quantity, d.broker_quantity) for d in found] == [
        ("AAPL", D(100), D(0)),
        ("MSFT", D(0), D(-5)),
    ]
    assert found[1].broker_average_cost == D(300)


async def test_accounts_of_other_logins_are_left_out() -> None:
    positions = await holding(Journal(), "100")
    elsewhere = [at_ib(MSFT, "5", account="DU2")]
    assert differences(recorded(positions), elsewhere, frozenset({"DU1", "DU3"})) == [
        differences(recorded(positions), [], frozenset({"DU1"}))[0]
    ]
    assert differences(recorded(positions), elsewhere, frozenset({"DU3"})) == []


class Broker:
    """IB's positions as a test sets them; `during` runs while the answer is awaited."""

    def __init__(self, *held: BrokerPosition) -> None:
        self.held = list(held)
        self.during: Callable[[], None] = lambda: None

    async def broker_positions(self) -> list[BrokerPosition]:
        self.during()
        await asyncio.sleep(0)
        return list(self.held)

    def managed_accounts(self) -> frozenset[str]:
        return frozenset({"DU1"})


def reconciler(
    positions: PositionBook,
    broker: Broker,
    *,
    in_flight: Callable[[], bool] = lambda: False,
    working: Callable[[], list[Order]] = list,
    clock: Callable[[], float] = lambda: 0.0,
) -> PositionReconciler:
    return PositionReconciler(
        positions, broker, in_flight=in_flight, working=working, interval=0, grace=5, clock=clock
    )


async def test_a_connect_adopts_then_later_differences_are_reported_once() -> None:
    journal = Journal()
    positions = await holding(journal, "100")
    broker = Broker(at_ib(AAPL, "100"), at_ib(MSFT, "20", "250"))
    checker = reconciler(positions, broker)
    checker.on_connected()
    assert await checker.reconcile()
    adopted = journal.changes()[-1]
    assert (adopted.cause, adopted.position.quantity, adopted.broker_quantity) == (
        PositionCause.ADJUSTMENT,
        D(20),
        D(20),
    )
    assert adopted.position.holding.average_cost() == D(250)
    assert "which the gateway had no record of" in adopted.reason
    broker.held = [at_ib(AAPL, "130"), at_ib(MSFT, "20")]
    for _ in range(3):
        assert await checker.reconcile()
    (reported,) = [c for c in journal.changes() if c.cause is PositionCause.DISCREPANCY]
    assert (reported.position.quantity, reported.broker_quantity) == (D(100), D(130))
    assert recorded(positions)[0].quantity == D(100)
    assert (checker.discrepancies, checker.open_discrepancies, checker.adoptions) == (1, 1, 1)
    # Another quantity at IB is another discrepancy; agreeing again closes it.
    broker.held = [at_ib(AAPL, "140"), at_ib(MSFT, "20")]
    await checker.reconcile()
    assert (checker.discrepancies, checker.open_discrepancies) == (2, 1)
    broker.held = [at_ib(AAPL, "100"), at_ib(MSFT, "20")]
    await checker.reconcile()
    assert (checker.discrepancies, checker.open_discrepancies) == (2, 0)
    # The next connect adopts what differs then, with the quantities in the reason.
    broker.held = [at_ib(AAPL, "90", "101"), at_ib(MSFT, "20")]
    checker.on_connected()
    await checker.reconcile()
    last = journal.changes()[-1]
    assert (last.cause, last.previous_quantity, last.position.quantity) == (
        PositionCause.ADJUSTMENT,
        D(100),
        D(90),
    )
    assert "IB holds 90, the gateway's fills made 100" in last.reason


async def test_executions_in_flight_put_the_pass_off() -> None:
    journal = Journal()
    positions = await holding(journal, "100")
    flying = True
    checker = reconciler(positions, Broker(at_ib(AAPL, "200")), in_flight=lambda: flying)
    checker.on_connected()
    assert not await checker.reconcile()
    assert (checker.passes, len(journal.changes())) == (0, 1)
    flying = False
    # Still the pass after the connect: it adopts.
    assert await checker.reconcile()
    assert journal.changes()[-1].cause is PositionCause.ADJUSTMENT


async def test_a_contract_whose_position_moves_during_the_request_waits() -> None:
    journal = Journal()
    positions = await holding(journal, "100")
    broker = Broker(at_ib(AAPL, "100"))
    checker = reconciler(positions, broker)
    # A fill is recorded while IB's answer is on its way: IB's answer predates it.

    def another_fill() -> None:
        positions.on_fill(order(), fill("e2", Side.BUY, "10", "100"), None)

    broker.during = another_fill
    checker.on_connected()
    assert await checker.reconcile()
    assert [c.cause for c in journal.changes()] == [PositionCause.FILL, PositionCause.FILL]
    # Skipped at the connect, so adopted by the next pass that can settle it.
    broker.during = lambda: None
    broker.held = [at_ib(AAPL, "115")]
    await checker.reconcile()
    assert journal.changes()[-1].cause is PositionCause.ADJUSTMENT
    assert journal.changes()[-1].position.quantity == D(115)


async def test_a_difference_in_a_contract_with_working_orders_must_stand_its_grace() -> None:
    """An order may have filled at IB with its report still on the way: the difference
    is reported only once it has stood, unchanged, longer than a report may be late."""
    journal = Journal()
    positions = await holding(journal, "100")
    working = [order()]
    now = 0.0
    broker = Broker(at_ib(AAPL, "150"))
    checker = reconciler(positions, broker, working=lambda: working, clock=lambda: now)
    await checker.reconcile()
    now = 4.9
    await checker.reconcile()
    assert (checker.discrepancies, len(journal.changes())) == (0, 1)
    # The fill arrives: another difference, whose grace starts again.
    positions.on_fill(order(), fill("e2", Side.BUY, "20", "100"), None)
    now = 6.0
    await checker.reconcile()
    now = 10.9
    await checker.reconcile()
    assert checker.discrepancies == 0
    now = 11.0
    await checker.reconcile()
    assert checker.discrepancies == 1
    (reported,) = [c for c in journal.changes() if c.cause is PositionCause.DISCREPANCY]
    assert (reported.position.quantity, reported.broker_quantity) == (D(120), D(150))


async def test_a_connect_adopts_a_contract_with_working_orders_once_they_end() -> None:
    journal = Journal()
    positions = await holding(journal, "100")
    working = [order(Contract("AAPL", con_id=265598, exchange="NASDAQ"))]
    checker = reconciler(positions, Broker(at_ib(AAPL, "150")), working=lambda: working)
    checker.on_connected()
    await checker.reconcile()
    assert len(journal.changes()) == 1
    working = []
    await checker.reconcile()
    assert journal.changes()[-1].cause is PositionCause.ADJUSTMENT
    assert journal.changes()[-1].position.quantity == D(150)


async def test_an_order_naming_the_contract_id_trades_the_adopted_position() -> None:
    journal = Journal()
    positions = PositionBook(journal, lambda: T0)
    adopted = Contract(
        "AAPL",
        sec_type=SecurityType.OPTION,
        con_id=777,
        last_trade_date_or_contract_month="20250117",
        strike=D("150"),
        right="C",
        multiplier=D("100"),
    )
    checker = reconciler(positions, Broker(at_ib(adopted, "2", "25050")))
    checker.on_connected()
    await checker.reconcile()
    # The order names the month only; IB's contract id says it is the same option.
    ordered = Contract(
        "AAPL",
        sec_type=SecurityType.OPTION,
        con_id=777,
        last_trade_date_or_contract_month="202501",
        strike=D("150"),
        right="C",
        multiplier=D("100"),
    )
    positions.on_fill(order(ordered), fill("e1", Side.BUY, "1", "260"), None)
    (held,) = recorded(positions)
    assert (held.quantity, held.contract.last_trade_date_or_contract_month) == (D(3), "20250117")
