"""SQLite store (WAL, synchronous=FULL) with group commit on one writer thread."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ibkr_gateway.errors import StoreUnavailable
from ibkr_gateway.event.events import FillEvent, JournalEvent, stamp_sequence
from ibkr_gateway.order.models import FINAL_STATUSES, Fill, Order
from ibkr_gateway.position.models import Position
from ibkr_gateway.store import codec, positions
from ibkr_gateway.store.base import AuditRecord, CommitListener, FillQuery, OrderQuery

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    order_id TEXT PRIMARY KEY,
    created_sequence INTEGER NOT NULL UNIQUE,
    account TEXT NOT NULL,
    client_order_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    status TEXT NOT NULL,
    final INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    broker_order_id INTEGER NOT NULL DEFAULT 0,
    perm_id INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account, client_order_id)
);
CREATE INDEX IF NOT EXISTS orders_working ON orders (final) WHERE final = 0;
CREATE TABLE IF NOT EXISTS fills (
    execution_id TEXT PRIMARY KEY,
    sequence INTEGER NOT NULL UNIQUE,
    order_id TEXT NOT NULL,
    account TEXT NOT NULL,
    snapshot TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS fills_by_order ON fills (order_id, sequence);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    principal TEXT NOT NULL,
    method TEXT NOT NULL,
    request TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL,
    accounts TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS probe (data BLOB);
CREATE TABLE IF NOT EXISTS events (
    sequence INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    order_id TEXT NOT NULL,
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    order_snapshot TEXT NOT NULL
);
"""

# Indexes on columns that older stores get from _ADDED_COLUMNS first.
INDEXES = """
CREATE INDEX IF NOT EXISTS orders_by_broker_id ON orders (broker_order_id)
    WHERE broker_order_id > 0;
CREATE INDEX IF NOT EXISTS orders_by_perm_id ON orders (perm_id) WHERE perm_id > 0;
"""

# Threads that read the journal for replaying streams, each on a connection of its own:
# a stream catching up on a long journal never reads on the event loop, and however
# many streams replay, they share these.
JOURNAL_READERS = 2

# Free room a failing store must find before it reports itself writable again.
PROBE_BYTES = 64 * 1024

# Columns added after the first release, for stores created before them: (table,
# column, definition, value of the rows already there). The defaults read as what the
# older gateway meant.
_ADDED_COLUMNS = (
    ("audit", "accounts", "TEXT NOT NULL DEFAULT '[]'", ""),
    (
        "orders",
        "broker_order_id",
        "INTEGER NOT NULL DEFAULT 0",
        "COALESCE(json_extract(snapshot, '$.broker_order_id'), 0)",
    ),
    (
        "orders",
        "perm_id",
        "INTEGER NOT NULL DEFAULT 0",
        "COALESCE(json_extract(snapshot, '$.perm_id'), 0)",
    ),
)


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    for table, column, definition, existing in _ADDED_COLUMNS:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
            if existing:
                # Every name and expression here is a constant of this module.
                conn.execute(f"UPDATE {table} SET {column} = {existing}")  # noqa: S608


_FINAL_VALUES = tuple(s.value for s in FINAL_STATUSES)


@dataclass(eq=False)
class _Batch:
    events: list[JournalEvent]
    future: asyncio.Future[None]
    # Given up (its future failed) when a commit fails, instead of retried: its caller
    # is told UNAVAILABLE and nothing of it may ever reach the journal.
    abandon_on_failure: bool = False


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    # FULL: every commit is fsynced before the caller is told the order is durable.
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


def _account_filter(account: str, accounts: frozenset[str], args: list[object]) -> str:
    sql = ""
    if account:
        sql += " AND account = ?"
        args.append(account)
    if accounts:
        sql += f" AND account IN ({','.join('?' * len(accounts))})"
        args.extend(sorted(accounts))
    return sql


def _fail(future: asyncio.Future[None], error: Exception) -> None:
    if not future.done():
        future.set_exception(error)
        # Marked as seen: the caller may be gone, and the failure is logged already.
        future.exception()


