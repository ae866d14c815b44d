"""OrderManager: owns every order's lifecycle, journals each change, then publishes it.

All state changes happen synchronously on the event loop between awaits, so the order
in which changes are made is the order of their journal sequences. Callers are
answered only once the change is durable.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import logging
import secrets
import uuid
from collections.abc import Awaitable, Callable, Collection, Coroutine, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from ibkr_gateway.broker import BrokerPort, BrokerRejected
from ibkr_gateway.errors import (
    AlreadyExists,
    FailedPrecondition,
    FieldViolation,
    GatewayError,
    InvalidArgument,
    NotFound,
    StoreUnavailable,
    Unavailable,
    clip,
)
from ibkr_gateway.event.bus import EventBus
from ibkr_gateway.event.events import (
    CancelEvent,
    FillEvent,
    JournalEvent,
    ModifyEvent,
    OrderEvent,
    OrderStatusEvent,
)
from ibkr_gateway.order.book import OrderBook
from ibkr_gateway.order.broker_updates import BrokerUpdates
from ibkr_gateway.order.fingerprint import request_fingerprint
from ibkr_gateway.order.models import (
    Fill,
    Order,
    OrderSpec,
    OrderStatus,
    OrderType,
    TimeInForce,
)
from ibkr_gateway.order.resend import plan_resend
from ibkr_gateway.order.status import (
    CANCELLABLE,
    MODIFIABLE,
)
from ibkr_gateway.order.validation import validate_bracket, validate_spec
from ibkr_gateway.risk.engine import RiskEngine
from ibkr_gateway.risk.guard import OrderGuard
from ibkr_gateway.store.base import OrderStore

log = logging.getLogger(__name__)

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


ORDER_ID_BYTES = 16


def random_order_id() -> str:
    """128 random bits: one order id tells nothing about any other, so ids cannot be
    enumerated; a collision is as likely as guessing a 128-bit key."""
    return secrets.token_hex(ORDER_ID_BYTES)


def order_not_found(order_id: str) -> NotFound:
    """The one answer for an id that names no order the caller may see: an order of
    another account must be indistinguishable from one that does not exist."""
    return NotFound(
        f"order {clip(order_id)!r} not found",
        reason="ORDER_NOT_FOUND",
        metadata={"order_id": clip(order_id)},
    )


def _local_cancel(order: Order, reason: str, now: datetime) -> CancelEvent:
    """An order the broker never had, cancelled here."""
    return CancelEvent(
        sequence=0,
        time=now,
        previous_status=order.status,
        reason=reason,
        order=order.evolve(status=OrderStatus.CANCELLED, update_time=now, status_reason=reason),
    )


class OrderManager(BrokerUpdates):
    def __init__(
        self,
        event_bus: EventBus,
        store: OrderStore,
        *,
        default_account: str,
        clock: Callable[[], datetime] = utc_now,
        new_order_id: Callable[[], str] | None = None,
        risk: RiskEngine | None = None,
    ) -> None:
        self.event_bus = event_bus
        self.store = store
        self.default_account = default_account
        self._clock = clock
        self._new_order_id = new_order_id or random_order_id
        self.broker: BrokerPort | None = None
        self.guard = OrderGuard(store, risk)
        # Every non-final order, plus final ones until their last change is durable;
        # the store answers for the others.
        self.book = OrderBook(store)
        # Creation commits in flight, awaited by concurrent retries of the same submit.
        # Such an order is not visible to other calls until its creation is durable.
        self._creating: dict[str, asyncio.Future[None]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        # Orders the broker knows about; others can be cancelled locally.
        self._at_broker: set[str] = set()
        self._status_before_cancel: dict[str, OrderStatus] = {}
        # The spec before the last modification, until the broker has had its say.
        self._spec_before_modify: dict[str, OrderSpec] = {}
        # Modifications of one order run one after the other (see modify), with the
        # number of calls holding or awaiting each lock, to drop it after the last.
        self._modify_locks: dict[str, tuple[asyncio.Lock, int]] = {}
        # Non-final orders per account, kept as orders change (risk limit on open orders).
        self._open_by_account: collections.Counter[str] = collections.Counter()
        # Executions recorded but not yet durable, which the store cannot tell yet.
        self._executions: set[str] = set()
        self._latest_fills: collections.OrderedDict[str, dict[str, Fill]] = (
            collections.OrderedDict()
        )
        store.set_commit_listener(self._on_commit)
        # Everything already in the journal counts as published: streams replay it.
        event_bus.last_sequence = max(event_bus.last_sequence, store.last_sequence)

    # -- wiring -------------------------------------------------------------------

    def attach_broker(self, broker: BrokerPort) -> None:
        self.broker = broker

    def working_orders(self) -> list[Order]:
        return [o for o in self.book.orders.values() if not o.is_final]

    def load_working_orders(self) -> list[Order]:
        """Called once at start: the store's working orders become live again."""
        working = self.store.working_orders()
        for order in working:
            self._remember(order)
            self._at_broker.add(order.order_id)
        return working

    def _on_commit(self, events: Sequence[JournalEvent]) -> None:
        for event in events:
            self.event_bus.publish(event)
            if isinstance(event, FillEvent):
                # Durable: from here on the store knows the execution.
                self._executions.discard(event.fill.execution_id)
            current = self.book.held(event.order_id)
            if current is not None and current.is_final and current.last_sequence == event.sequence:
                self._forget(current)

    def _remember(self, order: Order) -> None:
        previous = self.book.hold(order)
        was_open = previous is not None and not previous.is_final
        if was_open != (not order.is_final):
            self._open_by_account[order.spec.account] += -1 if was_open else 1

    def _forget(self, order: Order) -> None:
        """A final order whose last change is durable: nothing in memory keeps it."""
        self.book.release(order.order_id)
        self._at_broker.discard(order.order_id)
        self._status_before_cancel.pop(order.order_id, None)
        self._spec_before_modify.pop(order.order_id, None)
        self._latest_fills.pop(order.order_id, None)

    def _record(
        self, events: Sequence[OrderEvent], *, abandon_on_failure: bool = False
    ) -> asyncio.Future[None]:
        stamped, durable = self.store.append(events, abandon_on_failure=abandon_on_failure)
        for event in stamped:
            if isinstance(event, OrderEvent):
                self._remember(event.order)
        return durable

    def _unremember(self, order: Order) -> None:
        """Undoes `_remember` of an order whose creation never became durable."""
        if self.book.release(order.order_id) is not None:
            self._open_by_account[order.spec.account] -= 1

    def _require_store(self) -> None:
        """Mutating calls are refused while the store cannot write: their answer could
        not be made true."""
        cause = self.store.failure
        if cause is not None:
            raise StoreUnavailable(
                f"the order store cannot write ({cause}); nothing was changed",
                metadata={"cause": cause},
            )

    async def _await_recorded(self, durable: asyncio.Future[None], done: str) -> None:
        if not await self.store.wait_durable(durable):
            cause = self.store.failure or "unknown"
            raise StoreUnavailable(
                f"{done}, but the order store cannot write ({cause}): the change is kept "
                "and recorded as soon as it can be",
                metadata={"cause": cause},
            )

    def _spawn(self, work: Coroutine[object, object, T]) -> asyncio.Task[T]:
        """Runs work that must finish even when its caller goes away (a cancelled or
        timed-out call would otherwise leave a journaled change unsent)."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None and not isinstance(exc, GatewayError):
            log.error("order work failed", exc_info=exc)

    def _require_broker(self) -> BrokerPort:
        if self.broker is None:
            raise FailedPrecondition("no broker is attached", reason="NO_BROKER")
        return self.broker

    # -- queries ------------------------------------------------------------------

    def get(self, order_id: str) -> Order:
        order = self.book.get(order_id)
        if order is None or not self._created(order_id):
            raise order_not_found(order_id)
        return order

    def find(self, account: str, client_order_id: str) -> Order | None:
        return self.book.by_client_id(account or self.default_account, client_order_id)

    def _created(self, order_id: str) -> bool:
        """False while the order's creation is not durable (or failed to be)."""
        pending = self._creating.get(order_id)
        if pending is None:
            return True
        return pending.done() and not pending.cancelled() and pending.exception() is None

    def get_by_client_id(self, account: str, client_order_id: str) -> Order:
        order = self.find(account, client_order_id)
        if order is None or not self._created(order.order_id):
            raise NotFound(
                f"no order with client_order_id {clip(client_order_id)!r} in account "
                f"{clip(account or self.default_account)!r}",
                reason="ORDER_NOT_FOUND",
                metadata={"client_order_id": clip(client_order_id)},
            )
        return order

    def order_for_broker_id(self, broker_order_id: int) -> Order | None:
        return self.order_for_broker_report(broker_order_id, 0, "")

    def order_for_broker_report(
        self, broker_order_id: int, perm_id: int, order_ref: str
    ) -> Order | None:
        """Finds the order a broker report is about: by IB order id, else permId, else
        orderRef (our client_order_id) in the default account."""
        order = None
        if broker_order_id > 0:
            order = self.book.by_broker_id(broker_order_id)
        if order is None and perm_id > 0:
            order = self.book.by_perm_id(perm_id)
        if order is None and order_ref:
            order = self.find(self.default_account, order_ref)
        if order is not None and not self._created(order.order_id):
            raise order_not_found(order.order_id)
        return order

    # -- submit -------------------------------------------------------------------

    def with_defaults(self, spec: OrderSpec) -> OrderSpec:
        if spec.account and spec.client_order_id:
            return spec
        return replace(
            spec,
            account=spec.account or self.default_account,
            client_order_id=spec.client_order_id or f"gw-{uuid.uuid4().hex}",
        )

    def _account_violations(self, account: str) -> list[FieldViolation]:
        """An account the broker login does not manage is refused before anything is
        stored; the managed ones are not listed, since callers may not see them all."""
        broker = self.broker
        if broker is None or not account or account in broker.managed_accounts():
            return []
        return [
            FieldViolation("account", f"{clip(account)!r} is not an account this gateway manages")
        ]

    def _open_orders(self, account: str) -> int:
        return self._open_by_account[account]

    async def set_kill_switch(
        self,
        engaged: bool,
        reason: str,
        set_by: str,
        accounts: Collection[str] | None = None,
    ) -> list[Order]:
        """Engaging halts new orders at once, then cancels the working ones at the
        broker: every account's for the gateway-wide switch (accounts None), else only
        those of `accounts`, each halted on its own. It works while the store cannot
        write: the state and the cancels are then recorded as soon as it can. Returns
        the orders a cancel was requested for."""
        now = self._clock()
        cancelled: list[Order] = []
        if accounts is None:
            saved = self.guard.set_kill_switch(engaged, reason, set_by, now)
            if engaged:
                cancelled = await self._cancel_all("", urgent=True)
        else:
            saved = self.guard.set_account_halts(accounts, engaged, reason, set_by, now)
            if engaged:
                for account in sorted(accounts):
                    cancelled += await self._cancel_all(account, urgent=True)
        if not await self.store.wait_durable(saved):
            log.critical(
                "kill switch %s but not yet recorded: the order store cannot write (%s)",
                "engaged" if engaged else "released",
                self.store.failure,
            )
        return cancelled

    def checked_spec(self, spec: OrderSpec) -> OrderSpec:
        """The spec with its defaults, once its fields pass the checks of a new order."""
        spec = self.with_defaults(spec)
        violations = validate_spec(spec)
        if spec.good_till is not None and spec.good_till <= self._clock():
            violations.append(FieldViolation("good_till_time", "must be in the future"))
        violations += self._account_violations(spec.account)
        if violations:
            raise InvalidArgument(violations)
        return spec

    def breaches(self, spec: OrderSpec) -> list[FailedPrecondition]:
        """Every limit a new order would break now, the order rate aside."""
        return self.guard.breaches(spec, self._open_orders(spec.account))

    async def submit(self, spec: OrderSpec, *, caller: str = "local") -> Order:
        spec, fingerprint, qualified = await self._qualified_submit(spec)
        return await self._start_submit(spec, fingerprint, qualified, caller)

    async def submit_many(
        self, specs: Sequence[OrderSpec], *, caller: str = "local"
    ) -> list[Order | GatewayError]:
        """Each spec as `submit` would take it, in turn: once all are qualified by the
        broker, each is checked, or found again as a retry, before the next (so limits
        count the batch's earlier orders, and a client_order_id repeated in the batch is
        a retry or a conflict); the new orders are journaled together, in one group
        commit. Answers each with its order or with why it was refused."""
        qualified: list[tuple[OrderSpec, str, bool] | GatewayError] = []
        for spec in specs:
            try:
                qualified.append(await self._qualified_submit(spec))
            except GatewayError as exc:
                qualified.append(exc)
        # No await from here until every order is journaled or refused.
        started: list[Coroutine[Any, Any, Order] | GatewayError] = []
        for item in qualified:
            if isinstance(item, GatewayError):
                started.append(item)
                continue
            try:
                started.append(self._start_submit(*item, caller))
            except GatewayError as exc:
                started.append(exc)
        results: list[Order | GatewayError] = []
        try:
            for outcome in started:
                if isinstance(outcome, GatewayError):
                    results.append(outcome)
                    continue
                try:
                    results.append(await outcome)
                except GatewayError as exc:
                    results.append(exc)
        finally:
            # The caller went away: the orders go on (see _spawn); their answers are dropped.
            for outcome in started[len(results) :]:
                if not isinstance(outcome, GatewayError):
                    outcome.close()
        return results

    async def _qualified_submit(self, spec: OrderSpec) -> tuple[OrderSpec, str, bool]:
        """The checked spec, qualified by the broker unless it is a retry; the
        fingerprint a retry of the same request matches (the caller's spec, unqualified);
        whether the spec was qualified."""
        spec = self.checked_spec(spec)
        fingerprint = request_fingerprint("order", spec)
        if self.find(spec.account, spec.client_order_id) is not None:
            return spec, fingerprint, False
        return await self._require_broker().qualify(spec), fingerprint, True

    def _start_submit(
        self, spec: OrderSpec, fingerprint: str, qualified: bool, caller: str
    ) -> Coroutine[Any, Any, Order]:
        """Everything of a submit of a qualified spec up to its first wait, with no await
        in between: the order is checked and journaled (or found again) before any other
        call runs."""
        # Another call may have created the order while the broker was asked.
        existing = self.find(spec.account, spec.client_order_id)
        if existing is not None:
            return self._replay(existing, fingerprint)
        if not qualified:
            # Found as a retry, then its creation failed while a batch's other orders
            # were qualified: the order does not exist, and this spec was never qualified.
            raise StoreUnavailable(
                "the order's creation could not be recorded; nothing was submitted",
                metadata={"cause": self.store.failure or "unknown"},
            )
        broker = self._require_broker()
        self._require_store()
        self.guard.check_new(spec, caller, self._open_orders(spec.account))
        order = self._new_order(
            spec, broker.reserve_order_id(), fingerprint, oca_group=spec.oca_group
        )
        durable = self._begin_create([order])
        sent = self._spawn(self._create_and_send([order], durable, broker.place_order))
        return self._first(sent)

    @staticmethod
    async def _first(sent: asyncio.Task[list[Order]]) -> Order:
        return (await asyncio.shield(sent))[0]

    async def submit_bracket(
        self,
        parent: OrderSpec,
        take_profit_price: Decimal,
        stop_loss_price: Decimal,
        stop_loss_limit: Decimal | None,
        child_tif: TimeInForce,
        *,
        caller: str = "local",
    ) -> tuple[Order, Order, Order]:
        parent = self.with_defaults(parent)
        violations = [
            replace(v, field=f"parent.{v.field}")
            for v in validate_spec(parent) + self._account_violations(parent.account)
        ]
        if not violations:
            violations = validate_bracket(
                parent, take_profit_price, stop_loss_price, stop_loss_limit
            )
        if violations:
            raise InvalidArgument(violations)
        fingerprint = request_fingerprint(
            "bracket", parent, take_profit_price, stop_loss_price, stop_loss_limit, child_tif.value
        )
        existing = self.find(parent.account, parent.client_order_id)
        if existing is not None:
            first = await self._replay(existing, fingerprint)
            return first, *self._bracket_children(first)
        parent = await self._qualified(parent, "parent.")
        existing = self.find(parent.account, parent.client_order_id)
        if existing is not None:
            first = await self._replay(existing, fingerprint)
            return first, *self._bracket_children(first)
        self._require_store()
        tp_spec = replace(
            parent,
            client_order_id=f"{parent.client_order_id}.tp",
            side=parent.side.opposite,
            order_type=OrderType.LIMIT,
            limit_price=take_profit_price,
            stop_price=None,
            time_in_force=child_tif,
        )
        sl_spec = replace(
            parent,
            client_order_id=f"{parent.client_order_id}.sl",
            side=parent.side.opposite,
            order_type=OrderType.STOP if stop_loss_limit is None else OrderType.STOP_LIMIT,
            limit_price=stop_loss_limit,
            stop_price=stop_loss_price,
            time_in_force=child_tif,
        )
        await self._qualified(tp_spec, "", {"limit_price": "take_profit_limit_price"})
        await self._qualified(
            sl_spec,
            "",
            {"stop_price": "stop_loss_stop_price", "limit_price": "stop_loss_limit_price"},
        )
        # The children are held to the same limits as the parent: either may trade.
        self.guard.check_new(
            parent,
            caller,
            self._open_orders(parent.account),
            added=3,
            linked=(tp_spec, sl_spec),
        )
        for child in (tp_spec, sl_spec):
            if self.find(child.account, child.client_order_id) is not None:
                raise AlreadyExists(
                    f"client_order_id {child.client_order_id!r} is already used",
                    reason="CLIENT_ORDER_ID_CONFLICT",
                    metadata={"client_order_id": child.client_order_id},
                )
        broker = self._require_broker()
        p = self._new_order(parent, broker.reserve_order_id(), fingerprint)
        oca = f"bracket-{p.order_id}"
        child_fingerprint = f"bracket-child:{fingerprint}"
        tp = self._new_order(
            tp_spec,
            broker.reserve_order_id(),
            child_fingerprint,
            parent_order_id=p.order_id,
            oca_group=oca,
        )
        sl = self._new_order(
            sl_spec,
            broker.reserve_order_id(),
            child_fingerprint,
            parent_order_id=p.order_id,
            oca_group=oca,
        )
        durable = self._begin_create([p, tp, sl])
        sent = self._spawn(self._create_and_send([p, tp, sl], durable, broker.place_bracket))
        parent_order, take_profit, stop_loss = await asyncio.shield(sent)
        return parent_order, take_profit, stop_loss

    async def _qualified(
        self, spec: OrderSpec, prefix: str, fields: dict[str, str] | None = None
    ) -> OrderSpec:
        """The broker's qualified spec; its refusals name the request's own fields."""
        try:
            return await self._require_broker().qualify(spec)
        except InvalidArgument as exc:
            renamed = [
                replace(v, field=prefix + (fields or {}).get(v.field, v.field))
                for v in exc.violations
            ]
            raise InvalidArgument(renamed, reason=exc.reason) from None

    def _bracket_children(self, parent: Order) -> tuple[Order, Order]:
        account, coid = parent.spec.account, parent.spec.client_order_id
        tp = self.find(account, f"{coid}.tp")
        sl = self.find(account, f"{coid}.sl")
        if tp is None or sl is None:
            raise NotFound(f"bracket children of {coid!r} not found", reason="ORDER_NOT_FOUND")
        return tp, sl

    def _new_order(
        self,
        spec: OrderSpec,
        broker_order_id: int,
        fingerprint: str,
        *,
        parent_order_id: str = "",
        oca_group: str = "",
    ) -> Order:
        now = self._clock()
        return Order(
            order_id=self._new_order_id(),
            spec=spec,
            status=OrderStatus.CREATED,
            create_time=now,
            update_time=now,
            broker_order_id=broker_order_id,
            parent_order_id=parent_order_id,
            oca_group=oca_group,
            request_fingerprint=fingerprint,
        )

    def _begin_create(self, orders: Sequence[Order]) -> asyncio.Future[None]:
        """Journals new orders; a concurrent retry finds them from here on."""
        events = [
            OrderStatusEvent(
                sequence=0,
                time=o.create_time,
                order=o.evolve(status=OrderStatus.PENDING_SUBMIT),
                previous_status=OrderStatus.CREATED,
            )
            for o in orders
        ]
        durable = self._record(events, abandon_on_failure=True)
        for o in orders:
            self._creating[o.order_id] = durable
        return durable

    async def _create_and_send(
        self,
        orders: Sequence[Order],
        durable: asyncio.Future[None],
        send: Callable[..., Awaitable[None]],
    ) -> list[Order]:
        """Hands new orders to the broker once their creation is durable. A creation
        that cannot be made durable is undone: the order never existed, and the caller
        is told UNAVAILABLE. Returns the orders as they are once handed over."""
        try:
            await durable
        except BaseException:
            for o in orders:
                self._unremember(o)
            raise
        finally:
            for o in orders:
                self._creating.pop(o.order_id, None)
        current = [self.get(o.order_id) for o in orders]
        if any(o.status is not OrderStatus.PENDING_SUBMIT for o in current):
            return current
        if any(self.guard.halted(o.spec.account) for o in current):
            # Engaged while the creation was being committed: it must not reach the broker.
            reason = "cancelled before reaching the broker: the kill switch was engaged"
            await self._cancel_unsent([(o, reason) for o in current])
        else:
            self._at_broker.update(o.order_id for o in current)
            await self._send(send, *current)
        return [self.get(o.order_id) for o in orders]

    async def _replay(self, existing: Order, fingerprint: str) -> Order:
        """AIP-155: a retry gets the original order; another request is a conflict."""
        if existing.request_fingerprint != fingerprint:
            raise AlreadyExists(
                f"client_order_id {existing.spec.client_order_id!r} was already used for a "
                "different order",
                reason="CLIENT_ORDER_ID_CONFLICT",
                metadata={
                    "client_order_id": existing.spec.client_order_id,
                    "order_id": existing.order_id,
                },
            )
        pending = self._creating.get(existing.order_id)
        if pending is not None:
            await asyncio.shield(pending)
        return self.get(existing.order_id)

    async def _send(self, call: Callable[..., object], *orders: Order) -> None:
        """Hands orders to the broker. A refusal rejects them; any other failure leaves
        them in flight for reconciliation, never reported as rejected."""
        try:
            result = call(*orders)
            if asyncio.iscoroutine(result):
                await result
        except BrokerRejected as exc:
            for order in orders:
                self.on_rejected(order.order_id, exc.code, exc.message)
        except Exception:
            log.exception(
                "handing orders %s to the broker failed; their fate is unknown",
                [o.order_id for o in orders],
                extra={"order_ids": [o.order_id for o in orders]},
            )

    def unsent_candidates(self) -> list[Order]:
        """Working orders that may have been lost on the way to the broker: journaled
        PENDING_SUBMIT, and not in the middle of their own submit call (which sends them
        itself once their creation is durable)."""
        return [
            o
            for o in self.book.orders.values()
            if o.status is OrderStatus.PENDING_SUBMIT and o.order_id not in self._creating
        ]

    async def resend(self, orders: Sequence[Order]) -> None:
        """Sends journaled orders the broker never received, under fresh broker ids
        (IB refuses ids below ones already used); stale ones, and bracket legs whose
        bracket cannot travel whole, are cancelled with the reason. The new id is
        journaled with the broker's acknowledgement; until then, its orderRef finds the
        order."""
        broker = self._require_broker()
        current = [self.get(o.order_id) for o in orders]
        plan = plan_resend(
            [o for o in current if o.status is OrderStatus.PENDING_SUBMIT],
            self._clock(),
            self._legs_of,
        )
        if plan.cancelled:
            await self._cancel_unsent(plan.cancelled)
        groups = [[o] for o in plan.singles] + [list(b) for b in plan.brackets]
        for group in groups:
            try:
                renewed = [
                    self.get(o.order_id).evolve(broker_order_id=broker.reserve_order_id())
                    for o in group
                ]
            except Unavailable:
                log.warning("the broker went away again; unsent orders wait for the next sync")
                return
            if any(o.status is not OrderStatus.PENDING_SUBMIT for o in renewed):
                continue  # cancelled meanwhile
            for order in renewed:
                self._remember(order)
            if len(renewed) == 1:
                await self._send(broker.place_order, renewed[0])
            else:
                await self._send(broker.place_bracket, *renewed)

    def _legs_of(self, parent: Order) -> list[Order]:
        coid = parent.spec.client_order_id
        legs = [self.find(parent.spec.account, f"{coid}.{leg}") for leg in ("tp", "sl")]
        return [o for o in legs if o is not None and o.parent_order_id == parent.order_id]

    def _cancel_unsent(self, orders: Sequence[tuple[Order, str]]) -> asyncio.Future[None]:
        now = self._clock()
        events: list[OrderEvent] = []
        for order, reason in orders:
            log.warning("order %s: %s", order.order_id, reason, extra={"order_id": order.order_id})
            self._at_broker.discard(order.order_id)
            events.append(_local_cancel(order, reason, now))
        return self._record(events)

    # -- modify and cancel ------------------------------------------------------------

    async def modify(
        self,
        order_id: str,
        *,
        quantity: Decimal | None,
        limit_price: Decimal | None,
        stop_price: Decimal | None,
        time_in_force: TimeInForce | None,
    ) -> Order:
        """One modification of an order at a time: the next is checked against, and
        rolled back to, the spec the broker took from the previous one. Interleaved,
        the first would send the second's spec, and a refusal of either would roll
        back to a spec the broker never worked. A turn lasts until the broker has had
        its say, even if the call that took it goes away before."""
        self.get(order_id)
        self._require_store()
        leave = await self._enter_modification_turn(order_id)
        handed_over = False
        try:
            order = self.get(order_id)
            self._require_store()
            new_spec = self._modified_spec(order, quantity, limit_price, stop_price, time_in_force)
            if new_spec == order.spec:
                return order
            self.guard.check_change(new_spec)
            # Taken now: an order that ends while the modification is journaled is
            # forgotten, but the broker must still have its say on the modification.
            at_broker = order_id in self._at_broker
            self._spec_before_modify[order_id] = order.spec
            durable = self._record([self._modify_event(order, new_spec, "")])
            sent = self._spawn(
                self._send_modification(order_id, durable, at_broker=at_broker, before=order.spec)
            )
            sent.add_done_callback(lambda _: leave())
            handed_over = True
        finally:
            if not handed_over:
                leave()
        await self._await_recorded(durable, "the modification is accepted")
        await asyncio.shield(sent)
        return self.get(order_id)

    def _modified_spec(
        self,
        order: Order,
        quantity: Decimal | None,
        limit_price: Decimal | None,
        stop_price: Decimal | None,
        time_in_force: TimeInForce | None,
    ) -> OrderSpec:
        if order.status not in MODIFIABLE:
            raise FailedPrecondition(
                f"order {order.order_id} is {order.status.value} and cannot be modified",
                reason="ORDER_NOT_MODIFIABLE",
                metadata={"status": order.status.value},
            )
        self._require_addressable(order, "modified")
        if order.spec.order_type is OrderType.OTHER:
            raise FailedPrecondition(
                f"order {order.order_id} is an IB {order.broker_order_type!r} order, which "
                "the gateway cannot send: modify it where it was placed",
                reason="ORDER_NOT_MODIFIABLE",
                metadata={"broker_order_type": order.broker_order_type},
            )
        spec = order.spec
        new_spec = replace(
            spec,
            quantity=spec.quantity if quantity is None else quantity,
            limit_price=spec.limit_price if limit_price is None else limit_price,
            stop_price=spec.stop_price if stop_price is None else stop_price,
            time_in_force=time_in_force or spec.time_in_force,
        )
        violations = validate_spec(new_spec)
        if new_spec.quantity <= order.filled_quantity:
            violations.append(
                FieldViolation(
                    "quantity", f"must exceed the filled quantity {order.filled_quantity}"
                )
            )
        if violations:
            raise InvalidArgument(violations)
        return new_spec

    async def _enter_modification_turn(self, order_id: str) -> Callable[[], None]:
        """Waits for the order's turn; returns what ends it. The lock is dropped with
        its last user."""
        lock, users = self._modify_locks.get(order_id) or (asyncio.Lock(), 0)
        self._modify_locks[order_id] = (lock, users + 1)
        try:
            await lock.acquire()
        except BaseException:
            self._leave_modification_turn(order_id, acquired=False)
            raise
        return functools.partial(self._leave_modification_turn, order_id, True)

    def _leave_modification_turn(self, order_id: str, acquired: bool) -> None:
        lock, users = self._modify_locks[order_id]
        if acquired:
            lock.release()
        if users == 1:
            del self._modify_locks[order_id]
        else:
            self._modify_locks[order_id] = (lock, users - 1)

    async def _send_modification(
        self,
        order_id: str,
        durable: asyncio.Future[None],
        *,
        at_broker: bool,
        before: OrderSpec,
    ) -> None:
        await durable
        if not at_broker:
            return
        try:
            order = self.get(order_id)
            parent = self.get(order.parent_order_id) if order.parent_order_id else None
            await self._require_broker().modify_order(order, parent)
        except BrokerRejected as exc:
            rollback = self.on_modify_refused(order_id, exc.code, exc.message, before=before)
            if rollback is not None:
                # Until then, a crash would leave the refused spec in the journal of an
                # order the caller was told kept its old one.
                await rollback
            reason = f"modification refused: IB error {exc.code}: {exc.message}"
            raise FailedPrecondition(
                reason,
                reason="BROKER_REFUSED_MODIFICATION",
                metadata={"ib_error_code": str(exc.code)},
            ) from exc

    @staticmethod
    def _other_clients(order: Order) -> bool:
        """Placed by another IB client: IB addresses an order by the id its own client
        gave it, which this gateway does not have (a placeOrder under another id would
        be a new order)."""
        return order.external and order.broker_order_id <= 0

    def _require_addressable(self, order: Order, done: str) -> None:
        if self._other_clients(order):
            raise FailedPrecondition(
                f"order {order.order_id} was placed by another IB client and can only be "
                f"{done} there or in TWS",
                reason="ORDER_NOT_MODIFIABLE" if done == "modified" else "ORDER_NOT_CANCELLABLE",
                metadata={"status": order.status.value},
            )

    def _modify_event(self, order: Order, new_spec: OrderSpec, reason: str) -> ModifyEvent:
        now = self._clock()
        return ModifyEvent(
            sequence=0,
            time=now,
            order=order.evolve(spec=new_spec, update_time=now),
            previous_quantity=order.spec.quantity,
            previous_limit_price=order.spec.limit_price,
            previous_stop_price=order.spec.stop_price,
            previous_time_in_force=order.spec.time_in_force,
            reason=reason,
        )

    async def cancel(self, order_id: str) -> Order:
        order = self.get(order_id)
        if order.status is OrderStatus.PENDING_CANCEL:
            return order
        self._require_store()
        if order.status not in CANCELLABLE:
            raise FailedPrecondition(
                f"order {order_id} is {order.status.value} and cannot be cancelled",
                reason="ORDER_NOT_CANCELLABLE",
                metadata={"status": order.status.value},
            )
        self._require_addressable(order, "cancelled")
        at_broker, durable = self._request_cancels([order])
        # The answer is the state this call made durable; what the broker does next
        # follows on the stream.
        requested = self.get(order_id)
        # A cancel is safe to send before it is durable: PENDING_CANCEL is already ahead
        # of any report the broker sends back, and after a crash reconciliation shows
        # the broker's answer.
        if at_broker:
            await self._send(self._require_broker().cancel_order, requested)
        await self._await_recorded(durable, "the cancel was sent to the broker")
        return requested

    async def cancel_all(self, account: str = "") -> list[Order]:
        self._require_store()
        return await self._cancel_all(account, urgent=False)

    async def _cancel_all(self, account: str, *, urgent: bool) -> list[Order]:
        """`urgent`: answered once the cancels are sent, durable or not (the kill
        switch works while the store cannot write)."""
        # A global cancel reaches every client's orders at IB; a cancel by order id
        # cannot reach another client's.
        targets = [
            o
            for o in self.book.orders.values()
            if o.status in CANCELLABLE
            and o.order_id not in self._creating
            and (not account or (o.spec.account == account and not self._other_clients(o)))
        ]
        at_broker, durable = self._request_cancels(targets)
        requested = [self.get(o.order_id) for o in targets]
        broker = self._require_broker()
        if not account:
            await self._send(lambda: broker.cancel_all())
        else:
            for order in at_broker:
                await self._send(broker.cancel_order, self.get(order.order_id))
        if not urgent:
            await self._await_recorded(durable, "the cancels were sent to the broker")
        return requested

    def _request_cancels(self, orders: Sequence[Order]) -> tuple[list[Order], asyncio.Future[None]]:
        """Journals PENDING_CANCEL for orders the broker has, CANCELLED for the rest."""
        now = self._clock()
        events: list[OrderEvent] = []
        at_broker = []
        for order in orders:
            if order.order_id in self._at_broker:
                self._status_before_cancel[order.order_id] = order.status
                at_broker.append(order)
                events.append(
                    OrderStatusEvent(
                        sequence=0,
                        time=now,
                        previous_status=order.status,
                        reason="cancel requested",
                        order=order.evolve(status=OrderStatus.PENDING_CANCEL, update_time=now),
                    )
                )
            else:
                events.append(_local_cancel(order, "cancelled before reaching the broker", now))
        if events:
            return at_broker, self._record(events)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return at_broker, done
