"""Starts `ibkr-gateway` commands as processes and finds the port they chose."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
from collections.abc import AsyncIterator, Mapping

GATEWAY_READY = "gateway serving on"
TWS_SIM_READY = "tws-sim listening on"


async def start_cli(
    *args: str,
    ready: str,
    env: Mapping[str, str] | None = None,
    log: list[str] | None = None,
) -> tuple[asyncio.subprocess.Process, int]:
    """Runs `python -m ibkr_gateway.cli ARGS` until it logs `ready 127.0.0.1:PORT`; the
    lines it logged until then are added to `log`."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ibkr_gateway.cli", *args, stderr=asyncio.subprocess.PIPE, env=env
    )
    assert proc.stderr is not None
    if log is None:
        log = []
    while True:
        line = (await proc.stderr.readline()).decode()
        log.append(line)
        if not line:
            raise RuntimeError(f"{args[0]} exited with {await proc.wait()}: {''.join(log)}")
        found = re.search(re.escape(ready) + r" 127\.0\.0\.1:(\d+)", line)
        if found:
            return proc, int(found.group(1))


@contextlib.asynccontextmanager
async def cli_process(
    *args: str,
    ready: str,
    env: Mapping[str, str] | None = None,
    log: list[str] | None = None,
) -> AsyncIterator[tuple[asyncio.subprocess.Process, int]]:
    """The process and its port; its log is drained so that it never blocks on a full
    pipe (the lines until it was ready are added to `log`), and it is terminated (if
    still running) on exit."""
    proc, port = await start_cli(*args, ready=ready, env=env, log=log)
    assert proc.stderr is not None
    drain = asyncio.create_task(proc.stderr.read())
    try:
        yield proc, port
    finally:
        if proc.returncode is None:
            proc.terminate()
        await proc.wait()
        await drain
