"""OrderManager's submits, one order at a time or a batch: each spec is checked, qualified
by the broker, held to the limits and journaled before it is handed to the broker; a
retry of the same request gets the original order back."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import replace
from typing import Any

from ibkr_gateway.errors import (
    AlreadyExists,
    FailedPrecondition,
    FieldViolation,
    GatewayError,
    InvalidArgument,
    StoreUnavailable,
    clip,
)
from ibkr_gateway.event.events import OrderStatusEvent
from ibkr_gateway.order.core import ManagerCore
from ibkr_gateway.order.fingerprint import request_fingerprint
from ibkr_gateway.order.models import Order, OrderSpec, OrderStatus
from ibkr_gateway.order.validation import validate_spec


class Submission(ManagerCore):
    """The submit part of OrderManager."""

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
        with self.store.held():
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
