"""The original design's import name for OrderGatewayIntegration (its setup example
imports it from here); the code lives in `ibkr_gateway.ib.integration`."""

from __future__ import annotations

from ibkr_gateway.ib.integration import OrderGatewayIntegration

__all__ = ["OrderGatewayIntegration"]
