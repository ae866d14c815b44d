"""The simulated account: cash, positions and margin, derived from the executions the
simulator reported, a starting cash balance and the exchange's reference prices.

Margin is Reg T on the gross position value (50% initial, 25% maintenance) and buying
power four times the available funds, as for an IB margin account trading stocks.
Realized P&L is before commissions; cash is after them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ibkr_gateway.sim.exchange import SimulatedExchange
from ibkr_gateway.sim.tws.executions import ExecutionLog
from ibkr_gateway.sim.tws.place_order import WireContract

DEFAULT_STARTING_CASH = Decimal("1000000")
CURRENCY = "USD"
INITIAL_MARGIN = Decimal("0.5")
MAINTENANCE_MARGIN = Decimal("0.25")
BUYING_POWER_MULTIPLE = 4
_CENT = Decimal("0.01")

# Tags IB expands "$LEDGER" into (per currency); the summary requests them with it.
LEDGER_TAGS = (
    "CashBalance",
    "TotalCashBalance",
    "NetLiquidationByCurrency",
    "StockMarketValue",
    "OptionMarketValue",
    "UnrealizedPnL",
    "RealizedPnL",
    "ExchangeRate",
)


def money(value: Decimal) -> str:
    return f"{value.quantize(_CENT):f}"


def multiplier(contract: WireContract) -> Decimal:
    try:
        return Decimal(contract.multiplier) if contract.multiplier else Decimal(1)
    except ArithmeticError:
        return Decimal(1)


@dataclass(frozen=True, slots=True)
class Holding:
    """One position as reqAccountUpdates reports it (quantity 0: closed today)."""

    contract: WireContract
    quantity: Decimal
    average_cost: Decimal
    market_price: Decimal
    market_value: Decimal
    unrealized_pnl: Decimal
    realized_pnl: Decimal


@dataclass(frozen=True, slots=True)
class Snapshot:
    cash: Decimal
    holdings: tuple[Holding, ...]

    def value_of(self, sec_type: str) -> Decimal:
        held = (h.market_value for h in self.holdings if h.contract.sec_type == sec_type)
        return sum(held, Decimal(0))

    @property
    def net_liquidation(self) -> Decimal:
        return self.cash + sum((h.market_value for h in self.holdings), Decimal(0))

    @property
    def gross_position_value(self) -> Decimal:
        return sum((abs(h.market_value) for h in self.holdings), Decimal(0))

    def values(self) -> dict[str, tuple[str, str]]:
        """Tag -> (value, currency), for reqAccountSummary and reqAccountUpdates."""
        net_liq = self.net_liquidation
        gross = self.gross_position_value
        initial = gross * INITIAL_MARGIN
        maintenance = gross * MAINTENANCE_MARGIN
        available = net_liq - initial
        excess = net_liq - maintenance
        cushion = excess / net_liq if net_liq else Decimal(0)
        leverage = gross / net_liq if net_liq else Decimal(0)
        amounts = {
            "NetLiquidation": net_liq,
            "TotalCashValue": self.cash,
            "SettledCash": self.cash,
            "AccruedCash": Decimal(0),
            "BuyingPower": available * BUYING_POWER_MULTIPLE,
            "EquityWithLoanValue": net_liq,
            "PreviousDayEquityWithLoanValue": net_liq,
            "GrossPositionValue": gross,
            "RegTEquity": net_liq,
            "RegTMargin": initial,
            "SMA": available,
            "InitMarginReq": initial,
            "MaintMarginReq": maintenance,
            "AvailableFunds": available,
            "ExcessLiquidity": excess,
            "FullInitMarginReq": initial,
            "FullMaintMarginReq": maintenance,
            "FullAvailableFunds": available,
            "FullExcessLiquidity": excess,
        }
        values = {tag: (money(v), CURRENCY) for tag, v in amounts.items()}
        values["AccountType"] = ("INDIVIDUAL", "")
        values["Cushion"] = (f"{cushion.quantize(Decimal('0.0001')):f}", "")
        values["Leverage"] = (f"{leverage.quantize(_CENT):f}", "")
        return values

    def ledger(self) -> dict[str, str]:
        """The "$LEDGER" tags of the one currency, which is also the base currency."""
        realized = sum((h.realized_pnl for h in self.holdings), Decimal(0))
        unrealized = sum((h.unrealized_pnl for h in self.holdings), Decimal(0))
        amounts = {
            "CashBalance": self.cash,
            "TotalCashBalance": self.cash,
            "NetLiquidationByCurrency": self.net_liquidation,
            "StockMarketValue": self.value_of("STK"),
            "OptionMarketValue": self.value_of("OPT"),
            "UnrealizedPnL": unrealized,
            "RealizedPnL": realized,
            "ExchangeRate": Decimal(1),
        }
        return {tag: money(v) for tag, v in amounts.items()}


class AccountBook:
    def __init__(
        self,
        exchange: SimulatedExchange,
        executions: ExecutionLog,
        account: str,
        starting_cash: Decimal = DEFAULT_STARTING_CASH,
    ) -> None:
        self._exchange = exchange
        self._executions = executions
        self.account = account
        self.starting_cash = starting_cash

    def snapshot(self) -> Snapshot:
        cash = self.starting_cash
        flows: dict[int, Decimal] = {}  # by conId, before commissions
        for entry in self._executions.effective():
            v = entry.view
            if v.account != self.account:
                continue
            signed = v.shares * v.price * multiplier(v.contract)
            flow = signed if v.side == "SLD" else -signed
            flows[v.contract.con_id] = flows.get(v.contract.con_id, Decimal(0)) + flow
            cash += flow
            if entry.commission is not None:
                cash -= entry.commission.commission
        holdings = tuple(self._holdings(flows))
        return Snapshot(cash, holdings)

    def _holdings(self, flows: dict[int, Decimal]) -> Iterable[Holding]:
        for p in self._executions.positions():
            if p.account != self.account:
                continue
            mult = multiplier(p.contract)
            price = self._exchange.price(p.contract.symbol)
            cost = p.quantity * p.average_cost * mult
            value = p.quantity * price * mult
            # What was sold less what was paid, plus the cost of what is still held,
            # less the cost of what was held besides the executions.
            before = self._executions.held.get((p.account, p.contract.con_id))
            paid = before.quantity * before.average_cost * mult if before else Decimal(0)
            realized = flows.get(p.contract.con_id, Decimal(0)) + cost - paid
            yield Holding(
                contract=p.contract,
                quantity=p.quantity,
                average_cost=p.average_cost * mult,
                market_price=price,
                market_value=value,
                unrealized_pnl=value - cost,
                realized_pnl=realized,
            )
