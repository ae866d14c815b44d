"""Sessions with the PostgreSQL store's database, and the advisory lock that makes one of
them the only writer of a gateway id (and, with --ha, the leader)."""

from __future__ import annotations

import hashlib
import os
import socket
from typing import Any

import psycopg
from psycopg.abc import Buffer
from psycopg.types.string import StrBinaryDumper, StrDumperUnknown

# A lost server is noticed within seconds, not after the kernel's TCP timeouts.
CONNECT_OPTIONS: dict[str, Any] = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
}


def holder_name(gateway_id: str) -> str:
    """How this process shows in pg_stat_activity, and to a gateway refused the id."""
    return f"ibkr-gateway {gateway_id} pid {os.getpid()} on {socket.gethostname()}"[:63]


class _NulFreeText(StrDumperUnknown):
    def dump(self, obj: str) -> Buffer | None:
        return super().dump(obj.replace("\x00", NUL_STAND_IN))


class _NulFreeBinary(StrBinaryDumper):
    def dump(self, obj: str) -> Buffer | None:
        return super().dump(obj.replace("\x00", NUL_STAND_IN))


# PostgreSQL text cannot hold NUL, which SQLite's can: a caller's NUL (in an audited
# request, a kill switch reason) would fail every commit of its batch and wedge the
# store. Written, and looked up, as U+FFFD instead; the JSON snapshots keep it escaped.
NUL_STAND_IN = "\ufffd"


def connect(url: str, gateway_id: str, **options: Any) -> psycopg.Connection[Any]:
    conn = psycopg.connect(
        url,
        autocommit=True,
        application_name=holder_name(gateway_id),
        **(CONNECT_OPTIONS | options),
    )
    conn.adapters.register_dumper(str, _NulFreeText)
    conn.adapters.register_dumper(str, _NulFreeBinary)
    return conn


def describe_failure(exc: BaseException) -> str:
    """The cause an operator can act on, in a few words."""
    text = (str(exc) or type(exc).__name__).strip().splitlines()[0]
    if isinstance(exc, psycopg.errors.ReadOnlySqlTransaction):
        return f"database read-only ({text})"
    if isinstance(exc, psycopg.errors.DiskFull):
        return f"disk full ({text})"
    if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
        return f"database unreachable ({text})"
    return text


def lock_key(gateway_id: str) -> int:
    """The advisory lock of a gateway id: 63 bits of its hash (positive, so that it reads
    back from pg_locks as classid << 32 | objid)."""
    digest = hashlib.sha256(f"ibkr-gateway:{gateway_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") & 0x7FFF_FFFF_FFFF_FFFF


def prepare_writer(conn: psycopg.Connection[Any], silence_limit: float | None = None) -> None:
    """`silence_limit`: seconds after which the server ends the session if it has sent
    nothing (idle, or idle in a transaction), which releases its lock for a standby; the
    writer must then prove itself more often than that."""
    # Whatever the server's default: an acknowledgement waits for the WAL flush.
    conn.execute("SET synchronous_commit = on")
    # The server ends the session of a writer whose machine vanished (no FIN) within
    # seconds, which releases its lock. The backstop of `silence_limit` (a session waiting
    # to send to a dead peer is not idle), and all there is without it.
    conn.execute("SET tcp_keepalives_idle = 5")
    conn.execute("SET tcp_keepalives_interval = 2")
    conn.execute("SET tcp_keepalives_count = 3")
    if silence_limit is not None:
        limit = f"{round(silence_limit * 1000)}ms"
        for setting in ("idle_session_timeout", "idle_in_transaction_session_timeout"):
            conn.execute("SELECT set_config(%s, %s, false)", (setting, limit))


def try_lock(conn: psycopg.Connection[Any], gateway_id: str) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", (lock_key(gateway_id),)).fetchone()
    return bool(row and row[0])


def lock_holder(conn: psycopg.Connection[Any], gateway_id: str) -> str:
    row = conn.execute(
        "SELECT a.application_name, COALESCE(host(a.client_addr), 'local') "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted "
        "AND ((l.classid::bigint << 32) | l.objid::bigint) = %s LIMIT 1",
        (lock_key(gateway_id),),
    ).fetchone()
    return "unknown holder" if row is None else f"{row[0] or 'unnamed'} from {row[1]}"
