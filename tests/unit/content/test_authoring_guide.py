"""The complete example module in docs/authoring.md is valid and uses every block kind."""

from __future__ import annotations

import re
from pathlib import Path

from .helpers import parse, write_module

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "authoring.md"
EXAMPLE_RE = re.compile(r"`content/demo-module/([^`]+)`:\n\n(`{3,})\w*\n(.*?)\n\2\n", re.DOTALL)


def test_the_guides_example_module_parses(tmp_path):
    files = {name: text + "\n" for name, _, text in EXAMPLE_RE.findall(GUIDE.read_text())}
    assert set(files) == {
        "module.md",
        "lessons/01-lifecycle.md",
        "scenarios/cold-then-warm.yaml",
        "questions/lifecycle.yaml",
        "quizzes.yaml",
        "analogies.yaml",
        "analogies/icons/food-truck.svg",
        "analogies/scenes/food-truck.svg",
    }
    (module,) = parse(write_module(tmp_path, files, folder="demo-module")).modules
    html = module.lessons[0].html
    for marker in (
        "analogy--food-truck",
        "callout--changed",
        "callout--note",
        "callout--takeaways",
        "data-tabs",
        "sandbox-embed",
        "quiz-embed",
    ):
        assert marker in html
    assert [question.kind for question in module.questions] == ["single", "multiple"]
    assert module.quizzes[0].slug == "lifecycle-check"
