"""SQLite, the default, needs no PostgreSQL driver; asking for PostgreSQL without it, or
for a standby without PostgreSQL, is one clear line."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.operator.test_startup_mistakes import error_line

# The gateway as `ibkr-gateway`, in a Python where psycopg cannot be imported.
WITHOUT_PSYCOPG = (
    "import runpy, sys; sys.modules['psycopg'] = None; "
    "sys.argv = ['ibkr-gateway', *sys.argv[1:]]; "
    "runpy.run_module('ibkr_gateway.cli', run_name='__main__')"
)


async def run(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-c", WITHOUT_PSYCOPG, *args, stderr=asyncio.subprocess.PIPE
    )


async def test_sqlite_serves_without_the_driver(tmp_path: Path) -> None:
    proc = await run("serve", "--listen", "127.0.0.1:0", "--db", str(tmp_path / "g.db"))
    assert proc.stderr is not None
    try:
        async with asyncio.timeout(30):
            while b"gateway serving on" not in (line := await proc.stderr.readline()):
                assert line, "the gateway exited"
    finally:
        proc.terminate()
        await proc.communicate()


async def exits(*args: str) -> tuple[int, str]:
    proc = await run(*args)
    _, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert b"Traceback" not in err, err.decode()
    assert proc.returncode is not None
    return proc.returncode, err.decode()


async def test_postgresql_without_the_driver_says_what_to_install() -> None:
    code, err = await exits(
        "serve", "--listen", "127.0.0.1:0", "--db", "postgresql://gateway@127.0.0.1:1/orders"
    )
    assert code == 1
    assert "pip install 'ibkr-gateway[postgresql]'" in error_line(err)


async def test_a_standby_needs_postgresql(tmp_path: Path) -> None:
    code, err = await exits("serve", "--ha", "--db", str(tmp_path / "g.db"))
    assert code == 2
    assert "--ha needs a PostgreSQL store" in err
