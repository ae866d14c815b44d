"""How client commands reach a gateway: target, token and TLS from options or the environment."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
import grpc

from ibkr_gateway.console.failures import fail
from ibkr_gateway_client import AsyncGatewayClient, GatewayError, tls_credentials

T = TypeVar("T")
DEFAULT_TARGET = "127.0.0.1:50051"


@dataclass(frozen=True, slots=True)
class Connection:
    target: str
    token: str
    credentials: grpc.ChannelCredentials | None
    timeout: float

    def client(self) -> AsyncGatewayClient:
        return AsyncGatewayClient(
            self.target, token=self.token, credentials=self.credentials, timeout=self.timeout
        )

    def run(
        self,
        call: Callable[[AsyncGatewayClient], Awaitable[T]],
        *,
        unknown_outcome_hint: str = "",
    ) -> T:
        """Runs `call` with a client; a failed call exits with its code and one line, which
        ends with `unknown_outcome_hint` when the call may or may not have taken effect."""

        async def with_client() -> T:
            async with self.client() as client:
                return await call(client)

        try:
            return asyncio.run(with_client())
        except GatewayError as error:
            fail(error, target=self.target, unknown_outcome_hint=unknown_outcome_hint)


Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _path(help_text: str, env: str) -> Decorator:
    return click.option(
        f"--{env.lower().replace('_', '-')}",
        envvar=f"IBKR_GATEWAY_{env}",
        show_envvar=True,
        type=click.Path(exists=True, dir_okay=False),
        help=help_text,
    )


_OPTIONS: list[Decorator] = [
    click.option(
        "--target",
        envvar="IBKR_GATEWAY_TARGET",
        show_envvar=True,
        default=DEFAULT_TARGET,
        show_default=True,
        help="host:port of the gateway.",
    ),
    click.option(
        "--token",
        envvar="IBKR_GATEWAY_TOKEN",
        show_envvar=True,
        default="",
        help="Bearer token (prefer the environment or --token-file: command lines are "
        "visible to other users of the machine).",
    ),
    _path("File holding the bearer token, read when no --token is given.", "TOKEN_FILE"),
    click.option(
        "--tls",
        envvar="IBKR_GATEWAY_TLS",
        show_envvar=True,
        is_flag=True,
        help="Use TLS, verifying the gateway with the system's trusted roots.",
    ),
    _path("PEM CA bundle that signed the gateway's certificate (implies --tls).", "TLS_CA"),
    _path("PEM client certificate, for mutual TLS (implies --tls).", "TLS_CLIENT_CERT"),
    _path("PEM private key of --tls-client-cert.", "TLS_CLIENT_KEY"),
    click.option(
        "--timeout",
        envvar="IBKR_GATEWAY_TIMEOUT",
        show_envvar=True,
        type=click.FloatRange(0.1, 3600),
        default=10.0,
        show_default=True,
        help="Seconds to wait for each answer.",
    ),
]


def gateway_options(command: Callable[..., T]) -> Callable[..., T]:
    """Adds the connection options to a command, which receives them as a Connection."""

    @functools.wraps(command)
    def with_connection(
        *args: Any,
        target: str,
        token: str,
        token_file: str | None,
        tls: bool,
        tls_ca: str | None,
        tls_client_cert: str | None,
        tls_client_key: str | None,
        timeout: float,
        **kwargs: Any,
    ) -> T:
        if bool(tls_client_cert) != bool(tls_client_key):
            raise click.UsageError("--tls-client-cert and --tls-client-key go together")
        try:
            if token_file and not token:
                token = Path(token_file).read_text().strip()
            credentials = (
                tls_credentials(tls_ca, tls_client_cert, tls_client_key)
                if tls or tls_ca or tls_client_cert
                else None
            )
        except OSError as exc:
            raise click.UsageError(f"cannot read {exc.filename}: {exc.strerror}") from None
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        connection = Connection(target, token, credentials, timeout)
        return command(connection, *args, **kwargs)

    decorated: Callable[..., Any] = with_connection
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return decorated
