"""The original design's import name for the IB gateway (its setup example imports
`IBGateway` and `IBGatewayConfig` from here); the code lives in `ibkr_gateway.ib`."""

from __future__ import annotations

from ibkr_gateway.ib.config import IBGatewayConfig
from ibkr_gateway.ib.gateway import (
    BrokerConnectionError,
    ClientIdInUse,
    ConnectionState,
    IBGateway,
)

__all__ = [
    "BrokerConnectionError",
    "ClientIdInUse",
    "ConnectionState",
    "IBGateway",
    "IBGatewayConfig",
]
