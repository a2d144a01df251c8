"""The ``ultralow`` command: one module per command group, registered here."""

from __future__ import annotations

import click

from ultralow import __version__
from ultralow.cli.claims import claims
from ultralow.cli.compliance import compliance
from ultralow.cli.demo import demo
from ultralow.cli.export import export
from ultralow.cli.ghg import cbam_command, ghg
from ultralow.cli.hj212 import hj212
from ultralow.cli.ingest import ingest
from ultralow.cli.kpi import kpi
from ultralow.cli.ledger import ledger
from ultralow.cli.marks import marks
from ultralow.cli.outlets import outlets
from ultralow.cli.qa import qa
from ultralow.cli.report import report
from ultralow.cli.results import results
from ultralow.cli.serve import serve
from ultralow.cli.simulate import simulate
from ultralow.cli.users import user
from ultralow.cli.web import web


@click.group(context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "ULTRALOW"})
@click.version_option(__version__, prog_name="ultralow")
@click.option("--debug", is_flag=True, envvar="ULTRALOW_DEBUG", help="Show tracebacks of unexpected errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """ultralow: CEMS data over HJ 212, compliance, claim checking and disclosure."""
    ctx.ensure_object(dict)["debug"] = debug


main.add_command(hj212)
main.add_command(demo)
main.add_command(serve)
main.add_command(simulate)
main.add_command(ingest)
main.add_command(export)
main.add_command(claims)
main.add_command(compliance)
main.add_command(web)
main.add_command(user)
main.add_command(marks)
main.add_command(report)
main.add_command(ledger)
main.add_command(ghg)
main.add_command(cbam_command)
main.add_command(kpi)
main.add_command(outlets)
main.add_command(qa)
main.add_command(results)
