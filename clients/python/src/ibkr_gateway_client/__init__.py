"""Python client of the IBKR order gateway.

``AsyncGatewayClient`` (asyncio) and ``GatewayClient`` (blocking) submit, modify and
cancel orders, follow events with automatic resume, read positions and account figures
(and follow position changes the same way), and (with an admin token) work the kill
switch and read the audit trail. The generated messages and
stubs are the ``ibkr.gateway.v1`` package installed alongside this one.
"""

from ibkr_gateway_client import algos
from ibkr_gateway_client.aio import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_STREAM_BACKOFF,
    DEFAULT_TIMEOUT,
    AsyncGatewayClient,
    RetryPolicy,
    new_client_order_id,
)
from ibkr_gateway_client.credentials import tls_credentials
from ibkr_gateway_client.errors import (
    AlreadyExistsError,
    DeadlineExceededError,
    FailedPreconditionError,
    GatewayError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    ResourceExhaustedError,
    UnauthenticatedError,
    UnavailableError,
)
from ibkr_gateway_client.models import (
    AccountHalt,
    AccountSummary,
    AuditRecord,
    Fill,
    KillSwitch,
    LimitBreach,
    Order,
    OrderEvent,
    OrderPreview,
    Position,
    PositionEvent,
    PositionList,
    WhatIfEstimate,
)
from ibkr_gateway_client.streams import (
    DEFAULT_MAX_RECONNECTS,
    EventStream,
    PositionStream,
    ResumingStream,
    StreamRetry,
)
from ibkr_gateway_client.sync import GatewayClient

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_MAX_RECONNECTS",
    "DEFAULT_STREAM_BACKOFF",
    "DEFAULT_TIMEOUT",
    "AccountHalt",
    "AccountSummary",
    "AlreadyExistsError",
    "AsyncGatewayClient",
    "AuditRecord",
    "DeadlineExceededError",
    "EventStream",
    "FailedPreconditionError",
    "Fill",
    "GatewayClient",
    "GatewayError",
    "InvalidArgumentError",
    "KillSwitch",
    "LimitBreach",
    "NotFoundError",
    "Order",
    "OrderEvent",
    "OrderPreview",
    "PermissionDeniedError",
    "Position",
    "PositionEvent",
    "PositionList",
    "PositionStream",
    "ResourceExhaustedError",
    "ResumingStream",
    "RetryPolicy",
    "StreamRetry",
    "UnauthenticatedError",
    "UnavailableError",
    "WhatIfEstimate",
    "algos",
    "new_client_order_id",
    "tls_credentials",
]
