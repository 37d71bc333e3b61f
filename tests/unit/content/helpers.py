"""Build small content trees in a temporary folder (helpers for tests/unit/content)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from course.content import ContentError, Course, parse_course
from course.content.analogies import Analogy, read_analogies
from course.content.errors import ProblemLog

SHIPPED = Path(__file__).resolve().parents[3] / "content" / "lambda-best-practices"

MODULE_MD = """\
---
title: Demo module
summary: A module for tests.
order: 1
---
Welcome to the **demo**.
"""

PRESET = """\
title: Cold start, then a warm start
goal: Invoke twice and see the second request skip INIT.
lesson: first
scenario:
  Function:
    MemorySize: 128
  Traffic:
    Events: [{AtMs: 0}, {AtMs: 1000}]
"""

QUESTIONS = """\
lesson: first
questions:
  - id: init-outside
    kind: single
    stem: Where should the client be created?
    choices:
      - text: Inside the handler
        explanation: It would be rebuilt on every invocation.
      - text: Outside the handler
        correct: true
        explanation: Module-level code runs once during INIT.
"""


ANALOGIES_YAML = """\
analogies:
  - id: food-truck
    name: The food truck
    colour: orange
    icon: icons/food-truck.svg
    scene: scenes/food-truck.svg
    alt: A food truck parks, serves one customer, then drives away.
  - id: oven
    name: The pre-heated oven
    colour: red
    icon: icons/oven.svg
    scene: scenes/oven.svg
    alt: An oven heats once; dish after dish goes in without heating it again.
"""


def analogy_files() -> dict[str, str]:
    """Return a module's analogies.yaml declaring two analogies, with their drawings."""
    files = {"analogies.yaml": ANALOGIES_YAML}
    for name in ("food-truck", "oven"):
        for kind in ("icons", "scenes"):
            files[f"analogies/{kind}/{name}.svg"] = (
                SHIPPED / "analogies" / kind / f"{name}.svg"
            ).read_text("utf-8")
    return files


def shipped_analogies() -> dict[str, Analogy]:
    """Return the analogies the shipped module declares."""
    log = ProblemLog()
    analogies = read_analogies(SHIPPED, rel="lambda-best-practices", log=log)
    log.raise_if_any()
    return analogies


def lesson(slug: str, order: int, body: str = "Some text.\n", **extra: str) -> str:
    """Return a lesson file with valid front matter followed by `body`."""
    lines = [
        "---",
        f"slug: {slug}",
        f"title: Lesson {slug}",
        f"order: {order}",
        "minutes: 5",
        "objectives:",
        "  - Explain the thing",
        *(f"{key}: {value}" for key, value in extra.items()),
        "---",
    ]
    return "\n".join(lines) + "\n" + textwrap.dedent(body)


def module_files(changes: dict[str, str | None] | None = None) -> dict[str, str]:
    """Return a valid module's files; `changes` replaces files (or drops them, with None)."""
    result: dict[str, str | None] = {
        "module.md": MODULE_MD,
        "lessons/01-first.md": lesson("first", 1),
        "lessons/02-second.md": lesson("second", 2),
        "scenarios/cold-then-warm.yaml": PRESET,
        "questions/first.yaml": QUESTIONS,
        **analogy_files(),
    }
    result.update(changes or {})
    return {name: text for name, text in result.items() if text is not None}


def write_module(root: Path, files: dict[str, str], folder: str = "demo") -> Path:
    """Write `files` under `root/folder` and return `root`."""
    for name, text in files.items():
        path = root / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    """Parse `root` and return every problem as `path:line: message`."""
    with pytest.raises(ContentError) as caught:
        parse_course(root, check_scenarios=False)
    return [str(problem) for problem in caught.value.problems]


def parse(root: Path) -> Course:
    """Parse `root`, which must have no problems."""
    return parse_course(root, check_scenarios=False)
