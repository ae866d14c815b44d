"""The PostgreSQL store's tables, as numbered migrations recorded in `schema_version`.

Every table is keyed by the gateway id: several gateways share one database, each with
its own journal, sequences and orders."""

from __future__ import annotations

from typing import Any

# Taken for the migrations' transaction, so that gateways starting together on a new
# database do not both create its tables.
MIGRATION_LOCK = 0x69626B72_6D696772

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
CREATE TABLE events (
    gateway_id TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    time TEXT NOT NULL,
    order_id TEXT NOT NULL,
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    order_snapshot TEXT NOT NULL,
    PRIMARY KEY (gateway_id, sequence)
);
CREATE TABLE orders (
    gateway_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    created_sequence BIGINT NOT NULL,
    account TEXT NOT NULL,
    client_order_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    status TEXT NOT NULL,
    final BOOLEAN NOT NULL,
    snapshot TEXT NOT NULL,
    broker_order_id BIGINT NOT NULL DEFAULT 0,
    perm_id BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (gateway_id, order_id),
    UNIQUE (gateway_id, created_sequence),
    UNIQUE (gateway_id, account, client_order_id)
);
CREATE INDEX orders_working ON orders (gateway_id, created_sequence) WHERE NOT final;
CREATE INDEX orders_by_broker_id ON orders (gateway_id, broker_order_id)
    WHERE broker_order_id > 0;
CREATE INDEX orders_by_perm_id ON orders (gateway_id, perm_id) WHERE perm_id > 0;
CREATE TABLE fills (
    gateway_id TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    order_id TEXT NOT NULL,
    account TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (gateway_id, execution_id),
    UNIQUE (gateway_id, sequence)
);
CREATE INDEX fills_by_order ON fills (gateway_id, order_id, sequence);
CREATE TABLE audit (
    id BIGSERIAL PRIMARY KEY,
    gateway_id TEXT NOT NULL,
    time TEXT NOT NULL,
    principal TEXT NOT NULL,
    method TEXT NOT NULL,
    request TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL,
    accounts TEXT[] NOT NULL
);
CREATE INDEX audit_by_gateway ON audit (gateway_id, id);
CREATE TABLE settings (
    gateway_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (gateway_id, key)
);
CREATE TABLE positions (
    gateway_id TEXT NOT NULL,
    account TEXT NOT NULL,
    contract_key TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (gateway_id, account, contract_key)
);
-- The writer of each gateway id. `epoch` grows whenever a gateway takes over writing:
-- every commit locks this row and checks the epoch it started with (fencing), and
-- counts itself in `commits`, which tells whether a commit cut off on its way landed.
CREATE TABLE writers (
    gateway_id TEXT PRIMARY KEY,
    epoch BIGINT NOT NULL,
    commits BIGINT NOT NULL,
    holder TEXT NOT NULL,
    since TIMESTAMPTZ NOT NULL
);
""",
    ),
    (
        2,
        """
-- Where the writer serves (--ha): a standby's callers are told to go there.
ALTER TABLE writers ADD COLUMN address TEXT NOT NULL DEFAULT '';
""",
    ),
)

LATEST = MIGRATIONS[-1][0]


def migrate(conn: Any) -> int:
    """Brings the database to the latest schema in one transaction; returns the version
    it was at. A database newer than this gateway is refused rather than misread."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        current = int(row[0] or 0)
        if current > LATEST:
            raise SchemaTooNew(
                f"the database schema is at version {current}, newer than this gateway "
                f"knows ({LATEST}): upgrade the gateway"
            )
        for version, sql in MIGRATIONS:
            if version > current:
                conn.execute(sql)
                conn.execute("INSERT INTO schema_version VALUES (%s)", (version,))
    return current


class SchemaTooNew(RuntimeError):
    pass
