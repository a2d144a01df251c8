"""The command line's side of the one problem reporter: every command runs its work inside
:func:`reported`, which prints problems as lines on stderr, exits 1 (work failed) or 2 (usage), and shows
tracebacks only with ``ultralow --debug`` (or ``ULTRALOW_DEBUG=1``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from ultralow.app.problems import ProblemReporter


def stderr_line(line: str) -> None:
    """One line on stderr, never wrapped (a file:line: reason stays one line)."""
    click.echo(line, err=True)


def debug_enabled() -> bool:
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    if root is not None and isinstance(root.obj, dict) and root.obj.get("debug"):
        return True
    return os.environ.get("ULTRALOW_DEBUG", "") not in ("", "0")


def reporter() -> ProblemReporter:
    return ProblemReporter(stderr_line, debug=debug_enabled())


@contextmanager
def reported(problems: ProblemReporter | None = None) -> Iterator[ProblemReporter]:
    """Run the body; any exception becomes problem lines on stderr and an exit code (click's own usage
    errors and exits pass through)."""
    problems = problems or reporter()
    try:
        yield problems
    except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
        raise
    except KeyboardInterrupt:
        stderr_line("interrupted")
        sys.exit(130)
    except Exception as exc:  # the one place that turns failures into words and exit codes
        sys.exit(problems.report(exc))
