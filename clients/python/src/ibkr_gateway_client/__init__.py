"""Python client of the IBKR order gateway.

The generated messages and stubs live in the ``ibkr.gateway.v1`` package installed
alongside this one.
"""

__version__ = "0.1.0"
