"""`positions` and `account`: what the fills add up to."""

from __future__ import annotations

import click
from rich import box
from rich.table import Table

from ibkr_gateway.console.connection import Connection, gateway_options
from ibkr_gateway.console.output import amount, echo_json, json_option, short_clock, show
from ibkr_gateway_client import AccountSummary, AsyncGatewayClient, Position, PositionList


def positions_table(positions: tuple[Position, ...], last_sequence: int) -> Table:
    table = Table(
        title=f"positions at sequence {last_sequence}",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
    )
    for name in ("account", "symbol"):
        table.add_column(name)
    for name in ("quantity", "avg cost", "market", "unrealized", "realized"):
        table.add_column(name, justify="right")
    table.add_column("updated (UTC)")
    for p in positions:
        table.add_row(
            p.account,
            p.symbol,
            amount(p.quantity),
            amount(p.average_cost),
            amount(p.market_price),
            amount(p.unrealized_pnl),
            amount(p.realized_pnl),
            short_clock(p.update_time),
        )
    return table


@click.command()
@click.option("--account", default="", help="The account; the gateway's default when omitted.")
@click.option("--symbol", default="", help="Only this symbol.")
@click.option("--closed", is_flag=True, help="Also positions back at 0 (they keep their P&L).")
@json_option
@gateway_options
def positions(
    connection: Connection, account: str, symbol: str, closed: bool, as_json: bool
) -> None:
    """Positions of one account, with P&L at the market price where the gateway has one."""

    async def call(client: AsyncGatewayClient) -> PositionList:
        return await client.list_positions(account=account, symbol=symbol, include_closed=closed)

    listed = connection.run(call)
    if as_json:
        echo_json(listed)
    elif listed.positions:
        show(positions_table(listed.positions, listed.last_sequence))
    else:
        click.echo("no positions", err=True)


SUMMARY_ROWS = (
    ("net liquidation", "net_liquidation"),
    ("cash", "cash"),
    ("gross position value", "gross_position_value"),
    ("initial margin", "initial_margin"),
    ("maintenance margin", "maintenance_margin"),
    ("available funds", "available_funds"),
    ("excess liquidity", "excess_liquidity"),
    ("buying power", "buying_power"),
    ("realized P&L", "realized_pnl"),
    ("unrealized P&L", "unrealized_pnl"),
)


@click.command()
@click.option("--account", default="", help="The account; the gateway's default when omitted.")
@json_option
@gateway_options
def account(connection: Connection, account: str, as_json: bool) -> None:
    """Cash, margin, buying power and P&L of one account (the simulated account on the
    sim backend)."""

    async def call(client: AsyncGatewayClient) -> AccountSummary:
        return await client.get_account_summary(account)

    summary = connection.run(call)
    if as_json:
        echo_json(summary)
        return
    table = Table(
        title=f"{summary.account} in {summary.currency} at sequence {summary.last_sequence}",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
        show_header=False,
    )
    table.add_column("figure")
    table.add_column("amount", justify="right")
    for label, field in SUMMARY_ROWS:
        table.add_row(label, amount(getattr(summary, field)))
    show(table)
