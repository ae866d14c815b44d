"""A wire-level fake IB Gateway: the simulated exchange behind the TWS socket protocol
(server version 178), so that real clients (`ib_async`, IB's own `ibapi`) can be tested
end to end: orders, and the contract, account and market data queries around them."""

from ibkr_gateway.sim.tws.server import DEFAULT_ACCOUNT, TwsSimulator

__all__ = ["DEFAULT_ACCOUNT", "TwsSimulator"]
