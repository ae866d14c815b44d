"""One connection to NATS JetStream that publishes journal messages in a pipeline.

Ordering does not rest on the connection: every message names the stream sequence it must
follow (Nats-Expected-Last-Sequence), so JetStream refuses a message sent after a lost one
instead of storing it out of order, and refuses a second copy of one already stored (by
its Nats-Msg-Id within the duplicate window, by its expected sequence after it). Any
refusal, missing acknowledgement or lost connection ends the link; the publisher opens a
new one and asks the stream where it stands.

Imported only with --publish: it needs nats-py.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import api
from nats.js.errors import NotFoundError

from ibkr_gateway.publish.messages import (
    SEQUENCE_HEADER,
    TYPE_HEADER,
    JournalMessage,
    stream_name,
    stream_subjects,
)

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 2
API_TIMEOUT = 5.0
# Seconds the oldest message in flight may wait for its acknowledgement.
ACK_TIMEOUT = 5.0
# Messages in flight at once: enough to hide the round trip, few enough that a refused
# one wastes little.
WINDOW = 256
# JetStream's duplicate window (its default): a message re-sent within it is
# acknowledged as a duplicate; the expected last sequence refuses one re-sent later.
DUPLICATE_WINDOW = 120.0
# A dead server is noticed within PING_INTERVAL * (MAX_OUTSTANDING_PINGS + 1) when idle.
PING_INTERVAL = 5
MAX_OUTSTANDING_PINGS = 2
# Deleted messages at the end of the stream looked past to find where it stands.
MAX_DELETED_AT_END = 1000


class PublishFailed(Exception):
    """The link cannot go on; a new one may."""


class StreamMismatch(PublishFailed):
    """The stream is not one this gateway can publish its journal to, as it stands."""


@dataclass(frozen=True, slots=True)
class ResumePoint:
    # The stream's last sequence, which the next message must name as expected.
    stream_sequence: int
    # The journal sequence of that message; 0 when the stream holds none.
    journal_sequence: int
    # The last message of the journal found in the stream, to check it against the
    # journal; None when the stream holds none.
    last: StoredMessage | None = None


@dataclass(frozen=True, slots=True)
class StoredMessage:
    journal_sequence: int
    subject: str
    message_type: str
    payload: bytes


@dataclass(slots=True)
class _InFlight:
    journal_sequence: int
    stream_sequence: int
    sent_at: float


class JetStreamLink:
    def __init__(self, gateway_id: str, client: Client) -> None:
        self.gateway_id = gateway_id
        self.stream = stream_name(gateway_id)
        self._nc = client
        self._js = client.jetstream(timeout=API_TIMEOUT)
        self._inbox = ""
        self._inflight: collections.deque[_InFlight] = collections.deque()
        self._last_stream_sequence = 0
        self._last_sent = 0
        # Highest journal sequence JetStream acknowledged on this link.
        self.acked = 0
        self.failure: str | None = None
        self.failed = asyncio.Event()
        self._progress = asyncio.Event()
        self._watchdog: asyncio.Task[None] | None = None

    @classmethod
    async def connect(cls, servers: list[str], gateway_id: str) -> JetStreamLink:
        link: JetStreamLink | None = None

        async def lost() -> None:
            if link is not None:
                link._fail("connection to NATS lost")

        async def error(exc: Exception) -> None:
            log.debug("nats: %s", exc)

        client = await nats.connect(
            servers,
            name=f"ibkr-gateway {gateway_id}",
            allow_reconnect=False,
            connect_timeout=CONNECT_TIMEOUT,
            ping_interval=PING_INTERVAL,
            max_outstanding_pings=MAX_OUTSTANDING_PINGS,
            disconnected_cb=lost,
            closed_cb=lost,
            error_cb=error,
        )
        link = cls(gateway_id, client)
        return link

    async def ensure_stream(self) -> None:
        """Creates the gateway's stream, or checks that the one there has its subjects."""
        subjects = stream_subjects(self.gateway_id)
        try:
            info = await self._js.stream_info(self.stream)
        except NotFoundError:
            try:
                await self._js.add_stream(
                    name=self.stream,
                    subjects=[subjects],
                    storage=api.StorageType.FILE,
                    duplicate_window=DUPLICATE_WINDOW,
                )
            except nats.js.errors.BadRequestError as exc:
                raise StreamMismatch(
                    f"cannot create stream {self.stream} for {subjects}: {exc.description}"
                ) from None
            log.info("created JetStream stream %s for %s", self.stream, subjects)
            return
        if info.config.subjects != [subjects]:
            raise StreamMismatch(
                f"stream {self.stream} takes subjects {info.config.subjects}, not [{subjects!r}]"
            )

    async def resume_point(self) -> ResumePoint:
        """Where the stream stands. Its last message carries the journal sequence, and
        the stream's sequences follow the journal's one for one from there back."""
        state = (await self._js.stream_info(self.stream)).state
        if state.messages == 0:
            return ResumePoint(state.last_seq, 0)
        position = state.last_seq
        while position >= max(state.first_seq, state.last_seq - MAX_DELETED_AT_END):
            try:
                msg = await self._js.get_msg(self.stream, seq=position)
            except NotFoundError:
                position -= 1
                continue
            header = (msg.headers or {}).get(SEQUENCE_HEADER, "")
            if not header.isdigit():
                raise StreamMismatch(
                    f"message {position} of stream {self.stream} has no {SEQUENCE_HEADER} "
                    "header: something other than this gateway publishes to its subjects"
                )
            stored = StoredMessage(
                int(header),
                msg.subject or "",
                (msg.headers or {}).get(TYPE_HEADER, ""),
                msg.data or b"",
            )
            return ResumePoint(state.last_seq, int(header) + state.last_seq - position, stored)
        raise StreamMismatch(f"stream {self.stream} has no message of the journal near its end")

    async def start(self, point: ResumePoint) -> None:
        self._last_stream_sequence = point.stream_sequence
        self.acked = self._last_sent = point.journal_sequence
        self._inbox = self._nc.new_inbox()
        await self._nc.subscribe(f"{self._inbox}.*", cb=self._on_ack)
        self._watchdog = asyncio.get_running_loop().create_task(
            self._watch_acks(), name="jetstream-acks"
        )

    async def publish(self, message: JournalMessage) -> None:
        """Sends the message after the ones sent before it; returns once the window has
        room for the next. Raises PublishFailed once the link has failed."""
        while len(self._inflight) >= WINDOW and self.failure is None:
            self._progress.clear()
            await self._progress.wait()
        if self.failure is not None:
            raise PublishFailed(self.failure)
        if message.sequence != self._last_sent + 1:
            # The journal has no gap; a message out of turn is a bug, never published.
            self._fail(
                f"journal sequence {message.sequence} sent after {self._last_sent}: not in turn"
            )
            raise PublishFailed(self.failure)
        self._last_sent = message.sequence
        expected_last = self._last_stream_sequence
        self._last_stream_sequence += 1
        self._inflight.append(
            _InFlight(
                message.sequence,
                self._last_stream_sequence,
                asyncio.get_running_loop().time(),
            )
        )
        try:
            await self._nc.publish(
                message.subject,
                message.payload,
                reply=f"{self._inbox}.{message.sequence}",
                headers=message.headers(self.gateway_id, expected_last),
            )
        except Exception as exc:
            self._fail(f"cannot send to NATS: {exc or type(exc).__name__}")
            raise PublishFailed(self.failure) from None

    @property
    def in_flight(self) -> int:
        return len(self._inflight)

    async def _on_ack(self, msg: Msg) -> None:
        if self.failure is not None:
            return
        token = msg.subject.rsplit(".", 1)[-1]
        if not self._inflight or str(self._inflight[0].journal_sequence) != token:
            self._fail(f"acknowledgement of journal sequence {token} out of order")
            return
        head = self._inflight[0]
        try:
            answer: dict[str, Any] = json.loads(msg.data)
        except ValueError:
            status = (msg.headers or {}).get("Status", "")
            self._fail(f"no JetStream answer for {self.stream} (status {status or 'none'})")
            return
        error = answer.get("error")
        if error is not None:
            description = error.get("description", error) if isinstance(error, dict) else error
            self._fail(f"JetStream refused journal sequence {token}: {description}")
            return
        if answer.get("stream") != self.stream or answer.get("seq") != head.stream_sequence:
            self._fail(
                f"journal sequence {token} stored as {answer.get('stream')}:"
                f"{answer.get('seq')}, not {self.stream}:{head.stream_sequence}"
            )
            return
        self._inflight.popleft()
        self.acked = head.journal_sequence
        self._progress.set()

    async def _watch_acks(self) -> None:
        loop = asyncio.get_running_loop()
        while self.failure is None:
            await asyncio.sleep(ACK_TIMEOUT / 5)
            if self._inflight and loop.time() - self._inflight[0].sent_at > ACK_TIMEOUT:
                self._fail(
                    f"journal sequence {self._inflight[0].journal_sequence} not "
                    f"acknowledged within {ACK_TIMEOUT:.0f} s"
                )

    def _fail(self, reason: str) -> None:
        if self.failure is None:
            self.failure = reason
            self.failed.set()
            self._progress.set()

    async def close(self) -> None:
        self._fail("link closed")
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
        with contextlib.suppress(Exception):
            # A server that vanished mid-flush must not hold the publisher up.
            await asyncio.wait_for(self._nc.close(), CONNECT_TIMEOUT)
