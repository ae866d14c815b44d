"""The pacer towards IB: a message goes at once when nothing waits and the window has
room; never more than `rate` in any window; first in, first out; nothing sent while
the connection is down, and nothing lost."""

from __future__ import annotations

import asyncio
import time

from ibkr_gateway.ib.pacing import Pacer


class Wire:
    """A connection that takes messages while up and refuses them while down."""

    def __init__(self) -> None:
        self.up = True
        self.sent: list[tuple[str, float]] = []
        self.arrived = asyncio.Event()

    def send(self, label: str) -> bool:
        if not self.up:
            return False
        self.sent.append((label, time.monotonic()))
        self.arrived.set()
        return True

    @property
    def labels(self) -> list[str]:
        return [label for label, _ in self.sent]


def submit(pacer: Pacer, wire: Wire, label: str) -> None:
    pacer.submit(label, lambda: wire.send(label))


async def test_a_message_with_room_in_the_window_is_sent_before_submit_returns() -> None:
    pacer = Pacer(rate=5)
    wire = Wire()
    pacer.resume()
    try:
        for n in range(5):
            submit(pacer, wire, f"m{n}")
            # No turn of the loop in between: sent within the call.
            assert wire.labels == [f"m{i}" for i in range(n + 1)]
        assert pacer.depth == 0
        assert pacer.sent_total == 5
    finally:
        await pacer.close()


async def test_over_the_rate_messages_wait_their_window_in_order() -> None:
    pacer = Pacer(rate=3, window=0.2)
    wire = Wire()
    pacer.resume()
    try:
        for n in range(7):
            submit(pacer, wire, f"m{n}")
        assert wire.labels == ["m0", "m1", "m2"]
        assert pacer.depth == 4
        async with asyncio.timeout(5):
            await pacer.drained()
        assert wire.labels == [f"m{n}" for n in range(7)]
        times = [t for _, t in wire.sent]
        for first, fourth in zip(times, times[3:], strict=False):
            assert fourth - first >= 0.2 - 0.01
    finally:
        await pacer.close()


async def test_a_message_behind_others_waits_its_turn_even_with_room() -> None:
    pacer = Pacer(rate=10)
    wire = Wire()
    submit(pacer, wire, "queued while down")
    pacer.resume()
    submit(pacer, wire, "next")
    # The first still waits for the pacer's turn; the second must not overtake it.
    assert wire.labels == []
    try:
        async with asyncio.timeout(5):
            await pacer.drained()
        assert wire.labels == ["queued while down", "next"]
    finally:
        await pacer.close()


async def test_nothing_is_sent_while_down_and_nothing_lost_when_found_down() -> None:
    pacer = Pacer(rate=10)
    wire = Wire()
    pacer.resume()
    wire.up = False
    try:
        # The connection is found down by the send itself: the message stays.
        submit(pacer, wire, "a")
        submit(pacer, wire, "b")
        assert pacer.depth == 2
        for _ in range(20):
            await asyncio.sleep(0)
        assert wire.labels == []
        wire.up = True
        pacer.resume()
        async with asyncio.timeout(5):
            await pacer.drained()
        assert wire.labels == ["a", "b"]
    finally:
        await pacer.close()


async def test_a_message_that_fails_to_send_is_dropped_and_the_rest_go_on() -> None:
    pacer = Pacer(rate=10)
    wire = Wire()
    pacer.resume()

    def broken() -> bool:
        raise RuntimeError("encoding failed")

    try:
        pacer.submit("broken", broken)
        submit(pacer, wire, "after")
        assert wire.labels == ["after"]
        assert pacer.depth == 0
    finally:
        await pacer.close()
