"""The composition root: store, bus, manager, broker and the grpc.aio server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection, reflection_pb2_grpc
from ibkr.gateway.v1 import (
    account_pb2,
    account_pb2_grpc,
    gateway_pb2,
    gateway_pb2_grpc,
    simulator_pb2,
    simulator_pb2_grpc,
)

from ibkr_gateway.broker import BrokerPort, WhatIfEstimate
from ibkr_gateway.event.bus import EventBus
from ibkr_gateway.ib.config import IBGatewayConfig
from ibkr_gateway.ib.gateway import ConnectionState, IBGateway
from ibkr_gateway.ib.integration import OrderGatewayIntegration
from ibkr_gateway.observability.metrics import GatewayMetrics
from ibkr_gateway.order.manager import OrderManager, utc_now
from ibkr_gateway.order.models import Contract, OrderSpec
from ibkr_gateway.position.account import DEFAULT_STARTING_CASH
from ibkr_gateway.position.book import PositionBook
from ibkr_gateway.position.preview import OrderPreview
from ibkr_gateway.position.reconciler import PositionReconciler
from ibkr_gateway.risk.engine import RiskEngine
from ibkr_gateway.risk.limits import RiskConfig, RiskFileError
from ibkr_gateway.risk.positions import Exposure
from ibkr_gateway.rpc.account import AccountServicer, SimulatedAccounts
from ibkr_gateway.rpc.audit import AuditTrail
from ibkr_gateway.rpc.auth import AuthInterceptor
from ibkr_gateway.rpc.errors import ErrorMappingInterceptor
from ibkr_gateway.rpc.loop_share import CallsFirstInterceptor
from ibkr_gateway.rpc.reflection import DocumentedReflectionServicer
from ibkr_gateway.rpc.servicer import OrderGatewayServicer
from ibkr_gateway.rpc.simulator import SimulatorControlServicer
from ibkr_gateway.rpc.streams import live_share, replay_share
from ibkr_gateway.security.auth import TokenTable
from ibkr_gateway.security.tls import ListenRefused, TlsFiles, check_listen
from ibkr_gateway.sim.broker import SimBroker, SimMarketControl
from ibkr_gateway.sim.control import MarketControl
from ibkr_gateway.sim.exchange import default_commission
from ibkr_gateway.store.open import open_store, redacted

if TYPE_CHECKING:
    from ibkr_gateway.publish.publisher import JournalPublisher
    from ibkr_gateway.store.postgres import PostgresOrderStore
    from ibkr_gateway.store.sqlite import SqliteOrderStore
    from ibkr_gateway.web.server import HttpServer

log = logging.getLogger(__name__)

GATEWAY_SERVICE = gateway_pb2.DESCRIPTOR.services_by_name["OrderGatewayService"].full_name
SIMULATOR_SERVICE = simulator_pb2.DESCRIPTOR.services_by_name["SimulatorControlService"].full_name
ACCOUNT_SERVICE = account_pb2.DESCRIPTOR.services_by_name["AccountService"].full_name
# The health entry of --publish: NOT_SERVING while the journal is not being published,
# which never changes the health of the services themselves.
PUBLISH_HEALTH = "nats-publish"


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    listen: str = "127.0.0.1:50051"
    backend: str = "sim"
    # Used when backend == "ib".
    ib: IBGatewayConfig = field(default_factory=IBGatewayConfig)
    # An SQLite file, or a postgresql:// URL.
    db_path: str = "gateway.db"
    # Names this gateway's journal where several gateways meet: its rows in a PostgreSQL
    # database shared with others (one gateway writes under each id), its NATS subjects
    # and stream.
    gateway_id: str = "default"
    default_account: str = "DU123456"
    # Accounts the simulated broker manages besides default_account (backend sim); on the
    # ib backend the managed accounts are those of the IB login.
    sim_accounts: tuple[str, ...] = ()
    heartbeat_interval: float = 5.0
    stream_buffer: int = 10_000
    commission_timeout: float = 5.0
    # How long a new order answered by an IB error in no table waits for a status
    # showing that IB took it before it is rejected.
    rejection_grace: float = 2.0
    shutdown_grace: float = 5.0
    # Bearer tokens with scopes and accounts (TOML); everyone is trusted when empty,
    # which only loopback listening allows.
    auth_file: str = ""
    tls: TlsFiles | None = None
    # Allow a non-loopback listen address without auth and TLS.
    insecure: bool = False
    # Pre-trade limits (TOML); no limits when empty.
    risk_file: str = ""
    # host:port of the Prometheus /metrics endpoint; none when empty.
    metrics_listen: str = ""
    # host:port serving the services over the Connect protocol, and the blotter page;
    # none when empty. Same tokens and TLS as the gRPC port.
    http_listen: str = ""
    # Cash each simulated account starts with (backend sim), in USD.
    sim_cash: Decimal = DEFAULT_STARTING_CASH
    # Hot standby (PostgreSQL only): lead while holding the gateway id's lock, else stand by.
    ha: bool = False
    # With ha: the host:port the standby sends callers to while this gateway leads; the
    # listen address when empty (a wildcard host replaced by this machine's name).
    advertise: str = ""
    # Seconds between comparisons of the positions with IB's while connected (backend
    # ib); 0 compares only after each connect.
    reconcile_interval: float = 60.0
    # nats://host:port (comma-separated for a cluster): publish the journal to JetStream.
    publish: str = ""


class GatewayServer:
    def __init__(
        self,
        config: GatewayConfig,
        *,
        market: MarketControl | None = None,
        store: SqliteOrderStore | PostgresOrderStore | None = None,
    ) -> None:
        """`market` drives SimulatorControlService; the sim backend brings its own.
        `store`: one opened already (a standby's, on the session that won the lock)."""
        if config.backend not in ("sim", "ib"):
            raise ValueError(f"unknown backend {config.backend!r}")
        self.config = config
        tokens = TokenTable.load(config.auth_file) if config.auth_file else None
        check_listen(
            config.listen,
            authenticated=tokens is not None,
            tls=config.tls is not None,
            insecure=config.insecure,
        )
        limits = RiskConfig.load(config.risk_file) if config.risk_file else None
        if limits is not None and config.backend != "sim" and limits.has_price_collar:
            # Without reference prices the collar would refuse every priced order.
            raise RiskFileError(
                f"{config.risk_file}: price_collar_percent needs a reference price, which "
                f"only the sim backend has; remove it for --backend {config.backend}"
            )
        self.store = store if store is not None else open_store(config.db_path, config.gateway_id)
        self.bus = EventBus(config.stream_buffer)
        self.sim_broker = (
            SimBroker(accounts={config.default_account, *config.sim_accounts})
            if config.backend == "sim"
            else None
        )
        self.positions = PositionBook(self.store, utc_now)
        exposure = Exposure(
            self.positions.recorded_positions, lambda: self.manager.working_orders()
        )
        risk = (
            RiskEngine(limits, self._reference_price, exposure=exposure)
            if limits is not None
            else None
        )
        self.manager = OrderManager(
            self.bus, self.store, default_account=config.default_account, risk=risk
        )
        self.manager.positions = self.positions
        self.bus.add_listener(self.positions.on_published)
        self.broker: BrokerPort = self.sim_broker or IBGateway(config.ib)
        self.integration = OrderGatewayIntegration(
            self.broker,
            self.manager,
            commission_timeout=config.commission_timeout,
            rejection_grace=config.rejection_grace,
        )
        self.integration.initialize()
        self.reconciler: PositionReconciler | None = None
        if isinstance(self.broker, IBGateway):
            self.reconciler = PositionReconciler(
                self.positions,
                self.broker,
                in_flight=self.integration.executions_in_flight,
                working=self.manager.working_orders,
                interval=config.reconcile_interval,
                # As long as a fill may wait for its commission report.
                grace=config.commission_timeout,
            )
            reconciler = self.reconciler
            self.broker.add_state_listener(
                lambda state: (
                    reconciler.on_connected() if state is ConnectionState.CONNECTED else None
                )
            )
        self.health = health.aio.HealthServicer()
        self._serving = False
        self._health_tasks: set[asyncio.Task[None]] = set()
        self.store.add_health_listener(self._on_store_health)
        self.audit = AuditTrail(self.store)
        self.metrics = GatewayMetrics()
        self.bus.add_listener(self.metrics.observe_event)
        # After a restart the gauge shows the recovered journal, not 0 until the next event.
        self.metrics.journal_sequence.set(self.store.last_sequence)
        self.metrics.watch(
            subscribers=lambda: self.bus.subscriber_count,
            broker_connected=self._broker_connected,
            pacing_queue=lambda: (
                self.broker.pacer.depth if isinstance(self.broker, IBGateway) else 0
            ),
            orders_by_status=self.store.count_orders_by_status,
            broker_reconnects=lambda: (
                self.broker.reconnects if isinstance(self.broker, IBGateway) else 0
            ),
            client_id_in_use=lambda: (
                self.broker.client_id_in_use if isinstance(self.broker, IBGateway) else 0
            ),
        )
        if self.reconciler is not None:
            counted = self.reconciler
            self.metrics.watch_reconciliation(
                discrepancies=lambda: counted.discrepancies,
                open_now=lambda: counted.open_discrepancies,
                adoptions=lambda: counted.adoptions,
            )
        if config.metrics_listen:
            check_listen(
                config.metrics_listen, authenticated=False, tls=False, insecure=config.insecure
            )
        if config.http_listen:
            check_listen(
                config.http_listen,
                authenticated=tokens is not None,
                tls=config.tls is not None,
                insecure=config.insecure,
            )
        self.replay_share = replay_share()
        self.live_share = live_share()
        interceptors: list[grpc.aio.ServerInterceptor] = [
            # Outside the error mapping: a call is in flight until its answer is made.
            CallsFirstInterceptor(self.replay_share, self.live_share),
            ErrorMappingInterceptor([self.audit.record, self.metrics.observe_call]),
        ]
        if tokens is not None:
            # Outermost: an unauthenticated call never reaches a servicer.
            interceptors.insert(0, AuthInterceptor(tokens, on_refused=self.audit.record))
        # Without SO_REUSEPORT a second gateway on the same port fails to bind instead of
        # silently sharing the callers with the first one.
        self.server = grpc.aio.server(interceptors=interceptors, options=[("grpc.so_reuseport", 0)])
        gateway = OrderGatewayServicer(
            self.manager,
            self.bus,
            heartbeat_interval=config.heartbeat_interval,
            stream_buffer=config.stream_buffer,
            replay_share=self.replay_share,
            live_share=self.live_share,
            preview=OrderPreview(
                self.manager.checked_spec,
                self.manager.breaches,
                self.positions,
                self._reference_price,
                utc_now,
                starting_cash=config.sim_cash if self.sim_broker else None,
                commission=default_commission if self.sim_broker else None,
            ),
            what_if=self._what_if if isinstance(self.broker, IBGateway) else None,
        )
        account = AccountServicer(
            self.positions,
            self.store,
            self.bus,
            default_account=config.default_account,
            price_of=self._reference_price,
            simulated=(
                SimulatedAccounts(config.sim_cash, self.sim_broker.managed_accounts)
                if self.sim_broker
                else None
            ),
            broker_account=self.broker if isinstance(self.broker, IBGateway) else None,
            heartbeat_interval=config.heartbeat_interval,
            stream_buffer=config.stream_buffer,
            replay_share=self.replay_share,
            live_share=self.live_share,
        )
        simulator = SimulatorControlServicer(
            self.manager,
            SimMarketControl(self.sim_broker) if self.sim_broker else market,
            self.positions if self.sim_broker else None,
        )
        gateway_pb2_grpc.add_OrderGatewayServiceServicer_to_server(gateway, self.server)
        simulator_pb2_grpc.add_SimulatorControlServiceServicer_to_server(simulator, self.server)
        account_pb2_grpc.add_AccountServiceServicer_to_server(account, self.server)
        # The same servicers answer over Connect (--http-listen).
        self.servicers: dict[str, object] = {
            GATEWAY_SERVICE: gateway,
            SIMULATOR_SERVICE: simulator,
            ACCOUNT_SERVICE: account,
        }
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        reflection_pb2_grpc.add_ServerReflectionServicer_to_server(
            DocumentedReflectionServicer(
                (
                    GATEWAY_SERVICE,
                    SIMULATOR_SERVICE,
                    ACCOUNT_SERVICE,
                    health.SERVICE_NAME,
                    reflection.SERVICE_NAME,
                )
            ),
            self.server,
        )
        self.http: HttpServer | None = None
        if config.http_listen:
            # Imported only when wanted: Connect and the HTTP server add 0.1 s to a start.
            from ibkr_gateway.rpc.connect import GatewayInterceptor, connect_applications
            from ibkr_gateway.web.app import GatewayHttpApp, blotter_files
            from ibkr_gateway.web.server import HttpServer

            interceptor = GatewayInterceptor(
                tokens,
                (self.replay_share, self.live_share),
                [self.audit.record, self.metrics.observe_call],
                on_refused=self.audit.record if tokens is not None else None,
            )
            self.http = HttpServer(
                GatewayHttpApp(
                    connect_applications(self.servicers, interceptor),
                    blotter_files(),
                    tokens,
                    check_host=tokens is None and not config.insecure,
                ),
                config.http_listen,
                tls=config.tls,
                shutdown_grace=config.shutdown_grace,
            )
        self.publisher: JournalPublisher | None = None
        if config.publish:
            # Imported only when wanted: nats-py is an optional dependency.
            from ibkr_gateway.publish.publisher import JournalPublisher, parse_servers

            self.publisher = JournalPublisher(
                parse_servers(config.publish),
                config.gateway_id,
                self.store,
                self.bus,
                self.replay_share,
                on_state=self._on_publish_state,
            )
            publisher = self.publisher
            self.metrics.watch_publish(
                lag=lambda: publisher.lag,
                acknowledged=lambda: publisher.acked,
                up=lambda: publisher.up,
            )
        self.port = 0
        self.metrics_port = 0
        self.http_port = 0

    def _broker_connected(self) -> bool:
        if isinstance(self.broker, IBGateway):
            return self.broker.state is ConnectionState.CONNECTED
        return True

    async def _what_if(self, spec: OrderSpec) -> WhatIfEstimate:
        """IB's what-if answer for the contract IB knows the spec by."""
        assert isinstance(self.broker, IBGateway)
        return await self.broker.what_if(await self.broker.qualify(spec))

    def _reference_price(self, contract: Contract) -> Decimal | None:
        """The simulated market's price; IB market data is not subscribed, so on the IB
        backend limits are checked against the order's own price."""
        if self.sim_broker is None:
            return None
        return self.sim_broker.exchange.price(contract.symbol)

    async def start(self) -> int:
        if self.reconciler is not None:
            # First: it then compares as soon as the connect below has listed everything.
            self.reconciler.start()
        try:
            await self.integration.start()
        except BaseException:
            if self.reconciler is not None:
                await self.reconciler.stop()
            raise
        try:
            if self.config.tls is not None:
                self.port = self.server.add_secure_port(
                    self.config.listen, self.config.tls.credentials()
                )
            else:
                self.port = self.server.add_insecure_port(self.config.listen)
        except RuntimeError:
            self.port = 0
        if self.port == 0:
            raise ListenRefused(
                f"cannot listen on {self.config.listen}: address in use or not available"
            )
        if self.http is not None:
            # Before the gRPC port serves: a taken HTTP port stops the start with nothing served.
            self.http_port = await self.http.start()
        await self.server.start()
        if self.http is not None:
            log.info(
                "http serving on %s (Connect protocol; the blotter at /)",
                self.config.http_listen.rsplit(":", 1)[0] + f":{self.http_port}",
            )
        if self.config.default_account not in self.broker.managed_accounts():
            log.warning(
                "the default account %s is not managed by the %s login: orders that name "
                "no account will be refused (set --account)",
                self.config.default_account,
                self.config.backend,
            )
        if self.config.metrics_listen:
            self.metrics_port = self.metrics.serve(self.config.metrics_listen)
        self._serving = True
        await self._set_health()
        if self.publisher is not None:
            await self.health.set(PUBLISH_HEALTH, health_pb2.HealthCheckResponse.NOT_SERVING)
            self.publisher.start()
        log.info(
            "gateway serving on %s (backend %s, store %s, journal at %d)",
            self.config.listen.rsplit(":", 1)[0] + f":{self.port}",
            self.config.backend,
            redacted(self.config.db_path),
            self.store.last_sequence,
        )
        return self.port

    async def _set_health(self) -> None:
        """SERVING only while started and the store can write."""
        if not self._serving:
            return
        status = health_pb2.HealthCheckResponse.SERVING
        if self.store.failure is not None:
            status = health_pb2.HealthCheckResponse.NOT_SERVING
        for service in ("", GATEWAY_SERVICE, SIMULATOR_SERVICE, ACCOUNT_SERVICE):
            await self.health.set(service, status)

    def _on_store_health(self, failure: str | None) -> None:
        self.metrics.store_failing.set(0 if failure is None else 1)
        self._health_task(self._set_health(), "store-health")

    def _on_publish_state(self, up: bool) -> None:
        if self._serving:
            serving = health_pb2.HealthCheckResponse.SERVING
            status = serving if up else health_pb2.HealthCheckResponse.NOT_SERVING
            self._health_task(self.health.set(PUBLISH_HEALTH, status), "publish-health")

    def _health_task(self, setting: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.get_running_loop().create_task(setting, name=name)
        self._health_tasks.add(task)
        task.add_done_callback(self._health_tasks.discard)

    async def stop(self) -> None:
        """Streams send what they hold and end; calls in flight get the grace period."""
        self._serving = False
        await self.health.enter_graceful_shutdown()
        self.bus.close()
        stopping = [self.server.stop(self.config.shutdown_grace)]
        if self.http is not None:
            stopping.append(self.http.stop())
        await asyncio.gather(*stopping)
        if self.reconciler is not None:
            await self.reconciler.stop()
        await self.integration.shutdown()
        if self.publisher is not None:
            await self.publisher.stop()
        self.metrics.stop()
        await self.store.close()
        log.info("gateway stopped at sequence %d", self.store.last_sequence)

    async def wait_for_termination(self) -> None:
        await self.server.wait_for_termination()
