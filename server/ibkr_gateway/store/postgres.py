"""PostgreSQL store: the same semantics as the SQLite one, for several gateways sharing a
database, each writing only its own rows (keyed by its gateway id).

Writes go through one thread in batches (group commit) on a connection that holds the
gateway id's advisory lock: only the session holding the lock ever writes, and each
commit also checks the writer epoch (fencing) in its own transaction. Reads use a second
connection on the caller's thread; replays read on threads of their own."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import orjson
import psycopg

from ibkr_gateway.errors import StoreUnavailable
from ibkr_gateway.event.events import JournalEvent
from ibkr_gateway.order.models import Fill, Order
from ibkr_gateway.position.models import Position, PositionEvent
from ibkr_gateway.store import codec, pg_connect, pg_schema
from ibkr_gateway.store.base import AuditRecord, FillQuery, OrderQuery
from ibkr_gateway.store.batch_rows import order_batch_rows
from ibkr_gateway.store.group_commit import CommitInDoubt, GroupCommitStore
from ibkr_gateway.store.lock import DatabaseLocked
from ibkr_gateway.store.open import redacted
from ibkr_gateway.store.pg_reader import Reader

log = logging.getLogger(__name__)

# Rows of one read of the stored client order ids.
KEY_PAGE = 10_000

JOURNAL_READERS = 2
# How long a starting gateway waits for the lock of one that just died.
LOCK_RELEASE_GRACE = 2.0
# Reads run on the event loop: a connection attempt there must be short.
READ_CONNECT_TIMEOUT = 2


class WriterFenced(RuntimeError):
    """Another gateway took over writing for this gateway id."""


describe_failure = pg_connect.describe_failure


class PostgresOrderStore(GroupCommitStore):
    def __init__(
        self,
        url: str,
        gateway_id: str = "default",
        *,
        writer: psycopg.Connection[Any] | None = None,
        address: str = "",
        silence_limit: float | None = None,
    ) -> None:
        """`writer`: a session that holds the gateway id's lock already (won by a
        standby); `address`: where this gateway serves, shown to standbys' callers;
        `silence_limit`: see pg_connect.prepare_writer (a leader's)."""
        self.url = url
        self.silence_limit = silence_limit
        self.path = redacted(url)
        self.gateway_id = gateway_id
        self.address = address
        self._holder = pg_connect.holder_name(gateway_id)
        self._epoch = 0
        self._commits = 0
        # Set while a commit cut off on its way is not yet known to have landed or not.
        self._doubtful = False
        # Why this gateway may no longer write: another took the gateway id over.
        self.superseded: str | None = None
        self._writer: psycopg.Connection[Any] | None = writer
        try:
            if writer is None:
                self._writer = self._connect_writer_at_start()
            else:
                pg_connect.prepare_writer(writer, silence_limit)
            assert self._writer is not None
            pg_schema.migrate(self._writer)
            self._take_over(self._writer)
            self._reader = Reader(
                lambda: pg_connect.connect(url, gateway_id, connect_timeout=READ_CONNECT_TIMEOUT)
            )
            rows = self._reader.rows(
                "SELECT COALESCE(MAX(sequence), 0) FROM events WHERE gateway_id = %s",
                (gateway_id,),
            )
            row = rows[0] if rows else None
        except BaseException:
            if self._writer is not None:
                self._writer.close()
            raise
        super().__init__(int(row[0]) if row else 0)
        self._journal_executor = concurrent.futures.ThreadPoolExecutor(
            JOURNAL_READERS, thread_name_prefix="journal-reader"
        )
        self._journal_local = threading.local()
        self._journal_connections: list[psycopg.Connection[Any]] = []
        self._journal_lock = threading.Lock()

    # -- connections ----------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        return pg_connect.connect(self.url, self.gateway_id)

    def _connect_writer_at_start(self) -> psycopg.Connection[Any]:
        """The lock of a gateway that just died is released once the server has seen its
        session end: a gateway restarted at once waits that long, not more."""
        give_up = time.monotonic() + LOCK_RELEASE_GRACE
        while True:
            try:
                return self._connect_writer()
            except DatabaseLocked:
                if time.monotonic() > give_up:
                    raise
                time.sleep(0.05)

    def _connect_writer(self) -> psycopg.Connection[Any]:
        """A connection holding the gateway id's lock, committing durably."""
        conn = self._connect()
        try:
            pg_connect.prepare_writer(conn, self.silence_limit)
            if not pg_connect.try_lock(conn, self.gateway_id):
                holder = pg_connect.lock_holder(conn, self.gateway_id)
                raise DatabaseLocked(
                    f"gateway id {self.gateway_id!r} in database {self.path} is in use by "
                    f"another gateway ({holder}); one gateway per gateway id (--gateway-id)"
                )
        except BaseException:
            conn.close()
            raise
        return conn

    def _take_over(self, conn: psycopg.Connection[Any]) -> None:
        """Becomes the writer of the gateway id: a new epoch, which fences off whoever
        wrote before."""
        with conn.transaction():
            row = conn.execute(
                "INSERT INTO writers (gateway_id, epoch, commits, holder, since, address) "
                "VALUES (%s, 1, 0, %s, now(), %s) ON CONFLICT (gateway_id) DO UPDATE SET "
                "epoch = writers.epoch + 1, holder = excluded.holder, since = now(), "
                "address = excluded.address RETURNING epoch, commits",
                (self.gateway_id, self._holder, self.address),
            ).fetchone()
        assert row is not None
        self._epoch, self._commits = int(row[0]), int(row[1])

    def _drop_writer(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def _live_writer(self) -> psycopg.Connection[Any]:
        """The writer connection, connected again (and the lock taken again) when lost:
        a server restart ends the session and with it the lock."""
        conn = self._writer
        if conn is not None and not conn.closed and not conn.broken:
            return conn
        self._drop_writer()
        try:
            self._writer = self._connect_writer()
        except DatabaseLocked:
            # Held by another gateway for good once the writer epoch moved on; else maybe
            # only by this one's own ended session, not yet gone from the server.
            rows = self._rows("SELECT epoch FROM writers WHERE gateway_id = %s", (self.gateway_id,))
            if rows and int(rows[0][0]) != self._epoch:
                self.superseded = (
                    f"gateway id {self.gateway_id!r} was taken over by another gateway "
                    f"(writer epoch {rows[0][0]}, this one {self._epoch})"
                )
            raise
        return self._writer

    # -- writes ---------------------------------------------------------------------

    def describe_failure(self, exc: BaseException) -> str:
        return describe_failure(exc)

    def _fence(self, conn: psycopg.Connection[Any]) -> int:
        """Inside the commit's transaction: locks the writer row and returns the commits
        counted so far, or fails if another gateway took over since this one did."""
        row = conn.execute(
            "SELECT epoch, commits FROM writers WHERE gateway_id = %s FOR UPDATE",
            (self.gateway_id,),
        ).fetchone()
        if row is None or int(row[0]) != self._epoch:
            self.superseded = (
                f"gateway id {self.gateway_id!r} was taken over by another gateway "
                f"(writer epoch {row[0] if row else 'gone'}, this one {self._epoch})"
            )
            raise WriterFenced(self.superseded)
        return int(row[1])

    def _write_probe(self) -> None:
        conn = self._live_writer()
        try:
            with conn.transaction():
                self._fence(conn)
                conn.execute(
                    "UPDATE writers SET since = since WHERE gateway_id = %s", (self.gateway_id,)
                )
        except BaseException:
            self._drop_writer()
            raise

    async def check_writer(self) -> str | None:
        """Proves, with a write on the writer's session, that this gateway still holds
        the gateway id (connecting again if the session was lost); why not, if another
        gateway took it over. An idle leader finds out this way."""
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, self._write_probe)
        except Exception as exc:
            log.debug("writer check failed: %s", describe_failure(exc))
        return self.superseded

    def _commit(
        self, events: list[JournalEvent], audits: list[AuditRecord], settings: dict[str, str]
    ) -> None:
        for attempt in (1, 2):
            try:
                self._write(events, audits, settings)
                return
            except CommitInDoubt:
                raise
            except Exception as exc:
                if self._doubtful:
                    # The earlier commit is still unresolved: nothing may be given up yet.
                    raise CommitInDoubt(describe_failure(exc)) from exc
                if attempt == 1 and isinstance(exc, psycopg.OperationalError):
                    # A session ended while idle (a server restart, a failover) is found
                    # out by the next commit, which nothing of reached the server: once
                    # more on a new session before the store reports itself failing.
                    continue
                raise

    def _write(
        self, events: list[JournalEvent], audits: list[AuditRecord], settings: dict[str, str]
    ) -> None:
        conn = self._live_writer()
        committing = landed = False
        try:
            with conn.transaction():
                commits = self._fence(conn)
                # The commit cut off on its way had landed: this batch is durable.
                landed = self._doubtful and commits == self._commits + 1
                if not landed:
                    if commits != self._commits:
                        raise WriterFenced(
                            f"the journal of gateway id {self.gateway_id!r} was written by "
                            f"another process ({commits} commits counted, {self._commits} "
                            "expected)"
                        )
                    self._doubtful = False
                    self._insert(conn, events, audits, settings)
                    conn.execute(
                        "UPDATE writers SET commits = commits + 1 WHERE gateway_id = %s",
                        (self.gateway_id,),
                    )
                committing = True
        except BaseException as exc:
            # Whatever state the session is left in (a pipeline aborted mid-batch, a
            # session ended by the server), the next attempt starts on a new one.
            self._drop_writer()
            # An error in answer to COMMIT leaves its outcome unknown: found out next.
            if committing and isinstance(exc, psycopg.Error):
                self._doubtful = True
                raise CommitInDoubt(describe_failure(exc)) from exc
            raise
        if landed:
            log.warning("a commit cut off on its way had landed; carrying on")
        self._doubtful = False
        self._commits += 1

    def _insert(
        self,
        conn: psycopg.Connection[Any],
        events: list[JournalEvent],
        audits: list[AuditRecord],
        settings: dict[str, str],
    ) -> None:
        gid = self.gateway_id
        event_rows: list[tuple[object, ...]] = []
        changes = []
        for e in events:
            if isinstance(e, PositionEvent):
                changes.append(e)
                event_rows.append(
                    (
                        gid,
                        e.sequence,
                        e.time.isoformat(),
                        e.order_id,
                        e.account,
                        codec.event_kind(e),
                        codec.event_payload(e),
                        "",
                    )
                )
        rows = order_batch_rows(events)
        event_rows += [(gid, *row) for row in rows.events]
        fill_rows = [(gid, *row) for row in rows.fills]
        orders = rows.orders
        with conn.cursor() as cur:
            if event_rows:
                with cur.copy(
                    "COPY events (gateway_id, sequence, time, order_id, account, kind, payload, "
                    "order_snapshot) FROM STDIN"
                ) as copy:
                    for event_row in event_rows:
                        copy.write_row(event_row)
            # A comparison with the broker's position is journaled, not a change of it.
            latest = {e.position.key: e.position for e in changes if e.changes_position}
            cur.executemany(
                "INSERT INTO positions VALUES (%s, %s, %s, %s, %s) ON CONFLICT "
                "(gateway_id, account, contract_key) DO UPDATE SET sequence = "
                "excluded.sequence, snapshot = excluded.snapshot",
                [
                    (gid, p.account, key, p.last_sequence, codec.encode(p))
                    for (_, key), p in latest.items()
                ],
            )
            cur.executemany("INSERT INTO fills VALUES (%s, %s, %s, %s, %s, %s)", fill_rows)
            cur.executemany(
                "INSERT INTO audit (gateway_id, time, principal, method, request, status, "
                "detail, accounts) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        gid,
                        a.time.isoformat(),
                        a.principal,
                        a.method,
                        a.request_json,
                        a.status,
                        a.detail,
                        sorted(a.accounts),
                    )
                    for a in audits
                ],
            )
            cur.executemany(
                "INSERT INTO orders (gateway_id, order_id, created_sequence, account, "
                "client_order_id, symbol, status, final, snapshot, broker_order_id, perm_id) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (gateway_id, order_id) DO UPDATE SET status = excluded.status, "
                "final = excluded.final, snapshot = excluded.snapshot, "
                "broker_order_id = excluded.broker_order_id, perm_id = excluded.perm_id",
                [
                    (
                        gid,
                        o.order_id,
                        first,
                        o.spec.account,
                        o.spec.client_order_id,
                        o.spec.contract.symbol,
                        o.status.value,
                        o.is_final,
                        snapshot,
                        o.broker_order_id,
                        o.perm_id,
                    )
                    for first, o, snapshot in orders.values()
                ],
            )
            cur.executemany(
                "INSERT INTO settings VALUES (%s, %s, %s) ON CONFLICT (gateway_id, key) "
                "DO UPDATE SET value = excluded.value",
                [(gid, k, v) for k, v in settings.items()],
            )

    # -- reads ----------------------------------------------------------------------

    def _rows(self, sql: str, args: Sequence[object]) -> list[tuple[Any, ...]]:
        return self._reader.rows(sql, args)

    def _one(self, sql: str, args: Sequence[object]) -> tuple[Any, ...] | None:
        rows = self._rows(sql, args)
        return rows[0] if rows else None

    def _order(self, where: str, args: Sequence[object]) -> Order | None:
        row = self._one(
            f"SELECT snapshot FROM orders WHERE gateway_id = %s AND {where} "  # noqa: S608
            "ORDER BY created_sequence DESC LIMIT 1",
            (self.gateway_id, *args),
        )
        return None if row is None else codec.order_from_json(orjson.loads(row[0]))

    def get_order(self, order_id: str) -> Order | None:
        return self._order("order_id = %s", (order_id,))

    def find_order(self, account: str, client_order_id: str) -> Order | None:
        return self._order("account = %s AND client_order_id = %s", (account, client_order_id))

    def client_order_keys(self) -> Iterator[tuple[str, str]]:
        # Pages in key order, so that a million orders never sit in one list.
        after = ("", "")
        while True:
            rows = self._rows(
                "SELECT account, client_order_id FROM orders WHERE gateway_id = %s "
                "AND (account, client_order_id) > (%s, %s) "
                "ORDER BY account, client_order_id LIMIT %s",
                (self.gateway_id, *after, KEY_PAGE),
            )
            yield from ((str(account), str(key)) for account, key in rows)
            if len(rows) < KEY_PAGE:
                return
            after = (str(rows[-1][0]), str(rows[-1][1]))

    def find_order_by_broker_id(self, broker_order_id: int) -> Order | None:
        # The latest order to hold the id, should ids ever repeat (another session's).
        return self._order("broker_order_id = %s", (broker_order_id,))

    def find_order_by_perm_id(self, perm_id: int) -> Order | None:
        return self._order("perm_id = %s", (perm_id,))

    def _account_filter(self, account: str, accounts: frozenset[str], args: list[object]) -> str:
        sql = ""
        if account:
            sql += " AND account = %s"
            args.append(account)
        if accounts:
            sql += " AND account = ANY(%s)"
            args.append(sorted(accounts))
        return sql

    def list_orders(self, query: OrderQuery, after_key: int, limit: int) -> list[tuple[int, Order]]:
        sql = (
            "SELECT created_sequence, snapshot FROM orders WHERE gateway_id = %s "
            "AND created_sequence > %s"
        )
        args: list[object] = [self.gateway_id, after_key]
        sql += self._account_filter(query.account, query.accounts, args)
        if query.symbol:
            sql += " AND symbol = %s"
            args.append(query.symbol)
        if query.statuses:
            sql += " AND status = ANY(%s)"
            args.append(sorted(s.value for s in query.statuses))
        sql += " ORDER BY created_sequence LIMIT %s"
        args.append(limit)
        return [
            (int(key), codec.order_from_json(orjson.loads(snap)))
            for key, snap in self._rows(sql, args)
        ]

    def list_fills(self, query: FillQuery, after_sequence: int, limit: int) -> list[Fill]:
        sql = "SELECT snapshot FROM fills WHERE gateway_id = %s AND sequence > %s"
        args: list[object] = [self.gateway_id, after_sequence]
        sql += self._account_filter(query.account, query.accounts, args)
        if query.order_id:
            sql += " AND order_id = %s"
            args.append(query.order_id)
        sql += " ORDER BY sequence LIMIT %s"
        args.append(limit)
        return [codec.fill_from_json(orjson.loads(s)) for (s,) in self._rows(sql, args)]

    def list_audit(
        self, after_id: int, limit: int, accounts: frozenset[str] = frozenset()
    ) -> list[AuditRecord]:
        sql = (
            "SELECT id, time, principal, method, request, status, detail, accounts FROM audit "
            "WHERE gateway_id = %s AND id > %s"
        )
        args: list[object] = [self.gateway_id, after_id]
        if accounts:
            # Some account, and none outside the set.
            sql += " AND cardinality(accounts) > 0 AND accounts <@ %s::text[]"
            args.append(sorted(accounts))
        sql += " ORDER BY id LIMIT %s"
        args.append(limit)
        return [
            AuditRecord(
                id=int(row[0]),
                time=datetime.fromisoformat(row[1]),
                principal=row[2],
                method=row[3],
                request_json=row[4],
                status=row[5],
                detail=row[6],
                accounts=frozenset(row[7]),
            )
            for row in self._rows(sql, args)
        ]

    def count_orders_by_status(self) -> dict[str, int]:
        """For metrics scrapes, which run on another thread: a connection of its own."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT status, COUNT(*) FROM orders WHERE gateway_id = %s GROUP BY status",
                (self.gateway_id,),
            ).fetchall()
        return {str(status): int(count) for status, count in rows}

    def get_setting(self, key: str) -> str | None:
        row = self._one(
            "SELECT value FROM settings WHERE gateway_id = %s AND key = %s",
            (self.gateway_id, key),
        )
        return None if row is None else str(row[0])

    def has_fill(self, execution_id: str) -> bool:
        row = self._one(
            "SELECT 1 FROM fills WHERE gateway_id = %s AND execution_id = %s",
            (self.gateway_id, execution_id),
        )
        return row is not None

    def max_broker_order_id(self) -> int:
        row = self._one(
            "SELECT COALESCE(MAX(broker_order_id), 0) FROM orders WHERE gateway_id = %s "
            "AND broker_order_id > 0",
            (self.gateway_id,),
        )
        return int(row[0]) if row else 0

    _JOURNAL_PAGE = (
        "SELECT sequence, time, kind, payload, order_snapshot FROM events "
        "WHERE gateway_id = %s AND sequence > %s ORDER BY sequence LIMIT %s"
    )

    def read_events(self, after_sequence: int, limit: int) -> list[JournalEvent]:
        rows = self._rows(self._JOURNAL_PAGE, (self.gateway_id, after_sequence, limit))
        return [codec.event_from_row(int(r[0]), *r[1:]) for r in rows]

    async def read_journal(self, after_sequence: int, limit: int) -> list[codec.JournalRow]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._journal_executor, self._read_journal, after_sequence, limit
        )

    def _read_journal(self, after_sequence: int, limit: int) -> list[codec.JournalRow]:
        """On this thread's connection; tried once more on a new one, as `_rows` does."""
        args = (self.gateway_id, after_sequence, limit)
        for attempt in (1, 2):
            conn: psycopg.Connection[Any] | None = getattr(self._journal_local, "connection", None)
            try:
                if conn is None or conn.closed or conn.broken:
                    conn = self._connect()
                    self._journal_local.connection = conn
                    with self._journal_lock:
                        self._journal_connections.append(conn)
                rows = conn.execute(self._JOURNAL_PAGE, args).fetchall()
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                if attempt == 1 and conn is not None:
                    conn.close()
                    continue
                cause = describe_failure(exc)
                raise StoreUnavailable(
                    f"the order store cannot read ({cause})", metadata={"cause": cause}
                ) from exc
            return [codec.JournalRow(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows]
        raise AssertionError("unreachable")

    def committed_sequence(self) -> int:
        row = self._one(
            "SELECT COALESCE(MAX(sequence), 0) FROM events WHERE gateway_id = %s",
            (self.gateway_id,),
        )
        return int(row[0]) if row else 0

    def working_orders(self) -> list[Order]:
        rows = self._rows(
            "SELECT snapshot FROM orders WHERE gateway_id = %s AND NOT final "
            "ORDER BY created_sequence",
            (self.gateway_id,),
        )
        return [codec.order_from_json(orjson.loads(s)) for (s,) in rows]

    def load_positions(self) -> list[Position]:
        rows = self._rows(
            "SELECT snapshot FROM positions WHERE gateway_id = %s ORDER BY account, contract_key",
            (self.gateway_id,),
        )
        return [codec.position_from_json(orjson.loads(s)) for (s,) in rows]

    async def close(self) -> None:
        """Commits everything queued, then closes (which releases the lock)."""
        await self._drain()
        self._journal_executor.shutdown(wait=True)
        for conn in self._journal_connections:
            conn.close()
        if self._writer is not None and not self._writer.broken:
            # At once, not once the server has seen the session end: a gateway started
            # right after this one stopped must not find the id still in use.
            with contextlib.suppress(psycopg.Error):
                self._writer.execute(
                    "SELECT pg_advisory_unlock(%s)", (pg_connect.lock_key(self.gateway_id),)
                )
        self._drop_writer()
        self._reader.close()
