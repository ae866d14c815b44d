"""The audit trail: every mutating call, who made it, what it asked, how it ended."""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Final

import grpc
from google.protobuf import json_format
from google.protobuf.message import Message

from ibkr_gateway.security.auth import principal
from ibkr_gateway.store.base import AuditRecord, OrderStore

_GATEWAY = "/ibkr.gateway.v1.OrderGatewayService/"
_SIMULATOR = "/ibkr.gateway.v1.SimulatorControlService/"

AUDITED: Final = frozenset(
    [
        _GATEWAY + m
        for m in (
            "SubmitOrder",
            "SubmitOrders",
            "SubmitBracketOrder",
            "ModifyOrder",
            "CancelOrder",
            "CancelAllOrders",
            "SetKillSwitch",
        )
    ]
    + [
        _SIMULATOR + m
        for m in (
            "SetPrice",
            "FillOrder",
            "RejectNextOrder",
            "EndTradingDay",
            "ResetSimulator",
            "SetPosition",
        )
    ]
)

# A request whose JSON is larger is recorded as a digest: its size, its SHA-256 and its
# beginning. Real requests are far smaller; without a bound one caller could grow the
# trail, and every page of ListAuditRecords, by megabytes a call.
REQUEST_MAX_BYTES: Final = 8 * 1024
DIGEST_PREFIX_BYTES: Final = 1024
# The ids of the orders a call touched, the first ones and how many: a kill switch may
# touch thousands.
DETAIL_MAX_ORDERS: Final = 100

# Response fields that hold the orders a call touched.
_ORDER_FIELDS: Final = ("order", "parent", "take_profit", "stop_loss", "orders", "cancelled_orders")


# The accounts the call being handled acts on, as its servicer found them. grpc.aio runs
# each call in a task of its own, whose context starts without them.
_acting_on: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "acting_on", default=frozenset()
)


def acting_on(accounts: Iterable[str]) -> None:
    """Tells the audit trail which accounts the current call acts on. Called only once the
    caller is known to be allowed them: a record must never show a token the accounts
    (or the orders) it could not reach."""
    _acting_on.set(_acting_on.get() | frozenset(accounts))


def touched_orders(response: Message) -> list[str]:
    ids: list[str] = []
    for name in _ORDER_FIELDS:
        if name not in response.DESCRIPTOR.fields_by_name:
            continue
        value = getattr(response, name)
        for item in value if hasattr(value, "__len__") else [value]:
            if item.order_id:
                ids.append(item.order_id)
    # SubmitOrders: the orders among its per-order results.
    ids += [r.order.order_id for r in getattr(response, "results", ()) if r.HasField("order")]
    return ids


def _as_json(request: Message) -> str:
    try:
        text = json_format.MessageToJson(request, preserving_proto_field_name=True, indent=None)
    except (json_format.Error, ValueError, OverflowError):
        # Values JSON cannot express (an out-of-range timestamp): keep the text form,
        # so that a refused call is still on the record.
        text = json.dumps({"unrepresentable_request": str(request)})
    return bounded(text)


def bounded(request_json: str) -> str:
    """The request's JSON, or the digest of one over REQUEST_MAX_BYTES."""
    data = request_json.encode()
    if len(data) <= REQUEST_MAX_BYTES:
        return request_json
    return json.dumps(
        {
            "oversized_request": {
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                # A character cut in two at the end is dropped.
                "prefix": data[:DIGEST_PREFIX_BYTES].decode(errors="ignore"),
            }
        }
    )


class AuditTrail:
    def __init__(self, store: OrderStore, clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self._clock = clock or (lambda: datetime.now(UTC))

    def record(
        self,
        method: str,
        request: Any,
        response: Any,
        code: grpc.StatusCode,
        detail: str,
        elapsed: float = 0.0,
    ) -> None:
        """A ResultListener for the error-mapping interceptor."""
        if method not in AUDITED:
            return
        if code is grpc.StatusCode.OK and isinstance(response, Message):
            touched = touched_orders(response)
            detail = " ".join(touched[:DETAIL_MAX_ORDERS])
            if len(touched) > DETAIL_MAX_ORDERS:
                detail += f" and {len(touched) - DETAIL_MAX_ORDERS} more"
        self.store.append_audit(
            AuditRecord(
                time=self._clock(),
                principal=principal().name,
                method=method,
                request_json=_as_json(request),
                status=code.name,
                detail=detail,
                accounts=_acting_on.get(),
            )
        )
