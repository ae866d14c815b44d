"""The session the PostgreSQL store reads through on the event loop."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import psycopg

from ibkr_gateway.errors import StoreUnavailable
from ibkr_gateway.store.pg_connect import describe_failure


def unavailable(cause: str) -> StoreUnavailable:
    return StoreUnavailable(f"the order store cannot read ({cause})", metadata={"cause": cause})


class Reader:
    """A session found lost (the server restarted, the session was ended) is replaced and
    the read tried once more. When that fails too the database is unreachable: reads fail
    at once, and a thread of its own connects again, so that no read waits on the event
    loop for a server that does not answer. A read the database cannot answer is
    UNAVAILABLE with the cause, never made up."""

    RECONNECT_INTERVAL = 0.25

    def __init__(self, connect: Callable[[], psycopg.Connection[Any]]) -> None:
        self._connect = connect
        self._conn = connect()
        self._lock = threading.Lock()
        # Why reads fail while the thread below connects again; None while they work.
        self.down: str | None = None
        self._closed = threading.Event()
        self._reconnecting: threading.Thread | None = None

    def rows(self, sql: str, args: Sequence[object]) -> list[tuple[Any, ...]]:
        with self._lock:
            if self.down is not None:
                raise unavailable(self.down)
            for attempt in (1, 2):
                try:
                    if self._conn.closed or self._conn.broken:
                        self._conn = self._connect()
                    return self._conn.execute(sql, args).fetchall()
                except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                    self._conn.close()
                    if attempt == 1:
                        continue
                    self.down = describe_failure(exc)
                    self._reconnecting = threading.Thread(
                        target=self._reconnect, name="store-reader-reconnect", daemon=True
                    )
                    self._reconnecting.start()
                    raise unavailable(self.down) from exc
        raise AssertionError("unreachable")

    def _reconnect(self) -> None:
        while not self._closed.wait(self.RECONNECT_INTERVAL):
            try:
                conn = self._connect()
            except psycopg.Error:
                continue
            with self._lock:
                if self._closed.is_set():
                    conn.close()
                    return
                self._conn, self.down = conn, None
            return

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            self._conn.close()
