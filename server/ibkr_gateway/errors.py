"""The gateway's one exception hierarchy. rpc/errors.py maps it to gRPC status codes.

Each error carries a machine-readable reason (google.rpc.ErrorInfo.reason) and, for
bad input, the offending fields (google.rpc.BadRequest field violations).

An error may quote what the caller sent, and a caller may send megabytes: every error is
bounded where it is made (message, metadata, violations), so that no answer, log line or
audit record repeats unbounded input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

# A value quoted from a request (an id, an account): enough to recognise it.
QUOTED_MAX: Final = 64
MESSAGE_MAX: Final = 1024
METADATA_VALUE_MAX: Final = 256
FIELD_MAX: Final = 128
DESCRIPTION_MAX: Final = 256
# Repeated fields can break a rule once per element: the first ones are enough to fix.
VIOLATIONS_MAX: Final = 20


def clip(text: str, limit: int = QUOTED_MAX) -> str:
    """The text, or its beginning and its length when longer than `limit`."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}...({len(text)} characters)"


@dataclass(frozen=True, slots=True)
class FieldViolation:
    field: str
    description: str

    def clipped(self) -> FieldViolation:
        if len(self.field) <= FIELD_MAX and len(self.description) <= DESCRIPTION_MAX:
            return self
        return FieldViolation(clip(self.field, FIELD_MAX), clip(self.description, DESCRIPTION_MAX))


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
        message = clip(message, MESSAGE_MAX)
        super().__init__(message)
        self.message = message
        self.reason = reason or self.default_reason
        self.metadata: dict[str, str] = {
            key: clip(value, METADATA_VALUE_MAX) for key, value in (metadata or {}).items()
        }


class InvalidArgument(GatewayError):
    default_reason = "INVALID_ARGUMENT"

    def __init__(self, violations: Sequence[FieldViolation], *, reason: str | None = None) -> None:
        kept = tuple(v.clipped() for v in violations[:VIOLATIONS_MAX])
        summary = "; ".join(f"{v.field}: {v.description}" for v in kept)
        if len(violations) > len(kept):
            summary = f"{len(violations)} violations, the first {len(kept)}: {summary}"
        super().__init__(f"invalid request: {summary}", reason=reason)
        self.violations = kept

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
