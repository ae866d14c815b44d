"""Random interleavings of submit, modify, cancel, fills, market moves and broker
reports on the simulated exchange; the order invariants are checked after each step.

Calls run as tasks on a loop of the machine's own, advanced one turn at a time by a
rule, so broker reports and journal commits land between any two steps of a call."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from decimal import Decimal
from typing import Any

from hypothesis import settings
from hypothesis import strategies as hs
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from ibkr_gateway.broker import BrokerReport
from ibkr_gateway.errors import FailedPrecondition, InvalidArgument
from ibkr_gateway.order.models import TimeInForce
from tests.unit.order_invariants import violations
from tests.unit.order_support import Desk, limit_buy

# Small, so that modifications and fills often meet at the same quantities.
quantities = hs.integers(1, 12).map(Decimal)


class OrderInvariants(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.desk = self._run(self._desk())
        self.order_ids: list[str] = []
        self.calls: list[asyncio.Future[Any]] = []

    @staticmethod
    async def _desk() -> Desk:
        return Desk()

    def _run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return self.loop.run_until_complete(coro)

    def _start(self, coro: Coroutine[Any, Any, Any]) -> None:
        self.calls.append(self.loop.create_task(coro))

    def _turn(self) -> None:
        self._run(asyncio.sleep(0))
        for call in [c for c in self.calls if c.done()]:
            self.calls.remove(call)
            error = call.exception()
            if error is not None and not isinstance(error, FailedPrecondition | InvalidArgument):
                raise error

    @rule(quantity=quantities, price=hs.sampled_from(["95", "100", "105"]))
    def submit(self, quantity: Decimal, price: str) -> None:
        spec = limit_buy(f"o{len(self.order_ids)}", str(quantity), price)
        self.order_ids.append(self._run(self.desk.manager.submit(spec)).order_id)

    @precondition(lambda self: self.order_ids)
    @rule(
        which=hs.integers(0, 3),
        quantity=quantities | hs.none(),
        price=hs.none() | hs.sampled_from(["95", "99", "101"]),
        tif=hs.none() | hs.just(TimeInForce.GTC),
    )
    def modify(
        self, which: int, quantity: Decimal | None, price: str | None, tif: TimeInForce | None
    ) -> None:
        order_id = self.order_ids[which % len(self.order_ids)]
        self._start(
            self.desk.manager.modify(
                order_id,
                quantity=quantity,
                limit_price=None if price is None else Decimal(price),
                stop_price=None,
                time_in_force=tif,
            )
        )

    @precondition(lambda self: self.order_ids)
    @rule(which=hs.integers(0, 3))
    def cancel(self, which: int) -> None:
        self._start(self.desk.manager.cancel(self.order_ids[which % len(self.order_ids)]))

    @precondition(lambda self: self.order_ids)
    @rule(which=hs.integers(0, 3), quantity=quantities)
    def fill(self, which: int, quantity: Decimal) -> None:
        order = self.desk.manager.get(self.order_ids[which % len(self.order_ids)])
        sim = self.desk.exchange.orders.get(order.broker_order_id)
        if sim is None or not sim.working:
            return
        reports = self.desk.exchange.fill(order.broker_order_id, min(quantity, sim.remaining))
        self._deliver(reports)

    @rule(price=hs.sampled_from(["90", "98", "100", "103"]), available=hs.none() | quantities)
    def market(self, price: str, available: Decimal | None) -> None:
        self._deliver(self.desk.exchange.set_price("AAPL", Decimal(price), available))

    def _deliver(self, reports: list[BrokerReport]) -> None:
        """The reports reach the gateway on the loop's next turns, as from a socket."""

        async def deliver() -> None:
            self.desk.broker.deliver(reports)

        self._run(deliver())

    @rule(turns=hs.integers(1, 4))
    def turn(self, turns: int) -> None:
        for _ in range(turns):
            self._turn()

    @rule()
    def settle(self) -> None:
        while self.calls:
            self._turn()
        self._run(self.desk.settle())

    @invariant()
    def invariants_hold(self) -> None:
        assert violations(self.desk, self.order_ids, settled=not self.calls) == []

    def teardown(self) -> None:
        self.settle()
        assert violations(self.desk, self.order_ids, settled=True) == []
        self.loop.close()


OrderInvariants.TestCase.settings = settings(
    max_examples=300, stateful_step_count=30, deadline=None, database=None
)
test_order_invariants = OrderInvariants.TestCase
