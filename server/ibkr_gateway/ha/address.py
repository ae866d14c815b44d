"""Where a leader tells its standby's callers to go: --advertise, else its --listen
address, a wildcard host (0.0.0.0, [::]) replaced by this machine's name."""

from __future__ import annotations

import ipaddress
import socket

from ibkr_gateway.security.tls import parse_listen


def is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def check_advertise(value: str) -> str:
    """`host:port` a caller can dial: no port 0 and no wildcard host, which only mean
    something to the one listening."""
    host, port = parse_listen(value)
    if port == 0 or is_wildcard(host):
        raise ValueError(
            f"{value!r} is not an address callers can reach: give the host name (or "
            "address) and port other machines reach this gateway at"
        )
    return value


def advertised(advertise: str, listen: str, port: int) -> tuple[str, str]:
    """The address, and where it comes from (for the start-up line)."""
    if advertise:
        return advertise, "--advertise"
    host = listen.rsplit(":", 1)[0]
    if is_wildcard(host):
        return (
            f"{socket.getfqdn()}:{port}",
            f"this machine's name, --listen {host} being a wildcard; set --advertise to change it",
        )
    return f"{host}:{port}", "--listen"
