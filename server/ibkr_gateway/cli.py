"""Command line: `ibkr-gateway serve`, and `ibkr-gateway tws-sim` (a fake IB Gateway).

The group itself, and the commands that talk to a running gateway, are in `console`."""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
from decimal import Decimal, InvalidOperation
from typing import Any

import click

from ibkr_gateway.console.main import main
from ibkr_gateway.console.serve_config import with_config_file
from ibkr_gateway.event_loop import CHOICES as EVENT_LOOPS
from ibkr_gateway.event_loop import LoopUnavailable, loop_factory
from ibkr_gateway.event_loop import run as run_on_loop
from ibkr_gateway.ha import LeadershipLost
from ibkr_gateway.ha.address import check_advertise
from ibkr_gateway.ib.config import IBGatewayConfig
from ibkr_gateway.ib.gateway import BrokerConnectionError
from ibkr_gateway.observability.logs import configure_logging
from ibkr_gateway.publish.publisher import (
    PublishUnavailable,
    check_gateway_id,
    parse_servers,
    require_client,
)
from ibkr_gateway.risk.limits import RiskFileError
from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer
from ibkr_gateway.security.auth import AuthFileError
from ibkr_gateway.security.tls import ListenRefused, TlsFiles, parse_listen
from ibkr_gateway.sim.tws import DEFAULT_ACCOUNT, TwsSimulator
from ibkr_gateway.store.lock import DatabaseLock, DatabaseLocked
from ibkr_gateway.store.open import StoreDriverMissing, is_postgres_url, redacted

log = logging.getLogger(__name__)

DEFAULTS = GatewayConfig()


