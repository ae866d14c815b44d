"""Calls first: a bounded share of the event loop for work that can wait, such as journal
replays and the live events of streams.

asyncio runs every ready callback once per turn of the loop. A hundred streams replaying
a long journal are a hundred callbacks ready on every turn, and each step of a call
waits behind all of them. Worse, a loop that is never idle keeps the GIL and the CPU
from the store's writer thread, so a submit also waits longer for its commit (measured:
a submit took 40x its idle time while 100 streams replayed). So replays go through a
LoopShare:

- at most `per_turn` replay steps a turn between them, in the order they asked, so a
  call arriving waits behind a few of them at most;
- while calls are in flight, at most `per_turn` steps in any window of
  `pause_while_calls` seconds, so that the loop sleeps whenever the calls wait on the
  store or the broker, and replays still progress under calls that never stop.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable
from typing import Any

import grpc


class LoopShare:
    def __init__(self, per_turn: int, pause_while_calls: float) -> None:
        if per_turn < 1:
            raise ValueError("per_turn must be at least 1")
        self.per_turn = per_turn
        self.pause_while_calls = pause_while_calls
        self.calls_in_flight = 0
        self._waiting: collections.deque[asyncio.Future[None]] = collections.deque()
        # Steps granted in this turn of the loop.
        self._granted = 0
        # While calls are in flight: the loop time the current window of
        # `pause_while_calls` seconds ends, and the steps granted in it. A window's steps
        # may go to one walker asking again and again, or to many.
        self._window_end = 0.0
        self._window_granted = 0
        self._next: asyncio.Handle | None = None
        # Whether _next waits out a window (not every loop's timer is an asyncio.TimerHandle).
        self._pausing = False

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    async def turn(self) -> None:
        """Returns once the caller may take one step."""
        loop = asyncio.get_running_loop()
        if not self._waiting and self._may_step(loop.time()):
            self._take()
            self._schedule()
            return
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiting.append(waiter)
        self._schedule()
        # A caller cancelled while waiting leaves a cancelled future behind, which the
        # next turn skips.
        await waiter

    def call_started(self) -> None:
        self.calls_in_flight += 1

    def call_ended(self) -> None:
        self.calls_in_flight -= 1
        if not self.calls_in_flight and self._pausing and self._next is not None:
            # The pause was for the call: the waiting steps may go on at once.
            self._next.cancel()
            self._next = None
            self._pausing = False
            self._schedule()

    def _may_step(self, now: float) -> bool:
        if self._granted >= self.per_turn:
            return False
        if not self.calls_in_flight:
            return True
        if now >= self._window_end:
            self._window_end = now + self.pause_while_calls
            self._window_granted = 0
        return self._window_granted < self.per_turn

    def _take(self) -> None:
        self._granted += 1
        if self.calls_in_flight:
            self._window_granted += 1

    def _schedule(self) -> None:
        if self._next is not None:
            return
        loop = asyncio.get_running_loop()
        if (
            self._waiting
            and self.calls_in_flight
            and self._window_granted >= self.per_turn
            and loop.time() < self._window_end
        ):
            self._next = loop.call_at(self._window_end, self._window_over)
            self._pausing = True
        else:
            # call_soon runs after everything already ready: that is the next turn.
            self._next = loop.call_soon(self._next_turn)

    def _window_over(self) -> None:
        # A timer may run a hair before its time; the window is over all the same.
        self._window_end = 0.0
        self._next_turn()

    def _next_turn(self) -> None:
        self._next = None
        self._pausing = False
        self._granted = 0
        now = asyncio.get_running_loop().time()
        while self._waiting and self._may_step(now):
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                self._take()
        if self._waiting or self._granted:
            # Once more, to start the next turn's count (or pause again).
            self._schedule()


class CallsFirstInterceptor(grpc.aio.ServerInterceptor):
    """Tells the LoopShares of every unary call in flight; streams are what waits."""

    def __init__(self, *shares: LoopShare) -> None:
        self.shares = shares
        self._wrapped: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        method = handler_call_details.method
        cached = self._wrapped.get(method)
        if cached is not None:
            return cached
        handler = await continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        inner: Any = handler.unary_unary
        shares = self.shares

        async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            for share in shares:
                share.call_started()
            try:
                return await inner(request, context)
            finally:
                for share in shares:
                    share.call_ended()

        wrapped = grpc.unary_unary_rpc_method_handler(
            unary, handler.request_deserializer, handler.response_serializer
        )
        self._wrapped[method] = wrapped
        return wrapped
