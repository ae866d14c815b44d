"""Random interleavings of submit, modify, cancel, fills, market moves and broker
reports on the simulated exchange; the order invariants are checked after each step.

Calls run as tasks on a loop of the machine's own, advanced one turn at a time by a
rule, so broker reports and journal commits land between any two steps of a call.
The examples are derandomized: every run, in CI or not, tries the same ones."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as hs
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from ibkr_gateway.broker import BrokerReport
from ibkr_gateway.errors import FailedPrecondition, InvalidArgument
from ibkr_gateway.order.models import TimeInForce
from ibkr_gateway.sim.exchange import SimulatedExchange
from tests.unit.order_invariants import violations
from tests.unit.order_support import Desk, limit_buy

# Small, so that modifications and fills often meet at the same quantities.
quantities = hs.integers(1, 12).map(Decimal)

# Every call here is done within a few turns (a journal commit, a broker answer); one
# still in flight after this many waits for something that will never come.
MAX_SETTLE_TURNS = 100


class _ErrorLog(logging.Handler):
    """The gateway logs, rather than raises, a broker report it could not apply: that
    is an answer lost, and fails the machine like a broken invariant."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class OrderInvariants(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        # A callback that raised (say, a journal commit) strands whatever awaits it.
        self.loop_errors: list[str] = []
        self.loop.set_exception_handler(
            lambda _, context: self.loop_errors.append(str(context.get("exception", context)))
        )
        self.error_log = _ErrorLog()
        logging.getLogger("ibkr_gateway").addHandler(self.error_log)
        self.order_ids: list[str] = []
        # Calls in flight, each with the order it modifies ("" for a cancel).
        self.calls: dict[asyncio.Task[Any], str] = {}
        self.desk = self._run(self._desk())

    @staticmethod
    async def _desk() -> Desk:
        return Desk()

    def _run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        try:
            return self.loop.run_until_complete(coro)
        finally:
            self._reap()

    def _reap(self) -> None:
        for call in [c for c in self.calls if c.done()]:
            del self.calls[call]
            error = call.exception()
            if error is not None and not isinstance(error, FailedPrecondition | InvalidArgument):
                raise error

    def _start(self, coro: Coroutine[Any, Any, Any], modifies: str = "") -> None:
        self.calls[self.loop.create_task(coro)] = modifies

    def _order_id(self, which: int) -> str:
        # The newest orders: older ones have mostly ended.
        return self.order_ids[-1 - which % len(self.order_ids)]

    def _at_exchange(self, act: Callable[[SimulatedExchange], list[BrokerReport]]) -> None:
        """The exchange acts on the loop's next turn, after what is already due, and
        its reports reach the gateway a turn later: calls started before then run on
        what the gateway knows, which is not what the exchange does. The action and the
        sending of its reports are one step, so reports of one action never overtake
        those of an earlier one, as on a socket."""
        self.loop.call_soon(lambda: self.desk.broker.deliver(act(self.desk.exchange)))

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
        order_id = self._order_id(which)
        call = self.desk.manager.modify(
            order_id,
            quantity=quantity,
            limit_price=None if price is None else Decimal(price),
            stop_price=None,
            time_in_force=tif,
        )
        self._start(call, modifies=order_id)

    @precondition(lambda self: self.order_ids)
    @rule(which=hs.integers(0, 3))
    def cancel(self, which: int) -> None:
        self._start(self.desk.manager.cancel(self._order_id(which)))

    @precondition(lambda self: self.order_ids)
    @rule(which=hs.integers(0, 3), quantity=quantities)
    def fill(self, which: int, quantity: Decimal) -> None:
        broker_order_id = self.desk.manager.get(self._order_id(which)).broker_order_id

        def trade(exchange: SimulatedExchange) -> list[BrokerReport]:
            sim = exchange.orders.get(broker_order_id)
            if sim is None or not sim.working:
                return []
            return exchange.fill(broker_order_id, min(quantity, sim.remaining))

        self._at_exchange(trade)

    @rule(price=hs.sampled_from(["90", "98", "100", "103"]), available=hs.none() | quantities)
    def market(self, price: str, available: Decimal | None) -> None:
        self._at_exchange(lambda exchange: exchange.set_price("AAPL", Decimal(price), available))

    @rule(turns=hs.integers(1, 4))
    def turn(self, turns: int) -> None:
        for _ in range(turns):
            self._run(asyncio.sleep(0))

    @rule()
    def settle(self) -> None:
        turns = 0
        while self.calls:
            if turns == MAX_SETTLE_TURNS:
                stacks = io.StringIO()
                for call in self.calls:
                    call.print_stack(file=stacks)
                raise AssertionError(f"calls in flight after {turns} turns:\n{stacks.getvalue()}")
            self._run(asyncio.sleep(0))
            turns += 1
        self._run(self.desk.settle())

    @invariant()
    def invariants_hold(self) -> None:
        modifying = {order_id for order_id in self.calls.values() if order_id}
        assert violations(self.desk, self.order_ids, modifying=modifying) == []

    @invariant()
    def nothing_lost(self) -> None:
        assert self.loop_errors == []
        assert self.error_log.messages == []

    def teardown(self) -> None:
        try:
            self.settle()
            assert violations(self.desk, self.order_ids) == []
        finally:
            logging.getLogger("ibkr_gateway").removeHandler(self.error_log)
            self.loop.close()


# The same 400 examples every run, a few seconds on a loaded 2-core machine. One bug,
# not each distinct one, is shrunk: a broken invariant fails the step and teardown
# alike, and shrinking both doubled the time to report it.
OrderInvariants.TestCase.settings = settings(
    max_examples=400,
    stateful_step_count=30,
    deadline=None,
    database=None,
    derandomize=True,
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow],
)
test_order_invariants = OrderInvariants.TestCase
