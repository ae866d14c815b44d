"""LoopShare: a bounded number of steps per turn of the loop, in the order asked; while
calls are in flight, at most one batch per pause; straight on once calls end."""

from __future__ import annotations

import asyncio
import collections

import pytest

from ibkr_gateway.rpc.loop_share import LoopShare
from ibkr_gateway.rpc.streams import LIVE_PAUSE_WHILE_CALLS, live_share


class TurnCounter:
    """Counts turns of the running loop: its callback runs once in each."""

    def __init__(self) -> None:
        self.turn = 0
        self._handle = asyncio.get_running_loop().call_soon(self._tick)

    def _tick(self) -> None:
        self.turn += 1
        self._handle = asyncio.get_running_loop().call_soon(self._tick)

    def stop(self) -> None:
        self._handle.cancel()


async def test_at_most_per_turn_steps_a_turn_taken_in_the_order_asked() -> None:
    share = LoopShare(per_turn=2, pause_while_calls=1.0)
    counter = TurnCounter()
    steps: list[tuple[int, int]] = []

    async def walker(n: int) -> None:
        for _ in range(5):
            await share.turn()
            steps.append((counter.turn, n))
            await asyncio.sleep(0)  # the step itself: done within its turn

    await asyncio.gather(*(walker(n) for n in range(6)))
    counter.stop()
    per_turn = collections.Counter(turn for turn, _ in steps)
    assert len(steps) == 30
    assert max(per_turn.values()) == 2
    # Round robin: every walker takes its k-th step before any takes its (k+1)-th.
    order = [n for _, n in steps]
    assert order == list(range(6)) * 5


def assert_at_most_per_window(granted: list[float], per_window: int, window: float) -> None:
    """No `window` seconds hold more than `per_window` of the grant times."""
    times = sorted(granted)
    for first, next_batch in zip(times, times[per_window:], strict=False):
        # A timer may run a hair early; never by a measurable part of a window.
        assert next_batch - first >= window - 1e-3, (first, next_batch)


async def test_while_calls_go_on_at_most_a_batch_per_pause_then_all_at_once() -> None:
    loop = asyncio.get_running_loop()
    share = LoopShare(per_turn=2, pause_while_calls=0.05)
    granted: list[float] = []
    six = asyncio.Event()

    async def walker() -> None:
        for _ in range(6):
            await share.turn()
            granted.append(loop.time())
            if len(granted) == 6:
                six.set()

    share.call_started()
    walkers = [asyncio.create_task(walker()) for _ in range(3)]
    async with asyncio.timeout(2):
        await six.wait()
    share.call_ended()
    async with asyncio.timeout(2):
        await asyncio.gather(*walkers)
    assert len(granted) == 18
    # Three windows held the first six, two apiece: slowly, but on.
    assert_at_most_per_window(granted[:6], 2, 0.05)


async def test_live_streams_take_at_most_a_batch_per_pause_while_calls_go_on() -> None:
    """Subscribers never take the loop from the calls that trade: while calls go on,
    live events go out at most LIVE_EVENTS_PER_TURN in any pause, however many turns
    the loop makes; yet one stream may take a whole batch, asking again and again, so
    a single subscriber keeps up with what the calls produce."""
    loop = asyncio.get_running_loop()
    share = live_share()
    counter = TurnCounter()
    granted: list[float] = []
    done = asyncio.Event()
    steps = 3 * share.per_turn

    async def one_stream() -> None:
        for _ in range(steps):
            await share.turn()
            granted.append(loop.time())
            await asyncio.sleep(0)  # the write of the event
        done.set()

    share.call_started()
    asked = loop.time()
    stream = asyncio.create_task(one_stream())
    await done.wait()
    counter.stop()
    await stream
    assert len(granted) == steps
    assert counter.turn > steps
    assert_at_most_per_window(granted, share.per_turn, LIVE_PAUSE_WHILE_CALLS)
    # The first batch at once, the rest a pause apart: three batches in about two pauses.
    assert all(t - asked < LIVE_PAUSE_WHILE_CALLS for t in granted[: share.per_turn])
    share.call_ended()


async def test_a_walker_cancelled_while_waiting_holds_up_no_other() -> None:
    share = LoopShare(per_turn=1, pause_while_calls=10.0)
    share.call_started()
    # The window's one step: the next ones wait for the window to end.
    await share.turn()
    first = asyncio.create_task(share.turn())
    second = asyncio.create_task(share.turn())
    await asyncio.sleep(0)
    assert share.waiting == 2
    first.cancel()
    share.call_ended()
    await asyncio.wait_for(second, 1)
    assert first.cancelled()
    assert share.waiting == 0


def test_a_share_needs_at_least_one_step_a_turn() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        LoopShare(per_turn=0, pause_while_calls=0.01)
