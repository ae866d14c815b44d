"""`audit list` (admin)."""

from __future__ import annotations

from collections import deque

import click

from ibkr_gateway.console.connection import Connection, gateway_options
from ibkr_gateway.console.output import echo_json, json_option, show
from ibkr_gateway.console.tables import audit_table
from ibkr_gateway_client import AsyncGatewayClient, AuditRecord


@click.group()
def audit() -> None:
    """The audit trail: every mutating call, who made it, and how it ended."""


@audit.command("list")
@click.option("--last", type=click.IntRange(1), help="Only the most recent N records.")
@json_option
@gateway_options
def list_records(connection: Connection, last: int | None, as_json: bool) -> None:
    """List audit records, oldest first (the request of each is in --json)."""

    async def call(client: AsyncGatewayClient) -> list[AuditRecord]:
        # The trail pages oldest first; keeping a window of the last N bounds memory.
        kept: deque[AuditRecord] = deque(maxlen=last)
        async for record in client.list_audit_records(page_size=1000):
            kept.append(record)
        return list(kept)

    records = connection.run(call)
    if as_json:
        echo_json({"records": records})
    elif records:
        show(audit_table(records))
    else:
        click.echo("no audit records", err=True)
