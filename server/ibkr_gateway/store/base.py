"""The store's interface, so that another database is an adapter, not a rewrite."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ibkr_gateway.event.events import JournalEvent
from ibkr_gateway.order.models import Fill, Order, OrderStatus
from ibkr_gateway.position.models import Position

CommitListener = Callable[[Sequence[JournalEvent]], None]


class StoredEvent(Protocol):
    """A journaled event, decoded on demand: decoding is most of what a replay costs, and
    a replaying stream decodes only when it is its turn."""

    @property
    def sequence(self) -> int: ...

    def event(self) -> JournalEvent: ...


@dataclass(frozen=True, slots=True)
class OrderQuery:
    account: str = ""
    # When not empty, only these accounts (what the caller may see).
    accounts: frozenset[str] = frozenset()
    statuses: frozenset[OrderStatus] = frozenset()
    symbol: str = ""


@dataclass(frozen=True, slots=True)
class FillQuery:
    account: str = ""
    accounts: frozenset[str] = frozenset()
    order_id: str = ""


@dataclass(frozen=True, slots=True)
class AuditRecord:
    time: datetime
    principal: str
    method: str
    request_json: str
    status: str
    detail: str
    id: int = 0
    # The accounts the call acted on; empty for calls on the whole gateway.
    accounts: frozenset[str] = frozenset()


class OrderStore(Protocol):
    @property
    def last_sequence(self) -> int:
        """Highest sequence handed out (committed or on its way to commit)."""
        ...

    def set_commit_listener(self, listener: CommitListener) -> None:
        """Called on the event loop with each committed batch, in sequence order."""
        ...

    @property
    def failure(self) -> str | None:
        """Why commits are failing (they are retried in place), or None."""
        ...

    def add_health_listener(self, listener: Callable[[str | None], None]) -> None: ...

    def held(self) -> contextlib.AbstractContextManager[None]:
        """Appends made inside go into one commit, which starts when the block ends
        (otherwise an append with nothing in flight starts a commit at once)."""
        ...

    def append(
        self, events: Sequence[JournalEvent], *, abandon_on_failure: bool = False
    ) -> tuple[list[JournalEvent], asyncio.Future[None]]:
        """Queues the events (fresh objects, owned by the store from here on) for one
        atomic commit, which stamps them with the next sequences; the future resolves
        once they are durable. While commits fail they stay queued and are retried in
        order, unless `abandon_on_failure`: then the future fails and they are dropped."""
        ...

    async def wait_durable(self, future: asyncio.Future[None]) -> bool:
        """True once durable; False as soon as commits are failing."""
        ...

    def get_order(self, order_id: str) -> Order | None: ...

    def find_order(self, account: str, client_order_id: str) -> Order | None: ...

    def client_order_keys(self) -> Iterator[tuple[str, str]]:
        """(account, client_order_id) of every stored order."""
        ...

    def find_order_by_broker_id(self, broker_order_id: int) -> Order | None:
        """The latest order with this broker order id (ids > 0 only)."""
        ...

    def find_order_by_perm_id(self, perm_id: int) -> Order | None: ...

    def list_orders(self, query: OrderQuery, after_key: int, limit: int) -> list[tuple[int, Order]]:
        """Orders by creation, each with its paging key."""
        ...

    def list_fills(self, query: FillQuery, after_sequence: int, limit: int) -> list[Fill]: ...

    def has_fill(self, execution_id: str) -> bool: ...

    def append_audit(self, record: AuditRecord) -> None: ...

    def list_audit(
        self, after_id: int, limit: int, accounts: frozenset[str] = frozenset()
    ) -> list[AuditRecord]:
        """When `accounts` is not empty, only records of calls that acted on some of
        them and on no other account."""
        ...

    def count_orders_by_status(self) -> dict[str, int]: ...

    def get_setting(self, key: str) -> str | None: ...

    def save_setting(self, key: str, value: str) -> asyncio.Future[None]:
        """Queued with the next commit; the future resolves once durable."""
        ...

    def max_broker_order_id(self) -> int: ...

    def read_events(self, after_sequence: int, limit: int) -> list[JournalEvent]: ...

    async def read_journal(self, after_sequence: int, limit: int) -> Sequence[StoredEvent]:
        """The events after `after_sequence`, at most `limit`, read off the event loop."""
        ...

    def working_orders(self) -> list[Order]: ...

    def load_positions(self) -> list[Position]:
        """Every position as of the last commit, closed ones too."""
        ...

    async def close(self) -> None: ...
