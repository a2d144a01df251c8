"""``ultralow web``: the public site, API and mounted dashboard alone, reading the store."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import uvloop

from ultralow.app import Application, ProblemReporter
from ultralow.cli.options import config_option, db_option
from ultralow.problems import ProblemsError
from ultralow.receiver.services import run_until_signalled
from ultralow.web.app import create_app
from ultralow.web.context import WebContext, default_reports_dir
from ultralow.web.options import http_options
from ultralow.web.server import WebServer


def config_given(ctx: click.Context) -> bool:
    source = ctx.get_parameter_source("config")
    return source is not None and source.name != "DEFAULT"


@click.command()
@db_option
@config_option
@http_options
def web(db: str, config: str, http_host: str | None, http_port: int | None, reports_dir: str | None) -> None:
    """Serve the public responsibility site, its open data and API (/api/v1, docs at /api/docs) from the
    store, read-only, until SIGTERM or Ctrl-C. `ultralow serve` runs the same site beside the receiver."""
    try:
        app = Application.open(db, config, config_given=config_given(click.get_current_context()))
    except ProblemsError as exc:
        sys.exit(ProblemReporter(lambda line: click.echo(line, err=True)).report(exc))
    reports = Path(reports_dir) if reports_dir else default_reports_dir(Path(db))
    context = WebContext(app=app, reports_dir=reports)
    server = WebServer(create_app(context), host=http_host or "127.0.0.1",
                       port=8080 if http_port is None else http_port,
                       on_listening=lambda url: click.echo(f"site: {url}/ (Ctrl-C to stop)", err=True))

    try:
        uvloop.run(run_until_signalled([server]))
    except OSError as exc:
        click.echo(f"error: cannot listen on {server.host}:{server.port}: {exc}", err=True)
        sys.exit(1)
    finally:
        app.close()

