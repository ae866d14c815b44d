"""`make contract`: one gateway on the simulated exchange (free port, temp store), then
every language's runner of the contract suite against it, one after another."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from tests.process import GATEWAY_READY, cli_process

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
    # make java-build writes the classpath and main class into the argument file.
    ("java", ["java", "@build/java/contract-runner.args", "--target", "{target}"]),
]


async def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        failures = []
        serve = (
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--db",
            str(Path(tmp) / "contract.db"),
            "--heartbeat-interval",
            "0.5",
        )
        async with cli_process(*serve, ready=GATEWAY_READY) as (_, port):
            for language, command in RUNNERS:
                print(f"== {language}", flush=True)
                runner = await asyncio.create_subprocess_exec(
                    *[part.replace("{target}", f"127.0.0.1:{port}") for part in command],
                    cwd=ROOT,
                )
                if await runner.wait() != 0:
                    failures.append(language)
    print(
        f"contract suite: {len(RUNNERS) - len(failures)} runners passed, {len(failures)} failed"
        + (f" ({', '.join(failures)})" if failures else "")
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
