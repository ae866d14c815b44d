"""A wire-level fake IB Gateway: the simulated exchange behind the TWS socket protocol
(server version 178), so that the real `ib_async` can be tested end to end."""

from ibkr_gateway.sim.tws.server import DEFAULT_ACCOUNT, TwsSimulator

__all__ = ["DEFAULT_ACCOUNT", "TwsSimulator"]
