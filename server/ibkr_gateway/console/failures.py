"""Exit codes that say what happened, and the one line on stderr that says why."""

from __future__ import annotations

import enum
from typing import NoReturn

import click
import grpc

from ibkr_gateway_client import GatewayError


class ExitCode(enum.IntEnum):
    OK = 0
    # Anything without a code of its own, e.g. INTERNAL: a bug worth reporting.
    FAILED = 1
    # Click's own code for bad options and arguments.
    USAGE = 2
    NOT_FOUND = 3
    # The gateway answered and refused: nothing was changed.
    REFUSED = 4
    # The gateway could not be reached or did not answer in time: the outcome is unknown.
    UNAVAILABLE = 5
    DENIED = 6


_BY_STATUS = {
    grpc.StatusCode.NOT_FOUND: ExitCode.NOT_FOUND,
    grpc.StatusCode.FAILED_PRECONDITION: ExitCode.REFUSED,
    grpc.StatusCode.ALREADY_EXISTS: ExitCode.REFUSED,
    grpc.StatusCode.INVALID_ARGUMENT: ExitCode.REFUSED,
    grpc.StatusCode.OUT_OF_RANGE: ExitCode.REFUSED,
    # Too many orders a second: refused, like a broken risk limit.
    grpc.StatusCode.RESOURCE_EXHAUSTED: ExitCode.REFUSED,
    grpc.StatusCode.UNAVAILABLE: ExitCode.UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED: ExitCode.UNAVAILABLE,
    grpc.StatusCode.UNAUTHENTICATED: ExitCode.DENIED,
    grpc.StatusCode.PERMISSION_DENIED: ExitCode.DENIED,
}


def exit_code(error: GatewayError) -> ExitCode:
    return _BY_STATUS.get(error.code, ExitCode.FAILED)


def one_line(text: str) -> str:
    return " ".join(text.split())


def fail(error: GatewayError, *, target: str, unknown_outcome_hint: str = "") -> NoReturn:
    """Prints `Error: <what happened>` on stderr and exits with the error's code."""
    code = exit_code(error)
    text = str(error)
    if code is ExitCode.UNAVAILABLE and not error.reason:
        # No reason: the transport failed, not the gateway; say which one was tried.
        text = f"{text} (gateway at {target})"
    if code in (ExitCode.UNAVAILABLE, ExitCode.FAILED):
        text += unknown_outcome_hint
    click.echo(f"Error: {one_line(text)}", err=True)
    raise click.exceptions.Exit(code)
