"""Build problems reported as `path:line: message`, all at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        prefix = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


class Problems:
    """Collects problems so a build can report every one of them, not just the first."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.items: list[Problem] = []

    def add(self, path: Path, line: int, message: str) -> None:
        self.items.append(Problem(self.relative(path), line, message))

    def warn(self, path: Path, line: int, message: str) -> None:
        self.items.append(Problem(self.relative(path), line, message, warning=True))

    def errors(self, strict: bool) -> list[Problem]:
        """Problems that fail the build: every error, and warnings too when strict."""
        return [p for p in sorted(self.items) if strict or not p.warning]

    def relative(self, path: Path) -> str:
        """`path` as problems show it: relative to the project, with forward slashes."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def __iter__(self):
        return iter(sorted(self.items))


class BuildError(Exception):
    """Raised when the course has problems; carries every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
