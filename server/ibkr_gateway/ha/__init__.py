"""Hot standby (--ha): two gateways on one PostgreSQL database and gateway id, the holder
of the gateway id's lock leading, the other ready to take over."""

from __future__ import annotations


class LeadershipLost(RuntimeError):
    """Another gateway took the gateway id over: this one stops (a supervisor restarting
    it makes it the standby)."""
