"""LoopShare: a bounded number of steps per turn of the loop, in the order asked; none
while a call is in flight but one batch per pause; straight on once calls end."""

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


async def test_no_step_while_a_call_is_in_flight_but_one_batch_per_pause() -> None:
    share = LoopShare(per_turn=1, pause_while_calls=0.05)
    taken = 0

    async def walker() -> None:
        nonlocal taken
        for _ in range(50):
            await share.turn()
            taken += 1

    share.call_started()
    walkers = [asyncio.create_task(walker()) for _ in range(3)]
    await asyncio.sleep(0.03)
    assert taken == 0
    await asyncio.sleep(0.1)
    # A step every 50 ms: slowly, but on.
    assert 1 <= taken <= 3
    share.call_ended()
    async with asyncio.timeout(2):
        await asyncio.gather(*walkers)
    assert taken == 150


async def test_live_events_wait_for_the_pause_whatever_the_turns_while_calls_go_on() -> None:
    """Subscribers never take the loop from the calls that trade: with a call in flight,
    however many turns the loop makes, no live event goes out before the pause; once
    the calls end, the waiting events go on the next turns."""
    loop = asyncio.get_running_loop()
    share = live_share()
    counter = TurnCounter()
    granted: list[float] = []
    first = asyncio.Event()

    async def walker() -> None:
        await share.turn()
        granted.append(loop.time())
        first.set()

    share.call_started()
    asked = loop.time()
    walkers = [asyncio.create_task(walker()) for _ in range(3 * share.per_turn)]
    await first.wait()
    assert counter.turn > 1
    assert min(granted) - asked >= LIVE_PAUSE_WHILE_CALLS
    share.call_ended()
    async with asyncio.timeout(2):
        await asyncio.gather(*walkers)
    counter.stop()


async def test_a_walker_cancelled_while_waiting_holds_up_no_other() -> None:
    share = LoopShare(per_turn=1, pause_while_calls=10.0)
    share.call_started()
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
