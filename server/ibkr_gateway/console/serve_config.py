"""Options of a command from the environment and from a TOML file.

Each option `--some-name` is also read from `<PREFIX>SOME_NAME` and from the key
`some-name` (or `some_name`) of the file given with `--config`. Click resolves a value
from the command line, then the environment, then the file (its `default_map`), then the
option's default.
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import Any

import click


class ConfigFileError(click.ClickException):
    """A config file that cannot be used: one line naming the file and the key."""

    exit_code = 2


def option_key(option: click.Option) -> str:
    """`--ib-port` -> `ib-port`: the option's name in config files."""
    return max(option.opts, key=len).lstrip("-")


def with_config_file(command: click.Command, *, env_prefix: str) -> click.Command:
    """Gives every option of `command` an environment variable and adds `--config`."""
    for param in command.params:
        if isinstance(param, click.Option):
            param.envvar = env_prefix + option_key(param).upper().replace("-", "_")
            param.show_envvar = True
    command.params.insert(
        0,
        click.Option(
            ["--config"],
            type=click.Path(exists=True, dir_okay=False),
            envvar=f"{env_prefix}CONFIG",
            show_envvar=True,
            is_eager=True,
            expose_value=False,
            callback=_load,
            help="TOML file of option values, keys named like the options (listen = "
            '"127.0.0.1:50051", ib-port = 4002, sim-account = ["DU2"]). The command line '
            "overrides the environment, which overrides the file.",
        ),
    )
    return command


def _load(ctx: click.Context, param: click.Parameter, path: str | None) -> None:
    # Runs before any other option is resolved (is_eager), so the file's values become
    # the defaults those options fall back to.
    if path is None or ctx.resilient_parsing:
        return
    try:
        with Path(path).open("rb") as file:
            table = tomllib.load(file)
    except OSError as exc:
        raise ConfigFileError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(f"config file {path} is not valid TOML: {exc}") from None
    options = {
        option_key(p): p
        for p in ctx.command.params
        if isinstance(p, click.Option) and p is not param
    }
    defaults: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("_", "-")
        option = options.get(key)
        if option is None or option.name is None:
            raise ConfigFileError(
                f"config file {path}: unknown key {raw_key!r}{_hint(key, options)}"
            )
        defaults[option.name] = _checked(ctx, option, value, f"config file {path}: key {raw_key!r}")
    ctx.default_map = {**(ctx.default_map or {}), **defaults}


def _checked(ctx: click.Context, option: click.Option, value: Any, where: str) -> Any:
    """The value as the option will take it, validated now so that an error names the file."""
    if isinstance(value, dict):
        raise ConfigFileError(f"{where}: expected a value, not a table")
    if option.multiple and not isinstance(value, list):
        # A single account is written naturally as a string rather than a list of one.
        value = [value]
    elif not option.multiple and isinstance(value, list):
        raise ConfigFileError(f"{where}: expected one value, not a list")
    try:
        converted = option.type_cast_value(ctx, value)
        if option.callback is not None:
            option.callback(ctx, option, converted)
    except click.BadParameter as exc:
        raise ConfigFileError(f"{where}: {exc.message}") from None
    return value


def _hint(key: str, options: dict[str, click.Option]) -> str:
    close = difflib.get_close_matches(key, options, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