def describe_failure(exc: BaseException) -> str:
    """The cause an operator can act on, in a few words."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, sqlite3.OperationalError) and "disk is full" in text:
        return f"disk full ({text})"
    return text


class SqliteOrderStore:
    """Writes go through one thread in batches (group commit); reads use a second
    connection on the caller's thread, which WAL keeps from blocking on the writer.

    A failed commit is retried in place, with backoff, until it succeeds: the events
    stay queued in order (sequences are given at commit time, so the journal has no
    gap), the store reports itself failing to its health listeners, and batches marked
    `abandon_on_failure` are dropped with their futures failed."""

    RETRY_INITIAL_DELAY = 0.05
    RETRY_MAX_DELAY = 2.0

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._writer = _connect(self.path)
        self._writer.executescript(SCHEMA)
        _add_missing_columns(self._writer)
        self._writer.executescript(INDEXES)
        self._reader = _connect(self.path)
        self._writer.executescript(positions.SCHEMA)
        row = self._writer.execute("SELECT COALESCE(MAX(sequence), 0) FROM events").fetchone()
        self._last_sequence: int = row[0]
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="store-writer")
        self._journal_executor = concurrent.futures.ThreadPoolExecutor(
            JOURNAL_READERS, thread_name_prefix="journal-reader"
        )
        self._journal_local = threading.local()
        self._journal_connections: list[sqlite3.Connection] = []
        self._journal_lock = threading.Lock()
        self._pending: list[_Batch] = []
        self._pending_audit: list[AuditRecord] = []
        self._pending_settings: dict[str, str] = {}
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._listener: CommitListener = lambda events: None
        self._health_listeners: list[Callable[[str | None], None]] = []
        # The cause of the failing commit being retried; None while commits succeed.
        self.failure: str | None = None
        self._failed: asyncio.Event | None = None
        self._closing = False
        self.batches_committed = 0
        self.events_committed = 0
        self.commit_failures = 0

    @property
    def last_sequence(self) -> int:
        return self._last_sequence

    def set_commit_listener(self, listener: CommitListener) -> None:
        self._listener = listener

    def add_health_listener(self, listener: Callable[[str | None], None]) -> None:
        """Called with the cause when commits start failing, with None once they
        succeed again."""
        self._health_listeners.append(listener)

    # -- writes -------------------------------------------------------------------

    def append(
        self, events: Sequence[JournalEvent], *, abandon_on_failure: bool = False
    ) -> tuple[list[JournalEvent], asyncio.Future[None]]:
        if self._closing:
            raise StoreUnavailable("the order store is closing")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        batch = _Batch(list(events), future, abandon_on_failure)
        self._pending.append(batch)
        self._wake()
        return batch.events, future

    def append_audit(self, record: AuditRecord) -> None:
        """Queues an audit record for the next group commit."""
        if self._closing:
            log.error("audit record not stored (store closing): %r", record)
            return
        self._pending_audit.append(record)
        self._wake()

    def save_setting(self, key: str, value: str) -> asyncio.Future[None]:
        """Queued for the next group commit, retried like events while commits fail."""
        if self._closing:
            raise StoreUnavailable("the order store is closing")
        self._pending_settings[key] = value
        return self.append([])[1]

    async def wait_durable(self, future: asyncio.Future[None]) -> bool:
        """True once the future's batch is durable; False as soon as commits are
        failing (the batch stays queued and is retried)."""
        if self._failed is None:
            self._failed = asyncio.Event()
        # asyncio.wait never cancels what it waits for: the batch stays queued.
        waiters: list[asyncio.Future[Any]] = [future, asyncio.ensure_future(self._failed.wait())]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiters[1].cancel()
        if future.done():
            future.result()
            return True
        return False

    def _wake(self) -> None:
        if self._task is None:
            self._wakeup = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(
                self._write_loop(), name="store-writer"
            )
        assert self._wakeup is not None
        self._wakeup.set()

    async def _write_loop(self) -> None:
        assert self._wakeup is not None
        loop = asyncio.get_running_loop()
        delay = self.RETRY_INITIAL_DELAY
        while True:
            if self.failure is None:
                await self._wakeup.wait()
            else:
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.RETRY_MAX_DELAY)
            self._wakeup.clear()
            batch, self._pending = self._pending, []
            audits, self._pending_audit = self._pending_audit, []
            settings, self._pending_settings = self._pending_settings, {}
            if not batch and not audits and not settings:
                if self._closing:
                    return
                if self.failure is not None:
                    await self._probe(loop)
                continue
            events = [e for b in batch for e in b.events]
            for offset, event in enumerate(events, start=1):
                stamp_sequence(event, self._last_sequence + offset)
            try:
                await loop.run_in_executor(self._executor, self._commit, events, audits, settings)
            except Exception as exc:
                self._requeue(exc, batch, audits, settings)
                if self._closing:
                    self._give_up()
                    return
                continue
            delay = self.RETRY_INITIAL_DELAY
            self._committed(batch, events)
            if self._closing and not self._pending and not self._pending_audit:
                return

    async def _probe(self, loop: asyncio.AbstractEventLoop) -> None:
        """With nothing queued (the failed work was given up), only a write shows that
        space is back: one that needs room beyond the database's current pages."""
        try:
            await loop.run_in_executor(self._executor, self._write_probe)
        except Exception as exc:
            cause = describe_failure(exc)
            if cause != self.failure:
                self._set_failure(cause)
            return
        self._set_failure(None)

    def _write_probe(self) -> None:
        conn = self._writer
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("INSERT INTO probe VALUES (zeroblob(?))", (PROBE_BYTES,))
            conn.execute("DELETE FROM probe")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _committed(self, batch: list[_Batch], events: list[JournalEvent]) -> None:
        self._last_sequence += len(events)
        self.batches_committed += 1
        self.events_committed += len(events)
        if self.failure is not None:
            self._set_failure(None)
        try:
            self._listener(events)
        except Exception:
            log.exception("commit listener failed")
        for b in batch:
            if not b.future.done():
                b.future.set_result(None)

    def _requeue(
        self,
        exc: Exception,
        batch: list[_Batch],
        audits: list[AuditRecord],
        settings: dict[str, str],
    ) -> None:
        """Puts a failed batch back in front of what was queued since, in order, except
        the parts that are given up."""
        self.commit_failures += 1
        cause = describe_failure(exc)
        if self.failure != cause:
            log.critical("order store commit failed (%s); retrying in place", cause)
            self._set_failure(cause)
        kept = []
        for b in batch:
            if b.abandon_on_failure and b.events:
                _fail(b.future, StoreUnavailable(f"the order store cannot write: {cause}"))
            else:
                kept.append(b)
        self._pending = kept + self._pending
        self._pending_audit = audits + self._pending_audit
        self._pending_settings = settings | self._pending_settings

    def _give_up(self) -> None:
        lost = sum(len(b.events) for b in self._pending)
        log.critical(
            "order store closed while commits fail (%s): %d events, %d audit records and "
            "%d settings were not stored",
            self.failure,
            lost,
            len(self._pending_audit),
            len(self._pending_settings),
        )
        error = StoreUnavailable(f"the order store cannot write: {self.failure}")
        for b in self._pending:
            _fail(b.future, error)
        self._pending = []

    def _set_failure(self, cause: str | None) -> None:
        self.failure = cause
        if self._failed is None:
            self._failed = asyncio.Event()
        if cause is None:
            log.warning("order store commits succeed again")
            self._failed.clear()
        else:
            self._failed.set()
        for listener in self._health_listeners:
            try:
                listener(cause)
            except Exception:
                log.exception("store health listener failed")

    def _commit(
        self, events: list[JournalEvent], audits: list[AuditRecord], settings: dict[str, str]
    ) -> None:
        # Per order: the sequence that created it (if in this batch), its latest
        # snapshot and that snapshot's encoding, written once per batch.
        orders: dict[str, tuple[int, Order, str]] = {}
        event_rows = []
        fill_rows = []
        for e in positions.order_events(events):
            snapshot = codec.encode(e.order)
            first = orders[e.order_id][0] if e.order_id in orders else e.sequence
            orders[e.order_id] = (first, e.order, snapshot)
            event_rows.append(
                (
                    e.sequence,
                    e.time.isoformat(),
                    e.order_id,
                    e.account,
                    codec.event_kind(e),
                    codec.event_payload(e),
                    snapshot,
                )
            )
            if isinstance(e, FillEvent):
                f = e.fill
                fill_rows.append(
                    (
                        f.execution_id,
                        f.sequence,
                        f.order_id,
                        f.account,
                        codec.encode(f),
                    )
                )
        order_rows = [
            (
                o.order_id,
                first,
                o.spec.account,
                o.spec.client_order_id,
                o.spec.contract.symbol,
                o.status.value,
                int(o.is_final),
                snapshot,
                o.broker_order_id,
                o.perm_id,
            )
            for first, o, snapshot in orders.values()
        ]
        conn = self._writer
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)", event_rows)
            positions.write(conn, events)
            conn.executemany("INSERT INTO fills VALUES (?, ?, ?, ?, ?)", fill_rows)
            conn.executemany(
                "INSERT INTO audit (time, principal, method, request, status, detail, accounts) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        a.time.isoformat(),
                        a.principal,
                        a.method,
                        a.request_json,
                        a.status,
                        a.detail,
                        json.dumps(sorted(a.accounts)),
                    )
                    for a in audits
                ],
            )
            conn.executemany(
                "INSERT INTO orders (order_id, created_sequence, account, client_order_id, "
                "symbol, status, final, snapshot, broker_order_id, perm_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO "
                "UPDATE SET status = excluded.status, final = excluded.final, "
                "snapshot = excluded.snapshot, broker_order_id = excluded.broker_order_id, "
                "perm_id = excluded.perm_id",
                order_rows,
            )
            conn.executemany(
                "INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
                "excluded.value",
                list(settings.items()),
            )
            conn.execute("COMMIT")
        except BaseException:
            # SQLite has already rolled back after some errors (SQLITE_FULL among them);
            # a second ROLLBACK would replace the real cause with its own error.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    # -- reads --------------------------------------------------------------------

    def get_order(self, order_id: str) -> Order | None:
        row = self._reader.execute(
            "SELECT snapshot FROM orders WHERE order_id = ?", (order_id,)
        ).fetchone()
        return None if row is None else codec.order_from_json(json.loads(row[0]))

    def find_order(self, account: str, client_order_id: str) -> Order | None:
        row = self._reader.execute(
            "SELECT snapshot FROM orders WHERE account = ? AND client_order_id = ?",
            (account, client_order_id),
        ).fetchone()
        return None if row is None else codec.order_from_json(json.loads(row[0]))

    def client_order_keys(self) -> Iterator[tuple[str, str]]:
        rows = self._reader.execute("SELECT account, client_order_id FROM orders")
        while batch := rows.fetchmany(10_000):
            yield from batch

    def find_order_by_broker_id(self, broker_order_id: int) -> Order | None:
        # The latest order to hold the id, should ids ever repeat (another session's).
        row = self._reader.execute(
            "SELECT snapshot FROM orders WHERE broker_order_id = ? "
            "ORDER BY created_sequence DESC LIMIT 1",
            (broker_order_id,),
        ).fetchone()
        return None if row is None else codec.order_from_json(json.loads(row[0]))

    def find_order_by_perm_id(self, perm_id: int) -> Order | None:
        row = self._reader.execute(
            "SELECT snapshot FROM orders WHERE perm_id = ? ORDER BY created_sequence DESC LIMIT 1",
            (perm_id,),
        ).fetchone()
        return None if row is None else codec.order_from_json(json.loads(row[0]))

    def list_orders(self, query: OrderQuery, after_key: int, limit: int) -> list[tuple[int, Order]]:
        sql = "SELECT created_sequence, snapshot FROM orders WHERE created_sequence > ?"
        args: list[object] = [after_key]
        sql += _account_filter(query.account, query.accounts, args)
        if query.symbol:
            sql += " AND symbol = ?"
            args.append(query.symbol)
        if query.statuses:
            sql += f" AND status IN ({','.join('?' * len(query.statuses))})"
            args.extend(sorted(s.value for s in query.statuses))
        sql += " ORDER BY created_sequence LIMIT ?"
        args.append(limit)
        return [
            (key, codec.order_from_json(json.loads(snap)))
            for key, snap in self._reader.execute(sql, args)
        ]

    def list_fills(self, query: FillQuery, after_sequence: int, limit: int) -> list[Fill]:
        sql = "SELECT snapshot FROM fills WHERE sequence > ?"
        args: list[object] = [after_sequence]
        sql += _account_filter(query.account, query.accounts, args)
        if query.order_id:
            sql += " AND order_id = ?"
            args.append(query.order_id)
        sql += " ORDER BY sequence LIMIT ?"
        args.append(limit)
        return [codec.fill_from_json(json.loads(s)) for (s,) in self._reader.execute(sql, args)]

    def list_audit(
        self, after_id: int, limit: int, accounts: frozenset[str] = frozenset()
    ) -> list[AuditRecord]:
        sql = (
            "SELECT id, time, principal, method, request, status, detail, accounts FROM audit "
            "WHERE id > ?"
        )
        args: list[object] = [after_id]
        if accounts:
            # Some account, and none outside the set (passed as one JSON array).
            sql += (
                " AND json_array_length(audit.accounts) > 0 AND NOT EXISTS (SELECT 1 FROM"
                " json_each(audit.accounts) AS used WHERE used.value NOT IN"
                " (SELECT allowed.value FROM json_each(?) AS allowed))"
            )
            args.append(json.dumps(sorted(accounts)))
        sql += " ORDER BY id LIMIT ?"
        args.append(limit)
        rows = self._reader.execute(sql, args)
        return [
            AuditRecord(
                id=row[0],
                time=datetime.fromisoformat(row[1]),
                principal=row[2],
                method=row[3],
                request_json=row[4],
                status=row[5],
                detail=row[6],
                accounts=frozenset(json.loads(row[7])),
            )
            for row in rows
        ]

    def count_orders_by_status(self) -> dict[str, int]:
        """For metrics scrapes, which run on another thread: a connection of its own."""
        conn = sqlite3.connect(self.path)
        try:
            rows = conn.execute("SELECT status, COUNT(*) FROM orders GROUP BY status")
            return {status: count for status, count in rows}
        finally:
            conn.close()

    def get_setting(self, key: str) -> str | None:
        row = self._reader.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def has_fill(self, execution_id: str) -> bool:
        row = self._reader.execute(
            "SELECT 1 FROM fills WHERE execution_id = ?", (execution_id,)
        ).fetchone()
        return row is not None

    def max_broker_order_id(self) -> int:
        row = self._reader.execute(
            "SELECT COALESCE(MAX(broker_order_id), 0) FROM orders WHERE broker_order_id > 0"
        ).fetchone()
        return int(row[0])

    def read_events(self, after_sequence: int, limit: int) -> list[JournalEvent]:
        rows = self._reader.execute(
            "SELECT sequence, time, kind, payload, order_snapshot FROM events "
            "WHERE sequence > ? ORDER BY sequence LIMIT ?",
            (after_sequence, limit),
        )
        return [codec.event_from_row(*row) for row in rows]

    async def read_journal(self, after_sequence: int, limit: int) -> list[codec.JournalRow]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._journal_executor, self._read_journal, after_sequence, limit
        )

    def _read_journal(self, after_sequence: int, limit: int) -> list[codec.JournalRow]:
        conn: sqlite3.Connection | None = getattr(self._journal_local, "connection", None)
        if conn is None:
            conn = _connect(self.path)
            self._journal_local.connection = conn
            with self._journal_lock:
                self._journal_connections.append(conn)
        # fetchall: the read transaction ends with the statement, so that the next page
        # sees what was committed since.
        rows = conn.execute(
            "SELECT sequence, time, kind, payload, order_snapshot FROM events "
            "WHERE sequence > ? ORDER BY sequence LIMIT ?",
            (after_sequence, limit),
        ).fetchall()
        return [codec.JournalRow(*row) for row in rows]

    def committed_sequence(self) -> int:
        row = self._reader.execute("SELECT COALESCE(MAX(sequence), 0) FROM events").fetchone()
        return int(row[0])

    def working_orders(self) -> list[Order]:
        rows = self._reader.execute(
            "SELECT snapshot FROM orders WHERE final = 0 ORDER BY created_sequence"
        )
        return [codec.order_from_json(json.loads(s)) for (s,) in rows]

    def load_positions(self) -> list[Position]:
        return positions.load(self._reader)

    async def close(self) -> None:
        """Commits everything queued, then closes."""
        self._closing = True
        if self._task is not None and self._wakeup is not None:
            self._wakeup.set()
            await self._task
        self._executor.shutdown(wait=True)
        self._journal_executor.shutdown(wait=True)
        for conn in self._journal_connections:
            conn.close()
        self._writer.close()
        self._reader.close()
