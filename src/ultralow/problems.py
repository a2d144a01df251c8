"""An error that carries every problem found in one input, one line each, then a count."""

from __future__ import annotations


class ProblemsError(ValueError):
    """``problems`` holds one ``where: key: message`` line each; the message ends with their count."""

    subject = "the input"

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__("\n".join([*problems, f"{len(problems)} {noun} in {self.subject}"]))
