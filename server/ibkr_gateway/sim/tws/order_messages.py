"""openOrder (5) and completedOrder (101): the two long messages.

Both mirror `ib_async.decoder.Decoder.openOrder` / `.completedOrder` at server version
178 line by line, so each group below ends where the decoder starts a new unpacking.
Features the simulator rejects (combos, conditions, scale, hedge, delta-neutral) are
always encoded as absent, which keeps those optional blocks out of the layout; an
algo is echoed with its parameters, as the client sent them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ibkr_gateway.sim.tws.framing import UNSET_DOUBLE, UNSET_INTEGER, Field
from ibkr_gateway.sim.tws.outgoing import (
    COMPLETED_ORDER,
    OPEN_ORDER,
    Kind,
    Out,
    contract_fields,
)
from ibkr_gateway.sim.tws.place_order import WireContract, WireOrder
from ibkr_gateway.sim.tws.what_if import WhatIfState

_NO_DOUBLE = UNSET_DOUBLE  # encodes as ""
_NO_INT = UNSET_INTEGER  # encodes as ""


@dataclass(frozen=True, slots=True)
class OrderView:
    """An order as the simulator currently reports it: the client's wire fields, with
    quantity, prices and status taken from the exchange."""

    order_id: int
    client_id: int
    perm_id: int
    contract: WireContract
    order: WireOrder
    total_quantity: Decimal
    lmt_price: Decimal | None
    aux_price: Decimal | None
    trail_stop_price: Decimal | None
    status: str
    filled: Decimal
    remaining: Decimal = Decimal(0)
    avg_fill_price: Decimal = Decimal(0)
    last_fill_price: Decimal = Decimal(0)
    parent_perm_id: int = 0
    completed_time: str = ""
    # The answer to a what-if order.
    what_if: WhatIfState | None = None


def _price(value: Decimal | None) -> Field:
    return _NO_DOUBLE if value is None else value


def _algo(o: WireOrder) -> list[Field]:
    if not o.algo_strategy:
        return [""]
    return [
        o.algo_strategy,
        len(o.algo_params),
        *(item for pair in o.algo_params for item in pair),
    ]


def open_order(v: OrderView) -> Out:
    o = v.order
    trail_stop = _price(v.trail_stop_price)
    fields: list[Field] = [OPEN_ORDER, v.order_id, *contract_fields(v.contract)]
    fields += [
        o.action,
        v.total_quantity,
        o.order_type,
        _price(v.lmt_price),
        _price(v.aux_price),
        o.tif,
        o.oca_group,
        o.account,
        o.open_close,
        o.origin,
        o.order_ref,
        v.client_id,
        v.perm_id,
        o.outside_rth,
        o.hidden,
        0.0,  # discretionaryAmt
        o.good_after_time,
        "",  # sharesAllocation (deprecated)
        "",  # faGroup
        "",  # faMethod
        "",  # faPercentage
    ]
    fields += [
        o.model_code,
        o.good_till_date,
        "",  # rule80A
        _NO_DOUBLE,  # percentOffset
        "",  # settlingFirm
        0,  # shortSaleSlot
        "",  # designatedLocation
        -1,  # exemptCode
        0,  # auctionStrategy
        _NO_DOUBLE,  # startingPrice
        _NO_DOUBLE,  # stockRefPrice
        _NO_DOUBLE,  # delta
        _NO_DOUBLE,  # stockRangeLower
        _NO_DOUBLE,  # stockRangeUpper
        o.display_size,
        False,  # blockOrder
        False,  # sweepToFill
        False,  # allOrNone
        _NO_INT,  # minQty
        o.oca_type,
        False,  # eTradeOnly
        False,  # firmQuoteOnly
        _NO_DOUBLE,  # nbboPriceCap
        o.parent_id,
        o.trigger_method,
        _NO_DOUBLE,  # volatility
        _NO_INT,  # volatilityType
        "",  # deltaNeutralOrderType: empty, so no delta-neutral block
        _NO_DOUBLE,  # deltaNeutralAuxPrice
    ]
    fields += [
        False,  # continuousUpdate
        _NO_INT,  # referencePriceType
        trail_stop,
        _price(o.trailing_percent),
        _NO_DOUBLE,  # basisPoints
        _NO_INT,  # basisPointsType
        "",  # comboLegsDescrip
        0,  # comboLegs count
        0,  # orderComboLegs count
        0,  # smartComboRoutingParams count
        _NO_INT,  # scaleInitLevelSize
        _NO_INT,  # scaleSubsLevelSize
        _NO_DOUBLE,  # scalePriceIncrement: unset, so no scale block
        "",  # hedgeType: empty, so no hedgeParam
        False,  # optOutSmartRouting
        "",  # clearingAccount
        "",  # clearingIntent
        False,  # notHeld
        False,  # deltaNeutralContract present
        *_algo(o),
    ]
    fields += [False, o.what_if, v.status]  # solicited, whatIf, status
    w = v.what_if
    if w is None:
        fields += [
            *([""] * 9),  # margin before/change/after: init, maint, equity with loan
            _NO_DOUBLE,  # commission
            _NO_DOUBLE,  # minCommission
            _NO_DOUBLE,  # maxCommission
            "",  # commissionCurrency
        ]
    else:
        before_after = zip(w.initial_margin, w.maintenance_margin, w.equity_with_loan, strict=True)
        fields += [value for kind in before_after for value in kind]
        fields += [w.commission, _NO_DOUBLE, _NO_DOUBLE, w.currency]
    fields += [
        "",  # warningText
        False,  # randomizeSize
        False,  # randomizePrice
    ]
    fields += [
        0,  # conditions count
        "",  # adjustedOrderType
        _NO_DOUBLE,  # triggerPrice
        trail_stop,  # trailStopPrice again, with lmtPriceOffset
        _price(o.lmt_price_offset),
        _NO_DOUBLE,  # adjustedStopPrice
        _NO_DOUBLE,  # adjustedStopLimitPrice
        _NO_DOUBLE,  # adjustedTrailingAmount
        0,  # adjustableTrailingUnit
        "",  # softDollarTier name
        "",  # softDollarTier value
        "",  # softDollarTier displayName
        _NO_DOUBLE,  # cashQty
        False,  # dontUseAutoPriceForHedge
        False,  # isOmsContainer
        False,  # discretionaryUpToLimitPrice
        False,  # usePriceMgmtAlgo
        _NO_INT,  # duration
        _NO_INT,  # postToAts
        False,  # autoCancelParent
        _NO_INT,  # minTradeQty
        _NO_INT,  # minCompeteSize
        _NO_DOUBLE,  # competeAgainstBestOffset
        _NO_DOUBLE,  # midOffsetAtWhole
        _NO_DOUBLE,  # midOffsetAtHalf
    ]
    return Out(tuple(fields), Kind.OPEN_ORDER, v.order_id)


def completed_order(v: OrderView) -> Out:
    """No orderId and no clientId on the wire: IB identifies completed orders by permId."""
    o = v.order
    trail_stop = _price(v.trail_stop_price)
    fields: list[Field] = [COMPLETED_ORDER, *contract_fields(v.contract)]
    fields += [
        o.action,
        v.total_quantity,
        o.order_type,
        _price(v.lmt_price),
        _price(v.aux_price),
        o.tif,
        o.oca_group,
        o.account,
        o.open_close,
        o.origin,
        o.order_ref,
        v.perm_id,
        o.outside_rth,
        o.hidden,
        0.0,  # discretionaryAmt
        o.good_after_time,
        "",  # faGroup
        "",  # faMethod
        "",  # faPercentage
    ]
    fields += [
        o.model_code,
        o.good_till_date,
        "",  # rule80A
        _NO_DOUBLE,  # percentOffset
        "",  # settlingFirm
        0,  # shortSaleSlot
        "",  # designatedLocation
        -1,  # exemptCode
        _NO_DOUBLE,  # startingPrice
        _NO_DOUBLE,  # stockRefPrice
        _NO_DOUBLE,  # delta
        _NO_DOUBLE,  # stockRangeLower
        _NO_DOUBLE,  # stockRangeUpper
        o.display_size,
        False,  # sweepToFill
        False,  # allOrNone
        _NO_INT,  # minQty
        o.oca_type,
        o.trigger_method,
        _NO_DOUBLE,  # volatility
        _NO_INT,  # volatilityType
        "",  # deltaNeutralOrderType
        _NO_DOUBLE,  # deltaNeutralAuxPrice
    ]
    fields += [
        False,  # continuousUpdate
        _NO_INT,  # referencePriceType
        trail_stop,
        _price(o.trailing_percent),
        "",  # comboLegsDescrip
        0,  # comboLegs count
        0,  # orderComboLegs count
        0,  # smartComboRoutingParams count
        _NO_INT,  # scaleInitLevelSize
        _NO_INT,  # scaleSubsLevelSize
        _NO_DOUBLE,  # scalePriceIncrement
        "",  # hedgeType
        "",  # clearingAccount
        "",  # clearingIntent
        False,  # notHeld
        False,  # deltaNeutralContract present
        *_algo(o),
        False,  # solicited
        v.status,
        False,  # randomizeSize
        False,  # randomizePrice
        0,  # conditions count
    ]
    fields += [
        trail_stop,
        _price(o.lmt_price_offset),
        _NO_DOUBLE,  # cashQty
        False,  # dontUseAutoPriceForHedge
        False,  # isOmsContainer
        "",  # autoCancelDate
        v.filled,  # filledQuantity
        0,  # refFuturesConId
        False,  # autoCancelParent
        "",  # shareholder
        False,  # imbalanceOnly
        False,  # routeMarketableToBbo
        v.parent_perm_id,
        v.completed_time,
        v.status,  # completedStatus
        _NO_INT,  # minTradeQty
        _NO_INT,  # minCompeteSize
        _NO_DOUBLE,  # competeAgainstBestOffset
        _NO_DOUBLE,  # midOffsetAtWhole
        _NO_DOUBLE,  # midOffsetAtHalf
    ]
    return Out(tuple(fields), Kind.OTHER, 0)
