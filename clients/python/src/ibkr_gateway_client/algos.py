"""IB algos for `order_spec(algo=...)`: Adaptive, TWAP and VWAP with their parameters."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from google.protobuf.timestamp_pb2 import Timestamp
from ibkr.gateway.v1 import orders_pb2


def _timestamp(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("algo times must be timezone-aware")
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def adaptive(priority: str = "NORMAL") -> orders_pb2.Algo:
    """IB's Adaptive algo; priority URGENT, NORMAL or PATIENT."""
    value = orders_pb2.AdaptivePriority.Value(f"ADAPTIVE_PRIORITY_{priority.upper()}")
    return orders_pb2.Algo(adaptive=orders_pb2.AdaptiveAlgo(priority=value))


def twap(
    strategy_type: str = "MARKETABLE",
    *,
    start_time: datetime | None = None,
    end_time: datetime | None = None,
    allow_past_end_time: bool = False,
) -> orders_pb2.Algo:
    """IB's TWAP algo; strategy_type MARKETABLE, MATCHING_MIDPOINT, MATCHING_SAME_SIDE or
    MATCHING_LAST."""
    kind = orders_pb2.TwapStrategyType.Value(f"TWAP_STRATEGY_TYPE_{strategy_type.upper()}")
    return orders_pb2.Algo(
        twap=orders_pb2.TwapAlgo(
            strategy_type=kind,
            start_time=_timestamp(start_time),
            end_time=_timestamp(end_time),
            allow_past_end_time=allow_past_end_time,
        )
    )


def vwap(
    max_pct_vol: Decimal | str,
    *,
    start_time: datetime | None = None,
    end_time: datetime | None = None,
    allow_past_end_time: bool = False,
    no_take_liq: bool = False,
) -> orders_pb2.Algo:
    """IB's VWAP algo; max_pct_vol is a fraction of the volume in (0, 0.5], e.g. "0.1"."""
    return orders_pb2.Algo(
        vwap=orders_pb2.VwapAlgo(
            max_pct_vol=str(max_pct_vol),
            start_time=_timestamp(start_time),
            end_time=_timestamp(end_time),
            allow_past_end_time=allow_past_end_time,
            no_take_liq=no_take_liq,
        )
    )
