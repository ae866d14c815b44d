"""Risk limits, read from a TOML file:

[defaults]                      # every account, unless overridden
max_quantity = "10000"
max_notional = "1000000"        # quantity x reference price x multiplier
price_collar_percent = "10"     # limit/stop price within 10% of the reference price
max_open_orders = 200
allowed_sec_types = ["STK", "OPT"]
max_position = "5000"           # per contract: absolute quantity once the order has filled
max_gross_exposure = "2000000"  # sum of |quantity x price x multiplier| over the contracts
no_short_sales = true           # no sell may leave a position below 0

[accounts.DU123456]             # overrides, key by key
max_quantity = "500"
allowed_symbols = ["AAPL", "MSFT"]

[rate]
orders_per_second = 20          # per caller (token name)
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ibkr_gateway.order.models import SecurityType


class RiskFileError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class AccountLimits:
    max_quantity: Decimal | None = None
    max_notional: Decimal | None = None
    price_collar_percent: Decimal | None = None
    max_open_orders: int | None = None
    allowed_symbols: frozenset[str] | None = None
    allowed_sec_types: frozenset[SecurityType] | None = None
    max_position: Decimal | None = None
    max_gross_exposure: Decimal | None = None
    no_short_sales: bool | None = None

    @property
    def limits_positions(self) -> bool:
        return (
            self.max_position is not None
            or self.max_gross_exposure is not None
            or bool(self.no_short_sales)
        )

    def over(self, base: AccountLimits) -> AccountLimits:
        """These limits, falling back to `base` where unset."""
        return AccountLimits(
            **{
                f.name: getattr(self, f.name)
                if getattr(self, f.name) is not None
                else getattr(base, f.name)
                for f in dataclasses.fields(self)
            }
        )


@dataclass(frozen=True, slots=True)
class RiskConfig:
    defaults: AccountLimits = AccountLimits()
    accounts: Mapping[str, AccountLimits] = field(default_factory=dict)
    orders_per_second: int | None = None

    @property
    def has_price_collar(self) -> bool:
        return any(
            limits.price_collar_percent is not None
            for limits in (self.defaults, *self.accounts.values())
        )

    def for_account(self, account: str) -> AccountLimits:
        specific = self.accounts.get(account)
        return specific.over(self.defaults) if specific else self.defaults

    @classmethod
    def load(cls, path: str | Path) -> RiskConfig:
        try:
            data = tomllib.loads(Path(path).read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise RiskFileError(f"cannot read risk file {path}: {exc}") from exc
        return cls.parse(data)

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> RiskConfig:
        unknown = set(data) - {"defaults", "accounts", "rate"}
        if unknown:
            raise RiskFileError(f"unknown sections {sorted(unknown)}")
        accounts = data.get("accounts", {})
        if not isinstance(accounts, dict):
            raise RiskFileError("[accounts] must hold one table per account")
        rate = data.get("rate", {})
        per_second = rate.get("orders_per_second") if isinstance(rate, dict) else None
        if per_second is not None and (not isinstance(per_second, int) or per_second < 1):
            raise RiskFileError("rate.orders_per_second must be a positive integer")
        return cls(
            defaults=_limits(data.get("defaults", {}), "defaults"),
            accounts={name: _limits(table, f"accounts.{name}") for name, table in accounts.items()},
            orders_per_second=per_second,
        )


_KEYS = {f.name for f in dataclasses.fields(AccountLimits)}


def _limits(table: object, where: str) -> AccountLimits:
    if not isinstance(table, dict):
        raise RiskFileError(f"[{where}] must be a table")
    unknown = set(table) - _KEYS
    if unknown:
        raise RiskFileError(f"[{where}]: unknown keys {sorted(unknown)}; use {sorted(_KEYS)}")
    values: dict[str, Any] = {}
    for key in (
        "max_quantity",
        "max_notional",
        "price_collar_percent",
        "max_position",
        "max_gross_exposure",
    ):
        if key in table:
            values[key] = _positive_decimal(table[key], f"{where}.{key}")
    if "max_open_orders" in table:
        count = table["max_open_orders"]
        if not isinstance(count, int) or count < 0:
            raise RiskFileError(f"{where}.max_open_orders must be a non-negative integer")
        values["max_open_orders"] = count
    if "no_short_sales" in table:
        if not isinstance(table["no_short_sales"], bool):
            raise RiskFileError(f"{where}.no_short_sales must be true or false")
        values["no_short_sales"] = table["no_short_sales"]
    if "allowed_symbols" in table:
        values["allowed_symbols"] = frozenset(_strings(table["allowed_symbols"], where))
    if "allowed_sec_types" in table:
        try:
            values["allowed_sec_types"] = frozenset(
                SecurityType(v) for v in _strings(table["allowed_sec_types"], where)
            )
        except ValueError as exc:
            names = [t.value for t in SecurityType]
            raise RiskFileError(f"{where}.allowed_sec_types: use {names}") from exc
    return AccountLimits(**values)


def _positive_decimal(value: object, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = Decimal(-1)
    if not isinstance(value, str | int) or not number.is_finite() or number <= 0:
        raise RiskFileError(f"{where} must be a positive number (a string for decimals)")
    return number


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RiskFileError(f"{where}: expected a list of strings")
    return list(value)
