"""Options shared by commands: store and registry paths, output format.

Settings resolve as flag > environment variable ``ULTRALOW_<NAME>`` > config file > default.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
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


def given_config(config: str) -> str | None:
    """``config`` when the user gave it (flag or ``ULTRALOW_CONFIG``), None when it is the default — a given
    path must exist, the default may be absent (then the store's registry is used)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return config
    source = ctx.get_parameter_source("config")
    return None if source in (click.core.ParameterSource.DEFAULT, None) else config


def parse_date(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """A ``--from``/``--to`` value as a date (usage error, exit 2, when it is not YYYY-MM-DD)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param=param) from exc


def period_options(func: F) -> F:
    """``--from``/``--to`` (local days, --to included) and ``--year``: the one period rule of ultralow.app."""
    func = click.option("--year", type=click.IntRange(1990, 2100), default=None,
                        help="The calendar year YYYY (instead of --from/--to).")(func)
    func = click.option("--to", "last", callback=parse_date,
                        help="Last local day, included (YYYY-MM-DD); default: last day with data.")(func)
    return click.option("--from", "first", callback=parse_date,
                        help="First local day (YYYY-MM-DD); default: first day with minute data.")(func)
