"""Message pacing towards IB: never more than N messages in any one-second window.

Bursts wait in a FIFO queue; nothing is dropped. While the connection is down the
queue holds, so an order that was not yet sent is known not to have reached IB.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

# Returns False when the connection is down; the message then waits for resume().
Send = Callable[[], bool]


class Pacer:
    def __init__(self, rate: int, window: float = 1.0) -> None:
        self.rate = rate
        self.window = window
        self._queue: collections.deque[tuple[str, Send]] = collections.deque()
        self._sent: collections.deque[float] = collections.deque()
        self._wakeup = asyncio.Event()
        self._open = asyncio.Event()
        self._empty = asyncio.Event()
        self._empty.set()
        self._task: asyncio.Task[None] | None = None
        self.sent_total = 0
        self.max_depth = 0

    @property
    def depth(self) -> int:
        """Messages waiting to be sent."""
        return len(self._queue)

    def submit(self, label: str, send: Send) -> None:
        """Sends at once when nothing waits and the window has room (the order reaches IB
        without waiting for a turn of the loop), else queues behind what waits."""
        if not self._queue and self._open.is_set() and self._room(time.monotonic()):
            if self._sent_now(label, send):
                return
        self._queue.append((label, send))
        self._empty.clear()
        self.max_depth = max(self.max_depth, len(self._queue))
        self._wakeup.set()
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="ib-pacer")

    def resume(self) -> None:
        """The connection is up: sending may proceed."""
        self._open.set()
        self._wakeup.set()

    def pause(self) -> None:
        self._open.clear()

    async def drained(self) -> None:
        await self._empty.wait()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._queue:
                await self._open.wait()
                now = time.monotonic()
                if not self._room(now):
                    await asyncio.sleep(self.window - (now - self._sent[0]))
                    continue
                label, send = self._queue[0]
                if not self._sent_now(label, send):
                    continue
                self._queue.popleft()
                if not self._queue:
                    self._empty.set()

    def _room(self, now: float) -> bool:
        """Whether one more message fits in the window ending now."""
        while self._sent and now - self._sent[0] >= self.window:
            self._sent.popleft()
        return len(self._sent) < self.rate

    def _sent_now(self, label: str, send: Send) -> bool:
        """Sends one message; False if the connection was found down (sending pauses
        and the message stays to be sent on resume). One that fails otherwise is
        dropped, logged."""
        try:
            sent = send()
        except Exception:
            log.exception("sending %s to IB failed; it is dropped", label)
            sent = True
        if not sent:
            self.pause()
            return False
        self._sent.append(time.monotonic())
        self.sent_total += 1
        return True
