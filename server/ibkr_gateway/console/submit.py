"""`orders submit`: one order, always with a client_order_id so a retry cannot double it."""

from __future__ import annotations

import uuid
from decimal import Decimal

import click
from ibkr.gateway.v1 import orders_pb2

from ibkr_gateway.console.connection import Connection, gateway_options
from ibkr_gateway.console.output import echo_json, json_option, show
from ibkr_gateway.console.params import (
    ADAPTIVE_PRIORITY,
    AMOUNT,
    ORDER_TYPE,
    SECURITY_TYPE,
    SIDE,
    TIME_IN_FORCE,
    TWAP_STRATEGY_TYPE,
)
from ibkr_gateway.console.tables import order_details
from ibkr_gateway_client import AsyncGatewayClient, Order, algos
from ibkr_gateway_client.models import decimal_text


def new_client_order_id() -> str:
    return f"cli-{uuid.uuid4().hex}"


def implied_order_type(limit: Decimal | None, stop: Decimal | None, trailing: bool) -> str:
    if trailing:
        return "TRAILING_STOP"
    if limit is not None and stop is not None:
        return "STOP_LIMIT"
    if limit is not None:
        return "LIMIT"
    return "STOP" if stop is not None else "MARKET"


def _contract(
    sec_type: str | None,
    exchange: str,
    currency: str,
    primary_exchange: str,
    con_id: int,
    expiry: str,
    strike: Decimal | None,
    right: str | None,
    multiplier: str,
) -> orders_pb2.Contract:
    return orders_pb2.Contract(
        sec_type=orders_pb2.SecurityType.Value(f"SECURITY_TYPE_{sec_type}")
        if sec_type
        else orders_pb2.SECURITY_TYPE_UNSPECIFIED,
        exchange=exchange,
        currency=currency,
        primary_exchange=primary_exchange,
        con_id=con_id,
        last_trade_date_or_contract_month=expiry,
        strike=decimal_text(strike) if strike is not None else "",
        right=right or "",
        multiplier=multiplier,
    )


def _algo(
    name: str | None,
    priority: str | None,
    twap_strategy: str | None,
    max_pct_vol: Decimal | None,
) -> orders_pb2.Algo | None:
    """The algo the options name; a parameter of another algo is a usage error."""
    chosen = (name or "").lower()
    for option, value, algo in (
        ("--adaptive-priority", priority, "adaptive"),
        ("--twap-strategy", twap_strategy, "twap"),
        ("--max-pct-vol", max_pct_vol, "vwap"),
    ):
        if value is not None and chosen != algo:
            raise click.UsageError(f"{option} needs --algo {algo}")
    if chosen == "adaptive":
        return algos.adaptive(priority or "NORMAL")
    if chosen == "twap":
        return algos.twap(twap_strategy or "MARKETABLE")
    if chosen == "vwap":
        if max_pct_vol is None:
            raise click.UsageError("--algo vwap needs --max-pct-vol")
        return algos.vwap(max_pct_vol)
    return None


