"""A real `nats-server -js` on 127.0.0.1, on a port chosen at run time, with its store in a
temporary directory; it can be SIGKILLed and started again on the same port and store."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import signal
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

READY = "Server is ready"
START_TIMEOUT = 20.0


def free_port() -> int:
    """A free port below the ephemeral range: while the server is down (killed, to be
    restarted on the same port), an outgoing connection could otherwise take its port."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for port in random.sample(range(max(1024, low - 12_000), low), 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


def nats_server_binary() -> str:
    found = shutil.which("nats-server") or (
        "/usr/sbin/nats-server" if Path("/usr/sbin/nats-server").exists() else None
    )
    if found is None:
        pytest.fail("nats-server is not installed: run `make nats`")
    return found


class NatsServer:
    def __init__(self, store_dir: Path) -> None:
        self.store_dir = store_dir
        self.port = free_port()
        self.proc: asyncio.subprocess.Process | None = None
        self._drain: asyncio.Task[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    async def start(self) -> None:
        proc = await asyncio.create_subprocess_exec(
            nats_server_binary(),
            "-js",
            "-a",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-sd",
            str(self.store_dir),
            stderr=asyncio.subprocess.PIPE,
        )
        assert proc.stderr is not None
        log: list[str] = []
        async with asyncio.timeout(START_TIMEOUT):
            while True:
                line = (await proc.stderr.readline()).decode()
                log.append(line)
                if not line:
                    raise RuntimeError(f"nats-server exited {await proc.wait()}: {''.join(log)}")
                if READY in line:
                    break
        self.proc = proc
        self._drain = asyncio.create_task(proc.stderr.read())

    async def kill(self) -> None:
        assert self.proc is not None
        assert self._drain is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        await self.proc.wait()
        await self._drain
        self.proc = None

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            await self.proc.wait()
        if self._drain is not None:
            await self._drain
        self.proc = None


@contextlib.asynccontextmanager
async def nats_server(store_dir: Path) -> AsyncIterator[NatsServer]:
    server = NatsServer(store_dir)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
