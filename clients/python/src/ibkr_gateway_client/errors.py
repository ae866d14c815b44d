"""Typed exceptions for failed calls, carrying the server's google.rpc details."""

from __future__ import annotations

from dataclasses import dataclass, field

import grpc
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status


@dataclass
class GatewayError(Exception):
    """A call failed. `reason` and `metadata` come from google.rpc.ErrorInfo,
    `field_violations` (field path -> description) from google.rpc.BadRequest."""

    code: grpc.StatusCode
    message: str
    reason: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    field_violations: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        text = f"{self.code.name}: {self.message}"
        return f"{text} [{self.reason}]" if self.reason else text


class InvalidArgumentError(GatewayError):
    pass


class NotFoundError(GatewayError):
    pass


class AlreadyExistsError(GatewayError):
    pass


class FailedPreconditionError(GatewayError):
    pass


class ResourceExhaustedError(GatewayError):
    pass


class UnavailableError(GatewayError):
    pass


class DeadlineExceededError(GatewayError):
    pass


class PermissionDeniedError(GatewayError):
    pass


class UnauthenticatedError(GatewayError):
    pass


_BY_CODE: dict[grpc.StatusCode, type[GatewayError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.NOT_FOUND: NotFoundError,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExistsError,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPreconditionError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    grpc.StatusCode.UNAVAILABLE: UnavailableError,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceededError,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDeniedError,
    grpc.StatusCode.UNAUTHENTICATED: UnauthenticatedError,
}


_CODE_BY_NUMBER = {code.value[0]: code for code in grpc.StatusCode}


def from_rpc_error(error: grpc.aio.AioRpcError) -> GatewayError:
    """The typed exception for a failed call, with its status details decoded."""
    code = error.code()
    result = _BY_CODE.get(code, GatewayError)(code=code, message=error.details() or "")
    status = rpc_status.from_call(error)
    if status is not None:
        _add_details(result, status)
    return result


def from_status(status: status_pb2.Status) -> GatewayError:
    """The typed exception for a google.rpc.Status (one order's refusal in a batch)."""
    code = _CODE_BY_NUMBER.get(status.code, grpc.StatusCode.UNKNOWN)
    result = _BY_CODE.get(code, GatewayError)(code=code, message=status.message)
    _add_details(result, status)
    return result


def _add_details(result: GatewayError, status: status_pb2.Status) -> None:
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            result.reason = info.reason
            result.metadata = dict(info.metadata)
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            result.field_violations = {v.field: v.description for v in bad.field_violations}