@click.command()
@click.argument("side", type=SIDE)
@click.argument("quantity", type=AMOUNT)
@click.argument("symbol")
@click.option(
    "--type",
    "order_type",
    type=ORDER_TYPE,
    help="Order type. Default: TRAILING_STOP with a trailing amount or percent, "
    "STOP_LIMIT with both prices, LIMIT with --limit-price, STOP with --stop-price, "
    "MARKET with none.",
)
@click.option("--limit-price", type=AMOUNT, help="Limit price.")
@click.option("--stop-price", type=AMOUNT, help="Stop (trigger) price.")
@click.option("--trailing-amount", type=AMOUNT, help="Trailing stop distance in price.")
@click.option("--trailing-percent", type=AMOUNT, help="Trailing stop distance in percent.")
@click.option(
    "--limit-offset", type=AMOUNT, help="TRAILING_STOP_LIMIT: the limit's distance beyond the stop."
)
@click.option(
    "--peg-offset", type=AMOUNT, help="RELATIVE, PEGGED_TO_MIDPOINT: offset from the peg."
)
@click.option("--display-size", type=AMOUNT, help="Iceberg: the quantity shown at a time.")
@click.option("--hidden", is_flag=True, help="Not shown to the market.")
@click.option(
    "--algo",
    type=click.Choice(["adaptive", "twap", "vwap"], case_sensitive=False),
    help="IB algo working a MARKET or LIMIT order (DAY).",
)
@click.option(
    "--adaptive-priority", type=ADAPTIVE_PRIORITY, help="Adaptive: URGENT, NORMAL, PATIENT."
)
@click.option("--twap-strategy", type=TWAP_STRATEGY_TYPE, help="TWAP: how each slice trades.")
@click.option("--max-pct-vol", type=AMOUNT, help="VWAP: largest share of the volume, e.g. 0.1.")
@click.option("--tif", type=TIME_IN_FORCE, default="DAY", show_default=True, help="Time in force.")
@click.option("--outside-rth", is_flag=True, help="May trigger or fill outside regular hours.")
@click.option("--oca-group", default="", help="One-cancels-all group.")
@click.option("--account", default="", help="Account; the gateway's default when empty.")
@click.option(
    "--client-order-id",
    help="Your id for the order. Submitting the same id again returns the original order "
    "instead of placing a second one. Generated, and printed on stderr, when not given.",
)
@click.option("--sec-type", type=SECURITY_TYPE, help="Security type; STOCK when not given.")
@click.option("--exchange", default="", help="Exchange, e.g. SMART.")
@click.option("--currency", default="", help="Currency, e.g. USD.")
@click.option("--primary-exchange", default="", help="Primary exchange, e.g. NASDAQ.")
@click.option("--con-id", type=click.IntRange(0), default=0, help="IB contract id.")
@click.option("--expiry", default="", help="Expiry (YYYYMM or YYYYMMDD) of a future or option.")
@click.option("--strike", type=AMOUNT, help="Strike of an option.")
@click.option(
    "--right",
    type=click.Choice(["C", "P"], case_sensitive=False),
    help="Option right: C or P.",
)
@click.option("--multiplier", default="", help="Contract multiplier of a future or option.")
@json_option
@gateway_options
def submit(
    connection: Connection,
    side: str,
    quantity: Decimal,
    symbol: str,
    order_type: str | None,
    limit_price: Decimal | None,
    stop_price: Decimal | None,
    trailing_amount: Decimal | None,
    trailing_percent: Decimal | None,
    limit_offset: Decimal | None,
    peg_offset: Decimal | None,
    display_size: Decimal | None,
    hidden: bool,
    algo: str | None,
    adaptive_priority: str | None,
    twap_strategy: str | None,
    max_pct_vol: Decimal | None,
    tif: str,
    outside_rth: bool,
    oca_group: str,
    account: str,
    client_order_id: str | None,
    sec_type: str | None,
    exchange: str,
    currency: str,
    primary_exchange: str,
    con_id: int,
    expiry: str,
    strike: Decimal | None,
    right: str | None,
    multiplier: str,
    as_json: bool,
) -> None:
    """Submit an order: SIDE (buy or sell), QUANTITY, SYMBOL.

    \b
      ibkr-gateway orders submit buy 100 AAPL --limit-price 187.25
      ibkr-gateway orders submit sell 1 ES --sec-type future --expiry 202609 \\
          --exchange CME --multiplier 50
    """
    if client_order_id is None:
        client_order_id = new_client_order_id()
        # Printed before sending: if the answer is lost, this id retries safely.
        click.echo(f"client_order_id: {client_order_id}", err=True)
    trailing = trailing_amount is not None or trailing_percent is not None
    contract = _contract(
        sec_type, exchange, currency, primary_exchange, con_id, expiry, strike, right, multiplier
    )

    chosen_algo = _algo(algo, adaptive_priority, twap_strategy, max_pct_vol)

    async def call(client: AsyncGatewayClient) -> Order:
        spec = client.order_spec(
            symbol,
            side,
            quantity,
            order_type=order_type or implied_order_type(limit_price, stop_price, trailing),
            limit_price=limit_price,
            stop_price=stop_price,
            trailing_amount=trailing_amount,
            trailing_percent=trailing_percent,
            limit_offset=limit_offset,
            peg_offset=peg_offset,
            display_size=display_size,
            hidden=hidden,
            algo=chosen_algo,
            time_in_force=tif,
            outside_rth=outside_rth,
            oca_group=oca_group,
            account=account,
            client_order_id=client_order_id,
            contract=contract,
        )
        return await client.submit(spec)

    order = connection.run(
        call,
        unknown_outcome_hint=(
            f"; the order may exist: submit again with --client-order-id {client_order_id}"
        ),
    )
    if as_json:
        echo_json(order)
    else:
        show(order_details(order))
