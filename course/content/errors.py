"""Problems found in content files, collected so that one run reports all of them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One mistake in one file: where it is and what is wrong."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        """Return `path:line: message` (or `path: message` when the line is unknown)."""
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Raised when content files have problems; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.path, p.line or 0))
        super().__init__(str(self))

    def __str__(self) -> str:
        """List every problem, one per line."""
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in the content:"
        return "\n".join([heading, *(str(problem) for problem in self.problems)])


@dataclass
class ProblemLog:
    """Collect problems while parsing; raise them all together at the end."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int | None, message: str) -> None:
        """Record one problem."""
        self.problems.append(Problem(path, line, message))

    def raise_if_any(self) -> None:
        """Raise `ContentError` when at least one problem was recorded."""
        if self.problems:
            raise ContentError(list(self.problems))

    def __len__(self) -> int:
        """Return how many problems were recorded."""
        return len(self.problems)
