"""Positions in the SQLite store: their journal rows and their latest snapshots, written
in the transaction of the batch that holds their events."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from ibkr_gateway.event.events import JournalEvent, OrderEvent
from ibkr_gateway.position.models import Position, PositionEvent
from ibkr_gateway.store import codec

SCHEMA = """
CREATE TABLE IF NOT EXISTS positions (
    account TEXT NOT NULL,
    contract_key TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (account, contract_key)
);
"""


def order_events(events: Sequence[JournalEvent]) -> list[OrderEvent]:
    return [e for e in events if isinstance(e, OrderEvent)]


def write(conn: sqlite3.Connection, events: Sequence[JournalEvent]) -> None:
    """Inside the caller's transaction: the batch's position events, and the latest
    snapshot of each position they change."""
    changes = [e for e in events if isinstance(e, PositionEvent)]
    if not changes:
        return
    conn.executemany(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                e.sequence,
                e.time.isoformat(),
                e.order_id,
                e.account,
                codec.event_kind(e),
                codec.event_payload(e),
                "",
            )
            for e in changes
        ],
    )
    latest = {e.position.key: e.position for e in changes if e.changes_position}
    conn.executemany(
        "INSERT INTO positions VALUES (?, ?, ?, ?) ON CONFLICT (account, contract_key) DO "
        "UPDATE SET sequence = excluded.sequence, snapshot = excluded.snapshot",
        [(p.account, key, p.last_sequence, codec.encode(p)) for (_, key), p in latest.items()],
    )


def load(conn: sqlite3.Connection) -> list[Position]:
    rows = conn.execute("SELECT snapshot FROM positions ORDER BY account, contract_key")
    return [codec.position_from_json(json.loads(snapshot)) for (snapshot,) in rows]
