"""`fills list`."""

from __future__ import annotations

import click

from ibkr_gateway.console.connection import Connection, gateway_options
from ibkr_gateway.console.output import echo_json, json_option, show
from ibkr_gateway.console.tables import counted, fills_table
from ibkr_gateway_client import AsyncGatewayClient, Fill


@click.group()
def fills() -> None:
    """Executions of orders."""


@fills.command("list")
@click.option("--account", default="", help="Only this account's fills.")
@click.option("--order-id", default="", help="Only this order's fills.")
@json_option
@gateway_options
def list_fills(connection: Connection, account: str, order_id: str, as_json: bool) -> None:
    """List fills, oldest first."""

    async def call(client: AsyncGatewayClient) -> list[Fill]:
        return [f async for f in client.list_fills(account=account, order_id=order_id)]

    found = connection.run(call)
    if as_json:
        echo_json({"fills": found})
    elif found:
        show(fills_table(found, title=counted(len(found), "fill")))
    else:
        click.echo("no fills", err=True)
