"""What commands print: JSON for scripts, rich tables for people."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import click
from rich.console import Console, RenderableType

from ibkr_gateway_client.models import decimal_text

JSON = None | bool | int | float | str | list["JSON"] | dict[str, "JSON"]


def plain(value: Any) -> JSON:
    """A client model as JSON values: decimals as strings (never floats), times in RFC 3339
    UTC, None as null. The raw protobuf message a model keeps is left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "proto"
        }
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"no JSON form for {type(value).__name__}")


def echo_json(value: Any, *, compact: bool = False) -> None:
    """One JSON document on stdout; compact puts it on one line (a line per event)."""
    click.echo(json.dumps(plain(value), indent=None if compact else 2))


def console() -> Console:
    # Gateway text (ids, reasons, IB messages) is data: never read as markup or emoji.
    return Console(markup=False, emoji=False, highlight=False)


def show(renderable: RenderableType) -> None:
    console().print(renderable)


def amount(value: Decimal | None) -> str:
    return "" if value is None else decimal_text(value)


def short_clock(value: datetime | None) -> str:
    """A time in a table row: UTC, without the year."""
    return "" if value is None else value.astimezone(UTC).strftime("%m-%d %H:%M:%S")


def clock(value: datetime | None) -> str:
    """A time for people: UTC, to the second."""
    return "" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


json_option = click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON document (decimals as strings, times in UTC) instead of a table.",
)
