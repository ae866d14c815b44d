"""IBKR order gateway: one gRPC contract in front of Interactive Brokers or a simulated exchange."""

__version__ = "0.1.0"
