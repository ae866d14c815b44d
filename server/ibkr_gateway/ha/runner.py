"""`serve --ha`: a standby until this process holds the gateway id's lock, then the
leader, through the same start-up path as a restart (working orders loaded from the
store, the broker reconciled), on the port the standby served."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time

from ibkr_gateway.ha import LeadershipLost
from ibkr_gateway.ha.election import Election
from ibkr_gateway.ha.standby import StandbyServer
from ibkr_gateway.ib.connection import ClientIdInUse
from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer
from ibkr_gateway.store.open import redacted
from ibkr_gateway.store.postgres import PostgresOrderStore

log = logging.getLogger(__name__)


# How long a new leader waits for IB to see the old leader's API session end (its
# client id stays in use until then).
BROKER_RELEASE_WAIT = 30.0


async def _start_once_the_broker_lets_go(server: GatewayServer) -> None:
    loop = asyncio.get_running_loop()
    give_up = loop.time() + BROKER_RELEASE_WAIT
    while True:
        try:
            await server.start()
            return
        except ClientIdInUse:
            if loop.time() > give_up:
                raise
            log.info("the former leader's IB session is still open; trying again")
            await asyncio.sleep(0.2)


# How often an idle leader proves it still holds the gateway id: a leader cut off from the
# database, once it is back, finds out within this that the standby took over, and lets
# go of the broker for it.
WRITER_CHECK_INTERVAL = 0.5


async def _until_superseded(store: PostgresOrderStore) -> None:
    superseded = asyncio.Event()
    store.add_health_listener(lambda cause: superseded.set() if store.superseded else None)
    while not superseded.is_set():
        if await store.check_writer() is not None:
            return
        try:
            await asyncio.wait_for(superseded.wait(), WRITER_CHECK_INTERVAL)
        except TimeoutError:
            pass


async def serve_ha(config: GatewayConfig, stopping: asyncio.Event) -> None:
    election = Election(config.db_path, config.gateway_id)
    standby = StandbyServer(config.listen, config.gateway_id, lambda: election.leader, config.tls)
    port = await standby.start()
    address = f"{config.listen.rsplit(':', 1)[0]}:{port}"
    # Before saying it stands by: its callers are told where the leader is from the first.
    await election.attempt()
    log.info(
        "gateway standby on %s (gateway id %s, store %s): leading once it holds the lock",
        address,
        config.gateway_id,
        redacted(config.db_path),
    )
    winning = asyncio.create_task(election.win())
    stop = asyncio.create_task(stopping.wait())
    await asyncio.wait((winning, stop), return_when=asyncio.FIRST_COMPLETED)
    election.stop()
    writer = await winning
    stop.cancel()
    election.close()
    if writer is None or stopping.is_set():
        if writer is not None:
            writer.close()
        await standby.stop()
        return
    won = time.monotonic()
    await standby.stop()
    try:
        store = PostgresOrderStore(
            config.db_path, config.gateway_id, writer=writer, address=address
        )
    except BaseException:
        writer.close()
        raise
    server = GatewayServer(dataclasses.replace(config, listen=address), store=store)
    await _start_once_the_broker_lets_go(server)
    log.info(
        "leading gateway id %s since %.2f s after the lock was won (journal at %d)",
        config.gateway_id,
        time.monotonic() - won,
        store.last_sequence,
    )
    lost = asyncio.create_task(_until_superseded(store))
    stop = asyncio.create_task(stopping.wait())
    await asyncio.wait((lost, stop), return_when=asyncio.FIRST_COMPLETED)
    lost.cancel()
    stop.cancel()
    await server.stop()
    if store.superseded is not None:
        raise LeadershipLost(f"stopped leading: {store.superseded}")
