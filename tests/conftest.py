"""Fixtures shared by every test package."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from ibkr_gateway.event_loop import LoopFactory, loop_factory
from tests.ib.conftest import sim
from tests.pg import PostgresServer, running_server
from tests.service.conftest import gw

__all__ = ["db", "gw", "postgres", "sim"]

# Every store the gateway can run on; tests of what the store promises run on each.
STORES = ("sqlite", "postgresql")


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, LoopFactory]:
    """Tests run on the event loop the gateway runs on here (`serve --event-loop auto`)."""
    name, factory = loop_factory()
    return {name: factory}


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session, started by the first test that needs it."""
    with running_server() as server:
        yield server


@pytest.fixture(params=STORES)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """`--db` of a fresh store: an SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "gateway.db")
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()
