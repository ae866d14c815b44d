"""AccountService: positions, account figures and the position stream."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import grpc
from ibkr.gateway.v1 import account_pb2, account_pb2_grpc

from ibkr_gateway.broker import BrokerAccountSummary
from ibkr_gateway.errors import FailedPrecondition, FieldViolation, InvalidArgument
from ibkr_gateway.event.bus import EventBus
from ibkr_gateway.event.events import JournalEvent
from ibkr_gateway.order.manager import utc_now
from ibkr_gateway.order.validation import ACCOUNT_RE, SYMBOL_RE
from ibkr_gateway.position.account import PriceOf, summarize
from ibkr_gateway.position.book import PositionBook
from ibkr_gateway.position.models import Position, PositionEvent
from ibkr_gateway.rpc import feeds
from ibkr_gateway.rpc.account_convert import (
    position_to_proto,
    summary_to_proto,
)
from ibkr_gateway.rpc.convert import timestamp
from ibkr_gateway.rpc.encoded import encoded_event
from ibkr_gateway.rpc.loop_share import LoopShare
from ibkr_gateway.rpc.streams import Heartbeat
from ibkr_gateway.security.auth import principal
from ibkr_gateway.store.base import OrderStore

Context = grpc.aio.ServicerContext[Any, Any]


def _check_account(account: str, v: list[FieldViolation]) -> None:
    if account and not ACCOUNT_RE.fullmatch(account):
        v.append(FieldViolation("account", "1 to 32 letters, digits, _ or -"))


def _check_symbol(symbol: str, v: list[FieldViolation]) -> None:
    if symbol and not SYMBOL_RE.fullmatch(symbol):
        v.append(FieldViolation("symbol", "1 to 32 letters, digits, spaces or . _ / & -"))


class BrokerAccounts(Protocol):
    """The broker's own account figures (backend ib)."""

    def managed_accounts(self) -> frozenset[str]: ...

    async def account_summary(self, account: str) -> BrokerAccountSummary: ...


@dataclass(frozen=True, slots=True)
class SimulatedAccounts:
    """The sim backend's accounts: which there are, and the cash each starts with."""

    starting_cash: Decimal
    accounts: Callable[[], frozenset[str]]


class AccountServicer(account_pb2_grpc.AccountServiceServicer):
    def __init__(
        self,
        book: PositionBook,
        store: OrderStore,
        bus: EventBus,
        *,
        default_account: str,
        price_of: PriceOf,
        simulated: SimulatedAccounts | None,
        heartbeat_interval: float,
        broker_account: BrokerAccounts | None = None,
        stream_buffer: int,
        replay_share: LoopShare,
        live_share: LoopShare,
    ) -> None:
        self.book = book
        self.store = store
        self.bus = bus
        self.default_account = default_account
        self.price_of = price_of
        self.simulated = simulated
        self.broker_account = broker_account
        self.heartbeat_interval = heartbeat_interval
        self.stream_buffer = stream_buffer
        self.replay_share = replay_share
        self.live_share = live_share

    def _account(self, account: str) -> str:
        v: list[FieldViolation] = []
        _check_account(account, v)
        if v:
            raise InvalidArgument(v)
        account = account or self.default_account
        principal().require_account(account)
        return account

    async def ListPositions(
        self, request: account_pb2.ListPositionsRequest, context: Context
    ) -> account_pb2.ListPositionsResponse:
        v: list[FieldViolation] = []
        _check_symbol(request.symbol, v)
        if v:
            raise InvalidArgument(v)
        account = self._account(request.account)

        def wanted(p: Position) -> bool:
            return (
                (request.include_closed or p.quantity != 0)
                and (not request.symbol or p.contract.symbol == request.symbol)
                and (not request.con_id or p.contract.con_id == request.con_id)
            )

        # Read in one step of the loop: the positions are those of this sequence.
        last_sequence = self.bus.last_sequence
        positions = [p for p in self.book.positions([account]) if wanted(p)]
        return account_pb2.ListPositionsResponse(
            positions=[position_to_proto(p, self.price_of(p.contract)) for p in positions],
            last_sequence=last_sequence,
        )

    async def GetAccountSummary(
        self, request: account_pb2.GetAccountSummaryRequest, context: Context
    ) -> account_pb2.GetAccountSummaryResponse:
        account = self._account(request.account)
        simulated = self.simulated
        if simulated is None and self.broker_account is not None:
            return await self._broker_summary(self.broker_account, account)
        if simulated is None:
            raise FailedPrecondition(
                "account figures come from the simulated account or from IB only",
                reason="ACCOUNT_SUMMARY_UNAVAILABLE",
            )
        if account not in simulated.accounts():
            raise InvalidArgument.single(
                "account", f"{account!r} is not an account this gateway manages"
            )
        last_sequence = self.bus.last_sequence
        summary = summarize(
            account, self.book.positions([account]), simulated.starting_cash, self.price_of
        )
        message = summary_to_proto(summary)
        message.last_sequence = last_sequence
        message.time.CopyFrom(timestamp(utc_now()))
        return account_pb2.GetAccountSummaryResponse(summary=message)

    async def _broker_summary(
        self, broker: BrokerAccounts, account: str
    ) -> account_pb2.GetAccountSummaryResponse:
        """IB's figures; the last sequence is the journal's when IB was asked."""
        if account not in broker.managed_accounts():
            raise InvalidArgument.single(
                "account", f"{account!r} is not an account this gateway manages"
            )
        last_sequence = self.bus.last_sequence
        message = summary_to_proto(await broker.account_summary(account))
        message.last_sequence = last_sequence
        message.time.CopyFrom(timestamp(utc_now()))
        return account_pb2.GetAccountSummaryResponse(summary=message)

    # Events go out as their one shared encoding (see encoded_event), which the streams'
    # serializer passes through: the generated signature knows only messages.
    async def StreamPositions(  # type: ignore[override]
        self, request: account_pb2.StreamPositionsRequest, context: Context
    ) -> AsyncIterator[account_pb2.StreamPositionsResponse | bytes]:
        v: list[FieldViolation] = []
        _check_account(request.account, v)
        _check_symbol(request.symbol, v)
        interval = feeds.heartbeat_seconds(
            request.heartbeat_interval if request.HasField("heartbeat_interval") else None,
            self.heartbeat_interval,
            v,
        )
        if v:
            raise InvalidArgument(v)
        account, symbol = request.account, request.symbol
        who = principal()
        if account:
            who.require_account(account)

        def accepts(event: JournalEvent) -> bool:
            return (
                isinstance(event, PositionEvent)
                and who.may_access(event.account)
                and (not account or event.account == account)
                and (not symbol or event.symbol == symbol)
            )

        async for item in feeds.follow(
            self.store,
            self.bus,
            after_sequence=request.after_sequence,
            accepts=accepts,
            heartbeat_interval=interval,
            share=self.replay_share,
            live=self.live_share,
            buffer_capacity=self.stream_buffer,
        ):
            if isinstance(item, Heartbeat):
                yield account_pb2.StreamPositionsResponse(heartbeat=feeds.heartbeat_message(item))
            elif isinstance(item.event, PositionEvent):
                yield encoded_event(item)
