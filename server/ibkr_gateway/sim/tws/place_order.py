"""placeOrder (message id 3), walked field by field as `ib_async.Client.placeOrder`
writes it at server version 178.

Every field is consumed, including those of features the simulator does not trade
(combos, conditions, scale, hedge, delta-neutral): a layout mistake then shows
up as a missing or leftover field instead of values read from the wrong position.
What the simulator cannot honour is listed in `PlaceOrder.unsupported` and the order is
rejected by the caller, never silently traded as something else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ibkr_gateway.sim.tws.framing import FieldReader

# Fields per order condition, condType included, by condType (ib_async's dataclasses).
_CONDITION_FIELDS = {1: 7, 3: 4, 4: 4, 5: 5, 6: 6, 7: 6}
_PEG_BENCH = {"PEG BENCH", "PEGBENCH"}
_PEG_BEST = {"PEG BEST", "PEGBEST"}
_PEG_MID = {"PEG MID", "PEGMID"}


@dataclass(frozen=True, slots=True)
class WireContract:
    con_id: int = 0
    symbol: str = ""
    sec_type: str = "STK"
    last_trade_date: str = ""
    strike: Decimal | None = None
    right: str = ""
    multiplier: str = ""
    exchange: str = "SMART"
    primary_exchange: str = ""
    currency: str = "USD"
    local_symbol: str = ""
    trading_class: str = ""


@dataclass(frozen=True, slots=True)
class WireOrder:
    """The order fields the simulator acts on or echoes back in openOrder."""

    order_id: int
    action: str
    total_quantity: Decimal
    order_type: str
    lmt_price: Decimal | None = None
    aux_price: Decimal | None = None
    tif: str = ""
    oca_group: str = ""
    oca_type: int = 0
    account: str = ""
    open_close: str = ""
    origin: int = 0
    order_ref: str = ""
    transmit: bool = True
    parent_id: int = 0
    display_size: int = 0
    trigger_method: int = 0
    outside_rth: bool = False
    hidden: bool = False
    good_after_time: str = ""
    good_till_date: str = ""
    model_code: str = ""
    trail_stop_price: Decimal | None = None
    trailing_percent: Decimal | None = None
    what_if: bool = False
    algo_strategy: str = ""
    algo_params: tuple[tuple[str, str], ...] = ()
    lmt_price_offset: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    order_id: int
    contract: WireContract
    order: WireOrder
    unsupported: tuple[str, ...] = field(default=())


def read_contract(r: FieldReader) -> WireContract:
    return WireContract(
        con_id=r.integer("conId"),
        symbol=r.text("symbol"),
        sec_type=r.text("secType"),
        last_trade_date=r.text("lastTradeDateOrContractMonth"),
        strike=r.decimal("strike"),
        right=r.text("right"),
        multiplier=r.text("multiplier"),
        exchange=r.text("exchange"),
        primary_exchange=r.text("primaryExchange"),
        currency=r.text("currency"),
        local_symbol=r.text("localSymbol"),
        trading_class=r.text("tradingClass"),
    )


def _tag_values(r: FieldReader, name: str) -> int:
    count = r.integer(f"{name} count")
    r.skip(2 * count, name)
    return count


def _combo(r: FieldReader, unsupported: list[str]) -> None:
    legs = r.integer("comboLegs count")
    r.skip(8 * legs, "comboLegs")
    order_legs = r.integer("orderComboLegs count")
    r.skip(order_legs, "orderComboLegs")
    _tag_values(r, "smartComboRoutingParams")
    unsupported.append("combo (BAG) contracts")


def _conditions(r: FieldReader, unsupported: list[str]) -> None:
    count = r.integer("conditions count")
    if not count:
        return
    for i in range(count):
        cond_type = r.integer(f"conditions[{i}].condType")
        size = _CONDITION_FIELDS.get(cond_type)
        if size is None:
            r.skip(r.remaining, "unknown condition")
            unsupported.append(f"condition type {cond_type}")
            return
        r.skip(size - 1, f"conditions[{i}]")
    r.flag("conditionsIgnoreRth")
    r.flag("conditionsCancelOrder")
    unsupported.append("order conditions")


def parse_place_order(fields: list[str]) -> PlaceOrder:  # noqa: C901 - one linear walk
    r = FieldReader(fields, "placeOrder")
    unsupported: list[str] = []
    order_id = r.integer("orderId")
    contract = read_contract(r)
    r.text("secIdType")
    r.text("secId")
    action = r.text("action")
    quantity = r.decimal("totalQuantity") or Decimal(0)
    order_type = r.text("orderType")
    lmt_price = r.decimal("lmtPrice")
    aux_price = r.decimal("auxPrice")
    tif = r.text("tif")
    oca_group = r.text("ocaGroup")
    account = r.text("account")
    open_close = r.text("openClose")
    origin = r.integer("origin")
    order_ref = r.text("orderRef")
    transmit = r.flag("transmit")
    parent_id = r.integer("parentId")
    r.flag("blockOrder")
    r.flag("sweepToFill")
    display_size = r.integer("displaySize")
    trigger_method = r.integer("triggerMethod")
    outside_rth = r.flag("outsideRth")
    hidden = r.flag("hidden")
    if contract.sec_type == "BAG":
        _combo(r, unsupported)
    r.text("sharesAllocation (deprecated)")
    r.decimal("discretionaryAmt")
    good_after_time = r.text("goodAfterTime")
    good_till_date = r.text("goodTillDate")
    for name in ("faGroup", "faMethod", "faPercentage"):
        r.text(name)
    model_code = r.text("modelCode")
    for name in ("shortSaleSlot", "designatedLocation", "exemptCode"):
        r.text(name)
    oca_type = r.integer("ocaType")
    for name in (
        "rule80A settlingFirm allOrNone minQty percentOffset eTradeOnly firmQuoteOnly "
        "nbboPriceCap auctionStrategy startingPrice stockRefPrice delta stockRangeLower "
        "stockRangeUpper overridePercentageConstraints volatility volatilityType"
    ).split():
        r.text(name)
    if r.text("deltaNeutralOrderType"):
        r.skip(9, "deltaNeutral")
        unsupported.append("delta-neutral orders")
    else:
        r.text("deltaNeutralAuxPrice")
    r.flag("continuousUpdate")
    r.text("referencePriceType")
    trail_stop_price = r.decimal("trailStopPrice")
    trailing_percent = r.decimal("trailingPercent")
    r.text("scaleInitLevelSize")
    r.text("scaleSubsLevelSize")
    scale_increment = r.decimal("scalePriceIncrement")
    if scale_increment is not None and scale_increment > 0:
        r.skip(7, "scale")
        unsupported.append("scale orders")
    for name in ("scaleTable", "activeStartTime", "activeStopTime"):
        r.text(name)
    if r.text("hedgeType"):
        r.text("hedgeParam")
        unsupported.append("hedge orders")
    for name in ("optOutSmartRouting", "clearingAccount", "clearingIntent", "notHeld"):
        r.text(name)
    if r.flag("deltaNeutralContract present"):
        r.skip(3, "deltaNeutralContract")
        unsupported.append("delta-neutral contracts")
    algo_strategy = r.text("algoStrategy")
    algo_params: tuple[tuple[str, str], ...] = ()
    if algo_strategy:
        count = r.integer("algoParams count")
        algo_params = tuple(
            (r.text(f"algoParams[{i}].tag"), r.text(f"algoParams[{i}].value")) for i in range(count)
        )
    r.text("algoId")
    what_if = r.flag("whatIf")
    for name in ("orderMiscOptions", "solicited", "randomizeSize", "randomizePrice"):
        r.text(name)
    if order_type in _PEG_BENCH:
        r.skip(5, "peggedToBenchmark")
    _conditions(r, unsupported)
    r.text("adjustedOrderType")
    r.text("triggerPrice")
    lmt_price_offset = r.decimal("lmtPriceOffset")
    for name in (
        "adjustedStopPrice "
        "adjustedStopLimitPrice adjustedTrailingAmount adjustableTrailingUnit extOperator "
        "softDollarTier.name softDollarTier.val cashQty mifid2DecisionMaker "
        "mifid2DecisionAlgo mifid2ExecutionTrader mifid2ExecutionAlgo "
        "dontUseAutoPriceForHedge isOmsContainer discretionaryUpToLimitPrice "
        "usePriceMgmtAlgo duration postToAts autoCancelParent advancedErrorOverride "
        "manualOrderTime"
    ).split():
        r.text(name)
    if contract.exchange == "IBKRATS":
        r.text("minTradeQty")
    if order_type in _PEG_BEST:
        r.text("minCompeteSize")
        if r.decimal("competeAgainstBestOffset") == Decimal("Infinity"):
            r.skip(2, "midOffset")
    elif order_type in _PEG_MID:
        r.skip(2, "midOffset")
    r.finish()
    order = WireOrder(
        order_id=order_id,
        action=action,
        total_quantity=quantity,
        order_type=order_type,
        lmt_price=lmt_price,
        aux_price=aux_price,
        tif=tif,
        oca_group=oca_group,
        oca_type=oca_type,
        account=account,
        open_close=open_close,
        origin=origin,
        order_ref=order_ref,
        transmit=transmit,
        parent_id=parent_id,
        display_size=display_size,
        trigger_method=trigger_method,
        outside_rth=outside_rth,
        hidden=hidden,
        good_after_time=good_after_time,
        good_till_date=good_till_date,
        model_code=model_code,
        trail_stop_price=trail_stop_price,
        trailing_percent=trailing_percent,
        what_if=what_if,
        algo_strategy=algo_strategy,
        algo_params=algo_params,
        lmt_price_offset=lmt_price_offset,
    )
    return PlaceOrder(order_id, contract, order, tuple(unsupported))
