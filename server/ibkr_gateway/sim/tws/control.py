"""MarketControl of the TWS simulator, seen from one API client (the gateway's)."""

from __future__ import annotations

from decimal import Decimal

from ibkr_gateway.sim.control import cancelled_ids, execution_id, traded_ids
from ibkr_gateway.sim.tws.server import TwsSimulator


class TwsMarketControl:
    def __init__(self, simulator: TwsSimulator, client_id: int) -> None:
        self.simulator = simulator
        self.client_id = client_id

    def _client_order_id(self, exchange_id: int) -> int | None:
        record = self.simulator.desk.records.get(exchange_id)
        if record is None or record.client_id != self.client_id:
            return None
        return record.order_id

    def set_price(self, symbol: str, price: Decimal, available: Decimal | None) -> list[int]:
        reports = self.simulator.set_price(symbol, price, available)
        return traded_ids(reports, self._client_order_id)

    def fill(self, broker_order_id: int, quantity: Decimal | None, price: Decimal | None) -> str:
        reports = self.simulator.fill(broker_order_id, quantity, price, client_id=self.client_id)
        return execution_id(reports)

    def reject_next(self, code: int, message: str) -> None:
        self.simulator.reject_next(code, message)

    def end_of_day(self) -> list[int]:
        return cancelled_ids(self.simulator.end_of_day(), self._client_order_id)

    def reset(self) -> list[int]:
        return cancelled_ids(self.simulator.reset(), self._client_order_id)

    def market(self, symbol: str) -> tuple[Decimal, Decimal | None]:
        exchange = self.simulator.exchange
        return exchange.price(symbol), exchange.available.get(symbol)
