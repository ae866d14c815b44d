"""`watch`: orders and fills as they happen, resuming by sequence after a dropped connection."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import click
from rich.live import Live

from ibkr_gateway.console.blotter import Blotter, event_line
from ibkr_gateway.console.connection import Connection, gateway_options
from ibkr_gateway.console.output import console, echo_json
from ibkr_gateway_client import AsyncGatewayClient, OrderEvent


class _Notices(logging.Handler):
    """The client's stream log (dropped, resuming after N) as notices, each once in a row:
    a gateway that stays away would otherwise repeat the same line at every retry."""

    def __init__(self, notify: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self.notify = notify
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message != self.last:
            self.last = message
            self.notify(message)


@contextlib.contextmanager
def _stream_notices(notify: Callable[[str], None]) -> Iterator[_Notices]:
    logger = logging.getLogger("ibkr_gateway_client.streams")
    handler = _Notices(notify)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@dataclass(frozen=True, slots=True)
class Follow:
    account: str
    order_id: str
    after_sequence: int
    heartbeat_interval: float
    max_events: int | None
    duration: float | None


async def _follow(
    client: AsyncGatewayClient, show: Callable[[OrderEvent, int], None], follow: Follow
) -> None:
    """Shows events until max_events, duration, SIGINT or SIGTERM, whichever comes first."""
    stream = client.order_events(
        after_sequence=follow.after_sequence,
        account=follow.account,
        order_id=follow.order_id,
        heartbeat_interval=follow.heartbeat_interval,
    )

    async def consume() -> None:
        seen = 0
        async for event in stream:
            show(event, stream.reconnects)
            seen += 1
            if follow.max_events is not None and seen >= follow.max_events:
                return

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    consumer = asyncio.create_task(consume())
    stopper = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait(
            {consumer, stopper}, timeout=follow.duration, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        for task in (consumer, stopper):
            task.cancel()
        await asyncio.wait({consumer, stopper})
    error = None if consumer.cancelled() else consumer.exception()
    if error is not None:
        # Failures the stream does not resume from (PERMISSION_DENIED, ...): exit with them.
        raise error


@click.command()
@click.option("--account", default="", help="Only this account's orders.")
@click.option("--order-id", default="", help="Only this order.")
@click.option(
    "--after-sequence",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Replay the journal after this sequence, then follow live; 0 replays all of it.",
)
@click.option("--max-events", type=click.IntRange(1), help="Stop after this many events.")
@click.option(
    "--duration", type=click.FloatRange(0, min_open=True), help="Stop after this many seconds."
)
@click.option(
    "--rows", type=click.IntRange(1), default=20, show_default=True, help="Orders and fills shown."
)
@click.option(
    "--heartbeat-interval",
    type=click.FloatRange(0.1, 3600),
    default=5.0,
    show_default=True,
    help="Seconds between the gateway's heartbeats on a quiet stream; a stream silent for "
    "three of them is taken as dead and resumed.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per event, a line each.")
@gateway_options
def watch(
    connection: Connection,
    account: str,
    order_id: str,
    after_sequence: int,
    max_events: int | None,
    duration: float | None,
    rows: int,
    heartbeat_interval: float,
    as_json: bool,
) -> None:
    """Follow orders and fills live. On a terminal: a table of the latest orders and fills;
    piped: a line per event. A dropped connection is resumed after the last sequence seen,
    so no event is missed or shown twice. Stops on Ctrl-C, SIGTERM, --max-events or
    --duration, with exit code 0."""
    follow = Follow(account, order_id, after_sequence, heartbeat_interval, max_events, duration)
    out = console()
    lines = as_json or not out.is_terminal
    blotter = Blotter(rows, source=connection.target)

    def notify(message: str) -> None:
        if lines:
            click.echo(f"watch: {message}", err=True)
        else:
            blotter.notice = message

    with _stream_notices(notify) as notices:

        def show(event: OrderEvent, reconnects: int) -> None:
            # Events flow again: the next drop is news.
            notices.last = blotter.notice = ""
            if as_json:
                echo_json(event, compact=True)
            elif lines:
                click.echo(event_line(event))
            else:
                blotter.apply(event, reconnects)

        if lines:
            connection.run(lambda client: _follow(client, show, follow))
            return
        with Live(console=out, get_renderable=blotter.render, refresh_per_second=4):
            connection.run(lambda client: _follow(client, show, follow))
