"""Which store `--db` names: a PostgreSQL URL, or else an SQLite file."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ibkr_gateway.store.sqlite import SqliteOrderStore

if TYPE_CHECKING:
    from ibkr_gateway.store.postgres import PostgresOrderStore

# Also a NATS subject token where the journal is published: no dots.
GATEWAY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def is_postgres_url(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


def redacted(db: str) -> str:
    """`--db` without its password, for logs and errors."""
    return re.sub(r"^(\w+://[^:/@]*):[^@/]*@", r"\1:***@", db)


def check_gateway_id(gateway_id: str) -> str:
    if not GATEWAY_ID.fullmatch(gateway_id):
        raise ValueError(f"1 to 32 letters, digits, _ or -, got {gateway_id!r}")
    return gateway_id


def open_store(db: str, gateway_id: str) -> SqliteOrderStore | PostgresOrderStore:
    if is_postgres_url(db):
        try:
            # Imported only when used: the embedded default needs no PostgreSQL driver.
            from ibkr_gateway.store.postgres import PostgresOrderStore
        except ImportError as exc:
            raise StoreDriverMissing(
                f"--db {db.split('://', 1)[0]}://... needs the PostgreSQL driver: "
                "pip install 'ibkr-gateway[postgresql]'"
            ) from exc
        return PostgresOrderStore(db, check_gateway_id(gateway_id))
    return SqliteOrderStore(db)


class StoreDriverMissing(RuntimeError):
    pass
