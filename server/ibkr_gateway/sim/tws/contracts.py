"""What the simulator lists: contracts that reqContractDetails and reqMktData know.

A listing's conId is a function of its identity (symbol, type, expiry, strike, right),
so it is the same in every run and for every client, and an order placed without a
conId gets the one reqContractDetails gave out: positions of a qualified and an
unqualified order are one position.

Stocks are listed from a default set, plus any symbol the exchange has a price for;
options only when added (`add_option`), which is also how a test makes a bare symbol
ambiguous, as it is at IB.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from decimal import Decimal

from ibkr_gateway.sim.exchange import SimulatedExchange
from ibkr_gateway.sim.tws.place_order import WireContract

CENT = Decimal("0.01")
SUB_DOLLAR_TICK = Decimal("0.0001")
OPTION_MULTIPLIER = "100"
# IB's market rule for US stocks: 0.01 from $1, 0.0001 below.
US_STOCK_MARKET_RULE = "26"

# Symbol -> (long name, primary exchange, stock type).
DEFAULT_STOCKS: dict[str, tuple[str, str, str]] = {
    "AAPL": ("APPLE INC", "NASDAQ", "COMMON"),
    "AMZN": ("AMAZON.COM INC", "NASDAQ", "COMMON"),
    "GOOGL": ("ALPHABET INC-CL A", "NASDAQ", "COMMON"),
    "IBM": ("INTL BUSINESS MACHINES CORP", "NYSE", "COMMON"),
    "MSFT": ("MICROSOFT CORP", "NASDAQ", "COMMON"),
    "NVDA": ("NVIDIA CORP", "NASDAQ", "COMMON"),
    "SPY": ("SPDR S&P 500 ETF TRUST", "ARCA", "ETF"),
    "TSLA": ("TESLA INC", "NASDAQ", "COMMON"),
}


def con_id_for(
    symbol: str,
    sec_type: str = "STK",
    last_trade_date: str = "",
    strike: Decimal | None = None,
    right: str = "",
) -> int:
    """Stable and positive, below IB's unset integer, and clear of the small ids
    tests write by hand."""
    strike_text = format(strike.normalize(), "f") if strike else ""
    key = f"{symbol.upper()}|{sec_type or 'STK'}|{last_trade_date}|{strike_text}|{right}"
    return 100_000_000 + zlib.crc32(key.encode()) % 900_000_000


def min_tick(sec_type: str, price: Decimal) -> Decimal:
    """The price increment an order must respect. US stocks: a cent from $1, 0.0001
    below (IB's market rule 26); everything else a cent, a simplification for options
    (IB's penny pilot and $0.05 rules are not modelled)."""
    if sec_type in ("STK", "") and abs(price) < 1:
        return SUB_DOLLAR_TICK
    return CENT


def on_tick(sec_type: str, price: Decimal, *, offset: bool = False) -> bool:
    """An offset (a trailing amount) is held to whole cents, the tick of the prices it
    is usually added to: the market price is not known when an order is checked."""
    tick = CENT if offset else min_tick(sec_type, price)
    return price % tick == 0


@dataclass(frozen=True, slots=True)
class Listing:
    symbol: str
    sec_type: str
    long_name: str
    primary_exchange: str = ""
    stock_type: str = ""
    currency: str = "USD"
    last_trade_date: str = ""
    strike: Decimal | None = None
    right: str = ""

    @property
    def con_id(self) -> int:
        return con_id_for(self.symbol, self.sec_type, self.last_trade_date, self.strike, self.right)

    @property
    def multiplier(self) -> str:
        return OPTION_MULTIPLIER if self.sec_type == "OPT" else ""

    @property
    def local_symbol(self) -> str:
        """An option's OCC symbol: root padded to six, yymmdd, right, strike x 1000."""
        if self.sec_type != "OPT" or self.strike is None:
            return self.symbol
        strike = int(self.strike * 1000)
        return f"{self.symbol:<6}{self.last_trade_date[2:8]}{self.right}{strike:08d}"

    @property
    def min_tick(self) -> Decimal:
        return CENT

    def wire(self) -> WireContract:
        """The contract as reqContractDetails returns it: routed through SMART."""
        return WireContract(
            con_id=self.con_id,
            symbol=self.symbol,
            sec_type=self.sec_type,
            last_trade_date=self.last_trade_date,
            strike=self.strike,
            right=self.right,
            multiplier=self.multiplier,
            exchange="SMART",
            primary_exchange=self.primary_exchange,
            currency=self.currency,
            local_symbol=self.local_symbol,
            trading_class=self.symbol,
        )


def _matches(listing: Listing, query: WireContract) -> bool:
    """IB's matching: every field the request sets must agree; empty ones match all."""
    if query.con_id:
        return query.con_id == listing.con_id
    wire = listing.wire()
    exchanges = {"SMART", listing.primary_exchange} - {""}
    return (
        query.symbol.upper() == listing.symbol
        and query.sec_type in ("", listing.sec_type)
        and query.currency in ("", listing.currency)
        and query.exchange in ("", *exchanges)
        and wire.last_trade_date.startswith(query.last_trade_date)
        and (not query.strike or query.strike == listing.strike)
        and query.right[:1] in ("", listing.right)
        and query.multiplier in ("", wire.multiplier)
        and query.local_symbol in ("", wire.local_symbol)
        and query.trading_class in ("", wire.trading_class)
    )


class ContractBook:
    def __init__(self, exchange: SimulatedExchange) -> None:
        self._exchange = exchange
        self._listings: dict[int, Listing] = {}
        for symbol, (name, primary, stock_type) in DEFAULT_STOCKS.items():
            self.add(Listing(symbol, "STK", name, primary, stock_type))

    def add(self, listing: Listing) -> Listing:
        self._listings[listing.con_id] = listing
        return listing

    def add_stock(self, symbol: str, long_name: str = "", primary: str = "NYSE") -> Listing:
        name = long_name or symbol.upper()
        return self.add(Listing(symbol.upper(), "STK", name, primary, "COMMON"))

    def add_option(
        self, symbol: str, last_trade_date: str, strike: Decimal | str, right: str
    ) -> Listing:
        """An option on a listed stock (its long name is the stock's)."""
        underlying = self.find(WireContract(symbol=symbol, sec_type="STK"))
        name = underlying[0].long_name if underlying else symbol.upper()
        return self.add(
            Listing(
                symbol.upper(),
                "OPT",
                name,
                last_trade_date=last_trade_date,
                strike=Decimal(strike),
                right=right[:1].upper(),
            )
        )

    def listings(self) -> list[Listing]:
        listed = dict(self._listings)
        for symbol in self._exchange.prices:
            stock = Listing(symbol.upper(), "STK", symbol.upper(), "NYSE", "COMMON")
            listed.setdefault(stock.con_id, stock)
        return list(listed.values())

    def find(self, query: WireContract) -> list[Listing]:
        found = [listing for listing in self.listings() if _matches(listing, query)]
        return sorted(found, key=lambda x: (x.sec_type != "STK", x.local_symbol))

    def underlying_con_id(self, listing: Listing) -> int:
        return con_id_for(listing.symbol) if listing.sec_type == "OPT" else 0
