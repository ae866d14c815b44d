"""SQLite store (WAL, synchronous=FULL) with group commit on one writer thread."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ibkr_gateway.event.events import JournalEvent
from ibkr_gateway.order.models import FINAL_STATUSES, Fill, Order
from ibkr_gateway.position.models import Position
from ibkr_gateway.store import codec, positions
from ibkr_gateway.store.base import AuditRecord, FillQuery, OrderQuery
from ibkr_gateway.store.batch_rows import order_batch_rows
from ibkr_gateway.store.group_commit import GroupCommitStore

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


def describe_failure(exc: BaseException) -> str:
    """The cause an operator can act on, in a few words."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, sqlite3.OperationalError) and "disk is full" in text:
        return f"disk full ({text})"
    return text


class SqliteOrderStore(GroupCommitStore):
    """Writes go through one thread in batches (group commit); reads use a second
    connection on the caller's thread, which WAL keeps from blocking on the writer."""

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
        super().__init__(row[0])
        self._journal_executor = concurrent.futures.ThreadPoolExecutor(
            JOURNAL_READERS, thread_name_prefix="journal-reader"
        )
        self._journal_local = threading.local()
        self._journal_connections: list[sqlite3.Connection] = []
        self._journal_lock = threading.Lock()

    def describe_failure(self, exc: BaseException) -> str:
        return describe_failure(exc)

    def _write_probe(self) -> None:
        """Needs room beyond the database's current pages, as new work would."""
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

    def _commit(
        self, events: list[JournalEvent], audits: list[AuditRecord], settings: dict[str, str]
    ) -> None:
        rows = order_batch_rows(events)
        event_rows, fill_rows, orders = rows.events, rows.fills, rows.orders
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
        await self._drain()
        self._journal_executor.shutdown(wait=True)
        for conn in self._journal_connections:
            conn.close()
        self._writer.close()
        self._reader.close()
