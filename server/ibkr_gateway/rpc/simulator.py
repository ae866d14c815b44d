"""SimulatorControlService: tests and demos decide prices and fills of the sim backend."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import grpc
from ibkr.gateway.v1 import simulator_pb2, simulator_pb2_grpc

from ibkr_gateway.errors import FailedPrecondition, FieldViolation, InvalidArgument
from ibkr_gateway.order.manager import OrderManager
from ibkr_gateway.order.validation import MAX_PRICE, MAX_QUANTITY, SYMBOL_RE, check_amount
from ibkr_gateway.position.book import PositionBook
from ibkr_gateway.rpc import convert
from ibkr_gateway.rpc.access import require_every_account, visible_order
from ibkr_gateway.rpc.audit import acting_on
from ibkr_gateway.rpc.sim_positions import set_position
from ibkr_gateway.sim.control import MarketControl
from ibkr_gateway.sim.exchange import ORDER_REJECTED, ExchangeError

Context = grpc.aio.ServicerContext[Any, Any]


def _amount(
    field: str, text: str, maximum: Decimal, v: list[FieldViolation], required: bool
) -> Decimal | None:
    value = convert.parse_decimal(field, text, v)
    if value is None:
        if required and not text:
            v.append(FieldViolation(field, "is required"))
        return None
    v.extend(check_amount(field, value, maximum))
    return value


def _symbol(symbol: str, v: list[FieldViolation]) -> None:
    if not SYMBOL_RE.fullmatch(symbol):
        v.append(FieldViolation("symbol", "1 to 32 letters, digits, spaces or . _ / & -"))


class SimulatorControlServicer(simulator_pb2_grpc.SimulatorControlServiceServicer):
    def __init__(
        self,
        manager: OrderManager,
        market: MarketControl | None,
        positions: PositionBook | None = None,
    ) -> None:
        """`positions`: the simulated accounts' positions (backend sim only)."""
        self.manager = manager
        self._market = market
        self._positions = positions

    @property
    def market(self) -> MarketControl:
        if self._market is None:
            raise FailedPrecondition(
                "the gateway is not connected to a simulated market", reason="NOT_SIMULATED"
            )
        return self._market

    def _order_ids(self, broker_order_ids: list[int]) -> list[str]:
        orders = (self.manager.order_for_broker_id(i) for i in broker_order_ids)
        return [o.order_id for o in orders if o is not None]

    async def SetPrice(
        self, request: simulator_pb2.SetPriceRequest, context: Context
    ) -> simulator_pb2.SetPriceResponse:
        v: list[FieldViolation] = []
        _symbol(request.symbol, v)
        price = _amount("price", request.price, MAX_PRICE, v, required=True)
        available = None
        if request.HasField("available_quantity"):
            available = convert.parse_decimal("available_quantity", request.available_quantity, v)
            if available is not None and available < 0:
                v.append(FieldViolation("available_quantity", "must not be negative"))
        if v:
            raise InvalidArgument(v)
        assert price is not None
        require_every_account("setting a price")
        traded = self.market.set_price(request.symbol, price, available)
        return simulator_pb2.SetPriceResponse(filled_order_ids=self._order_ids(traded))

    async def FillOrder(
        self, request: simulator_pb2.FillOrderRequest, context: Context
    ) -> simulator_pb2.FillOrderResponse:
        v: list[FieldViolation] = []
        if not request.order_id:
            v.append(FieldViolation("order_id", "is required"))
        quantity = _amount("quantity", request.quantity, MAX_QUANTITY, v, required=False)
        price = _amount("price", request.price, MAX_PRICE, v, required=False)
        if v:
            raise InvalidArgument(v)
        order = visible_order(self.manager, request.order_id)
        acting_on([order.spec.account])
        try:
            execution_id = self.market.fill(order.broker_order_id, quantity, price)
        except (ExchangeError, KeyError) as exc:
            if isinstance(exc, ExchangeError) and exc.code == ORDER_REJECTED:
                raise InvalidArgument.single("quantity", exc.message) from exc
            raise FailedPrecondition(
                f"order {order.order_id} is not working at the exchange",
                reason="ORDER_NOT_WORKING",
            ) from exc
        return simulator_pb2.FillOrderResponse(execution_id=execution_id)

    async def RejectNextOrder(
        self, request: simulator_pb2.RejectNextOrderRequest, context: Context
    ) -> simulator_pb2.RejectNextOrderResponse:
        if request.code < 0:
            raise InvalidArgument.single("code", "must not be negative")
        if len(request.reason) > 500:
            raise InvalidArgument.single("reason", "at most 500 characters")
        # The next order may be any account's.
        require_every_account("rejecting the next order")
        self.market.reject_next(
            request.code or ORDER_REJECTED,
            request.reason or "Order rejected - reason: rejected by the simulator",
        )
        return simulator_pb2.RejectNextOrderResponse()

    async def EndTradingDay(
        self, request: simulator_pb2.EndTradingDayRequest, context: Context
    ) -> simulator_pb2.EndTradingDayResponse:
        require_every_account("ending the trading day")
        expired = self.market.end_of_day()
        return simulator_pb2.EndTradingDayResponse(expired_order_ids=self._order_ids(expired))

    async def ResetSimulator(
        self, request: simulator_pb2.ResetSimulatorRequest, context: Context
    ) -> simulator_pb2.ResetSimulatorResponse:
        require_every_account("resetting the simulator")
        cancelled = self.market.reset()
        return simulator_pb2.ResetSimulatorResponse(cancelled_order_ids=self._order_ids(cancelled))

    async def GetMarket(
        self, request: simulator_pb2.GetMarketRequest, context: Context
    ) -> simulator_pb2.GetMarketResponse:
        v: list[FieldViolation] = []
        _symbol(request.symbol, v)
        if v:
            raise InvalidArgument(v)
        price, available = self.market.market(request.symbol)
        return simulator_pb2.GetMarketResponse(
            price=convert.decimal_text(price), available_quantity=convert.decimal_text(available)
        )

    async def SetPosition(
        self, request: simulator_pb2.SetPositionRequest, context: Context
    ) -> simulator_pb2.SetPositionResponse:
        if self._positions is None:
            raise FailedPrecondition(
                "positions can be set only on the simulated broker (backend sim)",
                reason="NOT_SIMULATED",
            )
        position = await set_position(self.manager, self._positions, request)
        return simulator_pb2.SetPositionResponse(position=position)
