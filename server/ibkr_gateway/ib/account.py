"""IB's positions, account summary and what-if answers, in the broker port's terms."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal, InvalidOperation

import ib_async

from ibkr_gateway.broker import BrokerAccountSummary, BrokerPosition, WhatIfEstimate
from ibkr_gateway.ib.translate import UNSET_DOUBLE, decimal_from, domain_contract
from ibkr_gateway.order.models import SecurityType

# "$LEDGER" adds the base currency's ledger: RealizedPnL and UnrealizedPnL among others.
SUMMARY_TAGS = (
    "NetLiquidation,TotalCashValue,BuyingPower,InitMarginReq,MaintMarginReq,"
    "ExcessLiquidity,AvailableFunds,GrossPositionValue,$LEDGER"
)
_DERIVATIVES = frozenset({SecurityType.OPTION, SecurityType.FUTURE, SecurityType.FUTURE_OPTION})
_FIELDS = {
    "NetLiquidation": "net_liquidation",
    "TotalCashValue": "cash",
    "BuyingPower": "buying_power",
    "InitMarginReq": "initial_margin",
    "MaintMarginReq": "maintenance_margin",
    "ExcessLiquidity": "excess_liquidity",
    "AvailableFunds": "available_funds",
    "GrossPositionValue": "gross_position_value",
    "RealizedPnL": "realized_pnl",
    "UnrealizedPnL": "unrealized_pnl",
}


def broker_position(p: ib_async.Position) -> BrokerPosition:
    contract = domain_contract(p.contract)
    if contract.multiplier == 1 and contract.sec_type not in _DERIVATIVES:
        # IB may give a stock a multiplier of 1, which orders leave out.
        contract = replace(contract, multiplier=None)
    return BrokerPosition(
        account=p.account,
        contract=contract,
        quantity=decimal_from(p.position),
        average_cost=decimal_from(p.avgCost),
    )


def _amount(text: str | float) -> Decimal | None:
    """IB's amount, None when unset or not a number."""
    if text in ("", UNSET_DOUBLE) or (isinstance(text, str) and text.strip() == ""):
        return None
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(float(value)) >= UNSET_DOUBLE:
        return None
    return value


def account_summary(account: str, values: Iterable[ib_async.AccountValue]) -> BrokerAccountSummary:
    """The figures IB reported for `account`; the ledger's in the account's currency
    (that of NetLiquidation), not another currency's."""
    rows = [v for v in values if v.account == account]
    currency = next((v.currency for v in rows if v.tag == "NetLiquidation"), "")
    found: dict[str, Decimal | None] = dict.fromkeys(_FIELDS.values())
    for v in rows:
        name = _FIELDS.get(v.tag)
        if name is not None and v.currency in (currency, ""):
            found[name] = _amount(v.value)
    return BrokerAccountSummary(account=account, currency=currency, **found)


def what_if_estimate(state: ib_async.OrderState) -> WhatIfEstimate:
    return WhatIfEstimate(
        currency=state.commissionCurrency,
        commission=_amount(state.commission),
        min_commission=_amount(state.minCommission),
        max_commission=_amount(state.maxCommission),
        initial_margin_before=_amount(state.initMarginBefore),
        initial_margin_after=_amount(state.initMarginAfter),
        maintenance_margin_before=_amount(state.maintMarginBefore),
        maintenance_margin_after=_amount(state.maintMarginAfter),
        equity_with_loan_before=_amount(state.equityWithLoanBefore),
        equity_with_loan_after=_amount(state.equityWithLoanAfter),
        warning=state.warningText,
    )
