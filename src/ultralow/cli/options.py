"""Options shared by commands: store and registry paths, output format.

Settings resolve as flag > environment variable ``ULTRALOW_<NAME>`` > config file > default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    return click.option(
        "--db", "db", default="ultralow.duckdb", show_default=True, envvar="ULTRALOW_DB",
        type=click.Path(dir_okay=False), help="DuckDB store file.",
    )(func)


def config_option(func: F) -> F:
    return click.option(
        "--config", "config", default="ultralow.toml", show_default=True, envvar="ULTRALOW_CONFIG",
        type=click.Path(dir_okay=False), help="Registry TOML (a demo store carries its own).",
    )(func)


def format_option(*choices: str, default: str = "table") -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True,
            help="Output format; json prints exactly one JSON document on stdout.",
        )(func)

    return decorate
