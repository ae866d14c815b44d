"""SQLite store (WAL, synchronous=FULL) with group commit on one writer thread."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from ibkr_gateway.errors import StoreUnavailable
from ibkr_gateway.event.events import FillEvent, OrderEvent, stamp_sequence
from ibkr_gateway.order.models import FINAL_STATUSES, Fill, Order
from ibkr_gateway.store import codec
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

# Columns added after the first release, for stores created before them: (table,
# column, definition). The defaults read as what the older gateway meant.
_ADDED_COLUMNS = (("audit", "accounts", "TEXT NOT NULL DEFAULT '[]'"),)


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    for table, column, definition in _ADDED_COLUMNS:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")


_FINAL_VALUES = tuple(s.value for s in FINAL_STATUSES)

_Batch = list[tuple[list[OrderEvent], "asyncio.Future[None]"]]


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


class SqliteOrderStore:
    """Writes go through one thread in batches (group commit); reads use a second
    connection on the caller's thread, which WAL keeps from blocking on the writer."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._writer = _connect(self.path)
        self._writer.executescript(SCHEMA)
        _add_missing_columns(self._writer)
        self._reader = _connect(self.path)
        row = self._writer.execute("SELECT COALESCE(MAX(sequence), 0) FROM events").fetchone()
        self._last_sequence: int = row[0]
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="store-writer")
        self._pending: _Batch = []
        self._pending_audit: list[AuditRecord] = []
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._listener: CommitListener = lambda events: None
        self._failure: BaseException | None = None
        self._closing = False
        self.batches_committed = 0
        self.events_committed = 0

    @property
    def last_sequence(self) -> int:
        return self._last_sequence

    def set_commit_listener(self, listener: CommitListener) -> None:
        self._listener = listener

    # -- writes -------------------------------------------------------------------

    def append(self, events: Sequence[OrderEvent]) -> tuple[list[OrderEvent], asyncio.Future[None]]:
        if self._failure is not None:
            raise StoreUnavailable(f"the order store failed: {self._failure}")
        if self._closing:
            raise StoreUnavailable("the order store is closing")
        loop = asyncio.get_running_loop()
        stamped = list(events)
        for event in stamped:
            self._last_sequence += 1
            stamp_sequence(event, self._last_sequence)
        future: asyncio.Future[None] = loop.create_future()
        self._pending.append((stamped, future))
        self._wake()
        return stamped, future

    def append_audit(self, record: AuditRecord) -> None:
        """Queues an audit record for the next group commit."""
        if self._failure is not None or self._closing:
            log.error("audit record not stored (store unavailable): %r", record)
            return
        self._pending_audit.append(record)
        self._wake()

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
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            batch, self._pending = self._pending, []
            audits, self._pending_audit = self._pending_audit, []
            if not batch and not audits:
                if self._closing:
                    return
                continue
            events = [e for group, _ in batch for e in group]
            try:
                await loop.run_in_executor(self._executor, self._commit, events, audits)
            except BaseException as exc:
                self._fail(exc, batch)
                if not isinstance(exc, Exception):
                    raise
                return
            self.batches_committed += 1
            self.events_committed += len(events)
            try:
                self._listener(events)
            except Exception:
                log.exception("commit listener failed")
            for _, future in batch:
                if not future.done():
                    future.set_result(None)
            if self._closing and not self._pending and not self._pending_audit:
                return

    def _fail(self, exc: BaseException, batch: _Batch) -> None:
        log.critical("order store commit failed; refusing further writes: %r", exc)
        self._failure = exc
        error = StoreUnavailable(f"the order store failed: {exc}")
        for _, future in batch + self._pending:
            if not future.done():
                future.set_exception(error)
        self._pending = []

    def _commit(self, events: list[OrderEvent], audits: list[AuditRecord]) -> None:
        # Per order: the sequence that created it (if in this batch), its latest
        # snapshot and that snapshot's encoding, written once per batch.
        orders: dict[str, tuple[int, Order, str]] = {}
        event_rows = []
        fill_rows = []
        for e in events:
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
            )
            for first, o, snapshot in orders.values()
        ]
        conn = self._writer
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)", event_rows)
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
                "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO "
                "UPDATE SET status = excluded.status, final = excluded.final, "
                "snapshot = excluded.snapshot",
                order_rows,
            )
            conn.execute("COMMIT")
        except BaseException:
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

    def save_setting(self, key: str, value: str) -> None:
        """Durable at once (rare writes, outside the event journal)."""
        self._reader.execute(
            "INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
            "excluded.value",
            (key, value),
        )

    def client_order_keys(self) -> set[tuple[str, str]]:
        rows = self._reader.execute("SELECT account, client_order_id FROM orders")
        return {(account, coid) for account, coid in rows}

    def has_fill(self, execution_id: str) -> bool:
        row = self._reader.execute(
            "SELECT 1 FROM fills WHERE execution_id = ?", (execution_id,)
        ).fetchone()
        return row is not None

    def max_broker_order_id(self) -> int:
        row = self._reader.execute(
            "SELECT COALESCE(MAX(json_extract(snapshot, '$.broker_order_id')), 0) FROM orders"
        ).fetchone()
        return int(row[0])

    def read_events(self, after_sequence: int, limit: int) -> list[OrderEvent]:
        rows = self._reader.execute(
            "SELECT sequence, time, kind, payload, order_snapshot FROM events "
            "WHERE sequence > ? ORDER BY sequence LIMIT ?",
            (after_sequence, limit),
        )
        return [codec.event_from_row(*row) for row in rows]

    def committed_sequence(self) -> int:
        row = self._reader.execute("SELECT COALESCE(MAX(sequence), 0) FROM events").fetchone()
        return int(row[0])

    def working_orders(self) -> list[Order]:
        rows = self._reader.execute(
            "SELECT snapshot FROM orders WHERE final = 0 ORDER BY created_sequence"
        )
        return [codec.order_from_json(json.loads(s)) for (s,) in rows]

    async def close(self) -> None:
        """Commits everything queued, then closes."""
        self._closing = True
        if self._task is not None and self._wakeup is not None:
            self._wakeup.set()
            await self._task
        self._executor.shutdown(wait=True)
        self._writer.close()
        self._reader.close()
