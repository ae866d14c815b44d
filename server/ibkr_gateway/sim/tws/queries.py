"""Answers to what a client asks about rather than trades: contract details, positions,
the account (summary and updates) and market data.

Subscriptions (streaming quotes, account updates) live here, per session, and are
brought up to date by `refresh`, which the simulator calls after every change it
makes: each sends only what changed since it was last sent, as TWS does.

Quotes come from the exchange's reference price p: bid p - tick, ask p + tick, last p,
sizes the quantity available at p (100 when unlimited), volume what the simulator
executed in the symbol, close the price at the last end of day (or when first quoted).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from ibkr_gateway.sim.exchange import SimulatedExchange
from ibkr_gateway.sim.tws import outgoing
from ibkr_gateway.sim.tws import query_messages as qm
from ibkr_gateway.sim.tws.account import LEDGER_TAGS, AccountBook, Holding, Snapshot
from ibkr_gateway.sim.tws.contracts import ContractBook, Listing, min_tick
from ibkr_gateway.sim.tws.executions import ExecutionLog
from ibkr_gateway.sim.tws.incoming import (
    CancelAccountSummary,
    CancelMktData,
    CancelPositions,
    ReqAccountSummary,
    ReqAccountUpdates,
    ReqAccountUpdatesMulti,
    ReqContractDetails,
    ReqMarketDataType,
    ReqMktData,
    ReqPositions,
    Request,
)
from ibkr_gateway.sim.tws.outgoing import Out

log = logging.getLogger(__name__)

# IB error codes and texts of these requests.
DUPLICATE_TICKER_ID = 102
NO_SECURITY_DEFINITION = 200
NO_SECURITY_DEFINITION_TEXT = "No security definition has been found for the request"
UNKNOWN_TICKER_ID = 300
# IB allows two account summary subscriptions at a time.
MAX_SUMMARIES = 2
TOO_MANY_SUMMARIES = 322
TOO_MANY_TEXT = (
    "Error processing request:-'bd' : cause - Maximum number of account summary requests exceeded"
)
NOT_SUBSCRIBED = 354
NOT_SUBSCRIBED_TEXT = "Requested market data is not subscribed."
DELAYED_INSTEAD = 10167
DELAYED_INSTEAD_TEXT = "Requested market data is not subscribed. Displaying delayed market data."

# Market data types (reqMarketDataType): frozen ones are served as their unfrozen
# kind, since the simulated market never closes.
LIVE, FROZEN, DELAYED, DELAYED_FROZEN = 1, 2, 3, 4

# Tick types: (live, delayed).
BID_SIZE, BID, ASK, ASK_SIZE, LAST, LAST_SIZE, VOLUME, CLOSE = 0, 1, 2, 3, 4, 5, 8, 9
_DELAYED = {BID: 66, ASK: 67, LAST: 68, BID_SIZE: 69, ASK_SIZE: 70, LAST_SIZE: 71}
_DELAYED |= {VOLUME: 74, CLOSE: 75}
_SIZE_OF = {BID: BID_SIZE, ASK: ASK_SIZE, LAST: LAST_SIZE}
DEFAULT_SIZE = Decimal(100)


class Sender(Protocol):
    def send(self, messages: Iterable[Out]) -> None: ...


@dataclass(frozen=True, slots=True)
class Quote:
    prices: dict[int, tuple[Decimal, Decimal]]  # price tick -> (price, size)
    volume: Decimal


@dataclass
class _Stream:
    listing: Listing
    delayed: bool
    last: Quote


@dataclass
class _AccountFeed:
    values: dict[tuple[str, str], str] = field(default_factory=dict)  # (tag, ccy) -> value
    holdings: dict[int, Holding] = field(default_factory=dict)  # by conId


class QueryDesk:
    def __init__(
        self,
        exchange: SimulatedExchange,
        executions: ExecutionLog,
        account: str,
        clock: Callable[[], datetime],
    ) -> None:
        self._exchange = exchange
        self._executions = executions
        self._clock = clock
        self.account = account
        self.contracts = ContractBook(exchange)
        self.account_book = AccountBook(exchange, executions, account)
        # False: the account has no live market data subscription, so only delayed
        # data (market data type 3 or 4) is served.
        self.live_data = True
        self._closes: dict[str, Decimal] = {}
        self._data_types: dict[Sender, int] = {}
        self._streams: dict[tuple[Sender, int], _Stream] = {}
        self._feeds: dict[Sender, _AccountFeed] = {}
        self._summaries: set[tuple[Sender, int]] = set()
        self._refreshed: tuple[object, ...] = ()

    # -- requests -------------------------------------------------------------------

    def handle(self, session: Sender, request: Request) -> None:
        if isinstance(request, ReqContractDetails):
            session.send(self._contract_details(request))
        elif isinstance(request, ReqMktData):
            session.send(self._market_data(session, request))
        elif isinstance(request, CancelMktData):
            if self._streams.pop((session, request.req_id), None) is None:
                text = f"Can't find EId with tickerId:{request.req_id}"
                session.send([outgoing.error(request.req_id, UNKNOWN_TICKER_ID, text)])
        elif isinstance(request, ReqMarketDataType):
            self._data_types[session] = request.market_data_type
        elif isinstance(request, ReqPositions):
            session.send(self._positions())
        elif isinstance(request, CancelPositions):
            pass  # positions are answered once, never streamed
        elif isinstance(request, ReqAccountSummary):
            session.send(self._subscribe_summary(session, request))
        elif isinstance(request, CancelAccountSummary):
            self._summaries.discard((session, request.req_id))
        elif isinstance(request, ReqAccountUpdates):
            session.send(self._account_updates(session, request))
        elif isinstance(request, ReqAccountUpdatesMulti):
            session.send([outgoing.account_update_multi_end(request.req_id)])
        else:
            raise AssertionError(f"not a query: {request!r}")

    @property
    def summary_subscriptions(self) -> int:
        """Account summary subscriptions open, over every session."""
        return len(self._summaries)

    def drop(self, session: Sender) -> None:
        """A session's subscriptions end with it."""
        self._data_types.pop(session, None)
        self._feeds.pop(session, None)
        for key in [k for k in self._streams if k[0] is session]:
            del self._streams[key]
        self._summaries = {k for k in self._summaries if k[0] is not session}

    def end_of_day(self) -> None:
        """Today's prices become the close."""
        for symbol in list(self._closes):
            self._closes[symbol] = self._exchange.price(symbol)

    def refresh(self) -> None:
        """Sends every subscriber what changed since it was last sent. Called after
        every delivery, so it returns at once when nothing it reports on moved."""
        if self._market_state() == self._refreshed:
            return
        for (session, req_id), stream in list(self._streams.items()):
            quote = self.quote(stream.listing)
            session.send(self._changed_ticks(req_id, stream, quote))
            stream.last = quote
        if self._feeds:
            snapshot = self.account_book.snapshot()
            for session, feed in self._feeds.items():
                messages = self._account_messages(feed, snapshot)
                if messages:
                    session.send([*messages, self._update_time()])
        # Taken after the quotes, which may have set a first close.
        self._refreshed = self._market_state()

    def _market_state(self) -> tuple[object, ...]:
        """Everything quotes and account values are made of, but for subscriptions."""
        return (
            self._executions.revision,
            tuple(self._exchange.prices.items()),
            tuple(self._exchange.available.items()),
            tuple(self._closes.items()),
        )

    # -- contracts ------------------------------------------------------------------

    def _contract_details(self, request: ReqContractDetails) -> list[Out]:
        found = [] if request.sec_id else self.contracts.find(request.contract)
        if not found:
            text = NO_SECURITY_DEFINITION_TEXT
            return [outgoing.error(request.req_id, NO_SECURITY_DEFINITION, text)]
        details = [
            qm.contract_details(request.req_id, x, self.contracts.underlying_con_id(x))
            for x in found
        ]
        return [*details, qm.contract_details_end(request.req_id)]

    # -- market data ----------------------------------------------------------------

    def quote(self, listing: Listing) -> Quote:
        symbol = listing.symbol
        price = self._exchange.price(symbol)
        tick = min_tick(listing.sec_type, price)
        available = self._exchange.available.get(symbol)
        size = DEFAULT_SIZE if available is None else available
        close = self._closes.setdefault(symbol, price)
        volume = sum(
            (
                e.view.shares
                for e in self._executions.effective()
                if e.view.contract.con_id == listing.con_id
            ),
            Decimal(0),
        )
        prices = {
            BID: (max(price - tick, tick), size),
            ASK: (price + tick, size),
            LAST: (price, DEFAULT_SIZE),
            CLOSE: (close, Decimal(0)),
        }
        return Quote(prices, volume)

    def _market_data(self, session: Sender, request: ReqMktData) -> list[Out]:
        req_id = request.req_id
        found = self.contracts.find(request.contract)
        if len(found) != 1:
            # Several matches are as unknown as none: a quote needs one contract.
            return [outgoing.error(req_id, NO_SECURITY_DEFINITION, NO_SECURITY_DEFINITION_TEXT)]
        if (session, req_id) in self._streams:
            return [outgoing.error(req_id, DUPLICATE_TICKER_ID, "Duplicate ticker ID.")]
        listing = found[0]
        wanted = self._data_types.get(session, LIVE)
        messages: list[Out] = []
        delayed = False
        if not self.live_data:
            if wanted in (LIVE, FROZEN):
                return [outgoing.error(req_id, NOT_SUBSCRIBED, NOT_SUBSCRIBED_TEXT)]
            delayed = True
            messages.append(outgoing.error(req_id, DELAYED_INSTEAD, DELAYED_INSTEAD_TEXT))
        quote = self.quote(listing)
        messages += [
            qm.tick_req_params(req_id, listing.min_tick),
            qm.market_data_type(req_id, DELAYED if delayed else LIVE),
        ]
        stream = _Stream(listing, delayed, Quote({}, Decimal(-1)))
        messages += self._changed_ticks(req_id, stream, quote)
        if request.snapshot or request.regulatory_snapshot:
            return [*messages, qm.tick_snapshot_end(req_id)]
        stream.last = quote
        self._streams[(session, req_id)] = stream
        return messages

    def _changed_ticks(self, req_id: int, stream: _Stream, quote: Quote) -> list[Out]:
        def kind(tick: int) -> int:
            return _DELAYED[tick] if stream.delayed else tick

        messages: list[Out] = []
        for tick, (price, size) in quote.prices.items():
            if stream.last.prices.get(tick) == (price, size):
                continue
            messages.append(qm.tick_price(req_id, kind(tick), price, size))
            if tick in _SIZE_OF:
                messages.append(qm.tick_size(req_id, kind(_SIZE_OF[tick]), size))
        if quote.volume != stream.last.volume:
            messages.append(qm.tick_size(req_id, kind(VOLUME), quote.volume))
        return messages

    # -- positions and the account ------------------------------------------------------

    def _positions(self) -> list[Out]:
        positions = [
            outgoing.position(p.account, p.contract, p.quantity, p.average_cost)
            for p in self._executions.positions()
        ]
        return [*positions, outgoing.position_end()]

    def _subscribe_summary(self, session: Sender, request: ReqAccountSummary) -> list[Out]:
        if sum(s is session for s, _ in self._summaries) >= MAX_SUMMARIES:
            return [outgoing.error(request.req_id, TOO_MANY_SUMMARIES, TOO_MANY_TEXT)]
        self._summaries.add((session, request.req_id))
        return self._account_summary(request)

    def _account_summary(self, request: ReqAccountSummary) -> list[Out]:
        """Rows of the requested tags IB knows and the simulator computes; others are
        left out, as IB leaves out what does not apply to an account."""
        snapshot = self.account_book.snapshot()
        values = snapshot.values()
        ledger = snapshot.ledger()
        rows: list[Out] = []
        for tag in request.tags:
            if tag in values:
                value, currency = values[tag]
                rows.append(qm.account_summary(request.req_id, self.account, tag, value, currency))
            elif tag.startswith("$LEDGER"):
                currencies = ["BASE", "USD"] if tag == "$LEDGER:ALL" else ["USD"]
                rows += [
                    qm.account_summary(request.req_id, self.account, name, ledger[name], ccy)
                    for ccy in currencies
                    for name in LEDGER_TAGS
                ]
        return [*rows, qm.account_summary_end(request.req_id)]

    def _account_updates(self, session: Sender, request: ReqAccountUpdates) -> list[Out]:
        if not request.subscribe:
            self._feeds.pop(session, None)
            return []
        feed = _AccountFeed()
        self._feeds[session] = feed
        messages = self._account_messages(feed, self.account_book.snapshot())
        account = request.account or self.account
        return [*messages, self._update_time(), outgoing.account_download_end(account)]

    def _account_messages(self, feed: _AccountFeed, snapshot: Snapshot) -> list[Out]:
        rows: dict[tuple[str, str], str] = {("AccountCode", ""): self.account}
        rows |= {(tag, ccy): value for tag, (value, ccy) in snapshot.values().items()}
        ledger = snapshot.ledger()
        rows |= {(tag, ccy): ledger[tag] for ccy in ("BASE", "USD") for tag in LEDGER_TAGS}
        messages = [
            qm.account_value(tag, value, ccy, self.account)
            for (tag, ccy), value in rows.items()
            if feed.values.get((tag, ccy)) != value
        ]
        feed.values = rows
        for h in snapshot.holdings:
            if feed.holdings.get(h.contract.con_id) == h:
                continue
            feed.holdings[h.contract.con_id] = h
            messages.append(
                qm.portfolio_value(
                    h.contract,
                    h.quantity,
                    h.market_price,
                    h.market_value,
                    h.average_cost,
                    h.unrealized_pnl,
                    h.realized_pnl,
                    self.account,
                )
            )
        return messages

    def _update_time(self) -> Out:
        return qm.account_update_time(self._clock().strftime("%H:%M"))
