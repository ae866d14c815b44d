"""`make examples`: one gateway on the simulated exchange (free port, temp store), then the
example program of every language against it, each checked line by line against the
transcript that every example prints."""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from pathlib import Path

from tests.process import GATEWAY_READY, cli_process

ROOT = Path(__file__).resolve().parents[2]

# What every quickstart prints on the simulated exchange, in order: a limit order that
# rests, a market order's fill at the simulated price of 100, a cancel under way, the
# refusal to cancel a filled order, and the field violation of an order of 0.
TRANSCRIPT = [
    r"resting \S+ PENDING_SUBMIT",
    r"filled 5 @ 100",
    r"cancel PENDING_CANCEL",
    r"already finished: ORDER_NOT_CANCELLABLE",
    r"refused: order\.quantity - must be greater than 0, got 0",
]

# After the five quickstarts: 25 bought at 100 with a commission of 1 per order, 5 sold.
POSITIONS_TRANSCRIPT = [
    r"AAPL 25 100\.2 0 -5",
    r"cash 997495 buying power 1997490",
    r"FILL AAPL now 20",
]

# (name, command, transcript), run in this order against one gateway; "{target}" becomes
# host:port of the gateway. The make target builds what each command runs.
EXAMPLES: list[tuple[str, list[str], list[str]]] = [
    ("python", [sys.executable, "examples/python/quickstart.py", "{target}"], TRANSCRIPT),
    ("typescript", ["node", "examples/typescript/quickstart.mjs", "{target}"], TRANSCRIPT),
    ("go", ["build/bin/example-go", "{target}"], TRANSCRIPT),
    # make java-build writes the client's classpath into the argument file; Java 17 runs
    # the example's source file directly.
    (
        "java",
        ["java", "@build/java/client.args", "examples/java/Quickstart.java", "{target}"],
        TRANSCRIPT,
    ),
    ("rust", ["build/cargo/debug/examples/quickstart", "{target}"], TRANSCRIPT),
    (
        "python positions",
        [sys.executable, "examples/python/positions.py", "{target}"],
        POSITIONS_TRANSCRIPT,
    ),
]


def transcript_problems(output: str, transcript: list[str] = TRANSCRIPT) -> list[str]:
    """How the printed lines differ from the transcript; empty when they match."""
    lines = output.splitlines()
    problems = [
        f"line {n}: expected /{pattern}/, got {line!r}"
        for n, (pattern, line) in enumerate(zip(transcript, lines, strict=False), 1)
        if not re.fullmatch(pattern, line)
    ]
    if len(lines) != len(transcript):
        problems.append(f"{len(lines)} lines printed, {len(transcript)} expected")
    return problems


async def run_example(command: list[str], target: str) -> tuple[int, str, str]:
    """The exit code, standard output and standard error of one example."""
    proc = await asyncio.create_subprocess_exec(
        *[part.replace("{target}", target) for part in command],
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def main() -> int:
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        serve = ("serve", "--listen", "127.0.0.1:0", "--db", str(Path(tmp) / "examples.db"))
        async with cli_process(*serve, ready=GATEWAY_READY) as (_, port):
            for name, command, transcript in EXAMPLES:
                print(f"== {name}", flush=True)
                code, out, err = await run_example(command, f"127.0.0.1:{port}")
                print(out, end="")
                problems = transcript_problems(out, transcript)
                if code != 0:
                    problems.insert(0, f"exit code {code}: {err.strip()}")
                for problem in problems:
                    print(f"   {problem}")
                if problems:
                    failures.append(name)
    print(
        f"examples: {len(EXAMPLES) - len(failures)} ran as documented, {len(failures)} did not"
        + (f" ({', '.join(failures)})" if failures else "")
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
