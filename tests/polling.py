"""Awaiting a condition that offers no event to wait on (health read over gRPC, a NATS
stream's state), with a deadline rather than a fixed sleep."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


async def until(
    condition: Callable[[], Awaitable[bool]], within: float = 10.0, what: str = "the condition"
) -> None:
    """Returns once `condition()` is true, checked every 10 ms; fails after `within` s."""
    try:
        async with asyncio.timeout(within):
            while not await condition():  # noqa: ASYNC110
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"{what} did not come within {within} s") from None
