"""Submit a resting limit order and a market order, follow the market order's fill, cancel
the limit order, and handle the errors a strategy meets.

    python examples/python/quickstart.py [host:port]   # default 127.0.0.1:50051
"""

from __future__ import annotations

import asyncio
import os
import sys
from decimal import Decimal

from ibkr_gateway_client import (
    AsyncGatewayClient,
    FailedPreconditionError,
    InvalidArgumentError,
)


async def main(target: str) -> None:
    async with AsyncGatewayClient(target) as gateway:
        # The simulated exchange trades every symbol at 100: a buy limit at 50 rests.
        resting = await gateway.submit_order(
            "AAPL", "BUY", Decimal("10"), order_type="LIMIT", limit_price=Decimal("50")
        )
        print("resting", resting.client_order_id, resting.status)

        bought = await gateway.submit_order("AAPL", "BUY", Decimal("5"), order_type="MARKET")
        filled = Decimal(0)
        # Replays the order's fills from the start of the journal, then follows them live;
        # a dropped connection resumes after the last sequence seen.
        async for event in gateway.fills(order_id=bought.order_id):
            assert event.fill is not None
            filled += event.fill.quantity
            print("filled", event.fill.quantity, "@", event.fill.price)
            if filled == bought.quantity:
                break

        cancelling = await gateway.cancel_order(resting.order_id)
        print("cancel", cancelling.status)

        try:
            await gateway.cancel_order(bought.order_id)
        except FailedPreconditionError as error:
            print("already finished:", error.reason)

        try:
            await gateway.submit_order("AAPL", "BUY", Decimal("0"), order_type="MARKET")
        except InvalidArgumentError as error:
            for path, problem in error.field_violations.items():
                print("refused:", path, "-", problem)


if __name__ == "__main__":
    default = os.environ.get("IBKR_GATEWAY_TARGET", "127.0.0.1:50051")
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else default))
