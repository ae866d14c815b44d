"""The authentication interceptor: who is calling, and may they call this method."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Final, TypeAlias

import grpc

from ibkr_gateway.errors import GatewayError
from ibkr_gateway.rpc.errors import ResultListener, abort_with, status_code_for
from ibkr_gateway.security.auth import (
    ADMIN,
    READ,
    UNAUTHENTICATED,
    WRITE,
    Principal,
    TokenTable,
    current_principal,
)

_GATEWAY = "/ibkr.gateway.v1.OrderGatewayService/"
_ACCOUNT = "/ibkr.gateway.v1.AccountService/"

# Every method not listed needs admin (CancelAllOrders, the whole simulator service).
METHOD_SCOPES: Final[dict[str, str]] = {
    **{
        _GATEWAY + m: READ
        for m in (
            "GetOrder",
            "ListOrders",
            "ListFills",
            "StreamOrderEvents",
            "StreamFills",
            "GetKillSwitch",
            "PreviewOrder",
        )
    },
    **{_ACCOUNT + m: READ for m in ("ListPositions", "GetAccountSummary", "StreamPositions")},
    **{
        _GATEWAY + m: WRITE
        for m in ("SubmitOrder", "SubmitOrders", "SubmitBracketOrder", "ModifyOrder", "CancelOrder")
    },
}
# Probes and tooling stay open: health says nothing about orders, reflection only the schema.
PUBLIC_PREFIXES: Final = ("/grpc.health.v1.Health/", "/grpc.reflection.")

# grpc.RpcMethodHandler is generic only in its type stubs.
Handler: TypeAlias = "grpc.RpcMethodHandler[Any, Any]"
Context = grpc.aio.ServicerContext[Any, Any]


def _as(principal: Principal, handler: Handler) -> Handler:
    """The handler, run with `principal` as the caller (a context variable of the
    RPC's own task)."""
    if handler.unary_unary is not None:
        inner_unary: Any = handler.unary_unary

        async def unary(request: Any, context: Context) -> Any:
            current_principal.set(principal)
            return await inner_unary(request, context)

        return grpc.unary_unary_rpc_method_handler(
            unary, handler.request_deserializer, handler.response_serializer
        )
    if handler.unary_stream is not None:
        inner_stream: Any = handler.unary_stream

        async def stream(request: Any, context: Context) -> AsyncIterator[Any]:
            current_principal.set(principal)
            async for item in inner_stream(request, context):
                yield item

        return grpc.unary_stream_rpc_method_handler(
            stream, handler.request_deserializer, handler.response_serializer
        )
    return handler


def _refusing(
    error: GatewayError,
    handler: Handler,
    method: str,
    who: Principal | None,
    listener: ResultListener | None,
) -> Handler:
    def tell(request: Any) -> None:
        if listener is not None:
            # An attempt without a valid token is on the record too, under its own name.
            current_principal.set(who or UNAUTHENTICATED)
            listener(method, request, None, status_code_for(error), error.message, 0.0)

    async def refuse(request: Any, context: Context) -> None:
        tell(request)
        await abort_with(context, error)

    if handler.unary_stream is not None:

        async def refuse_stream(request: Any, context: Context) -> AsyncIterator[Any]:
            tell(request)
            await abort_with(context, error)
            yield None  # pragma: no cover - abort raises

        return grpc.unary_stream_rpc_method_handler(
            refuse_stream, handler.request_deserializer, handler.response_serializer
        )
    return grpc.unary_unary_rpc_method_handler(
        refuse, handler.request_deserializer, handler.response_serializer
    )


class AuthInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, tokens: TokenTable, on_refused: ResultListener | None = None) -> None:
        """`on_refused` hears of every refused call, unauthenticated ones included."""
        self.tokens = tokens
        self.on_refused = on_refused

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler | None]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Handler | None:
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method.startswith(PUBLIC_PREFIXES):
            return handler
        who: Principal | None = None
        try:
            who = self.tokens.authenticate(handler_call_details.invocation_metadata)
            who.require_scope(required_scope(method))
        except GatewayError as error:
            return _refusing(error, handler, method, who, self.on_refused)
        return _as(who, handler)


def required_scope(method: str) -> str:
    """The scope a call of `method` (/package.Service/Method) needs."""
    return METHOD_SCOPES.get(method, ADMIN)
