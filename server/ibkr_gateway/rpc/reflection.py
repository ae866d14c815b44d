"""Server reflection that documents the contract: `grpcurl describe` shows its comments.

The descriptors compiled into the *_pb2 modules carry no source info, and the reflection
servicer copies those. This one answers with the same files taken from
schema/descriptors.json, which `buf generate` writes with their comments.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterable
from importlib import resources
from typing import Any

from google.protobuf import descriptor_pb2, json_format
from grpc_reflection.v1alpha import reflection, reflection_pb2

SCHEMA = "schema/descriptors.json"


@functools.cache
def documented_files() -> dict[str, bytes]:
    """Each contract file by name, serialized with its source info."""
    text = resources.files("ibkr_gateway").joinpath(SCHEMA).read_text()
    descriptors = json_format.Parse(text, descriptor_pb2.FileDescriptorSet())
    return {f.name: f.SerializeToString() for f in descriptors.file}


def documented(response: reflection_pb2.ServerReflectionResponse) -> None:
    """Replaces the contract's files in a reflection response by their documented form."""
    if not response.HasField("file_descriptor_response"):
        return
    files = response.file_descriptor_response.file_descriptor_proto
    known = documented_files()
    for i, data in enumerate(files):
        name = descriptor_pb2.FileDescriptorProto.FromString(data).name
        if name in known:
            files[i] = known[name]


class DocumentedReflectionServicer(reflection.aio.ReflectionServicer):  # type: ignore[misc]  # untyped
    def __init__(self, service_names: Iterable[str]) -> None:
        super().__init__(service_names)
        # Read now: a package missing its schema fails at start, not at the first describe.
        documented_files()

    async def ServerReflectionInfo(
        self, request_iterator: AsyncIterator[Any], context: Any
    ) -> AsyncIterator[reflection_pb2.ServerReflectionResponse]:
        async for response in super().ServerReflectionInfo(request_iterator, context):
            documented(response)
            yield response
