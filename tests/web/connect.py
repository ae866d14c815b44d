"""Speaking the Connect protocol by hand, as curl does: JSON bodies, enveloped streams."""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from google.rpc import error_details_pb2

GATEWAY = "/ibkr.gateway.v1.OrderGatewayService/"
SIMULATOR = "/ibkr.gateway.v1.SimulatorControlService/"
ACCOUNT = "/ibkr.gateway.v1.AccountService/"
JSON = {"content-type": "application/json"}
STREAM_JSON = {"content-type": "application/connect+json"}
# Flag of the envelope that ends a stream (Connect protocol).
END_STREAM = 0x02


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def envelope(payload: bytes, flags: int = 0) -> bytes:
    return struct.pack(">BI", flags, len(payload)) + payload


@dataclass
class StreamResult:
    messages: list[dict[str, Any]] = field(default_factory=list)
    # The end-of-stream message, when the stream ended.
    end: dict[str, Any] | None = None


class EnvelopeReader:
    def __init__(self) -> None:
        self.buffer = b""

    def feed(self, chunk: bytes) -> list[tuple[int, bytes]]:
        self.buffer += chunk
        out: list[tuple[int, bytes]] = []
        while len(self.buffer) >= 5:
            flags, size = struct.unpack(">BI", self.buffer[:5])
            if len(self.buffer) < 5 + size:
                break
            out.append((flags, self.buffer[5 : 5 + size]))
            self.buffer = self.buffer[5 + size :]
        return out


async def stream(
    client: httpx.AsyncClient,
    method: str,
    request: dict[str, Any],
    *,
    until: Callable[[list[dict[str, Any]]], bool] = lambda _: False,
    headers: dict[str, str] | None = None,
    service: str = GATEWAY,
) -> StreamResult:
    """Messages of a server stream until `until` holds for them or the stream ends."""
    result = StreamResult()
    reader = EnvelopeReader()
    async with client.stream(
        "POST",
        service + method,
        content=envelope(json.dumps(request).encode()),
        headers=STREAM_JSON | (headers or {}),
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/connect+json"
        async for chunk in response.aiter_bytes():
            for flags, payload in reader.feed(chunk):
                if flags & END_STREAM:
                    result.end = json.loads(payload)
                    return result
                result.messages.append(json.loads(payload))
            if until(result.messages):
                return result
    return result


@dataclass
class Details:
    reason: str = ""
    domain: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)


def details(error: dict[str, Any]) -> Details:
    """ErrorInfo and BadRequest from a Connect error's details (unpadded base64)."""
    found = Details()
    for detail in error.get("details", []):
        value = base64.b64decode(detail["value"] + "=" * (-len(detail["value"]) % 4))
        if detail["type"] == "google.rpc.ErrorInfo":
            info = error_details_pb2.ErrorInfo.FromString(value)
            found.reason, found.domain = info.reason, info.domain
            found.metadata = dict(info.metadata)
        elif detail["type"] == "google.rpc.BadRequest":
            bad = error_details_pb2.BadRequest.FromString(value)
            found.fields = {v.field: v.description for v in bad.field_violations}
    return found


def limit_order(client_order_id: str, price: str = "50", **fields: Any) -> dict[str, Any]:
    """A SubmitOrderRequest in proto3 JSON: a limit order that rests at the default price."""
    return {
        "order": {
            "client_order_id": client_order_id,
            "contract": {"symbol": "AAPL"},
            "side": "SIDE_BUY",
            "quantity": "10",
            "order_type": "ORDER_TYPE_LIMIT",
            "limit_price": price,
            **fields,
        }
    }
