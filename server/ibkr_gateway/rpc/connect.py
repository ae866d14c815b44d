"""The gRPC servicers over the Connect protocol (curl, browsers), as ASGI applications.

The same servicer objects answer both transports. What the gRPC interceptors do around
them (rpc/auth.py, rpc/loop_share.py, rpc/errors.py) is done here by one Connect
interceptor, in the same order and with the same helpers, so a call is authorized,
audited, counted and failed alike whichever way it came.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any, Final, TypeVar, cast

import grpc
from connectrpc.code import Code
from connectrpc.errors import ConnectError
from connectrpc.request import RequestContext
from google.protobuf import descriptor, json_format
from google.protobuf.message import DecodeError, Message
from google.protobuf.message_factory import GetMessageClass
from ibkr.gateway.v1 import (
    account_connect,
    account_pb2,
    gateway_connect,
    gateway_pb2,
    simulator_connect,
    simulator_pb2,
)
from protobuf.wkt import Any as AnyMessage

from ibkr_gateway.errors import FieldViolation, GatewayError, InvalidArgument
from ibkr_gateway.rpc.auth import required_scope
from ibkr_gateway.rpc.errors import (
    ResultListener,
    internal_error,
    notify,
    status_code_for,
    status_proto,
)
from ibkr_gateway.rpc.loop_share import LoopShare
from ibkr_gateway.security.auth import UNAUTHENTICATED, TokenTable, current_principal

# Connect names the gRPC codes alike, but for CANCELLED's spelling.
_CODES: Final = {c.name: c for c in Code} | {"CANCELLED": Code.CANCELED}

_M = TypeVar("_M", bound=Message)

ASGIApp = Callable[
    [dict[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]


def connect_error(error: GatewayError) -> ConnectError:
    """The error with the code, message and google.rpc details gRPC callers get."""
    status = status_proto(error)
    return ConnectError(
        _CODES[status_code_for(error).name],
        status.message,
        [AnyMessage(type_url=d.type_url, value=d.value) for d in status.details],
    )


class _Codec:
    """Shared by the binary and the JSON codec: a request that cannot be decoded is
    INVALID_ARGUMENT with the gateway's details, and a JSON field the contract does not
    have is refused, never dropped: a misspelt field of an order must fail the call."""

    def __init__(self, name: str) -> None:
        self._name = name

    def name(self) -> str:
        return self._name

    def encode(self, message: Message) -> bytes:
        if self._name == "json":
            # One line per message: streams read line by line (curl | jq) stay readable.
            return json_format.MessageToJson(message, indent=None).encode()
        return message.SerializeToString()

    def decode(self, data: bytes | bytearray, message_class: type[_M]) -> _M:
        try:
            if self._name == "json":
                return json_format.Parse(bytes(data), message_class())
            return message_class.FromString(bytes(data))
        except (json_format.ParseError, DecodeError, ValueError) as exc:
            error = InvalidArgument(
                [FieldViolation("request", str(exc))], reason="MALFORMED_REQUEST"
            )
            raise connect_error(error) from None


CODECS: Final = (_Codec("proto"), _Codec("json"))


def _method(ctx: RequestContext[Any, Any]) -> str:
    """The gRPC method path, under which scopes, audit and metrics know the call."""
    return f"/{ctx.method.service_name}/{ctx.method.name}"


class GatewayInterceptor:
    """Authentication, calls-first, error mapping and result listeners (audit, metrics)."""

    def __init__(
        self,
        tokens: TokenTable | None,
        shares: Sequence[LoopShare],
        listeners: Sequence[ResultListener],
        on_refused: ResultListener | None,
    ) -> None:
        self.tokens = tokens
        self.shares = tuple(shares)
        self.listeners = tuple(listeners)
        self.on_refused = on_refused

    def _authorize(self, method: str, request: Any, ctx: RequestContext[Any, Any]) -> None:
        """Sets the caller of the call, or refuses it: on the record, like a gRPC one."""
        if self.tokens is None:
            return
        who = None
        try:
            who = self.tokens.authenticate(ctx.request_headers.allitems())
            who.require_scope(required_scope(method))
        except GatewayError as error:
            if self.on_refused is not None:
                current_principal.set(who or UNAUTHENTICATED)
                self.on_refused(method, request, None, status_code_for(error), error.message, 0.0)
            raise connect_error(error) from None
        current_principal.set(who)

    async def intercept_unary(
        self,
        call_next: Callable[[Any, RequestContext[Any, Any]], Awaitable[Any]],
        request: Any,
        ctx: RequestContext[Any, Any],
        /,
    ) -> Any:
        method = _method(ctx)
        self._authorize(method, request, ctx)
        for share in self.shares:
            share.call_started()
        started = time.perf_counter()
        try:
            response = await call_next(request, ctx)
        except GatewayError as exc:
            notify(
                self.listeners, method, request, None, status_code_for(exc), exc.message, started
            )
            raise connect_error(exc) from None
        except ConnectError:
            raise
        except Exception as exc:
            error = internal_error(method, exc)
            notify(
                self.listeners,
                method,
                request,
                None,
                grpc.StatusCode.INTERNAL,
                error.message,
                started,
            )
            raise connect_error(error) from None
        else:
            notify(self.listeners, method, request, response, grpc.StatusCode.OK, "", started)
            return response
        finally:
            # After the listeners, as with gRPC: the audit record is part of the call.
            for share in self.shares:
                share.call_ended()

    async def intercept_server_stream(
        self,
        call_next: Callable[[Any, RequestContext[Any, Any]], AsyncIterator[Any]],
        request: Any,
        ctx: RequestContext[Any, Any],
        /,
    ) -> AsyncIterator[Any]:
        method = _method(ctx)
        self._authorize(method, request, ctx)
        try:
            async for item in call_next(request, ctx):
                yield item
        except GatewayError as exc:
            raise connect_error(exc) from None
        except ConnectError:
            raise
        except Exception as exc:
            raise connect_error(internal_error(method, exc)) from None


def _snake(name: str) -> str:
    """The method name the Connect code generator gives an RPC (SubmitOrder: submit_order)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _without_context(method: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def call(request: Any, ctx: Any) -> Any:
        return method(request, None)

    return call


def _stream_without_context(
    method: Callable[[Any, Any], AsyncIterator[Any]], output: type[Message]
) -> Callable[[Any, Any], AsyncIterator[Any]]:
    """A stream sends the events it holds encoded once for every gRPC subscriber as
    bytes: the Connect codecs (JSON among them) want them as messages again."""

    async def call(request: Any, ctx: Any) -> AsyncIterator[Any]:
        async for item in method(request, None):
            yield output.FromString(item) if type(item) is bytes else item

    return call


class _Servicer:
    """A gRPC servicer as the generated Connect application calls it: each RPC by its
    snake_case name, with a Connect context in place of the gRPC one, which the
    servicers never use."""

    def __init__(self, servicer: object, service: descriptor.ServiceDescriptor) -> None:
        self._methods: dict[str, Callable[[Any, Any], Any]] = {}
        for rpc in service.methods:
            # Bound at once: a servicer lacking a method of its service fails the start.
            method = getattr(servicer, rpc.name)
            self._methods[_snake(rpc.name)] = (
                _stream_without_context(method, GetMessageClass(rpc.output_type))
                if rpc.server_streaming
                else _without_context(method)
            )

    def __getattr__(self, name: str) -> Callable[[Any, Any], Any]:
        try:
            return self._methods[name]
        except KeyError:
            raise AttributeError(name) from None


def connect_applications(
    servicers: Mapping[str, object], interceptor: GatewayInterceptor
) -> dict[str, ASGIApp]:
    """The ASGI application of each service, by its full name."""
    factories: dict[str, tuple[descriptor.ServiceDescriptor, Callable[..., Any]]] = {
        "ibkr.gateway.v1.OrderGatewayService": (
            gateway_pb2.DESCRIPTOR.services_by_name["OrderGatewayService"],
            gateway_connect.OrderGatewayServiceASGIApplication,
        ),
        "ibkr.gateway.v1.SimulatorControlService": (
            simulator_pb2.DESCRIPTOR.services_by_name["SimulatorControlService"],
            simulator_connect.SimulatorControlServiceASGIApplication,
        ),
        "ibkr.gateway.v1.AccountService": (
            account_pb2.DESCRIPTOR.services_by_name["AccountService"],
            account_connect.AccountServiceASGIApplication,
        ),
    }
    apps: dict[str, ASGIApp] = {}
    for name, servicer in servicers.items():
        service, application = factories[name]
        apps[name] = cast(
            ASGIApp,
            application(_Servicer(servicer, service), interceptors=[interceptor], codecs=CODECS),
        )
    return apps
