"""Pure translation between the domain and ib_async's objects and raw callbacks."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import ib_async

from ibkr_gateway.broker import (
    BrokerCommission,
    BrokerExecution,
    BrokerOpenOrder,
    BrokerOrderError,
    BrokerOrderStatus,
)
from ibkr_gateway.ib.algos import algo_from_ib, ib_algo_params
from ibkr_gateway.order.models import (
    Contract,
    Order,
    OrderType,
    SecurityType,
    Side,
    TimeInForce,
)

UNSET_DOUBLE = ib_async.util.UNSET_DOUBLE
UNSET_INTEGER = ib_async.util.UNSET_INTEGER


def decimal_from(value: float | str | Decimal | None) -> Decimal:
    """IB numbers arrive as floats; their shortest repr is the decimal that was sent."""
    if value is None or value == "" or value == UNSET_DOUBLE:
        return Decimal(0)
    return Decimal(str(value))


def _float_or_unset(value: Decimal | None) -> float:
    return float(value) if value is not None else UNSET_DOUBLE


def ib_contract(contract: Contract) -> ib_async.Contract:
    return ib_async.Contract(
        secType=contract.sec_type.value,
        conId=contract.con_id,
        symbol=contract.symbol,
        lastTradeDateOrContractMonth=contract.last_trade_date_or_contract_month,
        strike=float(contract.strike) if contract.strike is not None else 0.0,
        right=contract.right,
        multiplier=str(contract.multiplier) if contract.multiplier is not None else "",
        exchange=contract.exchange,
        primaryExchange=contract.primary_exchange,
        currency=contract.currency,
        localSymbol=contract.local_symbol,
        tradingClass=contract.trading_class,
    )


def ib_order(
    order: Order, *, account: str, parent_broker_id: int = 0, transmit: bool = True
) -> ib_async.Order:
    spec = order.spec
    kind = spec.order_type
    trailing = kind.trails
    # auxPrice is the stop (or trigger) price, except for TRAIL and TRAIL LIMIT, which
    # carry their distance in it (or in trailingPercent) and their optional initial stop
    # in trailStopPrice, and for REL and PEG MID, which carry their offset in it.
    aux = spec.trailing_amount if trailing else spec.stop_price
    if kind.pegged:
        aux = spec.peg_offset or Decimal(0)
    algo = spec.algo
    return ib_async.Order(
        orderId=order.broker_order_id,
        action=spec.side.value,
        totalQuantity=float(spec.quantity),
        orderType=order.ib_order_type,
        lmtPrice=float(spec.limit_price) if spec.limit_price is not None else UNSET_DOUBLE,
        auxPrice=float(aux) if aux is not None else UNSET_DOUBLE,
        trailingPercent=_float_or_unset(spec.trailing_percent),
        trailStopPrice=_float_or_unset(spec.stop_price if trailing else None),
        lmtPriceOffset=_float_or_unset(spec.limit_offset),
        goodTillDate=spec.good_till.astimezone(UTC).strftime("%Y%m%d %H:%M:%S UTC")
        if spec.good_till is not None
        else "",
        tif=spec.time_in_force.value,
        outsideRth=spec.outside_rth,
        orderRef=spec.client_order_id,
        account=spec.account or account,
        parentId=parent_broker_id,
        ocaGroup=order.oca_group,
        # Reduce the other members on each fill, without blocking.
        ocaType=3 if order.oca_group else 0,
        transmit=transmit,
        displaySize=int(spec.display_size) if spec.display_size is not None else 0,
        hidden=spec.hidden,
        algoStrategy=ib_algo_params(algo)[0] if algo is not None else "",
        algoParams=ib_algo_params(algo)[1] if algo is not None else [],
    )


# IB spells some types two ways; OTHER is the gateway's own, never IB's.
_ORDER_TYPES = {t.value: t for t in OrderType if t is not OrderType.OTHER} | {
    "PEGMID": OrderType.PEGGED_TO_MIDPOINT,
    "TRAIL LMT": OrderType.TRAILING_STOP_LIMIT,
}
_TIMES_IN_FORCE = {t.value: t for t in TimeInForce}
_SECURITY_TYPES = {t.value: t for t in SecurityType}


def _decimal_or_none(value: float | str | Decimal | None) -> Decimal | None:
    return None if value is None or value in (UNSET_DOUBLE, 0.0, "") else decimal_from(value)


def domain_contract(contract: ib_async.Contract) -> Contract:
    """The contract as IB describes it, derivatives' terms included."""
    return Contract(
        symbol=contract.symbol,
        sec_type=_SECURITY_TYPES.get(contract.secType, SecurityType.STOCK),
        exchange=contract.exchange or "SMART",
        currency=contract.currency or "USD",
        con_id=contract.conId,
        primary_exchange=contract.primaryExchange,
        last_trade_date_or_contract_month=contract.lastTradeDateOrContractMonth,
        strike=_decimal_or_none(contract.strike),
        right=contract.right,
        multiplier=_decimal_or_none(contract.multiplier or None),
        local_symbol=contract.localSymbol,
        trading_class=contract.tradingClass,
    )


