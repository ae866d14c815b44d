"""The event loop: uvloop when installed (auto), asyncio's own on request, and a clear
refusal of uvloop where it is missing."""

from __future__ import annotations

import asyncio
import sys

import pytest
import uvloop

from ibkr_gateway.event_loop import LoopUnavailable, loop_factory, run


async def _loop_type() -> type:
    return type(asyncio.get_running_loop())


def test_auto_is_uvloop_where_installed_and_asyncio_on_request() -> None:
    assert loop_factory()[0] == "uvloop"
    assert run(_loop_type()) is uvloop.Loop
    assert loop_factory("asyncio")[0] == "asyncio"
    assert not issubclass(run(_loop_type(), "asyncio"), uvloop.Loop)


def test_without_uvloop_auto_falls_back_and_asking_for_it_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # None in sys.modules makes the import fail, as if uvloop were not installed.
    monkeypatch.setitem(sys.modules, "uvloop", None)
    assert loop_factory("auto")[0] == "asyncio"
    assert run(_loop_type()) is asyncio.SelectorEventLoop
    with pytest.raises(LoopUnavailable, match="--event-loop uvloop: uvloop is not installed"):
        loop_factory("uvloop")


def test_an_unknown_loop_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown event loop 'trio'"):
        loop_factory("trio")
