"""One client connection: handshake, startApi, then requests until the socket closes.

The session owns the socket and the wire format; what a request does is decided by
the simulator (`SessionHost.handle`), which answers through `send`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Protocol

from ibkr_gateway.sim.tws import outgoing
from ibkr_gateway.sim.tws.framing import (
    API_SIGN,
    ProtocolError,
    encode_message,
    read_frame,
    split_fields,
)
from ibkr_gateway.sim.tws.incoming import (
    PLACE_ORDER,
    Request,
    StartApi,
    message_id,
    parse_request,
)
from ibkr_gateway.sim.tws.outgoing import MIN_SERVER_VERSION, SERVER_VERSION, Kind, Out

log = logging.getLogger(__name__)

DUPLICATE_CLIENT_TEXT = (
    "Unable to connect as the client id is already in use. Retry with a unique client id."
)


class SessionHost(Protocol):
    account: str
    duplicate_status: bool

    def attach(self, session: ClientSession) -> bool:
        """Registers the session under its client id; False if the id is taken."""
        ...

    def detach(self, session: ClientSession) -> None: ...

    def next_valid_id(self) -> int: ...

    def handle(self, session: ClientSession, request: Request) -> None: ...


class UnsupportedVersion(ProtocolError):
    """The client's offer has no version in common with the simulator."""


def negotiate(hello: str) -> int:
    """The client offers "v<min>..<max>", or a single "v<version>"; connect options may
    follow after a space. The answer is min(max, 178), as TWS answers min(client max,
    its own max).

    178 is also the lowest version the simulator speaks: execDetails carries
    pendingPriceRevision only from 178, openOrder and completedOrder carry faProfile
    below 177, and placeOrder is walked at 178's layout. Answering a lower version would
    mean sending fields the client reads from the wrong position, so such a client is
    refused (`UnsupportedVersion`) instead."""
    offer = hello.split(" ", 1)[0]
    low, _, high = offer.removeprefix("v").partition("..")
    try:
        if not offer.startswith("v"):
            raise ValueError(offer)
        lowest, highest = int(low), int(high or low)
    except ValueError:
        raise UnsupportedVersion(f"unreadable version offer {hello!r}") from None
    version = min(highest, SERVER_VERSION)
    if version < max(lowest, MIN_SERVER_VERSION):
        spoken = f"v{MIN_SERVER_VERSION}..{SERVER_VERSION}"
        if MIN_SERVER_VERSION == SERVER_VERSION:
            spoken = f"v{SERVER_VERSION} only"
        raise UnsupportedVersion(f"the client offers {offer}; the server speaks {spoken}")
    return version


class ClientSession:
    def __init__(
        self, host: SessionHost, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self._host = host
        self._reader = reader
        self._writer = writer
        self.client_id: int | None = None
        self.closed = False
        peer = writer.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)

    def __repr__(self) -> str:
        return f"<ClientSession client_id={self.client_id} peer={self.peer}>"

    async def run(self) -> None:
        try:
            await self._handshake()
            while not self.closed:
                self._on_message(split_fields(await read_frame(self._reader)))
        except (asyncio.IncompleteReadError, ConnectionError):
            log.info("tws-sim: %r disconnected", self)
        except ProtocolError as exc:
            log.error("tws-sim: closing %r: %s", self, exc)
        finally:
            self.close()

    def send(self, messages: Iterable[Out]) -> None:
        if self.closed or self._writer.is_closing():
            return
        for message in messages:
            data = message.encode()
            self._writer.write(data)
            if message.kind is Kind.ORDER_STATUS and self._host.duplicate_status:
                self._writer.write(data)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._host.detach(self)
            self._writer.close()

    def abort(self) -> None:
        """Drops the connection without a FIN, as a crashed or cut-off TWS would."""
        if not self.closed:
            self.closed = True
            self._host.detach(self)
            self._writer.transport.abort()

    async def _handshake(self) -> None:
        # Read one byte first: a client older than the v100 handshake sends its version
        # as a bare "63\0" and waits, so waiting for four bytes would hang both sides.
        first = await self._reader.readexactly(1)
        if first != API_SIGN[:1]:
            legacy = first
            with contextlib.suppress(TimeoutError):
                legacy += await asyncio.wait_for(self._reader.read(16), 0.1)
            # Nothing is sent: such a client reads unframed fields, not an error message.
            raise UnsupportedVersion(
                f"connection does not start with API\\0 but {legacy!r}: the pre-v100 "
                "handshake is not spoken"
            )
        sign = first + await self._reader.readexactly(len(API_SIGN) - 1)
        if sign != API_SIGN:
            raise ProtocolError(f"connection does not start with API\\0 but {sign!r}")
        hello = (await read_frame(self._reader)).decode(errors="replace")
        try:
            version = negotiate(hello)
        except UnsupportedVersion as exc:
            # What TWS does too: an error the client can show, then the socket closes.
            text = f"{outgoing.UNSUPPORTED_VERSION_TEXT}: {exc}"
            error = outgoing.error(outgoing.NO_REQUEST_ID, outgoing.UNSUPPORTED_VERSION, text)
            self._writer.write(error.encode())
            raise
        now = datetime.now(UTC).strftime("%Y%m%d %H:%M:%S UTC")
        self._writer.write(encode_message((str(version), now)))

    def _on_message(self, fields: list[str]) -> None:
        try:
            request = parse_request(fields)
        except ProtocolError as exc:
            self._reject_unreadable(fields, exc)
            return
        if isinstance(request, StartApi):
            self._start_api(request)
        elif self.client_id is None:
            log.warning("tws-sim: %r sent %s before startApi; ignored", self, fields[:2])
        else:
            self._host.handle(self, request)

    def _start_api(self, request: StartApi) -> None:
        if self.client_id is not None:
            log.warning("tws-sim: %r sent startApi twice; ignored", self)
            return
        self.client_id = request.client_id
        if not self._host.attach(self):
            log.warning("tws-sim: client id %s is already connected", request.client_id)
            error = outgoing.error(
                outgoing.NO_REQUEST_ID, outgoing.DUPLICATE_CLIENT_ID, DUPLICATE_CLIENT_TEXT
            )
            self.send([error])
            self.client_id = None
            self.closed = True
            self._writer.close()
            return
        log.info("tws-sim: client id %s connected from %s", request.client_id, self.peer)
        self.send(
            [
                outgoing.managed_accounts([self._host.account]),
                outgoing.next_valid_id(self._host.next_valid_id()),
            ]
        )

    def _reject_unreadable(self, fields: list[str], exc: ProtocolError) -> None:
        """Answers with error 320 (IB's "error reading request"); for a placeOrder the
        order id is used so that the client's order ends instead of hanging."""
        log.error("tws-sim: %r: %s", self, exc)
        req_id = outgoing.NO_REQUEST_ID
        try:
            if message_id(fields) == PLACE_ORDER:
                req_id = int(fields[1])
        except (ProtocolError, IndexError, ValueError):
            pass
        text = f"Server error when reading an API client request: {exc}"
        self.send([outgoing.error(req_id, outgoing.READ_ERROR, text)])
