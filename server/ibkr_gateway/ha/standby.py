"""What a standby serves on the leader's behalf: NOT_SERVING health, and UNAVAILABLE for
every call, with where the leader serves in the error details."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from ibkr.gateway.v1 import account_pb2, gateway_pb2, simulator_pb2

from ibkr_gateway.errors import Unavailable
from ibkr_gateway.rpc.errors import abort_with
from ibkr_gateway.security.tls import ListenRefused, TlsFiles

HEALTH_PREFIX = f"/{health.SERVICE_NAME}/"
# The services the leader serves, whose health callers may ask about by name.
SERVICES = (
    gateway_pb2.DESCRIPTOR.services_by_name["OrderGatewayService"].full_name,
    simulator_pb2.DESCRIPTOR.services_by_name["SimulatorControlService"].full_name,
    account_pb2.DESCRIPTOR.services_by_name["AccountService"].full_name,
)


def not_leader(gateway_id: str, leader: str) -> Unavailable:
    where = f"the leader serves at {leader}" if leader else "no leader is serving yet"
    return Unavailable(
        f"this gateway is the standby of gateway id {gateway_id!r}: {where}; retry there",
        reason="NOT_LEADER",
        metadata={"leader": leader, "gateway_id": gateway_id},
    )


class _Refuse(grpc.GenericRpcHandler):
    def __init__(self, gateway_id: str, leader: Callable[[], str]) -> None:
        self.gateway_id = gateway_id
        self.leader = leader

    def service(self, details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler[Any, Any] | None:
        if details.method.startswith(HEALTH_PREFIX):
            return None

        # Streaming both ways: a handler of that kind answers calls of every kind.
        async def refuse(
            requests: AsyncIterator[bytes], context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[bytes]:
            await abort_with(context, not_leader(self.gateway_id, self.leader()))
            yield b""  # pragma: no cover - abort raises

        return grpc.stream_stream_rpc_method_handler(refuse)


class StandbyServer:
    def __init__(
        self, listen: str, gateway_id: str, leader: Callable[[], str], tls: TlsFiles | None
    ) -> None:
        self.listen = listen
        self.tls = tls
        self.server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
        self.health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        self.server.add_generic_rpc_handlers([_Refuse(gateway_id, leader)])

    async def start(self) -> int:
        try:
            if self.tls is not None:
                port = self.server.add_secure_port(self.listen, self.tls.credentials())
            else:
                port = self.server.add_insecure_port(self.listen)
        except RuntimeError:
            port = 0
        if port == 0:
            raise ListenRefused(f"cannot listen on {self.listen}: address in use or not available")
        await self.server.start()
        for service in ("", *SERVICES):
            await self.health.set(service, health_pb2.HealthCheckResponse.NOT_SERVING)
        return port

    async def stop(self) -> None:
        await self.server.stop(0)
