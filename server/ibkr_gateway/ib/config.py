"""IBGatewayConfig: how to reach IB Gateway / TWS and how to behave towards it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class IBGatewayConfig:
    host: str = "127.0.0.1"
    # 4002: IB Gateway paper; 4001 live; TWS uses 7497 paper and 7496 live.
    port: int = 4002
    client_id: int = 1
    # The account orders go to; the only managed account when empty.
    account_id: str = ""
    trading_mode: Literal["paper", "live"] = "paper"
    connect_timeout: float = 10.0
    # Reconnect with exponential backoff between these bounds, forever.
    reconnect_initial_delay: float = 0.5
    reconnect_max_delay: float = 30.0
    # IB disconnects clients above 50 messages/s; ib_async also throttles at 45/s,
    # and its own requests share the budget, so orders get less.
    max_messages_per_second: int = 40
    # How long a request IB must answer before an order can go (contract details).
    request_timeout: float = 10.0

    def __post_init__(self) -> None:
        if self.trading_mode not in ("paper", "live"):
            raise ValueError(f"trading_mode must be 'paper' or 'live', not {self.trading_mode!r}")
        if not 0 < self.max_messages_per_second <= 50:
            raise ValueError("max_messages_per_second must be in 1..50")
        if self.client_id < 0:
            raise ValueError("client_id must not be negative")