def _good_till(text: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = ib_async.util.parseIBDatetime(text)
    except (ValueError, KeyError):
        return None
    if not isinstance(moment, datetime):
        return None
    # IB reads a time without a zone in the zone of the TWS login; UTC is a guess.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def open_order_report(
    order_id: int, contract: ib_async.Contract, order: ib_async.Order, state: ib_async.OrderState
) -> BrokerOpenOrder:
    order_type = _ORDER_TYPES.get(order.orderType, OrderType.OTHER)
    algo = algo_from_ib(order.algoStrategy, order.algoParams) if order.algoStrategy else None
    if order.algoStrategy and algo is None:
        # An algo the contract has no name for: the order is not the plain type.
        order_type = OrderType.OTHER
    trailing = order_type.trails
    pegged = order_type.pegged
    known = order_type is not OrderType.OTHER
    display = order.displaySize if order.displaySize not in (None, UNSET_INTEGER) else 0
    return BrokerOpenOrder(
        broker_order_id=order_id,
        perm_id=order.permId,
        client_id=order.clientId,
        order_ref=order.orderRef,
        account=order.account,
        contract=domain_contract(contract),
        side=Side.BUY if order.action == "BUY" else Side.SELL,
        quantity=decimal_from(order.totalQuantity),
        order_type=order_type,
        limit_price=_decimal_or_none(order.lmtPrice),
        stop_price=None
        if pegged
        else _decimal_or_none(order.trailStopPrice if trailing else order.auxPrice),
        time_in_force=_TIMES_IN_FORCE.get(order.tif, TimeInForce.DAY),
        status=state.status,
        trailing_amount=_decimal_or_none(order.auxPrice) if trailing else None,
        trailing_percent=_decimal_or_none(order.trailingPercent) if trailing else None,
        good_till=_good_till(order.goodTillDate),
        outside_rth=bool(order.outsideRth),
        oca_group=order.ocaGroup,
        broker_order_type=order.orderType
        if known
        else " ".join(filter(None, (order.orderType, order.algoStrategy))),
        algo=algo,
        display_size=Decimal(display) if display and known else None,
        hidden=bool(order.hidden) and known,
        # An offset of 0 is an offset: only IB's unset double means none.
        limit_offset=decimal_from(order.lmtPriceOffset)
        if order_type is OrderType.TRAILING_STOP_LIMIT and order.lmtPriceOffset != UNSET_DOUBLE
        else None,
        peg_offset=_decimal_or_none(order.auxPrice) if pegged else None,
    )


def status_report(
    order_id: int,
    status: str,
    filled: float,
    remaining: float,
    avg_fill_price: float,
    perm_id: int,
    why_held: str,
    order_ref: str = "",
) -> BrokerOrderStatus:
    return BrokerOrderStatus(
        broker_order_id=order_id,
        status=status,
        filled=decimal_from(filled),
        remaining=decimal_from(remaining),
        average_fill_price=decimal_from(avg_fill_price),
        perm_id=perm_id,
        why_held=why_held,
        order_ref=order_ref,
    )


def completed_order_report(
    contract: ib_async.Contract, order: ib_async.Order, state: ib_async.OrderState
) -> BrokerOrderStatus:
    """A completed order (filled or cancelled while the gateway may have been away)."""
    filled = decimal_from(order.filledQuantity)
    order_id = order.orderId if order.orderId != UNSET_INTEGER else 0
    return BrokerOrderStatus(
        broker_order_id=order_id,
        status=state.status,
        filled=filled,
        remaining=max(decimal_from(order.totalQuantity) - filled, Decimal(0))
        if state.status not in ("Filled", "Cancelled", "ApiCancelled")
        else Decimal(0),
        average_fill_price=Decimal(0),
        perm_id=order.permId,
        why_held=state.completedStatus,
        order_ref=order.orderRef,
        order=open_order_report(order_id, contract, order, state),
    )


def execution_report(execution: ib_async.Execution) -> BrokerExecution:
    when = execution.time
    if not isinstance(when, datetime) or when.tzinfo is None:
        when = datetime.now(UTC)
    return BrokerExecution(
        execution_id=execution.execId,
        broker_order_id=execution.orderId if execution.orderId != UNSET_INTEGER else 0,
        perm_id=execution.permId,
        order_ref=execution.orderRef,
        side=Side.BUY if execution.side == "BOT" else Side.SELL,
        quantity=decimal_from(execution.shares),
        price=decimal_from(execution.price),
        time=when.astimezone(UTC),
        exchange=execution.exchange,
        cumulative_quantity=decimal_from(execution.cumQty),
        average_price=decimal_from(execution.avgPrice),
    )


def commission_report(report: ib_async.CommissionReport) -> BrokerCommission:
    return BrokerCommission(
        execution_id=report.execId,
        commission=decimal_from(report.commission),
        currency=report.currency,
    )


def error_report(req_id: int, code: int, message: str) -> BrokerOrderError:
    return BrokerOrderError(broker_order_id=req_id, code=code, message=message)
