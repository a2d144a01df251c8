"""Command-line options of the web application, shared by ``ultralow web``, ``ultralow serve`` and
``ultralow demo``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def http_options(func: F) -> F:
    """``--http-host`` (default 127.0.0.1: loopback), ``--http-port`` (default 8080), ``--reports-dir``."""
    func = click.option("--reports-dir", envvar="ULTRALOW_REPORTS_DIR", default=None,
                        type=click.Path(file_okay=False),
                        help="Folder of the annual report files.  [default: reports/ beside the store]")(func)
    func = click.option("--http-port", envvar="ULTRALOW_HTTP_PORT", type=click.IntRange(0, 65535), default=None,
                        help="TCP port of the web site (0: any free port, printed).  [default: 8080]")(func)
    func = click.option("--http-host", envvar="ULTRALOW_HTTP_HOST", default=None,
                        help="Address the web site listens on.  [default: 127.0.0.1]")(func)
    return func
