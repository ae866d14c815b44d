"""AIP-158 page tokens: opaque, bound to the filters they were issued for."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import TypeVar

from ibkr_gateway.errors import InvalidArgument

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def page_size(requested: int) -> int:
    if requested < 0:
        raise InvalidArgument.single("page_size", "must not be negative")
    if requested == 0:
        return DEFAULT_PAGE_SIZE
    return min(requested, MAX_PAGE_SIZE)


def _filter_digest(filters: object) -> str:
    return hashlib.sha256(repr(filters).encode()).hexdigest()[:16]


def encode_token(position: int, filters: object) -> str:
    raw = json.dumps({"p": position, "f": _filter_digest(filters)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, filters: object) -> int:
    """The position after which the next page starts; 0 for the first page."""
    if not token:
        return 0
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        position = int(data["p"])
        digest = str(data["f"])
        if not 0 <= position < 2**63:
            raise ValueError("position out of range")
    except (ValueError, KeyError, TypeError, OverflowError) as exc:
        raise InvalidArgument.single("page_token", "is not a token this server issued") from exc
    if digest != _filter_digest(filters):
        raise InvalidArgument.single("page_token", "was issued for different filters")
    return position


def page(
    fetch: Callable[[int, int], Sequence[T]],
    page_size_requested: int,
    token: str,
    filters: object,
    position_of: Callable[[T], int],
) -> tuple[list[T], str]:
    """One page of `fetch(after, limit)` and the token of the next (empty on the last).
    One item more than the page is read to know whether another page follows."""
    size = page_size(page_size_requested)
    items = list(fetch(decode_token(token, filters), size + 1))
    if len(items) <= size:
        return items, ""
    items = items[:size]
    return items, encode_token(position_of(items[-1]), filters)
