"""Huge requests get bounded answers: an error quotes at most the beginning of what the
caller sent, and the audit trail keeps an oversized request as its size, SHA-256 and
beginning, never the whole."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import json_format
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from ibkr.gateway.v1 import gateway_pb2, orders_pb2, simulator_pb2

from ibkr_gateway.errors import (
    DESCRIPTION_MAX,
    FIELD_MAX,
    MESSAGE_MAX,
    METADATA_VALUE_MAX,
    QUOTED_MAX,
    VIOLATIONS_MAX,
)
from ibkr_gateway.rpc.audit import DETAIL_MAX_ORDERS, DIGEST_PREFIX_BYTES
from tests.security.test_auth import AUTH_FILE, auth
from tests.service.conftest import Gateway, limit_spec, start_gateway, stop_gateway

HUGE = 1_000_000
# What clip() appends to the part it keeps: "...(1000000 characters)".
CLIP_NOTE = 32


def violations_and_metadata(
    error: grpc.aio.AioRpcError,
) -> tuple[list[error_details_pb2.BadRequest.FieldViolation], dict[str, str]]:
    status = rpc_status.from_call(error)
    assert status is not None
    violations: list[error_details_pb2.BadRequest.FieldViolation] = []
    metadata: dict[str, str] = {}
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            violations += bad.field_violations
        elif detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            metadata = dict(info.metadata)
    return violations, metadata


async def bounded_error(call: Awaitable[Any], code: grpc.StatusCode, sent: str = "") -> str:
    """The call fails with `code`, every part of its error is bounded, and no part
    quotes more than QUOTED_MAX characters of `sent`; returns the message."""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    error = caught.value
    assert error.code() == code, error.details()
    message = error.details() or ""
    assert len(message) <= MESSAGE_MAX + CLIP_NOTE
    violations, metadata = violations_and_metadata(error)
    assert len(violations) <= VIOLATIONS_MAX
    for v in violations:
        assert len(v.field) <= FIELD_MAX + CLIP_NOTE
        assert len(v.description) <= DESCRIPTION_MAX + CLIP_NOTE
    for value in metadata.values():
        assert len(value) <= METADATA_VALUE_MAX + CLIP_NOTE
    if sent:
        quoted = sent[: QUOTED_MAX + 1]
        for text in [message, *metadata.values(), *(v.description for v in violations)]:
            assert quoted not in text
    return message


@pytest.fixture
async def gw(tmp_path: Path) -> AsyncIterator[Gateway]:
    gateway = await start_gateway(tmp_path / "huge.db")
    try:
        yield gateway
    finally:
        await stop_gateway(gateway)


def huge(char: str = "A") -> str:
    return char * HUGE


Call = Callable[[Gateway], Awaitable[Any]]

CALLS: dict[str, tuple[Call, grpc.StatusCode]] = {
    "account": (
        lambda gw: gw.stub.SubmitOrder(
            gateway_pb2.SubmitOrderRequest(order=limit_spec("a", account=huge("A")))
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    ),
    "client_order_id": (
        lambda gw: gw.stub.SubmitOrder(gateway_pb2.SubmitOrderRequest(order=limit_spec(huge("B")))),
        grpc.StatusCode.INVALID_ARGUMENT,
    ),
    "limit_price": (
        lambda gw: gw.stub.SubmitOrder(
            gateway_pb2.SubmitOrderRequest(order=limit_spec("p", price=huge("1")))
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    ),
    "fill_order_id": (
        lambda gw: gw.sim.FillOrder(simulator_pb2.FillOrderRequest(order_id=huge("f"))),
        grpc.StatusCode.NOT_FOUND,
    ),
    "get_order_id": (
        lambda gw: gw.stub.GetOrder(gateway_pb2.GetOrderRequest(order_id=huge("g"))),
        grpc.StatusCode.INVALID_ARGUMENT,
    ),
    "get_client_order_id": (
        lambda gw: gw.stub.GetOrder(gateway_pb2.GetOrderRequest(client_order_id=huge("h"))),
        grpc.StatusCode.INVALID_ARGUMENT,
    ),
    "cancel_order_id": (
        lambda gw: gw.stub.CancelOrder(gateway_pb2.CancelOrderRequest(order_id=huge("c"))),
        grpc.StatusCode.INVALID_ARGUMENT,
    ),
    "kill_switch_accounts": (
        lambda gw: gw.stub.SetKillSwitch(
            gateway_pb2.SetKillSwitchRequest(engaged=True, accounts=["!"] * 100_000)
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    ),
    "list_statuses": (
        lambda gw: gw.stub.ListOrders(
            gateway_pb2.ListOrdersRequest(
                statuses=[orders_pb2.OrderStatus.ValueType(999)] * 100_000
            )
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    ),
}


# The character each huge string of CALLS repeats.
SENT = {
    "account": "A",
    "client_order_id": "B",
    "limit_price": "1",
    "fill_order_id": "f",
    "get_order_id": "g",
    "get_client_order_id": "h",
    "cancel_order_id": "c",
}


@pytest.mark.parametrize("name", sorted(CALLS))
async def test_an_error_quotes_a_bounded_part_of_huge_input(gw: Gateway, name: str) -> None:
    call, code = CALLS[name]
    sent = huge(SENT[name]) if name in SENT else ""
    message = await bounded_error(call(gw), code, sent)
    if name == "kill_switch_accounts":
        assert message.startswith("invalid request: 100000 violations, the first 20:")


async def test_a_token_refused_a_huge_account_is_told_so_briefly(tmp_path: Path) -> None:
    auth_file = tmp_path / "auth.toml"
    auth_file.write_text(AUTH_FILE)
    gw = await start_gateway(
        tmp_path / "auth.db",
        auth_file=str(auth_file),
        sim_accounts=("DU1", "DU2"),
    )
    try:
        request = gateway_pb2.SubmitOrderRequest(order=limit_spec("t", account=huge()))
        message = await bounded_error(
            gw.stub.SubmitOrder(request, metadata=auth("trader")),
            grpc.StatusCode.PERMISSION_DENIED,
            huge(),
        )
        assert "may not use account 'AAAA" in message
    finally:
        await stop_gateway(gw)


async def test_an_oversized_request_is_audited_as_its_size_digest_and_beginning(
    gw: Gateway,
) -> None:
    small = gateway_pb2.SubmitOrderRequest(order=limit_spec("small"))
    await gw.stub.SubmitOrder(small)
    big = gateway_pb2.SubmitOrderRequest(
        order=limit_spec("big", account="DU123456", oca_group=huge("o"))
    )
    await bounded_error(gw.stub.SubmitOrder(big), grpc.StatusCode.INVALID_ARGUMENT)
    trail = await gw.stub.ListAuditRecords(gateway_pb2.ListAuditRecordsRequest())
    kept_small, kept_big = trail.records
    assert json.loads(kept_small.request_json)["order"]["client_order_id"] == "small"
    whole = json_format.MessageToJson(big, preserving_proto_field_name=True, indent=None).encode()
    assert json.loads(kept_big.request_json) == {
        "oversized_request": {
            "bytes": len(whole),
            "sha256": hashlib.sha256(whole).hexdigest(),
            "prefix": whole[:DIGEST_PREFIX_BYTES].decode(),
        }
    }
    assert len(kept_big.request_json) < 2 * DIGEST_PREFIX_BYTES
    assert kept_big.status == "INVALID_ARGUMENT"
    assert len(kept_big.detail) <= MESSAGE_MAX + CLIP_NOTE


async def test_a_call_touching_many_orders_is_audited_with_the_first_ids_and_a_count(
    gw: Gateway,
) -> None:
    orders = 130
    await asyncio.gather(
        *(
            gw.stub.SubmitOrder(gateway_pb2.SubmitOrderRequest(order=limit_spec(f"many-{i}")))
            for i in range(orders)
        )
    )
    cancelled = await gw.stub.CancelAllOrders(gateway_pb2.CancelAllOrdersRequest())
    assert len(cancelled.orders) == orders
    trail = await gw.stub.ListAuditRecords(gateway_pb2.ListAuditRecordsRequest(page_size=1000))
    cancel_all = trail.records[-1]
    assert cancel_all.method.endswith("/CancelAllOrders")
    first = " ".join(o.order_id for o in cancelled.orders[:DETAIL_MAX_ORDERS])
    assert cancel_all.detail == f"{first} and {orders - DETAIL_MAX_ORDERS} more"
