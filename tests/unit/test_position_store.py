"""A discrepancy is journaled, but it is no change of the position: the snapshot a
restarted gateway loads is the one the last real change left."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ibkr_gateway.order.models import Contract
from ibkr_gateway.position.book import PositionBook
from ibkr_gateway.position.models import PositionCause, PositionEvent
from ibkr_gateway.store.sqlite import SqliteOrderStore
from tests.unit.test_position_book import T0

D = Decimal
AAPL = Contract("AAPL")


async def test_a_discrepancy_leaves_the_stored_position_as_it_was(tmp_path: Path) -> None:
    store = SqliteOrderStore(tmp_path / "positions.db")
    try:
        positions = PositionBook(store, lambda: T0)
        _, durable = positions.adjust("DU1", AAPL, D(50), D(95), "held before")
        await durable
        await positions.report_discrepancy("DU1", AAPL, D(80), "IB holds 80")
        held = positions.recorded("DU1", AAPL)
        assert held is not None
        assert (held.quantity, held.last_sequence) == (D(50), 1)
        journal = store.read_events(0, 10)
        assert [e.cause for e in journal if isinstance(e, PositionEvent)] == [
            PositionCause.ADJUSTMENT,
            PositionCause.DISCREPANCY,
        ]
    finally:
        await store.close()
    store = SqliteOrderStore(tmp_path / "positions.db")
    try:
        (loaded,) = store.load_positions()
        assert (loaded.quantity, loaded.last_sequence) == (D(50), 1)
        assert PositionBook(store, lambda: T0).recorded("DU1", AAPL) == loaded
    finally:
        await store.close()
