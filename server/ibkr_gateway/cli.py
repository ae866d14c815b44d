"""Command line: `ibkr-gateway serve`."""

from __future__ import annotations

import asyncio
import logging
import signal

import click

from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer

DEFAULTS = GatewayConfig()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ibkr-gateway")
def main() -> None:
    """Order gateway for Interactive Brokers: one gRPC contract, durable, resumable streams."""


@main.command()
@click.option(
    "--listen",
    default=DEFAULTS.listen,
    show_default=True,
    help="host:port to serve gRPC on. Port 0 picks a free port.",
)
@click.option(
    "--backend",
    type=click.Choice(["sim"]),
    default=DEFAULTS.backend,
    show_default=True,
    help="Where orders go: 'sim' is the built-in deterministic simulated exchange.",
)
@click.option(
    "--db",
    "db_path",
    default=DEFAULTS.db_path,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="SQLite file holding orders, fills and the event journal (created if missing).",
)
@click.option(
    "--account",
    "default_account",
    default=DEFAULTS.default_account,
    show_default=True,
    help="Account used when a request leaves it empty.",
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
    "--shutdown-grace",
    type=click.FloatRange(0, 600),
    default=DEFAULTS.shutdown_grace,
    show_default=True,
    help="Seconds calls in flight get to finish on SIGTERM/SIGINT.",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
    default="INFO",
    show_default=True,
    help="Logging threshold.",
)
def serve(log_level: str, **options: object) -> None:
    """Run the gateway until SIGINT or SIGTERM."""
    logging.basicConfig(
        level=log_level,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    config = GatewayConfig(**options)  # type: ignore[arg-type]
    asyncio.run(_serve(config))


async def _serve(config: GatewayConfig) -> None:
    server = GatewayServer(config)
    await server.start()
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    await stopping.wait()
    await server.stop()


if __name__ == "__main__":
    main()
