"""--publish and --gateway-id mistakes, and a missing nats-py, end `serve` with one line."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import nats
import pytest
from nats.js.errors import NotFoundError

from tests.nats_server import nats_server
from tests.operator.test_startup_mistakes import error_line, refused
from tests.polling import until
from tests.process import GATEWAY_READY, cli_process

# `serve` in a Python where nats-py cannot be imported.
WITHOUT_NATS = (
    "import sys; sys.modules['nats'] = None; "
    "from ibkr_gateway.console.main import main; import ibkr_gateway.cli; main()"
)


async def test_publish_without_nats_py_is_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "never.db"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        WITHOUT_NATS,
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--db",
        str(db),
        "--publish",
        "nats://127.0.0.1:4222",
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    text = err.decode()
    assert proc.returncode == 1, text
    assert text.splitlines() == [
        "Error: --publish needs the nats-py package: pip install 'ibkr-gateway[nats]'"
    ]
    assert not db.exists()


@pytest.mark.parametrize(
    "url",
    ["127.0.0.1:4222", "http://127.0.0.1:4222", "nats://127.0.0.1", "nats://:4222", ","],
)
async def test_a_malformed_publish_url_names_the_option(tmp_path: Path, url: str) -> None:
    code, err = await refused(
        "--listen", "127.0.0.1:0", "--db", str(tmp_path / "x.db"), "--publish", url
    )
    assert code == 2
    assert "--publish" in error_line(err)
    assert "nats://host:port" in error_line(err)


@pytest.mark.parametrize("gateway_id", ["", "a.b", "a b", "*", "x" * 33])
async def test_a_gateway_id_that_cannot_be_a_subject_token_is_refused(
    tmp_path: Path, gateway_id: str
) -> None:
    code, err = await refused(
        "--listen", "127.0.0.1:0", "--db", str(tmp_path / "x.db"), "--gateway-id", gateway_id
    )
    assert code == 2
    assert "--gateway-id" in error_line(err)
    assert "letters, digits, _ or -" in error_line(err)


async def test_gateway_id_from_the_config_file_and_publish_from_the_environment(
    tmp_path: Path,
) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text('gateway_id = "desk-1"\n')
    async with nats_server(tmp_path / "jetstream") as server:
        env = {**os.environ, "IBKR_GATEWAY_PUBLISH": server.url}
        async with cli_process(
            "serve",
            "--config",
            str(config),
            "--listen",
            "127.0.0.1:0",
            "--db",
            str(tmp_path / "gateway.db"),
            ready=GATEWAY_READY,
            env=env,
        ):
            nc = await nats.connect(server.url)
            try:
                js = nc.jetstream()

                async def created() -> bool:
                    try:
                        info = await js.stream_info("IBKR_GATEWAY_desk-1")
                    except NotFoundError:
                        return False
                    return info.config.subjects == ["ibkr.gateway.v1.desk-1.>"]

                await until(created, 30.0, "the gateway's stream was never created")
            finally:
                await nc.close()
