"""The `ibkr-gateway` entry point: a command group that imports a command only when it runs.

Client commands need only the Python client; importing the server (ib_async, the store,
the simulator) for them would cost a second on every call and on every shell completion.
"""

from __future__ import annotations

import importlib

import click

# Command name -> "module:attribute" of its click command.
COMMANDS = {
    "serve": "ibkr_gateway.cli:serve",
    "tws-sim": "ibkr_gateway.cli:tws_sim",
    "orders": "ibkr_gateway.console.orders:orders",
    "fills": "ibkr_gateway.console.fills:fills",
    "watch": "ibkr_gateway.console.watch:watch",
    "kill-switch": "ibkr_gateway.console.kill_switch:kill_switch",
    "audit": "ibkr_gateway.console.audit:audit",
    "positions": "ibkr_gateway.console.positions:positions",
    "account": "ibkr_gateway.console.positions:account",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name].split(":")
            loaded = getattr(importlib.import_module(module), attribute)
            assert isinstance(loaded, click.Command)
            command = loaded
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ibkr-gateway")
def main() -> None:
    """Order gateway for Interactive Brokers: one gRPC contract, durable, resumable streams.

    `serve` runs the gateway; the other commands talk to a running one (see --target).
    Exit codes: 0 ok, 1 other failure, 2 usage, 3 not found, 4 refused, 5 unavailable or
    timed out, 6 unauthenticated or not permitted.
    """
