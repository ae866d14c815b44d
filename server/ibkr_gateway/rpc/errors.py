"""Maps the gateway's exceptions to gRPC status codes with google.rpc details, in one place."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from ibkr_gateway.errors import (
    AlreadyExists,
    FailedPrecondition,
    GatewayError,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
    Unavailable,
)

log = logging.getLogger(__name__)

ERROR_DOMAIN = "ibkr-gateway"

_CODES: list[tuple[type[GatewayError], grpc.StatusCode]] = [
    (InvalidArgument, grpc.StatusCode.INVALID_ARGUMENT),
    (NotFound, grpc.StatusCode.NOT_FOUND),
    (AlreadyExists, grpc.StatusCode.ALREADY_EXISTS),
    (FailedPrecondition, grpc.StatusCode.FAILED_PRECONDITION),
    (ResourceExhausted, grpc.StatusCode.RESOURCE_EXHAUSTED),
    (Unavailable, grpc.StatusCode.UNAVAILABLE),
    (Unauthenticated, grpc.StatusCode.UNAUTHENTICATED),
    (PermissionDenied, grpc.StatusCode.PERMISSION_DENIED),
]


def status_code_for(error: GatewayError) -> grpc.StatusCode:
    for kind, code in _CODES:
        if isinstance(error, kind):
            return code
    return grpc.StatusCode.INTERNAL


def status_proto(error: GatewayError) -> status_pb2.Status:
    """The google.rpc.Status of an error: its code, message, ErrorInfo and, for bad input,
    BadRequest. gRPC sends it in the trailers, Connect as the error's details."""
    code = status_code_for(error)
    details = []
    info = error_details_pb2.ErrorInfo(
        reason=error.reason, domain=ERROR_DOMAIN, metadata=error.metadata
    )
    details.append(info)
    if isinstance(error, InvalidArgument):
        details.append(
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(
                        field=v.field, description=v.description
                    )
                    for v in error.violations
                ]
            )
        )
    packed = []
    for d in details:
        any_msg = any_pb2.Any()
        any_msg.Pack(d)
        packed.append(any_msg)
    return status_pb2.Status(
        code=getattr(code_pb2, code.name), message=error.message, details=packed
    )


def to_status(error: GatewayError) -> grpc.Status:
    status: grpc.Status = rpc_status.to_status(status_proto(error))
    return status


async def abort_with(context: grpc.aio.ServicerContext[Any, Any], error: GatewayError) -> None:
    status = to_status(error)
    await context.abort(status.code, status.details, status.trailing_metadata)


def internal_error(method: str, exc: BaseException) -> GatewayError:
    """What the caller of a call that failed by a bug is told; the bug goes to the log."""
    log.exception("unexpected error in %s", method, exc_info=exc)
    error = GatewayError(f"internal error in {method}; see the gateway log", reason="INTERNAL")
    return error


# Told the outcome of each unary call:
# (method, request, response or None, status, detail, seconds taken).
ResultListener = Callable[[str, Any, Any, grpc.StatusCode, str, float], None]


def notify(
    listeners: Sequence[ResultListener],
    method: str,
    request: Any,
    response: Any,
    code: grpc.StatusCode,
    detail: str,
    started: float,
) -> None:
    """Tells each listener how a unary call that began at `started` (perf_counter) ended;
    a failing listener is logged and never changes the call's outcome."""
    elapsed = time.perf_counter() - started
    for listener in listeners:
        try:
            listener(method, request, response, code, detail, elapsed)
        except Exception:
            log.exception("result listener failed for %s", method)


def _wrap_unary(method: str, inner: Any, listeners: Sequence[ResultListener]) -> Any:
    def tell(
        request: Any, response: Any, code: grpc.StatusCode, detail: str, started: float
    ) -> None:
        notify(listeners, method, request, response, code, detail, started)

    async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        started = time.perf_counter()
        try:
            response = await inner(request, context)
        except GatewayError as exc:
            tell(request, None, status_code_for(exc), exc.message, started)
            await abort_with(context, exc)
        except (grpc.aio.AbortError, grpc.aio.BaseError):
            raise
        except Exception as exc:
            error = internal_error(method, exc)
            tell(request, None, grpc.StatusCode.INTERNAL, error.message, started)
            await abort_with(context, error)
        else:
            tell(request, response, grpc.StatusCode.OK, "", started)
            return response

    return unary


def _wrap_stream(method: str, inner: Any) -> Any:
    async def stream(
        request: Any, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[Any]:
        try:
            async for item in inner(request, context):
                yield item
        except GatewayError as exc:
            await abort_with(context, exc)
        except (grpc.aio.AbortError, grpc.aio.BaseError):
            raise
        except Exception as exc:
            await abort_with(context, internal_error(method, exc))

    return stream


def _passing_bytes(serializer: Callable[[Any], bytes] | None) -> Callable[[Any], bytes] | None:
    """A stream may send a message it holds already encoded (an event encoded once for
    all its subscribers) as bytes."""
    if serializer is None:
        return None
    encode = serializer

    def serialize(message: Any) -> bytes:
        return message if type(message) is bytes else encode(message)

    return serialize


class ErrorMappingInterceptor(grpc.aio.ServerInterceptor):
    """Turns GatewayError into its status; anything else is a bug: INTERNAL, logged.

    Handlers are registered once and never change, so each method is wrapped once."""

    def __init__(self, listeners: Sequence[ResultListener] = ()) -> None:
        self._wrapped: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}
        self._listeners = tuple(listeners)

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        method = handler_call_details.method
        cached = self._wrapped.get(method)
        if cached is not None:
            return cached
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        wrapped = self._wrap(method, handler)
        self._wrapped[method] = wrapped
        return wrapped

    def _wrap(
        self, method: str, handler: grpc.RpcMethodHandler[Any, Any]
    ) -> grpc.RpcMethodHandler[Any, Any]:
        if handler.unary_unary is not None:
            return grpc.unary_unary_rpc_method_handler(
                _wrap_unary(method, handler.unary_unary, self._listeners),
                handler.request_deserializer,
                handler.response_serializer,
            )
        if handler.unary_stream is not None:
            return grpc.unary_stream_rpc_method_handler(
                _wrap_stream(method, handler.unary_stream),
                handler.request_deserializer,
                _passing_bytes(handler.response_serializer),
            )
        return handler
