"""Operator mistakes at start end the process with one clear line, never a traceback."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.pg import PostgresServer
from tests.process import GATEWAY_READY, cli_process
from tests.security.certs import make_certificates


async def refused(*args: str, env: Mapping[str, str] | None = None) -> tuple[int, str]:
    """Runs `ibkr-gateway serve ARGS` (with `env` added to the environment), which must
    exit on its own; (exit code, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ibkr_gateway.cli",
        "serve",
        *args,
        stderr=asyncio.subprocess.PIPE,
        env=None if env is None else {**os.environ, **env},
    )
    try:
        _, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError(f"serve {' '.join(args)} kept running") from None
    text = err.decode()
    assert "Traceback" not in text, text
    assert proc.returncode is not None
    return proc.returncode, text


def error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, stderr
    return lines[0]


async def test_a_second_gateway_on_one_db_is_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "one.db")
    async with cli_process("serve", "--listen", "127.0.0.1:0", "--db", db, ready=GATEWAY_READY) as (
        first,
        _,
    ):
        code, err = await refused("--listen", "127.0.0.1:0", "--db", db)
    assert code == 1
    assert f"held by PID {first.pid}" in error_line(err)


async def test_a_second_gateway_on_one_port_is_refused(tmp_path: Path) -> None:
    first_db, second_db = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    async with cli_process(
        "serve", "--listen", "127.0.0.1:0", "--db", first_db, ready=GATEWAY_READY
    ) as (_, port):
        code, err = await refused("--listen", f"127.0.0.1:{port}", "--db", second_db)
    assert code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in error_line(err)


async def test_a_malformed_listen_address_names_the_option(tmp_path: Path) -> None:
    for bad in ("50051", "127.0.0.1:70000", "127.0.0.1:http", ":50051"):
        code, err = await refused("--listen", bad, "--db", str(tmp_path / "x.db"))
        assert code == 2
        assert "--listen" in error_line(err), bad


async def test_an_unwritable_db_is_refused(tmp_path: Path) -> None:
    # A regular file where the database's directory should be: no permission bits needed,
    # so this holds when the tests run as root too.
    (tmp_path / "file").write_text("")
    code, err = await refused("--listen", "127.0.0.1:0", "--db", str(tmp_path / "file" / "x.db"))
    assert code == 1
    assert "cannot use --db" in error_line(err)


async def test_a_db_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("these are not the orders you are looking for\n" * 100)
    code, err = await refused("--listen", "127.0.0.1:0", "--db", str(db))
    assert code == 1
    assert f"cannot use --db {db}" in error_line(err)


async def test_a_tls_key_that_does_not_match_the_certificate_is_refused(tmp_path: Path) -> None:
    _, server, client = make_certificates(tmp_path)
    code, err = await refused(
        "--listen", "127.0.0.1:0", "--db", str(tmp_path / "t.db"),
        "--tls-cert", str(server.cert), "--tls-key", str(client.key),
    )  # fmt: skip
    assert code == 1
    assert "not a PEM certificate and its private key" in error_line(err)


async def test_a_tls_file_that_is_not_pem_is_refused(tmp_path: Path) -> None:
    _, server, _ = make_certificates(tmp_path)
    garbage = tmp_path / "garbage.pem"
    garbage.write_bytes(b"\x00\x01 not pem")
    code, err = await refused(
        "--listen", "127.0.0.1:0", "--db", str(tmp_path / "t.db"),
        "--tls-cert", str(garbage), "--tls-key", str(server.key),
    )  # fmt: skip
    assert code == 1
    assert f"--tls-cert {garbage}" in error_line(err)


async def test_an_auth_token_with_surrounding_spaces_is_refused(tmp_path: Path) -> None:
    auth = tmp_path / "auth.toml"
    auth.write_text(
        '[[tokens]]\nname = "a"\ntoken = "0123456789abcdef "\nscopes = ["admin"]\n'
        'accounts = ["*"]\n'
    )
    code, err = await refused(
        "--listen", "127.0.0.1:0", "--db", str(tmp_path / "a.db"), "--auth-file", str(auth)
    )
    assert code == 1
    assert "tokens[0]: token has leading or trailing whitespace" in error_line(err)


async def test_a_second_gateway_with_one_gateway_id_is_refused(postgres: PostgresServer) -> None:
    db = postgres.new_database()
    async with cli_process("serve", "--listen", "127.0.0.1:0", "--db", db, ready=GATEWAY_READY) as (
        first,
        _,
    ):
        code, err = await refused("--listen", "127.0.0.1:0", "--db", db)
        assert code == 1
        line = error_line(err)
        assert "gateway id 'default'" in line
        assert "in use by another gateway" in line
        assert f"pid {first.pid}" in line
        # Another gateway id shares the database.
        async with cli_process(
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--db",
            db,
            "--gateway-id",
            "desk-2",
            ready=GATEWAY_READY,
        ):
            pass


async def test_an_unreachable_postgresql_is_one_line_without_the_password() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        # Bound, not listening: connections are refused.
        code, err = await refused(
            "--listen", "127.0.0.1:0", "--db", f"postgresql://ops:s3cret@127.0.0.1:{port}/orders"
        )
    assert code == 1
    line = error_line(err)
    assert f"cannot use --db postgresql://ops:***@127.0.0.1:{port}/orders" in line
    assert "s3cret" not in err


async def test_a_gateway_id_that_is_no_name_is_refused(postgres: PostgresServer) -> None:
    code, err = await refused(
        "--listen", "127.0.0.1:0", "--db", postgres.new_database(), "--gateway-id", "a b"
    )
    assert code == 2
    assert "--gateway-id" in err
    assert "1 to 32 letters, digits, _ or -" in err


async def test_an_advertise_address_callers_cannot_dial_names_the_option(
    postgres: PostgresServer,
) -> None:
    db = postgres.new_database()
    for bad in ("gw-a", "gw-a:http", "gw-a:70000", "gw-a:0", "0.0.0.0:50051", "[::]:50051"):
        code, err = await refused("--ha", "--db", db, "--listen", "127.0.0.1:0", "--advertise", bad)
        assert code == 2
        assert "--advertise" in error_line(err), bad


async def test_advertise_without_ha_is_refused(tmp_path: Path) -> None:
    code, err = await refused(
        "--listen", "127.0.0.1:0", "--db", str(tmp_path / "x.db"), "--advertise", "gw-a:50051"
    )
    assert code == 2
    assert "needs --ha" in error_line(err)


async def test_a_standby_is_held_to_the_leaders_listening_rules(postgres: PostgresServer) -> None:
    """Checked at start, not at the takeover, when it would stop the new leader."""
    db = postgres.new_database()
    code, err = await refused("--ha", "--db", db, "--listen", "0.0.0.0:0")
    assert code == 1
    assert "refusing to listen on 0.0.0.0:0" in error_line(err)
    code, err = await refused(
        "--ha", "--db", db, "--listen", "127.0.0.1:0", "--metrics-listen", "0.0.0.0:0"
    )
    assert code == 1
    assert "refusing to listen on 0.0.0.0:0" in error_line(err)
