"""`orders get|list|modify|cancel` (and `submit`, from its own module)."""

from __future__ import annotations

from decimal import Decimal

import click

from ibkr_gateway.console.connection import Connection, gateway_options
from ibkr_gateway.console.output import echo_json, json_option, show
from ibkr_gateway.console.params import AMOUNT, ORDER_STATUS, TIME_IN_FORCE, WORKING_STATUSES
from ibkr_gateway.console.submit import submit
from ibkr_gateway.console.tables import counted, order_details, orders_table
from ibkr_gateway_client import AsyncGatewayClient, Order


@click.group()
def orders() -> None:
    """Submit, modify, cancel and look up orders."""


orders.add_command(submit)


def _show_order(order: Order, as_json: bool) -> None:
    if as_json:
        echo_json(order)
    else:
        show(order_details(order))


@orders.command()
@click.argument("order_id", required=False)
@click.option("--client-order-id", help="Look the order up by the id it was submitted with.")
@click.option("--account", default="", help="Account of --client-order-id.")
@json_option
@gateway_options
def get(
    connection: Connection,
    order_id: str | None,
    client_order_id: str | None,
    account: str,
    as_json: bool,
) -> None:
    """Show one order, by ORDER_ID or by --client-order-id."""
    if bool(order_id) == bool(client_order_id):
        raise click.UsageError("give either ORDER_ID or --client-order-id")

    async def call(client: AsyncGatewayClient) -> Order:
        if order_id:
            return await client.get_order(order_id)
        assert client_order_id is not None
        return await client.get_order_by_client_id(client_order_id, account)

    _show_order(connection.run(call), as_json)


@orders.command("list")
@click.option("--account", default="", help="Only this account's orders.")
@click.option("--symbol", default="", help="Only orders for this symbol.")
@click.option(
    "--status", "statuses", type=ORDER_STATUS, multiple=True, help="Only these (repeatable)."
)
@click.option("--working", is_flag=True, help="Only orders that may still fill or change.")
@json_option
@gateway_options
def list_orders(
    connection: Connection,
    account: str,
    symbol: str,
    statuses: tuple[str, ...],
    working: bool,
    as_json: bool,
) -> None:
    """List orders, oldest first."""
    wanted = statuses + (WORKING_STATUSES if working else ())

    async def call(client: AsyncGatewayClient) -> list[Order]:
        found = client.list_orders(account=account, statuses=wanted, symbol=symbol)
        return [order async for order in found]

    found = connection.run(call)
    if as_json:
        echo_json({"orders": found})
    elif found:
        show(orders_table(found, title=counted(len(found), "order")))
    else:
        click.echo("no orders", err=True)


@orders.command()
@click.argument("order_id")
@click.option("--quantity", type=AMOUNT, help="New total quantity.")
@click.option("--limit-price", type=AMOUNT, help="New limit price.")
@click.option("--stop-price", type=AMOUNT, help="New stop price.")
@click.option("--tif", type=TIME_IN_FORCE, help="New time in force.")
@json_option
@gateway_options
def modify(
    connection: Connection,
    order_id: str,
    quantity: Decimal | None,
    limit_price: Decimal | None,
    stop_price: Decimal | None,
    tif: str | None,
    as_json: bool,
) -> None:
    """Change quantity, prices or time in force of a working order."""
    if quantity is None and limit_price is None and stop_price is None and tif is None:
        raise click.UsageError("nothing to change: give --quantity, a price or --tif")

    async def call(client: AsyncGatewayClient) -> Order:
        return await client.modify_order(
            order_id,
            quantity=quantity,
            limit_price=limit_price,
            stop_price=stop_price,
            time_in_force=tif,
        )

    _show_order(connection.run(call), as_json)


@orders.command()
@click.argument("order_id", required=False)
@click.option("--all", "cancel_all", is_flag=True, help="Cancel every working order.")
@click.option("--account", default="", help="With --all: only this account's orders.")
@json_option
@gateway_options
def cancel(
    connection: Connection,
    order_id: str | None,
    cancel_all: bool,
    account: str,
    as_json: bool,
) -> None:
    """Cancel ORDER_ID, or with --all every working order. The order goes PENDING_CANCEL,
    then CANCELLED (follow it with `watch` or `orders get`)."""
    if bool(order_id) == cancel_all:
        raise click.UsageError("give either ORDER_ID or --all")
    if order_id:
        _show_order(connection.run(lambda client: client.cancel_order(order_id)), as_json)
        return
    cancelled = connection.run(lambda client: client.cancel_all_orders(account))
    if as_json:
        echo_json({"cancelled_orders": cancelled})
    elif cancelled:
        show(
            orders_table(
                cancelled, title=f"cancel requested for {counted(len(cancelled), 'order')}"
            )
        )
    else:
        click.echo("no working orders", err=True)
