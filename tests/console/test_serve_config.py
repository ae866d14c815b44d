"""`serve` options from a TOML file and the environment: command line > environment > file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ibkr_gateway_client import GatewayClient
from tests.console.commands import run, serving


def _account_of_an_order_without_one(target: str) -> str:
    with GatewayClient(target) as client:
        return client.submit_order("AAPL", "BUY", 1, account="").account


def test_command_line_beats_environment_beats_file(tmp_path: Path) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text(
        f"""
listen = "127.0.0.1:0"
db = "{tmp_path / "file.db"}"
account = "DU2"
sim-account = ["DU2", "DU3"]
heartbeat_interval = 0.2
"""
    )
    env = {"IBKR_GATEWAY_ACCOUNT": "DU3", "IBKR_GATEWAY_DB": str(tmp_path / "env.db")}
    with serving("--config", str(config), "--db", str(tmp_path / "cli.db"), env=env) as gateway:
        assert _account_of_an_order_without_one(gateway.target) == "DU3"
    assert (tmp_path / "cli.db").exists()
    assert not (tmp_path / "env.db").exists()
    assert not (tmp_path / "file.db").exists()


def test_config_file_and_every_option_from_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text('account = "DU7"\nsim-account = "DU7"\n')
    env = {
        "IBKR_GATEWAY_CONFIG": str(config),
        "IBKR_GATEWAY_LISTEN": "127.0.0.1:0",
        "IBKR_GATEWAY_DB": str(tmp_path / "env.db"),
        # Repeatable options take several values separated by spaces.
        "IBKR_GATEWAY_SIM_ACCOUNT": "DU8 DU9",
        "IBKR_GATEWAY_ACCOUNT": "DU9",
    }
    with serving(env=env) as gateway:
        assert _account_of_an_order_without_one(gateway.target) == "DU9"
    assert (tmp_path / "env.db").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('lisen = "127.0.0.1:0"\n', "unknown key 'lisen'; did you mean 'listen'?"),
        ('ib-port = "four"\n', "key 'ib-port': 'four' is not a valid integer range"),
        ('listen = "50051"\n', "key 'listen': '50051' is not host:port"),
        ("[listen]\nport = 1\n", "key 'listen': expected a value, not a table"),
        ("listen = \n", "is not valid TOML"),
    ],
)
def test_a_bad_config_file_is_one_line_naming_file_and_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text)
    result = run("serve", "--config", str(config), "--db", str(tmp_path / "never.db"))
    assert result.code == 2
    assert f"config file {config}" in result.error_line
    assert expected in result.error_line
    assert not (tmp_path / "never.db").exists()
