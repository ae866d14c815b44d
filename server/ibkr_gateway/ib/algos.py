"""IB algos as algoStrategy and algoParams tag-values, both ways.

Times travel as IB's UTC form, yyyymmdd-hh:mm:ss; flags as "1" and "0".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from ib_async import TagValue

from ibkr_gateway.order.models import (
    AdaptiveAlgo,
    AdaptivePriority,
    Algo,
    TwapAlgo,
    TwapStrategyType,
    VwapAlgo,
)

_TIME_FORMAT = "%Y%m%d-%H:%M:%S"
_TRUE = ("1", "true", "True")


def _time(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime(_TIME_FORMAT) if value is not None else ""


def _flag(value: bool) -> str:
    return "1" if value else "0"


def ib_algo_params(algo: Algo) -> tuple[str, list[TagValue]]:
    """(algoStrategy, algoParams) of an algo."""
    if isinstance(algo, AdaptiveAlgo):
        return "Adaptive", [TagValue("adaptivePriority", algo.priority.value)]
    window = [
        TagValue("startTime", _time(algo.start_time)),
        TagValue("endTime", _time(algo.end_time)),
        TagValue("allowPastEndTime", _flag(algo.allow_past_end_time)),
    ]
    if isinstance(algo, TwapAlgo):
        return "Twap", [TagValue("strategyType", algo.strategy_type.value), *window]
    return "Vwap", [
        TagValue("maxPctVol", str(algo.max_pct_vol)),
        *window,
        TagValue("noTakeLiq", _flag(algo.no_take_liq)),
    ]


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=UTC) if text else None
    except ValueError:
        return None


def algo_from_ib(strategy: str, params: Iterable[TagValue] | None) -> Algo | None:
    """The algo IB describes; None when the contract has no name for it (or for one of
    its values)."""
    values = {p.tag: str(p.value) for p in params or ()}
    start = _parse_time(values.get("startTime", ""))
    end = _parse_time(values.get("endTime", ""))
    past_end = values.get("allowPastEndTime", "0") in _TRUE
    try:
        if strategy == "Adaptive":
            return AdaptiveAlgo(AdaptivePriority(values.get("adaptivePriority", "Normal")))
        if strategy == "Twap":
            kind = TwapStrategyType(values.get("strategyType", "Marketable"))
            return TwapAlgo(kind, start, end, past_end)
        if strategy == "Vwap":
            no_take_liq = values.get("noTakeLiq", "0") in _TRUE
            return VwapAlgo(Decimal(values.get("maxPctVol", "")), start, end, past_end, no_take_liq)
    except (ValueError, InvalidOperation):
        return None
    return None
