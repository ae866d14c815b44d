"""Publishes the journal to NATS JetStream, in sequence order, off the order path.

The publisher follows the journal as the API's streams do: it reads what it has not sent
from the store a page at a time, then takes the bus's events as they are published, in
turns behind the calls in flight. Trading never waits for it, and an outage of NATS costs
nothing but lag. Where publishing stopped is
read from the stream itself on every (re)connection: the last message there carries its
journal sequence, and JetStream acknowledged it only once stored. That record cannot
disagree with what the stream holds, which a separate one could (a stream restored from
an older backup, a message lost by NATS after its acknowledgement): the stream then
receives again exactly what it lacks.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ibkr_gateway.event.bus import EventBus, SubscriptionClosed, SubscriptionOverflow
from ibkr_gateway.publish.messages import (
    GATEWAY_ID_RE,
    journal_message,
    same_event,
    stream_name,
)
from ibkr_gateway.rpc.loop_share import LoopShare
from ibkr_gateway.rpc.streams import Heartbeat, follow_events
from ibkr_gateway.store.base import OrderStore

if TYPE_CHECKING:
    from ibkr_gateway.publish.jetstream import JetStreamLink, ResumePoint

log = logging.getLogger(__name__)

# Seconds between checks of the connection while no event comes.
IDLE_CHECK = 1.0
# Events the publisher may fall behind the bus before it reads the journal instead.
FOLLOW_BUFFER = 10_000
RETRY_INITIAL_DELAY = 0.05
RETRY_MAX_DELAY = 1.0
URL_SCHEMES = ("nats", "tls")


class PublishUnavailable(Exception):
    """--publish cannot be used as given."""


def parse_servers(value: str) -> list[str]:
    """`nats://host:port`, or several separated by commas (a cluster)."""
    servers = [part.strip() for part in value.split(",") if part.strip()]
    if not servers:
        raise ValueError("expected nats://host:port")
    for server in servers:
        parts = urlsplit(server)
        try:
            port = parts.port
        except ValueError:
            port = None
        if parts.scheme not in URL_SCHEMES or not parts.hostname or port is None:
            raise ValueError(f"expected nats://host:port (or tls://host:port), got {server!r}")
    return servers


def check_gateway_id(value: str) -> str:
    if not GATEWAY_ID_RE.fullmatch(value):
        raise ValueError(f"1 to 32 letters, digits, _ or -, got {value!r}")
    return value


def require_client() -> None:
    try:
        importlib.import_module("nats")
    except ImportError:
        raise PublishUnavailable(
            "--publish needs the nats-py package: pip install 'ibkr-gateway[nats]'"
        ) from None


class JournalPublisher:
    def __init__(
        self,
        servers: list[str],
        gateway_id: str,
        store: OrderStore,
        bus: EventBus,
        share: LoopShare,
        on_state: Callable[[bool], None] = lambda up: None,
    ) -> None:
        require_client()
        self.servers = servers
        self.gateway_id = check_gateway_id(gateway_id)
        self.stream = stream_name(gateway_id)
        self._store = store
        self._bus = bus
        self._share = share
        self._on_state = on_state
        # Highest journal sequence the stream is known to hold; 0 until first read.
        self._acked = 0
        self._link: JetStreamLink | None = None
        self.up = False
        self.problem: str | None = "not connected yet"
        self._task: asyncio.Task[None] | None = None

    @property
    def acked(self) -> int:
        """Highest journal sequence the stream is known to hold; 0 until first read."""
        return self._link.acked if self._link is not None else self._acked

    @property
    def lag(self) -> int:
        """Journaled events the stream is not known to hold."""
        return max(0, self._bus.last_sequence - self.acked)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="journal-publish")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        # Here, not at the top: nats-py is needed only with --publish.
        from ibkr_gateway.publish import jetstream

        delay = RETRY_INITIAL_DELAY
        while True:
            link: JetStreamLink | None = None
            acked_before = self.acked
            try:
                link = await jetstream.JetStreamLink.connect(self.servers, self.gateway_id)
                await link.ensure_stream()
                point = await link.resume_point()
                head = self._bus.last_sequence
                await self._check_same_journal(point)
                await link.start(point)
                self._acked = point.journal_sequence
                self._link = link
                self._set_up(True, None)
                log.info(
                    "publishing the journal to stream %s after sequence %d (journal at %d)",
                    self.stream,
                    self.acked,
                    head,
                )
                await self._follow(link)
            except SubscriptionClosed:
                # The gateway is stopping: what is left goes at the next start.
                return
            except Exception as exc:
                self._set_up(False, _reason(exc))
            finally:
                if link is not None:
                    self._acked = self.acked
                    self._link = None
                    await link.close()
            if self.acked > acked_before:
                delay = RETRY_INITIAL_DELAY
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_DELAY)

    async def _check_same_journal(self, point: ResumePoint) -> None:
        """Refuses to extend a stream whose last message is not this journal's event:
        two stores publishing under one gateway id would interleave their journals."""
        from ibkr_gateway.publish.jetstream import StreamMismatch

        last = point.last
        if last is None:
            return
        head = self._bus.last_sequence
        page = await self._store.read_journal(last.journal_sequence - 1, 1)
        if point.journal_sequence > head or not page:
            raise StreamMismatch(
                f"stream {self.stream} holds journal sequence {point.journal_sequence}, "
                f"beyond this journal's last, {head}: another store published under "
                f"gateway id {self.gateway_id!r}"
            )
        ours = journal_message(page[0].event(), self.gateway_id)
        if not same_event(ours, last.subject, last.message_type, last.payload):
            raise StreamMismatch(
                f"stream {self.stream} holds another journal's event at sequence "
                f"{last.journal_sequence}: another store published under gateway id "
                f"{self.gateway_id!r}"
            )

    async def _follow(self, link: JetStreamLink) -> None:
        """Sends every event after what the stream holds, in order: the journal read a
        page at a time up to the bus, then the bus's events as they are published (the
        feed the API's streams use). Falling too far behind the bus only means reading
        the journal again."""
        from ibkr_gateway.publish.jetstream import PublishFailed

        cursor = link.acked
        while True:
            try:
                async for item in follow_events(
                    self._store,
                    self._bus,
                    after_sequence=cursor,
                    accepts=None,
                    heartbeat_interval=IDLE_CHECK,
                    share=self._share,
                    buffer_capacity=FOLLOW_BUFFER,
                ):
                    if link.failure is not None:
                        raise PublishFailed(link.failure)
                    if isinstance(item, Heartbeat):
                        continue
                    # Behind calls in flight, like a replaying stream.
                    await self._share.turn()
                    await link.publish(journal_message(item.event, self.gateway_id))
                    cursor = item.event.sequence
            except SubscriptionOverflow:
                continue

    def _set_up(self, up: bool, problem: str | None) -> None:
        if up == self.up and problem == self.problem:
            return
        if not up and problem != self.problem:
            log.warning(
                "not publishing to NATS (%s): %d journal events behind; trading goes on",
                problem,
                self.lag,
            )
        self.up, self.problem = up, problem
        self._on_state(up)


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__
