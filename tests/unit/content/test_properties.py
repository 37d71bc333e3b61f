"""The parser never crashes: any text either parses or raises ContentError."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.content import ContentError, Problem, parse_course, render_markdown

from .helpers import lesson, module_files, write_module

LINES = st.sampled_from(
    [
        ":::",
        "::: analogy oven",
        "::: analogy",
        "::: note",
        "::: code-tabs",
        "::: nonsense",
        "```",
        "```python",
        '```python title="Python"',
        "```sandbox",
        "```quiz",
        "~~~~",
        "scenario: cold-then-warm",
        "lesson: first",
        "Where it breaks down: here",
        "- item",
        "## Heading",
        "<div>",
        "",
        "text",
        "---",
        "key: [",
    ]
)


def problems_of(action: Callable[[], object]) -> list[Problem] | None:
    """Run `action`; return its problems if it raised ContentError, else None."""
    try:
        action()
    except ContentError as error:
        return error.problems
    return None


BODIES = st.lists(st.one_of(LINES, st.text(max_size=20)), max_size=25).map("\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODIES)
def test_rendering_any_lesson_body_returns_or_raises_content_error(body):
    rendered = []

    def action() -> None:
        rendered.append(
            render_markdown(
                body, module="demo", lesson="first", lessons={"first": "First"}, presets={}
            )
        )

    found = problems_of(action)
    if found is None:
        assert "XBLOCK" not in rendered[0].html
        assert "<script" not in rendered[0].html
    else:
        assert found
        assert all(problem.line is None or problem.line >= 1 for problem in found)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=200), name=st.sampled_from(["lesson", "questions", "quizzes"]))
def test_parsing_any_file_content_returns_or_raises_content_error(tmp_path_factory, text, name):
    target = {
        "lesson": "lessons/02-second.md",
        "questions": "questions/first.yaml",
        "quizzes": "quizzes.yaml",
    }[name]
    root = write_module(tmp_path_factory.mktemp("tree"), module_files({target: text}))
    found = problems_of(lambda: parse_course(root, check_scenarios=False))
    assert found is None or found


@settings(max_examples=60, deadline=None)
@given(body=BODIES)
def test_valid_front_matter_with_any_body_reports_lines_inside_the_file(body):
    text = lesson("first", 1, body)
    line_count = text.count("\n") + 2
    found = problems_of(lambda: render_markdown(body, module="demo", lesson="first", first_line=9))
    assert all(p.line is None or 9 <= p.line <= line_count for p in found or [])
