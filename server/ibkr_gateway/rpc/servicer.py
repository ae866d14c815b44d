"""OrderGatewayService: a thin layer of conversion over the OrderManager."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from decimal import Decimal
from typing import Any, Literal

import grpc
from ibkr.gateway.v1 import gateway_pb2, gateway_pb2_grpc

from ibkr_gateway.broker import WhatIfEstimate
from ibkr_gateway.errors import (
    FailedPrecondition,
    FieldViolation,
    GatewayError,
    InvalidArgument,
)
from ibkr_gateway.event.bus import EventBus, EventFilter, Published
from ibkr_gateway.event.events import FillEvent, JournalEvent, OrderEvent
from ibkr_gateway.order.manager import OrderManager, utc_now
from ibkr_gateway.order.models import Order, OrderSpec, TimeInForce
from ibkr_gateway.order.validation import ACCOUNT_RE
from ibkr_gateway.position.preview import OrderPreview
from ibkr_gateway.risk.guard import KillSwitchState
from ibkr_gateway.rpc import convert, feeds, paging
from ibkr_gateway.rpc.access import visible_order
from ibkr_gateway.rpc.account_convert import preview_to_proto, what_if_to_proto
from ibkr_gateway.rpc.audit import acting_on
from ibkr_gateway.rpc.encoded import encoded_event
from ibkr_gateway.rpc.errors import status_proto
from ibkr_gateway.rpc.loop_share import LoopShare
from ibkr_gateway.rpc.streams import Heartbeat
from ibkr_gateway.security.auth import principal
from ibkr_gateway.store.base import FillQuery, OrderQuery

Context = grpc.aio.ServicerContext[Any, Any]

MIN_HEARTBEAT = 0.1
MAX_HEARTBEAT = 3600.0
MAX_ID_LENGTH = 64
MAX_BATCH_ORDERS = 1000


def _kill_switch(
    state: KillSwitchState, halts: Mapping[str, KillSwitchState]
) -> gateway_pb2.KillSwitch:
    return gateway_pb2.KillSwitch(
        engaged=state.engaged,
        reason=state.reason,
        set_by=state.set_by,
        set_time=convert.timestamp(state.set_time) if state.set_time else None,
        halted_accounts=[
            gateway_pb2.AccountHalt(
                account=account,
                reason=halt.reason,
                set_by=halt.set_by,
                set_time=convert.timestamp(halt.set_time) if halt.set_time else None,
            )
            for account, halt in sorted(halts.items())
        ],
    )


def _is_order_event(event: JournalEvent) -> bool:
    return isinstance(event, OrderEvent)


def _short_text(field: str, value: str, violations: list[FieldViolation]) -> None:
    if len(value) > MAX_ID_LENGTH:
        violations.append(FieldViolation(field, f"at most {MAX_ID_LENGTH} characters"))


_OrderReference = (
    gateway_pb2.GetOrderRequest | gateway_pb2.CancelOrderRequest | gateway_pb2.ModifyOrderRequest
)


def _check_order_reference(request: _OrderReference, v: list[FieldViolation]) -> None:
    for field in ("order_id", "client_order_id", "account"):
        _short_text(field, getattr(request, field), v)
    if bool(request.order_id) == bool(request.client_order_id):
        v.append(FieldViolation("order_id", "give exactly one of order_id and client_order_id"))


class OrderGatewayServicer(gateway_pb2_grpc.OrderGatewayServiceServicer):
    def __init__(
        self,
        manager: OrderManager,
        bus: EventBus,
        *,
        heartbeat_interval: float,
        stream_buffer: int,
        replay_share: LoopShare,
        live_share: LoopShare,
        preview: OrderPreview | None = None,
        what_if: Callable[[OrderSpec], Awaitable[WhatIfEstimate]] | None = None,
    ) -> None:
        """`what_if`: the broker's estimate of an order (backend ib), for previews."""
        self.manager = manager
        self.bus = bus
        self.heartbeat_interval = heartbeat_interval
        self.stream_buffer = stream_buffer
        self.replay_share = replay_share
        self.preview = preview
        self.live_share = live_share
        self.what_if = what_if

    async def SubmitOrder(
        self, request: gateway_pb2.SubmitOrderRequest, context: Context
    ) -> gateway_pb2.SubmitOrderResponse:
        spec = convert.spec_from_proto(request.order, "order")
        self._acting_on_account(spec.account)
        try:
            order = await self.manager.submit(spec, caller=principal().name)
        except InvalidArgument as exc:
            raise convert.prefixed(exc, "order") from None
        return gateway_pb2.SubmitOrderResponse(order=convert.order_to_proto(order))

    async def SubmitOrders(
        self, request: gateway_pb2.SubmitOrdersRequest, context: Context
    ) -> gateway_pb2.SubmitOrdersResponse:
        count = len(request.orders)
        if not 0 < count <= MAX_BATCH_ORDERS:
            raise InvalidArgument.single("orders", f"between 1 and {MAX_BATCH_ORDERS} orders")
        who = principal()
        results: list[Order | GatewayError | None] = [None] * count
        specs, at = [], []
        for i, item in enumerate(request.orders):
            field = f"orders[{i}]"
            try:
                spec = convert.spec_from_proto(item, field)
                who.require_account(spec.account or self.manager.default_account)
            except GatewayError as exc:
                results[i] = exc
                continue
            specs.append(spec)
            at.append(i)
        acting_on({s.account or self.manager.default_account for s in specs})
        submitted = await self.manager.submit_many(specs, caller=who.name)
        for i, outcome in zip(at, submitted, strict=True):
            if isinstance(outcome, InvalidArgument):
                outcome = convert.prefixed(outcome, f"orders[{i}]")
            results[i] = outcome
        response = gateway_pb2.SubmitOrdersResponse()
        for result in results:
            if isinstance(result, Order):
                response.results.add(order=convert.order_to_proto(result))
            else:
                assert result is not None
                response.results.add(error=status_proto(result))
        return response

    async def SubmitBracketOrder(
        self, request: gateway_pb2.SubmitBracketOrderRequest, context: Context
    ) -> gateway_pb2.SubmitBracketOrderResponse:
        v: list[FieldViolation] = []
        try:
            parent = convert.spec_from_proto(request.parent, "parent")
        except InvalidArgument as exc:
            v.extend(exc.violations)
        take_profit = convert.parse_decimal(
            "take_profit_limit_price", request.take_profit_limit_price, v
        )
        stop_loss = convert.parse_decimal("stop_loss_stop_price", request.stop_loss_stop_price, v)
        stop_limit = convert.parse_decimal(
            "stop_loss_limit_price", request.stop_loss_limit_price, v
        )
        child_tif = convert.parse_enum(
            "child_time_in_force",
            request.child_time_in_force,
            convert.TIME_IN_FORCE,
            v,
            TimeInForce.GTC,
        )
        for field, value in (
            ("take_profit_limit_price", take_profit),
            ("stop_loss_stop_price", stop_loss),
        ):
            if value is None and not any(x.field == field for x in v):
                v.append(FieldViolation(field, "is required"))
        if v:
            raise InvalidArgument(v)
        assert take_profit is not None
        assert stop_loss is not None
        assert child_tif is not None
        self._acting_on_account(parent.account)
        p, tp, sl = await self.manager.submit_bracket(
            parent, take_profit, stop_loss, stop_limit, child_tif, caller=principal().name
        )
        return gateway_pb2.SubmitBracketOrderResponse(
            parent=convert.order_to_proto(p),
            take_profit=convert.order_to_proto(tp),
            stop_loss=convert.order_to_proto(sl),
        )

    async def ModifyOrder(
        self, request: gateway_pb2.ModifyOrderRequest, context: Context
    ) -> gateway_pb2.ModifyOrderResponse:
        v: list[FieldViolation] = []
        _check_order_reference(request, v)

        def optional_decimal(
            field: Literal["quantity", "limit_price", "stop_price"],
        ) -> Decimal | None:
            if not request.HasField(field):
                return None
            value = convert.parse_decimal(field, getattr(request, field), v)
            if value is None and not v:
                v.append(FieldViolation(field, "must not be empty when set"))
            return value

        quantity = optional_decimal("quantity")
        limit_price = optional_decimal("limit_price")
        stop_price = optional_decimal("stop_price")
        tif = (
            convert.parse_enum("time_in_force", request.time_in_force, convert.TIME_IN_FORCE, v)
            if request.time_in_force
            else None
        )
        if v:
            raise InvalidArgument(v)
        order = await self.manager.modify(
            self._referenced_order(request).order_id,
            quantity=quantity,
            limit_price=limit_price,
            stop_price=stop_price,
            time_in_force=tif,
        )
        return gateway_pb2.ModifyOrderResponse(order=convert.order_to_proto(order))

    async def CancelOrder(
        self, request: gateway_pb2.CancelOrderRequest, context: Context
    ) -> gateway_pb2.CancelOrderResponse:
        v: list[FieldViolation] = []
        _check_order_reference(request, v)
        if v:
            raise InvalidArgument(v)
        order = await self.manager.cancel(self._referenced_order(request).order_id)
        return gateway_pb2.CancelOrderResponse(order=convert.order_to_proto(order))

    async def CancelAllOrders(
        self, request: gateway_pb2.CancelAllOrdersRequest, context: Context
    ) -> gateway_pb2.CancelAllOrdersResponse:
        v: list[FieldViolation] = []
        _short_text("account", request.account, v)
        if v:
            raise InvalidArgument(v)
        who = principal()
        if request.account or who.all_accounts:
            who.require_account(request.account or "*")
            acting_on([request.account] if request.account else [])
            orders = await self.manager.cancel_all(request.account)
        else:
            # A token limited to some accounts cancels only those, never IB-wide.
            acting_on(who.accounts)
            orders = []
            for account in sorted(who.accounts):
                orders += await self.manager.cancel_all(account)
        return gateway_pb2.CancelAllOrdersResponse(
            orders=[convert.order_to_proto(o) for o in orders]
        )

    async def GetOrder(
        self, request: gateway_pb2.GetOrderRequest, context: Context
    ) -> gateway_pb2.GetOrderResponse:
        v: list[FieldViolation] = []
        _check_order_reference(request, v)
        if v:
            raise InvalidArgument(v)
        order = self._referenced_order(request)
        return gateway_pb2.GetOrderResponse(order=convert.order_to_proto(order))

    async def ListOrders(
        self, request: gateway_pb2.ListOrdersRequest, context: Context
    ) -> gateway_pb2.ListOrdersResponse:
        v: list[FieldViolation] = []
        _short_text("account", request.account, v)
        _short_text("symbol", request.symbol, v)
        statuses = []
        for i, value in enumerate(request.statuses):
            status = convert.parse_enum(f"statuses[{i}]", value, convert.STATUSES, v)
            if status is not None:
                statuses.append(status)
        if v:
            raise InvalidArgument(v)
        query = OrderQuery(
            account=request.account,
            accounts=self._visible_accounts(request.account),
            statuses=frozenset(statuses),
            symbol=request.symbol,
        )
        rows, token = paging.page(
            lambda after, limit: self.manager.store.list_orders(query, after, limit),
            request.page_size,
            request.page_token,
            query,
            lambda row: row[0],
        )
        return gateway_pb2.ListOrdersResponse(
            orders=[convert.order_to_proto(o) for _, o in rows], next_page_token=token
        )

    async def ListFills(
        self, request: gateway_pb2.ListFillsRequest, context: Context
    ) -> gateway_pb2.ListFillsResponse:
        v: list[FieldViolation] = []
        _short_text("account", request.account, v)
        _short_text("order_id", request.order_id, v)
        if v:
            raise InvalidArgument(v)
        query = FillQuery(
            account=request.account,
            accounts=self._visible_accounts(request.account),
            order_id=request.order_id,
        )
        fills, token = paging.page(
            lambda after, limit: self.manager.store.list_fills(query, after, limit),
            request.page_size,
            request.page_token,
            query,
            lambda fill: fill.sequence,
        )
        return gateway_pb2.ListFillsResponse(
            fills=[convert.fill_to_proto(f) for f in fills], next_page_token=token
        )

    async def PreviewOrder(
        self, request: gateway_pb2.PreviewOrderRequest, context: Context
    ) -> gateway_pb2.PreviewOrderResponse:
        spec = convert.spec_from_proto(request.order, "order")
        if self.preview is None:
            raise FailedPrecondition("order previews are not set up", reason="NO_PREVIEW")
        principal().require_account(spec.account or self.manager.default_account)
        try:
            preview = self.preview.preview(spec)
            # The figures above are those of this sequence, whenever IB answers.
            last_sequence, now = self.bus.last_sequence, utc_now()
            estimate = await self.what_if(preview.spec) if self.what_if is not None else None
        except InvalidArgument as exc:
            raise convert.prefixed(exc, "order") from None
        message = preview_to_proto(preview, last_sequence, now)
        if estimate is not None:
            message.what_if.CopyFrom(what_if_to_proto(estimate))
            message.estimated_commission = message.what_if.commission
        return message

    # Events go out as their one shared encoding (see encoded_event), which the streams'
    # serializer passes through: the generated signature knows only messages.
    async def StreamOrderEvents(  # type: ignore[override]
        self, request: gateway_pb2.StreamOrderEventsRequest, context: Context
    ) -> AsyncIterator[gateway_pb2.StreamOrderEventsResponse | bytes]:
        async for item in self._follow(request, fills_only=False):
            if isinstance(item, Heartbeat):
                yield gateway_pb2.StreamOrderEventsResponse(heartbeat=feeds.heartbeat_message(item))
            else:
                yield encoded_event(item)

    async def StreamFills(  # type: ignore[override]
        self, request: gateway_pb2.StreamFillsRequest, context: Context
    ) -> AsyncIterator[gateway_pb2.StreamFillsResponse | bytes]:
        async for item in self._follow(request, fills_only=True):
            if isinstance(item, Heartbeat):
                yield gateway_pb2.StreamFillsResponse(heartbeat=feeds.heartbeat_message(item))
            else:
                yield encoded_event(item)

    async def SetKillSwitch(
        self, request: gateway_pb2.SetKillSwitchRequest, context: Context
    ) -> gateway_pb2.SetKillSwitchResponse:
        v: list[FieldViolation] = []
        if len(request.reason) > 500:
            v.append(FieldViolation("reason", "at most 500 characters"))
        for i, account in enumerate(request.accounts):
            if not ACCOUNT_RE.fullmatch(account):
                v.append(FieldViolation(f"accounts[{i}]", "1 to 32 letters, digits, _ or -"))
        if v:
            raise InvalidArgument(v)
        who = principal()
        accounts: frozenset[str] | None
        if request.accounts:
            for account in request.accounts:
                who.require_account(account)
            accounts = frozenset(request.accounts)
        elif who.all_accounts:
            accounts = None
        else:
            # A token limited to some accounts halts those, never the whole gateway.
            accounts = who.accounts
        acting_on(accounts or ())
        cancelled = await self.manager.set_kill_switch(
            request.engaged, request.reason, who.name, accounts
        )
        return gateway_pb2.SetKillSwitchResponse(
            kill_switch=self._kill_switch(),
            cancelled_orders=[convert.order_to_proto(o) for o in cancelled],
        )

    async def GetKillSwitch(
        self, request: gateway_pb2.GetKillSwitchRequest, context: Context
    ) -> gateway_pb2.GetKillSwitchResponse:
        return gateway_pb2.GetKillSwitchResponse(kill_switch=self._kill_switch())

    async def ListAuditRecords(
        self, request: gateway_pb2.ListAuditRecordsRequest, context: Context
    ) -> gateway_pb2.ListAuditRecordsResponse:
        # Read your writes: records queued for the next group commit are included,
        # unless the store cannot write (then what is recorded is all there is).
        store = self.manager.store
        await store.wait_durable(store.append([])[1])
        # Only records of the token's accounts: other accounts' requests, order ids and
        # token names are theirs.
        accounts = self._visible_accounts("")
        records, token = paging.page(
            lambda after, limit: self.manager.store.list_audit(after, limit, accounts),
            request.page_size,
            request.page_token,
            ("audit", sorted(accounts)),
            lambda record: record.id,
        )
        return gateway_pb2.ListAuditRecordsResponse(
            records=[
                gateway_pb2.AuditRecord(
                    id=r.id,
                    time=convert.timestamp(r.time),
                    principal=r.principal,
                    method=r.method,
                    request_json=r.request_json,
                    status=r.status,
                    detail=r.detail,
                    accounts=sorted(r.accounts),
                )
                for r in records
            ],
            next_page_token=token,
        )

    # -- helpers ------------------------------------------------------------------

    def _referenced_order(self, request: _OrderReference) -> Order:
        """The order a request names by gateway id or by (account, client_order_id)."""
        if request.order_id:
            return self._visible_order(request.order_id)
        principal().require_account(request.account or self.manager.default_account)
        order = self.manager.get_by_client_id(request.account, request.client_order_id)
        acting_on([order.spec.account])
        return order

    def _visible_order(self, order_id: str) -> Order:
        order = visible_order(self.manager, order_id)
        acting_on([order.spec.account])
        return order

    def _acting_on_account(self, account: str) -> None:
        """For calls naming an account (the default one when empty)."""
        account = account or self.manager.default_account
        principal().require_account(account)
        acting_on([account])

    def _kill_switch(self) -> gateway_pb2.KillSwitch:
        """The gateway-wide switch, and the halts of the accounts the caller may use."""
        guard, who = self.manager.guard, principal()
        halts = {a: h for a, h in guard.account_halts.items() if who.may_access(a)}
        return _kill_switch(guard.kill_switch, halts)

    @staticmethod
    def _visible_accounts(account: str) -> frozenset[str]:
        """Accounts a listing is limited to; empty when the caller may see all."""
        who = principal()
        if account:
            who.require_account(account)
        return frozenset() if who.all_accounts else who.accounts

    async def _follow(
        self,
        request: gateway_pb2.StreamOrderEventsRequest | gateway_pb2.StreamFillsRequest,
        *,
        fills_only: bool,
    ) -> AsyncIterator[Published | Heartbeat]:
        v: list[FieldViolation] = []
        _short_text("account", request.account, v)
        _short_text("order_id", request.order_id, v)
        interval = feeds.heartbeat_seconds(
            request.heartbeat_interval if request.HasField("heartbeat_interval") else None,
            self.heartbeat_interval,
            v,
        )
        if v:
            raise InvalidArgument(v)
        account, order_id = request.account, request.order_id
        who = principal()
        if account:
            who.require_account(account)

        def accepts_event(event: JournalEvent) -> bool:
            return (
                isinstance(event, OrderEvent)
                and who.may_access(event.account)
                and (not fills_only or isinstance(event, FillEvent))
                and (not account or event.account == account)
                and (not order_id or event.order_id == order_id)
            )

        everything = who.all_accounts and not (fills_only or account or order_id)
        accepts: EventFilter = _is_order_event if everything else accepts_event

        async for item in feeds.follow(
            self.manager.store,
            self.bus,
            after_sequence=request.after_sequence,
            accepts=accepts,
            heartbeat_interval=interval,
            share=self.replay_share,
            live=self.live_share,
            buffer_capacity=self.stream_buffer,
        ):
            if not isinstance(item, Heartbeat) and not isinstance(item.event, OrderEvent):
                raise TypeError(f"{type(item.event).__name__} on an order stream")
            yield item
