"""Waiting for the gateway id's lock, which makes its holder the leader; meanwhile, where
the leader serves."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import psycopg

from ibkr_gateway.store import pg_connect

log = logging.getLogger(__name__)


class Election:
    # How often a standby asks for the lock: a takeover waits at most this long after
    # the server has released the leader's lock.
    POLL_INTERVAL = 0.2

    def __init__(self, url: str, gateway_id: str) -> None:
        self.url = url
        self.gateway_id = gateway_id
        # The leader's address as it published it; empty while not known.
        self.leader = ""
        self._conn: psycopg.Connection[Any] | None = None
        self._stopped = asyncio.Event()
        self._unreachable: str | None = None
        # The lock is held on `_conn` (won by `attempt`, not yet handed over by `win`).
        self._held = False

    async def win(self) -> psycopg.Connection[Any] | None:
        """The session that holds the lock, once it does; None once `stop` is called."""
        while not self._stopped.is_set():
            if self._held or await self.attempt():
                conn, self._conn, self._held = self._conn, None, False
                assert conn is not None
                return conn
            try:
                await asyncio.wait_for(self._stopped.wait(), self.POLL_INTERVAL)
            except TimeoutError:
                pass
        return None

    async def attempt(self) -> bool:
        """One try for the lock; on failure, `leader` is brought up to date."""
        try:
            return await asyncio.to_thread(self._try)
        except psycopg.Error as exc:
            self._lost(exc)
            return False

    def stop(self) -> None:
        self._stopped.set()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _try(self) -> bool:
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            conn = self._conn = pg_connect.connect(self.url, self.gateway_id)
            if self._unreachable is not None:
                log.warning("standby reaches the database again")
                self._unreachable = None
        if pg_connect.try_lock(conn, self.gateway_id):
            self._held = True
            return True
        try:
            row = conn.execute(
                "SELECT address FROM writers WHERE gateway_id = %s", (self.gateway_id,)
            ).fetchone()
        except psycopg.errors.ProgrammingError:
            # The leader has not created the tables yet.
            row = None
        self.leader = str(row[0]) if row else ""
        return False

    def _lost(self, exc: psycopg.Error) -> None:
        self.close()
        cause = (str(exc) or type(exc).__name__).strip().splitlines()[0]
        if cause != self._unreachable:
            log.warning("standby cannot reach the database (%s); trying again", cause)
            self._unreachable = cause
