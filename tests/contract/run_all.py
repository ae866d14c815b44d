"""`make contract`: one gateway on the simulated exchange (free port, temp store), then
every language's runner of the contract suite against it, one after another."""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# (language, command); "{target}" becomes host:port of the gateway.
RUNNERS: list[tuple[str, list[str]]] = [
    ("python", [sys.executable, "-m", "tests.contract.runner", "--target", "{target}"]),
    ("typescript", ["node", "clients/typescript/dist/contract/runner.js", "--target", "{target}"]),
    (
        "go",
        [
            "build/bin/contract-runner-go",
            "--target",
            "{target}",
            "--scenarios",
            "tests/contract/scenarios.json",
        ],
    ),
]


async def start_gateway(db: Path) -> tuple[asyncio.subprocess.Process, int]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ibkr_gateway.cli",
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--db",
        str(db),
        "--heartbeat-interval",
        "0.5",
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stderr is not None
    while True:
        line = (await proc.stderr.readline()).decode()
        if not line:
            raise RuntimeError(f"gateway exited with {await proc.wait()}")
        found = re.search(r"gateway serving on 127\.0\.0\.1:(\d+)", line)
        if found:
            return proc, int(found.group(1))


async def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = await start_gateway(Path(tmp) / "contract.db")
        assert proc.stderr is not None
        drain = asyncio.create_task(proc.stderr.read())
        failures = []
        try:
            for language, command in RUNNERS:
                print(f"== {language}", flush=True)
                runner = await asyncio.create_subprocess_exec(
                    *[part.replace("{target}", f"127.0.0.1:{port}") for part in command],
                    cwd=ROOT,
                )
                if await runner.wait() != 0:
                    failures.append(language)
        finally:
            proc.terminate()
            await proc.wait()
            await drain
    print(
        f"contract suite: {len(RUNNERS) - len(failures)} runners passed, {len(failures)} failed"
        + (f" ({', '.join(failures)})" if failures else "")
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
