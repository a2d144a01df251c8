"""The ``ultralow`` command: one module per command group, registered here."""

from __future__ import annotations

import click

from ultralow import __version__
from ultralow.cli.demo import demo
from ultralow.cli.hj212 import hj212


@click.group(context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "ULTRALOW"})
@click.version_option(__version__, prog_name="ultralow")
def main() -> None:
    """ultralow: CEMS data over HJ 212, compliance, claim checking and disclosure."""


main.add_command(hj212)
main.add_command(demo)
