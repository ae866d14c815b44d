"""Print what the account holds, at what cost and with what P&L, and the account's figures;
then sell part of the holding and follow the position change it makes.

    python examples/python/positions.py [host:port]   # default 127.0.0.1:50051
"""

from __future__ import annotations

import asyncio
import os
import sys
from decimal import Decimal

from ibkr_gateway_client import AsyncGatewayClient


async def main(target: str) -> None:
    async with AsyncGatewayClient(target) as gateway:
        listed = await gateway.list_positions()
        for p in listed.positions:
            print(p.symbol, p.quantity, p.average_cost, p.realized_pnl, p.unrealized_pnl)
        summary = await gateway.get_account_summary()
        print("cash", summary.cash, "buying power", summary.buying_power)

        sold = await gateway.submit_order("AAPL", "SELL", Decimal("5"), order_type="MARKET")
        # Changes after the listing, live; a dropped connection resumes by itself.
        async for change in gateway.positions(after_sequence=listed.last_sequence):
            print(change.cause, change.position.symbol, "now", change.position.quantity)
            if change.order_id == sold.order_id:
                break


if __name__ == "__main__":
    default = os.environ.get("IBKR_GATEWAY_TARGET", "127.0.0.1:50051")
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else default))
