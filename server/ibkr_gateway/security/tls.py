"""TLS and mutual TLS for the gRPC port, and the rule for non-loopback listening."""

from __future__ import annotations

import ipaddress
import ssl
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
        self.check()
        return grpc.ssl_server_credentials(
            [(key, cert)], root_certificates=client_ca, require_client_auth=client_ca is not None
        )

    def check(self) -> None:
        """gRPC accepts any bytes here and fails only at the first handshake; the ssl module
        parses them now, so that a wrong file stops the start with its name."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            context.load_cert_chain(self.cert, self.key)
        except ssl.SSLError as exc:
            raise ListenRefused(
                f"--tls-cert {self.cert} and --tls-key {self.key} are not a PEM certificate "
                f"and its private key ({exc.reason or 'unreadable PEM'})"
            ) from None
        if self.client_ca:
            try:
                context.load_verify_locations(cafile=self.client_ca)
            except ssl.SSLError as exc:
                raise ListenRefused(
                    f"--tls-client-ca {self.client_ca} is not a PEM CA bundle "
                    f"({exc.reason or 'unreadable PEM'})"
                ) from None


def parse_listen(listen: str) -> tuple[str, int]:
    """`host:port` (IPv6 in brackets), port 0 to 65535 where 0 picks a free port."""
    host, sep, port = listen.rpartition(":")
    if not sep or not host.strip("[]") or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"{listen!r} is not host:port with a port from 0 to 65535")
    return host, int(port)


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
