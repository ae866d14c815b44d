"""IBGateway's connection: connecting (with the listing of every order and execution IB
holds, which is the reconciliation), the connection state, and reconnecting with
backoff after a disconnect."""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable

import ib_async

from ibkr_gateway.broker import BrokerListener
from ibkr_gateway.ib.config import IBGatewayConfig
from ibkr_gateway.ib.pacing import Pacer

# The logger of the module IBGateway grew up in, which log filters know it by.
log = logging.getLogger("ibkr_gateway.gateway")

CLIENT_ID_IN_USE = 326
# Executions are asked for separately, after every client's open orders: each
# execution then finds its order already reported.
_STARTUP_FETCH = ib_async.StartupFetchALL & ~ib_async.StartupFetch.EXECUTIONS


class ConnectionState(enum.Enum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    # The API socket is up but TWS has lost its link to IB (error 1100).
    IB_LINK_DOWN = "ib_link_down"


class BrokerConnectionError(ConnectionError):
    pass


class ClientIdInUse(BrokerConnectionError):
    """Another API client is connected with the same client id (IB error 326)."""


class IBConnection:
    """The connection part of IBGateway (which provides the state below)."""

    config: IBGatewayConfig
    ib: ib_async.IB
    pacer: Pacer
    state: ConnectionState
    account: str
    reconnects: int
    client_id_in_use: int
    _managed_accounts: frozenset[str]
    _listener: BrokerListener | None
    _stopping: bool
    _reconnect_task: asyncio.Task[None] | None
    _connect_errors: list[tuple[int, str]]
    _connect_task: asyncio.Future[None] | None
    _known_refs: set[str]
    _listed_perm_ids: set[int]
    _listed_refs: set[str]
    _listing_complete: bool
    _highest_order_id: int
    _state_listeners: list[Callable[[ConnectionState], None]]

    async def connect_gateway(self) -> None:
        """Connects, and lets ib_async's start-up requests (open orders, completed
        orders, executions) flow through the taps: that is the reconciliation."""
        cfg = self.config
        self._set_state(ConnectionState.CONNECTING)
        self._connect_errors = []
        self._listing_complete = False
        self._listed_perm_ids.clear()
        self._listed_refs.clear()
        # Forgotten, as ib_async forgets its trades: orders IB no longer lists (its nightly
        # restart drops the day's) would otherwise be held for the life of the process.
        self._known_refs = set()
        # ib_async waits out its whole timeout after error 326; the error tap cancels
        # this task instead, so that a client-id clash fails at once.
        self._connect_task = asyncio.ensure_future(self._connect_and_list())
        try:
            await self._connect_task
        except (Exception, asyncio.CancelledError) as exc:
            # Still CONNECTING while ib_async reports the disconnect: no reconnect loop
            # is started for a failed attempt.
            self.ib.disconnect()
            self._set_state(ConnectionState.DISCONNECTED)
            if any(code == CLIENT_ID_IN_USE for code, _ in self._connect_errors):
                self.client_id_in_use += 1
                raise ClientIdInUse(
                    f"client id {cfg.client_id} is already in use at {cfg.host}:{cfg.port}; "
                    "choose another --ib-client-id"
                ) from exc
            if isinstance(exc, asyncio.CancelledError):
                raise
            raise BrokerConnectionError(
                f"cannot connect to IB at {cfg.host}:{cfg.port}: {exc!r}"
            ) from exc
        accounts = self.ib.client.getAccounts()
        if cfg.account_id and cfg.account_id not in accounts:
            self.ib.disconnect()
            self._set_state(ConnectionState.DISCONNECTED)
            raise BrokerConnectionError(
                f"account {cfg.account_id!r} is not managed by this login ({accounts})"
            )
        self.account = cfg.account_id or (accounts[0] if accounts else "")
        self.ib.client.updateReqId(self._highest_order_id + 1)  # type: ignore[no-untyped-call]
        self._managed_accounts = frozenset(accounts)
        self._listing_complete = True
        self._set_state(ConnectionState.CONNECTED)
        self.pacer.resume()
        log.info(
            "connected to IB at %s:%d as client %d (account %s, %s)",
            cfg.host,
            cfg.port,
            cfg.client_id,
            self.account,
            cfg.trading_mode,
        )

    async def _connect_and_list(self) -> None:
        """Connects and has IB list every order and execution it holds for the account:
        ib_async's start-up requests (this client's open orders, completed orders; with
        client id 0 it also binds TWS's own orders, reqAutoOpenOrders), then the open
        orders of every client and of TWS, then the executions. Any of them unanswered
        fails the attempt: a partial listing would make orders IB holds look unsent or
        gone."""
        cfg = self.config
        await self.ib.connectAsync(
            cfg.host,
            cfg.port,
            clientId=cfg.client_id,
            timeout=cfg.connect_timeout,
            account=cfg.account_id,
            raiseSyncErrors=True,
            fetchFields=_STARTUP_FETCH,
        )
        timeout = cfg.connect_timeout or None
        await asyncio.wait_for(self.ib.reqAllOpenOrdersAsync(), timeout)
        await asyncio.wait_for(self.ib.reqExecutionsAsync(), timeout)
        if not self.ib.client.isReady():
            raise ConnectionError("the connection broke while IB listed orders and executions")

    def _on_disconnected(self) -> None:
        self._listing_complete = False
        self.pacer.pause()
        if self.state is ConnectionState.CONNECTING:
            return
        self._set_state(ConnectionState.DISCONNECTED)
        if not self._stopping and self._reconnect_task is None:
            log.warning("disconnected from IB; reconnecting")
            self._reconnect_task = asyncio.get_running_loop().create_task(
                self._reconnect(), name="ib-reconnect"
            )

    async def _reconnect(self) -> None:
        delay = self.config.reconnect_initial_delay
        try:
            while not self._stopping:
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.config.reconnect_max_delay)
                try:
                    await self.connect_gateway()
                except ClientIdInUse:
                    # Usually this gateway's own previous session, which IB has not let
                    # go of yet (IB's nightly restart): it goes away by itself.
                    log.warning(
                        "reconnect refused by IB (326): client id %d is still in use, "
                        "probably by the previous session; next try in %.1fs",
                        self.config.client_id,
                        delay,
                    )
                except BrokerConnectionError as exc:
                    log.warning("reconnect failed: %s; next try in %.1fs", exc, delay)
                else:
                    self.reconnects += 1
                    if self._listener is not None:
                        self._listener.on_broker_resynced()
                    return
        finally:
            self._reconnect_task = None

    def _set_state(self, state: ConnectionState) -> None:
        if state is self.state:
            return
        self.state = state
        for listener in self._state_listeners:
            try:
                listener(state)
            except Exception:
                log.exception("connection state listener failed")
