"""Runs the installed `ibkr-gateway` entry point as a user would, and serves a gateway with it."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.process import GATEWAY_READY

ENTRY_POINT = Path(sys.executable).with_name("ibkr-gateway")


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test's environment without IBKR_GATEWAY_* settings of whoever runs the tests,
    wide enough that tables are not squeezed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IBKR_GATEWAY_")}
    return env | {"COLUMNS": "200"} | dict(extra or {})


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.code == 0, self.err
        return json.loads(self.out)

    @property
    def error_line(self) -> str:
        """The one line that says what went wrong."""
        assert "Traceback" not in self.err, self.err
        lines = [line for line in self.err.splitlines() if line.startswith("Error:")]
        assert len(lines) == 1, self.err
        return lines[0]


def run(*args: str, env: Mapping[str, str] | None = None, timeout: float = 30) -> Result:
    done = subprocess.run(
        [str(ENTRY_POINT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment(env),
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


class Running:
    """A command that keeps running (`watch`): its output read line by line as it comes."""

    def __init__(self, *args: str, env: Mapping[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [str(ENTRY_POINT), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(env),
        )
        self.out: queue.Queue[str | None] = queue.Queue()
        self.err: queue.Queue[str | None] = queue.Queue()
        self.readers = [
            threading.Thread(target=_lines, args=(stream, into), daemon=True)
            for stream, into in ((self.process.stdout, self.out), (self.process.stderr, self.err))
        ]
        for reader in self.readers:
            reader.start()

    def line(self, timeout: float = 15) -> str:
        line = self.out.get(timeout=timeout)
        assert line is not None, f"exited with {self.process.wait()}: {self.stderr()}"
        return line

    def stderr(self) -> str:
        lines = []
        while not self.err.empty():
            lines.append(self.err.get() or "")
        return "".join(lines)

    def stop(self) -> int:
        """SIGTERM, as a supervisor or `kill` would; the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
        code = self.process.wait(timeout=30)
        for reader in self.readers:
            reader.join(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            assert stream is not None
            stream.close()
        return code


@dataclass
class Served:
    process: subprocess.Popen[str]
    port: int
    log: list[str] = field(default_factory=list)

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"


def _lines(stream: Any, into: queue.Queue[str | None]) -> None:
    for line in stream:
        into.put(line)
    into.put(None)


@contextlib.contextmanager
def serving(*args: str, env: Mapping[str, str] | None = None) -> Iterator[Served]:
    """`ibkr-gateway serve ARGS` until it logs where it listens; terminated on exit."""
    process = subprocess.Popen(
        [str(ENTRY_POINT), "serve", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=environment(env),
    )
    lines: queue.Queue[str | None] = queue.Queue()
    # A thread keeps reading, so the gateway never blocks on a full pipe.
    reader = threading.Thread(target=_lines, args=(process.stderr, lines), daemon=True)
    reader.start()
    log: list[str] = []
    try:
        while True:
            line = lines.get(timeout=30)
            if line is None:
                raise RuntimeError(f"serve exited with {process.wait()}: {''.join(log)}")
            log.append(line)
            found = re.search(re.escape(GATEWAY_READY) + r" 127\.0\.0\.1:(\d+)", line)
            if found:
                break
        yield Served(process, int(found.group(1)), log)
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=10)
        assert process.stderr is not None
        process.stderr.close()
