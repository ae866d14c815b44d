"""How a client proves who it is: TLS channel credentials and the bearer token."""

from __future__ import annotations

from pathlib import Path

import grpc

Metadata = tuple[tuple[str, str], ...]


def tls_credentials(
    ca_file: str | Path | None = None,
    cert_file: str | Path | None = None,
    key_file: str | Path | None = None,
) -> grpc.ChannelCredentials:
    """TLS to the gateway. Without `ca_file` the system's trusted roots verify the server;
    `cert_file` and `key_file` (PEM) present a client certificate for mutual TLS."""
    if (cert_file is None) != (key_file is None):
        raise ValueError("a client certificate needs its key, and a key its certificate")

    def read(path: str | Path | None) -> bytes | None:
        if path is None:
            return None
        pem = Path(path).read_bytes()
        # grpc would only log the mistake and fail every call as UNAVAILABLE.
        if b"-----BEGIN " not in pem:
            raise ValueError(f"{path} is not a PEM file")
        return pem

    return grpc.ssl_channel_credentials(
        root_certificates=read(ca_file),
        private_key=read(key_file),
        certificate_chain=read(cert_file),
    )


def bearer_metadata(token: str) -> Metadata | None:
    # Sent as plain call metadata rather than grpc call credentials: those are refused on
    # channels without TLS, and a gateway may take tokens on loopback without TLS.
    return (("authorization", f"Bearer {token}"),) if token else None
