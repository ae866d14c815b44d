"""Servers under measurement run as child processes, so that the load generator never
shares their event loop or GIL. A child prints "port N" when ready, serves until its
stdin closes, then prints "stats {json}" with its own counters."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


class ChildStats(dict[str, float]):
    """A child's counters, filled once it has stopped; its pid from the start."""

    def __init__(self, pid: int) -> None:
        super().__init__()
        self.pid = pid


@contextlib.asynccontextmanager
async def child_process(
    module: str, role: str, args: Sequence[str] = (), profile: Path | None = None
) -> AsyncIterator[tuple[int, ChildStats]]:
    """Runs `python -m MODULE --serve ROLE ARGS`; yields its port and its ChildStats."""
    command = [sys.executable]
    if profile is not None:
        command += ["-m", "cProfile", "-o", str(profile)]
    command += ["-m", module, "--serve", role, *args]
    proc = await asyncio.create_subprocess_exec(
        *command,
        cwd=REPO_ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    stats = ChildStats(proc.pid)
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        if not line.startswith("port "):
            raise RuntimeError(f"{role} did not start (exit {await proc.wait()})")
        yield int(line.split()[1]), stats
        proc.stdin.close()
        rest = (await asyncio.wait_for(proc.stdout.read(), 30)).decode()
        for line in rest.splitlines():
            if line.startswith("stats "):
                stats.update(json.loads(line.removeprefix("stats ")))
        if await proc.wait() != 0:
            raise RuntimeError(f"{role} exited with {proc.returncode}")
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
