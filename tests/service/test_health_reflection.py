"""Health and server reflection, so that grpcurl works without proto files."""

from __future__ import annotations

import asyncio

from google.protobuf import descriptor_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from ibkr.gateway.v1 import gateway_pb2

from tests.service.conftest import Gateway


async def test_health_reports_serving(gw: Gateway) -> None:
    stub = health_pb2_grpc.HealthStub(gw.channel)
    for service in ("", "ibkr.gateway.v1.OrderGatewayService"):
        response = await stub.Check(health_pb2.HealthCheckRequest(service=service))
        assert response.status == health_pb2.HealthCheckResponse.SERVING


async def test_reflection_lists_and_describes_the_services(gw: Gateway) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(gw.channel)

    async def ask(
        request: reflection_pb2.ServerReflectionRequest,
    ) -> reflection_pb2.ServerReflectionResponse:
        call = stub.ServerReflectionInfo(iter([request]))
        async with asyncio.timeout(5):
            async for response in call:
                return response
        raise AssertionError("no reflection response")

    listed = await ask(reflection_pb2.ServerReflectionRequest(list_services=""))
    names = {s.name for s in listed.list_services_response.service}
    assert {
        "ibkr.gateway.v1.OrderGatewayService",
        "ibkr.gateway.v1.SimulatorControlService",
        "grpc.health.v1.Health",
    } <= names
    described = await ask(
        reflection_pb2.ServerReflectionRequest(
            file_containing_symbol="ibkr.gateway.v1.OrderGatewayService"
        )
    )
    assert described.file_descriptor_response.file_descriptor_proto
    files = {
        f.name: f
        for f in map(
            descriptor_pb2.FileDescriptorProto.FromString,
            described.file_descriptor_response.file_descriptor_proto,
        )
    }
    # The contract's files come with their comments (grpcurl describe shows them); their
    # dependencies are there too.
    gateway = files["ibkr/gateway/v1/gateway.proto"]
    comments = [loc.leading_comments for loc in gateway.source_code_info.location]
    assert any("idempotent" in c.lower() for c in comments)
    assert {"ibkr/gateway/v1/orders.proto", "google/protobuf/timestamp.proto"} <= set(files)
    assert files["ibkr/gateway/v1/orders.proto"].source_code_info.location
    # Apart from the comments, the files are the ones the servicers were compiled from.
    gateway.ClearField("source_code_info")
    compiled = descriptor_pb2.FileDescriptorProto()
    gateway_pb2.DESCRIPTOR.CopyToProto(compiled)
    assert gateway == compiled
