"""`kill-switch engage|release|status` (admin)."""

from __future__ import annotations

import click

from ibkr_gateway.console.connection import Connection, gateway_options
from ibkr_gateway.console.output import echo_json, json_option, show
from ibkr_gateway.console.tables import counted, kill_switch_view, orders_table
from ibkr_gateway_client import KillSwitch

_accounts = click.option(
    "--account",
    "accounts",
    multiple=True,
    help="Only this account, on its own (repeatable). Without it: the whole gateway, or "
    "every account of a token limited to some.",
)
_reason = click.option("--reason", default="", help="Why; recorded with the switch.")


def _show(switch: KillSwitch, as_json: bool) -> None:
    if as_json:
        echo_json(switch)
    else:
        show(kill_switch_view(switch))


@click.group("kill-switch")
def kill_switch() -> None:
    """Stop trading: cancel every working order and refuse new ones until released."""


@kill_switch.command()
@_reason
@_accounts
@json_option
@gateway_options
def engage(connection: Connection, reason: str, accounts: tuple[str, ...], as_json: bool) -> None:
    """Cancel every working order and refuse new ones (survives restarts)."""
    switch, cancelled = connection.run(
        lambda client: client.engage_kill_switch(reason, accounts=accounts)
    )
    if as_json:
        echo_json({"kill_switch": switch, "cancelled_orders": cancelled})
        return
    show(kill_switch_view(switch))
    if cancelled:
        show(
            orders_table(
                cancelled, title=f"cancel requested for {counted(len(cancelled), 'order')}"
            )
        )


@kill_switch.command()
@_reason
@_accounts
@json_option
@gateway_options
def release(connection: Connection, reason: str, accounts: tuple[str, ...], as_json: bool) -> None:
    """Accept new orders again."""
    _show(
        connection.run(lambda client: client.release_kill_switch(reason, accounts=accounts)),
        as_json,
    )


@kill_switch.command()
@json_option
@gateway_options
def status(connection: Connection, as_json: bool) -> None:
    """Show the switch and the accounts halted on their own."""
    _show(connection.run(lambda client: client.get_kill_switch()), as_json)
