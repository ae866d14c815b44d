"""The Python example prints the documented transcript against a gateway process, the
transcript check notices a gateway that behaves otherwise, and the README's client
snippets are excerpts of the example files that `make examples` runs."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import grpc
from ibkr.gateway.v1 import simulator_pb2, simulator_pb2_grpc

from tests.examples.run_all import ROOT, TRANSCRIPT, run_example, transcript_problems
from tests.process import GATEWAY_READY, cli_process

PYTHON = [sys.executable, "examples/python/quickstart.py", "{target}"]
EXAMPLE_FILES = {
    "python": "examples/python",
    "ts": "examples/typescript",
    "go": "examples/go",
    "java": "examples/java",
    "rust": "examples/rust",
}


async def test_python_example_prints_the_transcript(tmp_path: Path) -> None:
    serve = ("serve", "--listen", "127.0.0.1:0", "--db", str(tmp_path / "ex.db"))
    async with cli_process(*serve, ready=GATEWAY_READY) as (_, port):
        code, out, err = await run_example(PYTHON, f"127.0.0.1:{port}")
    assert code == 0, err
    assert transcript_problems(out) == []
    assert len(out.splitlines()) == len(TRANSCRIPT)


async def test_a_gateway_filling_elsewhere_fails_the_check(tmp_path: Path) -> None:
    serve = ("serve", "--listen", "127.0.0.1:0", "--db", str(tmp_path / "ex.db"))
    async with cli_process(*serve, ready=GATEWAY_READY) as (_, port):
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            simulator = simulator_pb2_grpc.SimulatorControlServiceStub(channel)
            await simulator.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price="101"))
        code, out, _ = await run_example(PYTHON, f"127.0.0.1:{port}")
    assert code == 0
    assert transcript_problems(out) == ["line 2: expected /filled 5 @ 100/, got 'filled 5 @ 101'"]


def test_transcript_check_counts_lines() -> None:
    printed = ["resting py-1 PENDING_SUBMIT", "filled 5 @ 100"]
    assert transcript_problems("\n".join(printed)) == ["2 lines printed, 5 expected"]


def _client_snippets() -> list[tuple[str, str]]:
    """(language, code) of every fenced block in the README's Clients section."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Clients\n", 1)[1].split("\n## ", 1)[0]
    return [
        (lang, code)
        for lang, code in re.findall(r"```(\w+)\n(.*?)```", section, re.S)
        if lang in EXAMPLE_FILES
    ]


def _is_excerpt(snippet: str, source: str) -> bool:
    """Whether the snippet's lines are consecutive lines of the source, blank lines and
    indentation aside (a snippet may be cut out of a function body)."""
    wanted = [line.strip() for line in snippet.splitlines() if line.strip()]
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    return any(lines[i : i + len(wanted)] == wanted for i in range(len(lines)))


def test_readme_client_snippets_are_excerpts_of_the_examples() -> None:
    snippets = _client_snippets()
    assert {lang for lang, _ in snippets} == set(EXAMPLE_FILES)
    for lang, code in snippets:
        sources = [p.read_text() for p in (ROOT / EXAMPLE_FILES[lang]).iterdir() if p.is_file()]
        assert any(_is_excerpt(code, source) for source in sources), (
            f"this {lang} snippet of README.md is in no file of {EXAMPLE_FILES[lang]}:\n{code}"
        )


def test_a_changed_snippet_is_no_excerpt() -> None:
    source = (ROOT / "examples/python/quickstart.py").read_text()
    snippet = 'print("filled", event.fill.quantity, "@", event.fill.price)'
    assert _is_excerpt("    " + snippet, source)
    assert not _is_excerpt(snippet.replace("price", "quantity"), source)
