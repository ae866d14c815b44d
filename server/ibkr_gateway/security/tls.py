"""TLS and mutual TLS for the gRPC port, and the rule for non-loopback listening."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

import grpc


class ListenRefused(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class TlsFiles:
    cert: str
    key: str
    # Clients must present a certificate signed by this CA (mutual TLS) when set.
    client_ca: str = ""

    def credentials(self) -> grpc.ServerCredentials:
        try:
            key, cert = Path(self.key).read_bytes(), Path(self.cert).read_bytes()
            client_ca = Path(self.client_ca).read_bytes() if self.client_ca else None
        except OSError as exc:
            raise ListenRefused(f"cannot read TLS files: {exc}") from exc
        return grpc.ssl_server_credentials(
            [(key, cert)], root_certificates=client_ca, require_client_auth=client_ca is not None
        )


def is_loopback(listen: str) -> bool:
    host = listen.rsplit(":", 1)[0].strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_listen(listen: str, *, authenticated: bool, tls: bool, insecure: bool) -> None:
    """Beyond loopback, callers must prove who they are over an encrypted channel."""
    if is_loopback(listen) or insecure:
        return
    missing = [name for name, ok in (("--auth-file", authenticated), ("--tls-cert", tls)) if not ok]
    if missing:
        raise ListenRefused(
            f"refusing to listen on {listen} without {' and '.join(missing)}: anyone on the "
            "network could trade; add them, listen on 127.0.0.1, or pass --insecure"
        )
