"""The gateway's one exception hierarchy. rpc/errors.py maps it to gRPC status codes.

Each error carries a machine-readable reason (google.rpc.ErrorInfo.reason) and, for
bad input, the offending fields (google.rpc.BadRequest field violations).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldViolation:
    field: str
    description: str


class GatewayError(Exception):
    """Base of every error the gateway reports to callers on purpose."""

    default_reason = "GATEWAY_ERROR"

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or self.default_reason
        self.metadata: dict[str, str] = dict(metadata or {})


class InvalidArgument(GatewayError):
    default_reason = "INVALID_ARGUMENT"

    def __init__(self, violations: Sequence[FieldViolation], *, reason: str | None = None) -> None:
        summary = "; ".join(f"{v.field}: {v.description}" for v in violations)
        super().__init__(f"invalid request: {summary}", reason=reason)
        self.violations = tuple(violations)

    @classmethod
    def single(cls, field: str, description: str) -> InvalidArgument:
        return cls([FieldViolation(field, description)])


class NotFound(GatewayError):
    default_reason = "NOT_FOUND"


class AlreadyExists(GatewayError):
    default_reason = "ALREADY_EXISTS"


class FailedPrecondition(GatewayError):
    default_reason = "FAILED_PRECONDITION"


class ResourceExhausted(GatewayError):
    default_reason = "RESOURCE_EXHAUSTED"


class Unavailable(GatewayError):
    default_reason = "UNAVAILABLE"


class Unauthenticated(GatewayError):
    default_reason = "UNAUTHENTICATED"


class PermissionDenied(GatewayError):
    default_reason = "PERMISSION_DENIED"


class StoreUnavailable(Unavailable):
    """The durable store failed; nothing more is acknowledged until a restart."""

    default_reason = "STORE_UNAVAILABLE"
