"""One way to report problems for every front end: errors that name what and where, one line each, then a
count; short notes for things a user should know (no data in the period); exit codes by kind.

Front ends catch :class:`AppError` (and the input errors that carry ``problems``) and hand them to a
:class:`ProblemReporter`; tracebacks are for ``--debug`` only.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import ClassVar

from ultralow.problems import ProblemsError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class AppError(ProblemsError):
    """The work could not be done (exit 1); ``problems`` names what and where, one line each."""

    subject = "the set-up"
    exit_code: ClassVar[int] = EXIT_FAILED

    def __init__(self, problems: list[str] | str) -> None:
        super().__init__([problems] if isinstance(problems, str) else list(problems))


class UsageProblem(AppError):
    """The command line asks for something impossible (exit 2): a bad period, an unknown outlet."""

    subject = "the command line"
    exit_code: ClassVar[int] = EXIT_USAGE


class StoreMissing(AppError):
    """A command that only reads was pointed at a store file that does not exist (nothing is created)."""

    subject = "the store"


class NoData(AppError):
    """There is nothing to work on (no minute readings for the selected outlets)."""

    subject = "the store"


class ProblemReporter:
    """Writes problem lines and notes to one sink (stderr for the command line) and counts them.

    ``report(exc)`` turns any exception into lines and an exit code: known problems print their lines
    and count; anything else prints one line naming the exception type, and the traceback only when
    ``debug`` is set.
    """

    def __init__(self, sink: Callable[[str], None], *, debug: bool = False) -> None:
        self.sink = sink
        self.debug = debug
        self.problems = 0
        self.notes: list[str] = []

    def note(self, line: str) -> None:
        """A one-line remark (not a problem): "no data in this period", "using the store's registry"."""
        self.notes.append(line)
        self.sink(line)

    def problem(self, line: str) -> None:
        self.problems += 1
        self.sink(line)

    def summary(self, subject: str = "the input") -> None:
        """The count line after the problem lines, when there were any."""
        if self.problems:
            noun = "problem" if self.problems == 1 else "problems"
            self.sink(f"{self.problems} {noun} in {subject}")

    def report(self, exc: BaseException) -> int:
        """Print ``exc`` as problem lines (its count line included) and return the exit code."""
        if isinstance(exc, ProblemsError):
            for line in str(exc).splitlines():
                self.sink(line)
            self.problems += len(exc.problems)
            if self.debug:
                self._traceback(exc)
            return int(getattr(exc, "exit_code", EXIT_FAILED))
        if isinstance(exc, OSError) and exc.filename is not None:
            self.sink(f"{exc.filename}: {exc.strerror or exc}")
        else:
            self.sink(f"unexpected error: {type(exc).__name__}: {exc}")
        self.problems += 1
        if self.debug:
            self._traceback(exc)
        else:
            self.sink("(run with --debug for the traceback)")
        return EXIT_FAILED

    def _traceback(self, exc: BaseException) -> None:
        for chunk in traceback.format_exception(exc):
            for line in chunk.rstrip("\n").splitlines():
                self.sink(line)