def _host_port(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value == "" and param.name in ("metrics_listen", "http_listen"):
        return value
    try:
        parse_listen(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


def _advertise(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value:
        try:
            check_advertise(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


def _publish_url(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value:
        try:
            parse_servers(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


def _gateway_id(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        return check_gateway_id(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _cash(ctx: click.Context, param: click.Parameter, value: str | Decimal) -> Decimal:
    try:
        cash = Decimal(str(value))
    except InvalidOperation:
        cash = Decimal(-1)
    if not cash.is_finite() or cash < 0 or cash > MAX_SIM_CASH:
        raise click.BadParameter(f"a decimal amount from 0 to {MAX_SIM_CASH}, got {value!r}")
    return cash


MAX_SIM_CASH = Decimal("1e15")


def _holdings(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> list[tuple[str, Decimal, Decimal]]:
    held = []
    for value in values:
        symbol, _, amounts = value.partition(":")
        quantity, _, cost = amounts.partition("@")
        try:
            parsed = (symbol.strip().upper(), Decimal(quantity), Decimal(cost))
        except InvalidOperation:
            parsed = ("", Decimal(0), Decimal(0))
        if not parsed[0] or not all(d.is_finite() for d in parsed[1:]) or parsed[2] < 0:
            raise click.BadParameter(f"SYMBOL:QUANTITY@COST such as AAPL:100@95.5, got {value!r}")
        held.append(parsed)
    return held


@main.command()
@click.option(
    "--listen",
    default=DEFAULTS.listen,
    show_default=True,
    callback=_host_port,
    help="host:port to serve gRPC on. Port 0 picks a free port.",
)
@click.option(
    "--backend",
    type=click.Choice(["sim", "ib"]),
    default=DEFAULTS.backend,
    show_default=True,
    help="Where orders go: 'sim' is the built-in deterministic simulated exchange, "
    "'ib' a real IB Gateway / TWS (or `ibkr-gateway tws-sim`), reached with the --ib-* options.",
)
@click.option(
    "--ib-host",
    default=DEFAULTS.ib.host,
    show_default=True,
    help="IB Gateway / TWS host (backend ib).",
)
@click.option(
    "--ib-port",
    type=click.IntRange(1, 65535),
    default=DEFAULTS.ib.port,
    show_default=True,
    help="IB API port: 4002 Gateway paper, 4001 Gateway live, 7497/7496 TWS.",
)
@click.option(
    "--ib-client-id",
    type=click.IntRange(0, 2**31 - 1),
    default=DEFAULTS.ib.client_id,
    show_default=True,
    help="API client id; must not be used by another connected API client.",
)
@click.option(
    "--ib-account",
    default=DEFAULTS.ib.account_id,
    help="IB account orders go to; the only managed account when omitted.",
)
@click.option(
    "--ib-trading-mode",
    type=click.Choice(["paper", "live"]),
    default=DEFAULTS.ib.trading_mode,
    show_default=True,
    help="Which kind of login the port belongs to (logged at start).",
)
@click.option(
    "--db",
    "db_path",
    default=DEFAULTS.db_path,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Where orders, fills and the event journal are kept: an SQLite file (created if "
    "missing), or a PostgreSQL database as postgresql://user@host:port/dbname (its tables "
    "are created; needs ibkr-gateway[postgresql]).",
)
@click.option(
    "--gateway-id",
    default=DEFAULTS.gateway_id,
    show_default=True,
    callback=_gateway_id,
    help="Names this gateway where several meet: its journal and orders in a PostgreSQL "
    "database shared by several gateways (one per IB login; one gateway runs per id), and "
    "the NATS subjects and stream of --publish.",
)
@click.option(
    "--ha",
    is_flag=True,
    help="Hot standby: run two gateways with the same --db postgresql://... and "
    "--gateway-id; the one holding the gateway id's lock leads (connects to the broker and "
    "serves), the other answers UNAVAILABLE with the leader's address and takes over when "
    "the leader's database session ends.",
)
@click.option(
    "--advertise",
    default="",
    callback=_advertise,
    help="With --ha: host:port callers reach this gateway at, which its standby hands out "
    "while it leads. Default: the --listen address, a wildcard host (0.0.0.0, [::]) "
    "replaced by this machine's name.",
)
@click.option(
    "--account",
    "default_account",
    default=DEFAULTS.default_account,
    show_default=True,
    help="Account used when a request leaves it empty.",
)
@click.option(
    "--sim-account",
    "sim_accounts",
    multiple=True,
    help="Another account the simulated broker manages, besides --account (backend sim; "
    "repeatable). Orders for accounts the broker does not manage are refused; on the ib "
    "backend those are the accounts of the IB login.",
)
@click.option(
    "--sim-cash",
    default=str(DEFAULTS.sim_cash),
    show_default=True,
    callback=_cash,
    help="USD each simulated account starts with (backend sim); trades and commissions "
    "move it, and GetAccountSummary derives margin and buying power from it.",
)
@click.option(
    "--heartbeat-interval",
    type=click.FloatRange(0.1, 3600),
    default=DEFAULTS.heartbeat_interval,
    show_default=True,
    help="Seconds between heartbeats on an idle stream, unless the caller asks otherwise.",
)
@click.option(
    "--stream-buffer",
    type=click.IntRange(1, 1_000_000),
    default=DEFAULTS.stream_buffer,
    show_default=True,
    help="Events a stream may fall behind before it is cut with RESOURCE_EXHAUSTED.",
)
@click.option(
    "--commission-timeout",
    type=click.FloatRange(0.01, 600),
    default=DEFAULTS.commission_timeout,
    show_default=True,
    help="Seconds to wait for a commission report before a fill is recorded without it.",
)
@click.option(
    "--rejection-grace",
    type=click.FloatRange(0.01, 600),
    default=DEFAULTS.rejection_grace,
    show_default=True,
    help="Seconds a new order answered by an IB error in no table waits for a status "
    "showing that IB took it before it is rejected.",
)
@click.option(
    "--reconcile-interval",
    type=click.FloatRange(0, 86400),
    default=DEFAULTS.reconcile_interval,
    show_default=True,
    help="Seconds between comparisons of the positions with IB's while connected (backend "
    "ib); they are also compared after every connect. 0: only after connects.",
)
@click.option(
    "--shutdown-grace",
    type=click.FloatRange(0, 600),
    default=DEFAULTS.shutdown_grace,
    show_default=True,
    help="Seconds calls in flight get to finish on SIGTERM/SIGINT.",
)
@click.option(
    "--auth-file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="TOML file of bearer tokens, each with scopes (orders:read, orders:write, admin) "
    "and accounts. Without it every caller is trusted, so only loopback is allowed.",
)
@click.option(
    "--tls-cert",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="PEM certificate chain of the server: serve TLS.",
)
@click.option(
    "--tls-key",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="PEM private key matching --tls-cert.",
)
@click.option(
    "--tls-client-ca",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="PEM CA bundle; clients must present a certificate it signed (mutual TLS).",
)
@click.option(
    "--risk-file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="TOML file of pre-trade limits per account (quantity, notional, price collar, "
    "symbols, security types, open orders) and orders per second per caller.",
)
@click.option(
    "--metrics-listen",
    default="",
    callback=_host_port,
    help="host:port for a Prometheus /metrics endpoint (e.g. 127.0.0.1:9464); off when empty.",
)
@click.option(
    "--http-listen",
    default="",
    callback=_host_port,
    help="host:port serving the same services over the Connect protocol (curl, browsers; "
    "HTTP/1.1 and HTTP/2, JSON and binary) and the live blotter page at /, with the same "
    "tokens and TLS as --listen; off when empty. Port 0 picks a free port.",
)
@click.option(
    "--publish",
    default="",
    callback=_publish_url,
    help="nats://host:port of a NATS server with JetStream (several, comma-separated, for a "
    "cluster): every journaled event is published, in sequence order, to the stream "
    "IBKR_GATEWAY_<gateway id>, subjects ibkr.gateway.v1.<gateway id>.<account>."
    "orders|fills|positions. Trading never waits for it. Needs nats-py. Off when empty.",
)
@click.option(
    "--insecure",
    is_flag=True,
    help="Allow a non-loopback --listen (or --http-listen) without --auth-file and TLS.",
)
@click.option(
    "--event-loop",
    type=click.Choice(EVENT_LOOPS),
    default="auto",
    show_default=True,
    help="The asyncio event loop: uvloop (faster turns of the loop; installed with the "
    "gateway where it builds), asyncio's own, or auto: uvloop when installed.",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Log lines as text, or as JSON objects for log pipelines.",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
    default="INFO",
    show_default=True,
    help="Logging threshold.",
)
def serve(
    log_level: str,
    log_format: str,
    ib_host: str,
    ib_port: int,
    ib_client_id: int,
    ib_account: str,
    ib_trading_mode: str,
    tls_cert: str | None,
    tls_key: str | None,
    tls_client_ca: str | None,
    auth_file: str | None,
    risk_file: str | None,
    event_loop: str,
    **options: Any,
) -> None:
    """Run the gateway until SIGINT or SIGTERM."""
    configure_logging(log_level, log_format)
    loop_name = _loop_name(event_loop)
    ib = IBGatewayConfig(
        host=ib_host,
        port=ib_port,
        client_id=ib_client_id,
        account_id=ib_account or "",
        trading_mode="live" if ib_trading_mode == "live" else "paper",
    )
    if (
        options["backend"] == "ib"
        and ib_account
        and (options["default_account"] == DEFAULTS.default_account)
    ):
        # Orders without an account go to the IB account, not the simulator's default.
        options["default_account"] = ib_account
    if bool(tls_cert) != bool(tls_key) or (tls_client_ca and not tls_cert):
        raise click.UsageError("--tls-cert and --tls-key go together; --tls-client-ca needs them")
    tls = TlsFiles(tls_cert, tls_key or "", tls_client_ca or "") if tls_cert else None
    config = GatewayConfig(
        ib=ib, tls=tls, auth_file=auth_file or "", risk_file=risk_file or "", **options
    )
    postgres = is_postgres_url(config.db_path)
    if config.ha and not postgres:
        raise click.UsageError("--ha needs a PostgreSQL store: --db postgresql://...")
    if config.advertise and not config.ha:
        raise click.UsageError("--advertise is where a standby sends callers: it needs --ha")
    # PostgreSQL has its own lock per gateway id, taken by the store.
    lock = DatabaseLock(config.db_path)
    try:
        if config.publish:
            require_client()
        if config.db_path != ":memory:" and not postgres:
            lock.acquire()
        run_on_loop(_serve(config, loop_name), loop_name)
    except (
        BrokerConnectionError,
        ListenRefused,
        AuthFileError,
        RiskFileError,
        DatabaseLocked,
        StoreDriverMissing,
        LeadershipLost,
        PublishUnavailable,
    ) as exc:
        raise click.ClickException(str(exc)) from None
    except sqlite3.Error as exc:
        # A read-only database file, or one that is not SQLite.
        raise click.ClickException(f"cannot use --db {config.db_path}: {exc}") from None
    except Exception as exc:
        if postgres and _is_database_error(exc):
            raise click.ClickException(
                f"cannot use --db {redacted(config.db_path)}: {first_line(exc)}"
            ) from None
        raise
    except OSError as exc:
        raise click.ClickException(f"cannot start: {exc}") from None
    finally:
        lock.release()


def _loop_name(choice: str) -> str:
    try:
        name, _ = loop_factory(choice)
    except LoopUnavailable as exc:
        raise click.UsageError(str(exc)) from None
    return name


def _is_database_error(exc: Exception) -> bool:
    # Imported here: only a PostgreSQL store can have raised one.
    import psycopg

    from ibkr_gateway.store.pg_schema import SchemaTooNew

    return isinstance(exc, (psycopg.Error, SchemaTooNew))


def first_line(exc: Exception) -> str:
    return (str(exc) or type(exc).__name__).strip().splitlines()[0]


# Every option also from IBKR_GATEWAY_<OPTION> and from a TOML file given with --config.
with_config_file(serve, env_prefix="IBKR_GATEWAY_")


async def _serve(config: GatewayConfig, loop_name: str) -> None:
    log.info("running on the %s event loop", loop_name)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    if config.ha:
        # Imported only when wanted, like the PostgreSQL driver it needs.
        from ibkr_gateway.ha.runner import serve_ha

        await serve_ha(config, stopping)
        return
    server = GatewayServer(config)
    await server.start()
    await stopping.wait()
    await server.stop()


@main.command("tws-sim")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=4002,
    show_default=True,
    help="TWS API port (4002 is IB Gateway's paper port). 0 picks a free port.",
)
@click.option(
    "--account",
    default=DEFAULT_ACCOUNT,
    show_default=True,
    help="The managed account the simulator reports.",
)
@click.option(
    "--list-stock",
    "stocks",
    multiple=True,
    metavar="SYMBOL",
    help="A stock the simulator describes to reqContractDetails, besides its built-in "
    "ones (AAPL, MSFT, ...) and any symbol given a price. Repeatable.",
)
@click.option(
    "--hold",
    "held",
    multiple=True,
    metavar="SYMBOL:QUANTITY@COST",
    callback=_holdings,
    help="A position the account holds from the start, besides what is traded (e.g. "
    "AAPL:100@95.5; negative quantities are short). Repeatable.",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Log lines as text, or as JSON objects for log pipelines.",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
    default="INFO",
    show_default=True,
    help="Logging threshold.",
)
def tws_sim(
    host: str,
    port: int,
    account: str,
    stocks: tuple[str, ...],
    held: list[tuple[str, Decimal, Decimal]],
    log_level: str,
    log_format: str,
) -> None:
    """Run a fake IB Gateway (TWS API protocol, server version 178) in front of the
    simulated exchange, until SIGINT or SIGTERM."""
    configure_logging(log_level, log_format)
    asyncio.run(_tws_sim(host, port, account, stocks, held))


async def _tws_sim(
    host: str,
    port: int,
    account: str,
    stocks: tuple[str, ...],
    held: list[tuple[str, Decimal, Decimal]],
) -> None:
    simulator = TwsSimulator(account=account)
    for symbol in stocks:
        simulator.queries.contracts.add_stock(symbol)
    for symbol, quantity, cost in held:
        try:
            simulator.hold(symbol, quantity, cost)
        except KeyError:
            simulator.queries.contracts.add_stock(symbol)
            simulator.hold(symbol, quantity, cost)
    bound = await simulator.start(host, port)
    logging.getLogger("ibkr_gateway.sim.tws").info("tws-sim listening on %s:%d", host, bound)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    await stopping.wait()
    await simulator.stop()


if __name__ == "__main__":
    main()
