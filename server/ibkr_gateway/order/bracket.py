"""OrderManager's brackets: a parent with its take-profit and stop-loss children, checked
and qualified each, held to the limits together, journaled in one commit and handed to
the broker together."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from decimal import Decimal

from ibkr_gateway.errors import AlreadyExists, InvalidArgument, NotFound
from ibkr_gateway.order.fingerprint import request_fingerprint
from ibkr_gateway.order.models import Order, OrderSpec, OrderType, TimeInForce
from ibkr_gateway.order.submit import Submission
from ibkr_gateway.order.validation import validate_bracket, validate_spec


class BracketSubmission(Submission):
    """The bracket part of OrderManager, which takes the steps of a single submit."""

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
