"""TLS and mutual TLS on the gRPC port; the rule for listening beyond loopback."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer
from ibkr_gateway.security.tls import ListenRefused, TlsFiles, check_listen, is_loopback
from tests.security.certs import make_certificates


async def _check(channel: grpc.aio.Channel) -> int:
    stub = health_pb2_grpc.HealthStub(channel)
    response = await stub.Check(health_pb2.HealthCheckRequest(), timeout=3)
    return int(response.status)


async def _serve(tmp_path: Path, tls: TlsFiles) -> GatewayServer:
    server = GatewayServer(
        GatewayConfig(listen="127.0.0.1:0", db_path=str(tmp_path / "tls.db"), tls=tls)
    )
    await server.start()
    return server


async def test_tls_serves_only_encrypted_clients(tmp_path: Path) -> None:
    ca, server_pem, _ = make_certificates(tmp_path)
    server = await _serve(tmp_path, TlsFiles(str(server_pem.cert), str(server_pem.key)))
    try:
        credentials = grpc.ssl_channel_credentials(root_certificates=ca.cert.read_bytes())
        async with grpc.aio.secure_channel(f"127.0.0.1:{server.port}", credentials) as channel:
            assert await _check(channel) == health_pb2.HealthCheckResponse.SERVING
        async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as plain:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await _check(plain)
            assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        await server.stop()


async def test_mutual_tls_requires_a_client_certificate(tmp_path: Path) -> None:
    ca, server_pem, client = make_certificates(tmp_path)
    tls = TlsFiles(str(server_pem.cert), str(server_pem.key), client_ca=str(ca.cert))
    server = await _serve(tmp_path, tls)
    target = f"127.0.0.1:{server.port}"
    try:
        with_cert = grpc.ssl_channel_credentials(
            root_certificates=ca.cert.read_bytes(),
            private_key=client.key.read_bytes(),
            certificate_chain=client.cert.read_bytes(),
        )
        async with grpc.aio.secure_channel(target, with_cert) as channel:
            assert await _check(channel) == health_pb2.HealthCheckResponse.SERVING
        without = grpc.ssl_channel_credentials(root_certificates=ca.cert.read_bytes())
        async with grpc.aio.secure_channel(target, without) as channel:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await _check(channel)
            assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        await server.stop()


@pytest.mark.parametrize(
    ("listen", "loopback"),
    [
        ("127.0.0.1:50051", True),
        ("[::1]:50051", True),
        ("localhost:1", True),
        ("0.0.0.0:50051", False),
        ("[::]:50051", False),
        ("10.1.2.3:50051", False),
        ("gateway.example:50051", False),
    ],
)
def test_loopback_detection(listen: str, loopback: bool) -> None:
    assert is_loopback(listen) is loopback


def test_listening_beyond_loopback_needs_auth_and_tls_or_insecure() -> None:
    check_listen("127.0.0.1:1", authenticated=False, tls=False, insecure=False)
    check_listen("0.0.0.0:1", authenticated=True, tls=True, insecure=False)
    check_listen("0.0.0.0:1", authenticated=False, tls=False, insecure=True)
    for authenticated, tls in [(False, False), (True, False), (False, True)]:
        with pytest.raises(ListenRefused, match="refusing to listen"):
            check_listen("0.0.0.0:1", authenticated=authenticated, tls=tls, insecure=False)


def test_the_server_refuses_an_open_listen_address(tmp_path: Path) -> None:
    with pytest.raises(ListenRefused):
        GatewayServer(GatewayConfig(listen="0.0.0.0:0", db_path=str(tmp_path / "x.db")))
