"""The README's consumer (examples/python/journal_consumer.py) reads the published journal in
order, from the sequence it is given on."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.nats_server import nats_server
from tests.polling import until
from tests.service.conftest import order_spec, start_gateway, stop_gateway, submit

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "python" / "journal_consumer.py"


async def test_the_example_consumer_reads_the_journal_after_a_sequence(tmp_path: Path) -> None:
    async with nats_server(tmp_path / "jetstream") as server:
        gw = await start_gateway(tmp_path / "gateway.db", publish=server.url)
        try:
            for i in range(3):
                await submit(gw, order_spec(f"example-{i}"))
            publisher = gw.server.publisher
            assert publisher is not None

            async def published() -> bool:
                return publisher.lag == 0

            await until(published, 30.0, "the journal was never published")
            head = publisher.acked
        finally:
            await stop_gateway(gw)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(EXAMPLE),
            server.url,
            "--after",
            "2",
            stdout=asyncio.subprocess.PIPE,
        )
        assert proc.stdout is not None
        lines: list[str] = []
        try:
            async with asyncio.timeout(30):
                while len(lines) < head - 2:
                    lines.append((await proc.stdout.readline()).decode())
        finally:
            proc.terminate()
            await proc.wait()
    sequences = [int(line.split()[0]) for line in lines]
    assert sequences == list(range(3, head + 1))
    subjects = {line.split()[1].rsplit(".", 1)[-1] for line in lines}
    assert subjects == {"orders", "fills", "positions"}
    assert any(" fill -> " in line for line in lines), lines
