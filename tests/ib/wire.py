"""Helpers that put ib_async's own encoder and decoder next to the simulator's.

`decode` runs a message through `ib_async.decoder.Decoder` with a wrapper that records
calls, and returns the calls and every log record ib_async emitted while decoding
(the decoder drops a message it cannot read with a single log line, nothing else).
`decode_ibapi` does the same with IB's own client (`ibapi`), whose decoder raises or
logs instead.
`requests_from` captures the fields `ib_async.client.Client` would put on the wire.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC
from types import SimpleNamespace
from typing import Any, cast

from ib_async.client import Client
from ib_async.decoder import Decoder
from ibapi.decoder import Decoder as IbapiDecoder

from ibkr_gateway.sim.tws.framing import split_fields
from ibkr_gateway.sim.tws.outgoing import SERVER_VERSION, Out

Call = tuple[str, tuple[Any, ...]]


class RecordingWrapper:
    """Stands in for ib_async.wrapper.Wrapper: every handler call is recorded."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.defaultTimezone = UTC
        self.ib = SimpleNamespace(TimezoneTWS="")

    def __getattr__(self, name: str) -> Callable[..., None]:
        if name.startswith("__"):
            raise AttributeError(name)

        def record(*args: Any) -> None:
            self.calls.append((name, args))

        return record


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def ib_async_logs(*, propagate: bool = True) -> Iterator[list[logging.LogRecord]]:
    """Collects ib_async's log records at WARNING and above."""
    logger = logging.getLogger("ib_async")
    handler = ListHandler()
    handler.setLevel(logging.WARNING)
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = propagate
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


def wire_fields(message: Out) -> list[str]:
    """The fields as ib_async's client splits them off the socket."""
    return split_fields(message.encode()[4:])


def decode(fields: list[str], *, quiet: bool = False) -> tuple[list[Call], list[str]]:
    """Decodes one message; returns (wrapper calls, ib_async warnings and errors).
    quiet=True keeps expected errors away from pytest's log capture."""
    wrapper = RecordingWrapper()
    # ib_async's decoder and client are partly unannotated: used through Any.
    decoder: Any = Decoder(cast(Any, wrapper), SERVER_VERSION)
    with ib_async_logs(propagate=not quiet) as records:
        decoder.interpret(list(fields))
    return wrapper.calls, [r.getMessage() for r in records]


def decode_ibapi(fields: list[str]) -> tuple[list[Call], list[str]]:
    """Decodes one message as `ibapi.client.EClient.run` does (the message id apart,
    the rest as bytes); returns (wrapper calls, exceptions and ibapi log records at
    WARNING and above)."""
    wrapper = RecordingWrapper()
    decoder: Any = IbapiDecoder(wrapper, SERVER_VERSION)
    logger = logging.getLogger("ibapi")
    handler = ListHandler()
    handler.setLevel(logging.WARNING)
    logger.addHandler(handler)
    problems: list[str] = []
    try:
        decoder.interpret([f.encode() for f in fields[1:]], int(fields[0]))
    except Exception as exc:  # whatever the decoder raises is the finding
        problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        logger.removeHandler(handler)
    return wrapper.calls, problems + [r.getMessage() for r in handler.records]


def decode_one(message: Out) -> tuple[str, tuple[Any, ...]]:
    """Decodes cleanly into exactly one wrapper call, or fails the test."""
    calls, problems = decode(wire_fields(message))
    assert problems == [], problems
    assert len(calls) == 1, calls
    return calls[0]


def assert_no_surplus(message: Out) -> None:
    """For layouts the decoder unpacks strictly: with the last field removed decoding
    fails, so the message carries no field the decoder would silently ignore."""
    fields = wire_fields(message)
    _, problems = decode(fields[:-1], quiet=True)
    assert problems, f"message {fields[0]} still decodes without its last field"


def capture_client() -> tuple[Any, list[list[str]]]:
    """An ib_async Client that believes it is connected at server version 178 and
    hands every request's fields to the returned list instead of a socket."""
    sent: list[list[str]] = []
    client: Any = cast(Any, Client)(RecordingWrapper())
    client.connState = Client.CONNECTED
    client._serverVersion = SERVER_VERSION
    client.sendMsg = lambda payload: sent.append(split_fields(payload.encode()))
    return client, sent


class FrameTap:
    """Splits the raw bytes a client receives back into messages (first: handshake)."""

    def __init__(self) -> None:
        self._buffer = b""
        self.frames: list[list[str]] = []

    def feed(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= 4:
            (length,) = struct.unpack(">I", self._buffer[:4])
            if len(self._buffer) < 4 + length:
                return
            self.frames.append(split_fields(self._buffer[4 : 4 + length]))
            self._buffer = self._buffer[4 + length :]

    def messages(self, *ids: int) -> list[list[str]]:
        """Messages after the handshake reply, optionally only those with these ids."""
        return [f for f in self.frames[1:] if not ids or int(f[0]) in ids]
