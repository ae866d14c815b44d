"""PositionReconciler: the book against the broker's positions, after every connect and
on an interval.

- After a connect (start-up, reconnect, IB's link restored), once the executions IB
  listed are recorded, a position that differs is adopted: an ADJUSTMENT to IB's
  quantity and average cost, with the reason. Executions of the gateway's own orders
  were just listed again, so what still differs was held before the gateway or traded
  elsewhere while it was away.
- Any later difference is a DISCREPANCY: journaled, counted and logged once for each
  pair of quantities, while the position stays as the fills made it. A connected
  gateway sees every execution of its orders, so the difference was traded elsewhere
  or is an execution still to come; taking IB's quantity then could count that
  execution twice. The next connect adopts what still differs.
- Fills in flight: IB counts an execution in its positions before its execDetails may
  arrive. Nothing is compared while an execution anywhere waits for its commission or
  its order, nor a contract whose position changed while IB was asked. A contract with
  a working order of the gateway (an order whose execution is late is still working:
  its status waits for its executions) is never adopted, and a difference in it is
  reported only once it has stood, unchanged, for `grace` seconds: longer than the
  gateway lets a report of its own be late.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Protocol

from ibkr_gateway.broker import BrokerPosition
from ibkr_gateway.errors import Unavailable
from ibkr_gateway.order.models import Contract, Order
from ibkr_gateway.position.book import PositionBook
from ibkr_gateway.position.models import Position, contract_key
from ibkr_gateway.position.reconcile import Difference, Key, differences

log = logging.getLogger(__name__)

# How soon a pass that found executions in flight is tried again.
RETRY_DELAY = 0.2


class PositionSource(Protocol):
    async def broker_positions(self) -> list[BrokerPosition]:
        """Unavailable while disconnected or when the broker does not answer in time."""
        ...

    def managed_accounts(self) -> frozenset[str]: ...


def _text(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


def describe(contract: Contract) -> str:
    con_id = f" (conId {contract.con_id})" if contract.con_id else ""
    return f"{contract_key(contract)}{con_id}"


class _Working:
    """The (account, contract)s the gateway has working orders in, by terms and by IB
    contract id (a position adopted under IB's terms may be named otherwise by orders)."""

    def __init__(self, orders: Iterable[Order]) -> None:
        specs = [o.spec for o in orders]
        self._keys = {(s.account, contract_key(s.contract)) for s in specs}
        self._ids = {(s.account, s.contract.con_id) for s in specs if s.contract.con_id}

    def trades(self, d: Difference) -> bool:
        con_id = d.contract.con_id
        return d.key in self._keys or (d.account, con_id) in self._ids


class PositionReconciler:
    def __init__(
        self,
        book: PositionBook,
        source: PositionSource,
        *,
        in_flight: Callable[[], bool],
        working: Callable[[], Iterable[Order]],
        interval: float,
        grace: float,
        retry_delay: float = RETRY_DELAY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`interval`: seconds between passes while connected; 0 for passes after
        connects only. `in_flight`: whether any execution waits to be recorded.
        `grace`: how long a difference in a contract with working orders must stand
        before it is reported (the gateway's wait for a late report)."""
        self._book = book
        self._source = source
        self._in_flight = in_flight
        self._working = working
        self.interval = interval
        self._grace = grace
        self._retry_delay = retry_delay
        self._clock = clock
        self.passes = 0
        self.adoptions = 0
        self.discrepancies = 0
        # Discrepancies reported and not resolved: (gateway, broker) quantities.
        self._open: dict[Key, tuple[Decimal, Decimal]] = {}
        # A connect happened: the next pass adopts. Contracts it could not settle are
        # adopted by a later pass.
        self._adopt_all = False
        self._unadopted: set[Key] = set()
        # Differences in contracts with working orders: the quantities, the position
        # and when they were first seen so.
        self._lasting: dict[Key, tuple[Decimal, Decimal, Position | None, float]] = {}
        self._retry = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def open_discrepancies(self) -> int:
        return len(self._open)

    def on_connected(self) -> None:
        self._adopt_all = True
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="position-reconcile")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _run(self) -> None:
        while True:
            wait = self._retry_delay if self._retry else (self.interval or None)
            try:
                await asyncio.wait_for(self._wake.wait(), wait)
            except TimeoutError:
                pass
            self._wake.clear()
            try:
                await self.reconcile()
            except Unavailable as exc:
                log.info("positions not reconciled with IB: %s", exc)
            except Exception:
                log.exception("reconciling positions with IB failed")

    async def reconcile(self) -> bool:
        """One pass; False when executions in flight put it off."""
        adopt = self._adopt_all
        self._retry = self._in_flight()
        if self._retry:
            return False
        before = self._book.recorded_snapshot()
        broker = await self._source.broker_positions()
        self._retry = self._in_flight()
        if self._retry:
            return False
        self._adopt_all = False
        working = _Working(self._working())
        now = self._book.recorded_snapshot()
        found = differences(now.values(), broker, self._source.managed_accounts())
        differing = {d.key for d in found}
        adopted = self.adoptions
        lasting, self._lasting = self._lasting, {}
        for d in found:
            if now.get(d.key) is not before.get(d.key):
                # IB's answer may predate the change: nothing to tell yet.
                if adopt:
                    self._unadopted.add(d.key)
            elif working.trades(d):
                if adopt:
                    self._unadopted.add(d.key)
                if self._lasted(d, now.get(d.key), lasting):
                    self._report(d)
            elif adopt or d.key in self._unadopted:
                self._adopt(d, known=d.key in now)
            else:
                self._report(d)
        for key in [k for k in self._open if k not in differing]:
            del self._open[key]
            log.info("position of %s %s agrees with IB again", key[0], key[1])
        self._unadopted &= differing
        self.passes += 1
        if adopt:
            log.info(
                "positions reconciled with IB after connect: %d adopted, %d left until "
                "their orders settle",
                self.adoptions - adopted,
                len(self._unadopted),
            )
        return True

    def _lasted(
        self,
        d: Difference,
        position: Position | None,
        lasting: dict[Key, tuple[Decimal, Decimal, Position | None, float]],
    ) -> bool:
        """Whether a difference in a contract with working orders has stood, the same
        quantities and no change of the position between, for `grace` seconds: longer
        than a report of the gateway's own may be late."""
        seen = (d.gateway_quantity, d.broker_quantity, position)
        earlier = lasting.get(d.key)
        since = earlier[3] if earlier is not None and earlier[:3] == seen else self._clock()
        self._lasting[d.key] = (*seen, since)
        return self._clock() - since >= self._grace

    def _adopt(self, d: Difference, *, known: bool) -> None:
        held, made = _text(d.broker_quantity), _text(d.gateway_quantity)
        if known:
            reason = (
                f"adopted from IB at connect: IB holds {held}, the gateway's fills made "
                f"{made} (traded outside the gateway, or while it was away)"
            )
        else:
            reason = (
                f"adopted from IB at connect: IB holds {held}, which the gateway had no "
                "record of (held before the gateway, or traded outside it)"
            )
        self._book.adjust(
            d.account,
            d.contract,
            d.broker_quantity,
            d.broker_average_cost,
            reason,
            broker_quantity=d.broker_quantity,
        )
        self._open.pop(d.key, None)
        self._unadopted.discard(d.key)
        self.adoptions += 1
        log.warning(
            "position adopted from IB: account %s, contract %s, IB %s, gateway %s",
            d.account,
            describe(d.contract),
            held,
            made,
            extra={"account": d.account, "symbol": d.contract.symbol},
        )

    def _report(self, d: Difference) -> None:
        pair = (d.gateway_quantity, d.broker_quantity)
        if self._open.get(d.key) == pair:
            return
        self._open[d.key] = pair
        held, made = _text(d.broker_quantity), _text(d.gateway_quantity)
        self._book.report_discrepancy(
            d.account,
            d.contract,
            d.broker_quantity,
            f"IB holds {held}, the gateway's fills make {made}",
        )
        self.discrepancies += 1
        log.warning(
            "position discrepancy: account %s, contract %s, IB %s, gateway %s",
            d.account,
            describe(d.contract),
            held,
            made,
            extra={"account": d.account, "symbol": d.contract.symbol},
        )
