"""`serve --ha`: a standby until this process holds the gateway id's lock, then the
leader, through the same start-up path as a restart (working orders loaded from the
store, the broker reconciled), on the ports the standby served."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time

from ibkr_gateway.ha import LeadershipLost
from ibkr_gateway.ha.address import advertised
from ibkr_gateway.ha.election import Election
from ibkr_gateway.ha.metrics import Leadership, StandbyMetrics
from ibkr_gateway.ha.standby import StandbyServer
from ibkr_gateway.ib.connection import ClientIdInUse
from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer
from ibkr_gateway.security.tls import check_listen
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
# The database server ends a leader's writer session that sends nothing for this long,
# which releases the lock for the standby: a leader whose machine is gone, or whose
# process is stopped, is taken over within this (TCP keepalives would take ~11 s, and
# never end the session of a stopped process, whose kernel still answers them). Six
# missed checks: a leader merely slow is not taken over.
LEADER_SILENCE_LIMIT = 3.0


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


def _check_listening(config: GatewayConfig) -> None:
    """The leader's rules for its ports, checked before standing by: a mistake stops the
    start, not a takeover."""
    authenticated = bool(config.auth_file)
    tls = config.tls is not None
    check_listen(config.listen, authenticated=authenticated, tls=tls, insecure=config.insecure)
    if config.metrics_listen:
        check_listen(
            config.metrics_listen, authenticated=False, tls=False, insecure=config.insecure
        )


def _with_port(listen: str, port: int) -> str:
    return f"{listen.rsplit(':', 1)[0]}:{port}"


async def serve_ha(config: GatewayConfig, stopping: asyncio.Event) -> None:
    _check_listening(config)
    election = Election(config.db_path, config.gateway_id)
    standby = StandbyServer(config.listen, config.gateway_id, lambda: election.leader, config.tls)
    port = await standby.start()
    listen = _with_port(config.listen, port)
    metrics_listen = config.metrics_listen
    standby_metrics = StandbyMetrics(config.gateway_id, lambda: election.leader)
    if metrics_listen:
        try:
            metrics_listen = _with_port(metrics_listen, standby_metrics.serve(metrics_listen))
        except BaseException:
            await standby.stop()
            raise
    address, source = advertised(config.advertise, config.listen, port)
    # Before saying it stands by: its callers are told where the leader is from the first.
    await election.attempt()
    log.info(
        "gateway standby on %s (gateway id %s, store %s, advertised as %s from %s%s): "
        "leading once it holds the lock",
        listen,
        config.gateway_id,
        redacted(config.db_path),
        address,
        source,
        f"; /metrics on {metrics_listen}" if metrics_listen else "",
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
        standby_metrics.stop()
        await standby.stop()
        return
    won = time.monotonic()
    standby_metrics.stop()
    await standby.stop()
    try:
        store = PostgresOrderStore(
            config.db_path,
            config.gateway_id,
            writer=writer,
            address=address,
            silence_limit=LEADER_SILENCE_LIMIT,
        )
    except BaseException:
        writer.close()
        raise
    # From now on: the database ends a writer session silent for LEADER_SILENCE_LIMIT,
    # and a start may wait for the broker far longer.
    lost = asyncio.create_task(_until_superseded(store))
    # On the ports the standby served: callers and monitoring keep their addresses.
    try:
        server = GatewayServer(
            dataclasses.replace(config, listen=listen, metrics_listen=metrics_listen), store=store
        )
        server.metrics.registry.register(Leadership(config.gateway_id, True, lambda: address))
        await _start_once_the_broker_lets_go(server)
    except BaseException:
        lost.cancel()
        raise
    log.info(
        "leading gateway id %s since %.2f s after the lock was won (journal at %d, "
        "advertised as %s)",
        config.gateway_id,
        time.monotonic() - won,
        store.last_sequence,
        address,
    )
    stop = asyncio.create_task(stopping.wait())
    await asyncio.wait((lost, stop), return_when=asyncio.FIRST_COMPLETED)
    lost.cancel()
    stop.cancel()
    await server.stop()
    if store.superseded is not None:
        raise LeadershipLost(f"stopped leading: {store.superseded}")
