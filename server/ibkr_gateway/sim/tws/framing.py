"""The TWS socket framing and the text encoding of single fields.

A message is a 4-byte big-endian length followed by text fields, each ending in NUL.
The encoding rules are the ones `ib_async`'s decoder relies on: an integer field that
arrives as "0.0" makes `int()` fail and the whole message is dropped with one log line.
"""

from __future__ import annotations

import asyncio
import math
import struct
import sys
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

UNSET_INTEGER = 2**31 - 1
UNSET_DOUBLE = sys.float_info.max
_UNSET_TEXT = Decimal(repr(UNSET_DOUBLE))

# What a field may be given as when encoding. bool is listed for the reader's sake:
# it is an int subclass and must be tested first.
Field = str | bool | int | Decimal | float | None

_HEADER = struct.Struct(">I")
# Far above any real message (a placeOrder is ~1 kB); stops a corrupt length prefix
# from making the server wait for gigabytes.
MAX_MESSAGE_BYTES = 1 << 20
API_SIGN = b"API\0"


class ProtocolError(Exception):
    """A message that does not match the layout of its message id."""


def format_decimal(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"cannot encode {value} as a TWS field")
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def format_field(value: Field) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return "" if value == UNSET_INTEGER else str(value)
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, float):
        if value == UNSET_DOUBLE:
            return ""
        if value == math.inf:
            return "Infinite"
        # Through repr so that 187.25 prints as written and 100.0 as "100".
        return format_decimal(Decimal(repr(value)))
    return value


def encode_payload(fields: Sequence[Field]) -> bytes:
    return "".join(format_field(f) + "\0" for f in fields).encode()


def frame(payload: bytes) -> bytes:
    return _HEADER.pack(len(payload)) + payload


def encode_message(fields: Sequence[Field]) -> bytes:
    return frame(encode_payload(fields))


def split_fields(payload: bytes) -> list[str]:
    text = payload.decode(errors="backslashreplace")
    if not text.endswith("\0"):
        raise ProtocolError("message does not end with a NUL")
    return text[:-1].split("\0")


async def read_frame(reader: asyncio.StreamReader) -> bytes:
    (length,) = _HEADER.unpack(await reader.readexactly(_HEADER.size))
    if length > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message of {length} bytes is over the limit")
    return await reader.readexactly(length)


class FieldReader:
    """Reads one message's fields in order, by name, so that a missing or surplus
    field is reported with the name of the field where the layout went wrong."""

    def __init__(self, fields: Sequence[str], message: str, start: int = 1) -> None:
        self._fields = fields
        self._pos = start
        self.message = message
        self.last = "message id"

    @property
    def remaining(self) -> int:
        return len(self._fields) - self._pos

    def text(self, name: str) -> str:
        if self._pos >= len(self._fields):
            raise ProtocolError(
                f"{self.message}: field {name!r} is missing "
                f"(message has {len(self._fields)} fields)"
            )
        self._pos += 1
        self.last = name
        return self._fields[self._pos - 1]

    def integer(self, name: str, default: int = 0) -> int:
        text = self.text(name)
        if text == "":
            return default
        try:
            return int(text)
        except ValueError:
            raise ProtocolError(f"{self.message}: {name}={text!r} is not an integer") from None

    def decimal(self, name: str) -> Decimal | None:
        """Empty and IB's "unset" double read as None."""
        text = self.text(name)
        if text == "":
            return None
        if text == "Infinite":
            return Decimal("Infinity")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ProtocolError(f"{self.message}: {name}={text!r} is not a number") from None
        # ibapi writes some unset doubles as the shortest repr of the largest float,
        # a little below its exact value.
        return None if value >= _UNSET_TEXT else value

    def flag(self, name: str) -> bool:
        text = self.text(name)
        if text in ("", "0"):
            return False
        if text == "1":
            return True
        raise ProtocolError(f"{self.message}: {name}={text!r} is not a boolean")

    def skip(self, count: int, name: str) -> None:
        for i in range(count):
            self.text(f"{name}[{i}]")

    def finish(self) -> None:
        if self.remaining:
            extra = list(self._fields[self._pos : self._pos + 5])
            raise ProtocolError(
                f"{self.message}: {self.remaining} unexpected field(s) after {self.last!r}: {extra}"
            )
