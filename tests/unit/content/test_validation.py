"""Every mistake in a content tree is reported with its file and line, all at once."""

from __future__ import annotations

import pytest

from course.content import ContentError, parse_course, parse_module

from .helpers import PRESET, lesson, module_files, parse, problems, write_module


def test_valid_module_parses_into_sources(tmp_path):
    course = parse(write_module(tmp_path, module_files()))
    (module,) = course.modules
    assert (module.slug, module.title, module.order) == ("demo", "Demo module", 1)
    assert module.intro_html == "<p>Welcome to the <strong>demo</strong>.</p>"
    assert [item.slug for item in module.lessons] == ["first", "second"]
    assert module.lessons[0].source_path == "demo/lessons/01-first.md"
    assert len(module.lessons[0].checksum) == 64
    assert [preset.slug for preset in module.presets] == ["cold-then-warm"]
    assert module.presets[0].scenario["Function"] == {"MemorySize": 128}
    assert [question.id for question in module.questions] == ["init-outside"]


def test_lessons_are_ordered_by_order_not_file_name(tmp_path):
    files = module_files(
        {"lessons/01-first.md": lesson("first", 5), "lessons/02-second.md": lesson("second", 2)}
    )
    (module,) = parse(write_module(tmp_path, files)).modules
    assert [item.slug for item in module.lessons] == ["second", "first"]


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            "::: analogy food-truk\nx\n:::\n",
            9,
            "unknown analogy `food-truk` (did you mean `food-truck`?)",
        ),
        (
            "::: analogy oven\nno breaks\n:::\n",
            9,
            'analogy `oven` needs a paragraph starting with "Where it breaks down:"',
        ),
        ("::: analogy\n\nWhere it breaks down: x\n:::\n", 9, "`::: analogy` needs an analogy id"),
        ("text\n\n::: notee\nx\n:::\n", 11, "unknown block `::: notee` (did you mean `note`?)"),
        ("::: note\nnever closed\n", 9, "`::: note` block opened here is never closed"),
        ("text\n:::\n", 10, "`:::` closes no open block"),
        ("```python\nnever closed\n", 9, "code fence opened here is never closed"),
        (
            "::: code-tabs\n```python\nx\n```\n:::\n",
            10,
            "a code block inside `::: code-tabs` needs a label",
        ),
        (
            '::: code-tabs\nprose\n```sh title="Shell"\nls\n```\n:::\n',
            10,
            "`::: code-tabs` may contain only fenced code blocks",
        ),
        ("```sandbox\nscenario: nope\n```\n", 10, "unknown sandbox scenario `nope`"),
        ("```sandbox\ncaption: hi\n```\n", 10, "the `sandbox` block is missing `scenario`"),
        ("```sandbox\nscenario: [\n```\n", 10, "YAML syntax error"),
        ("```quiz\nlesson: third\n```\n", 10, "unknown lesson `third`"),
        (
            "```quiz\nlessons: first\n```\n",
            10,
            "unknown key `lessons` in the `quiz` block (did you mean `lesson`?)",
        ),
        ('```python titel="x"\nx\n```\n', 9, "unknown code block option `titel`"),
    ],
)
def test_block_mistakes_are_reported_at_their_line(tmp_path, body, line, message):
    files = module_files({"lessons/02-second.md": lesson("second", 2, body)})
    found = problems(write_module(tmp_path, files))
    assert len(found) == 1, found
    assert found[0].startswith(f"demo/lessons/02-second.md:{line}: {message}")


@pytest.mark.parametrize(
    ("front_matter", "line", "message"),
    [
        ("colour: red", 8, "unknown key `colour` in the lesson front matter"),
        ("summary: [a", 8, "YAML syntax error"),
    ],
)
def test_front_matter_mistakes_are_reported_at_their_line(tmp_path, front_matter, line, message):
    text = lesson("second", 2).replace("---\nSome", f"{front_matter}\n---\nSome")
    found = problems(write_module(tmp_path, module_files({"lessons/02-second.md": text})))
    assert found[0].startswith(f"demo/lessons/02-second.md:{line}: {message}"), found


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "minutes: 5",
            "minutes: 08",
            5,
            "`minutes` must be a whole number, got '08' (write 8, not 08)",
        ),
        ("minutes: 5", "minutes: 0", 5, "`minutes` must be at least 1 and at most 240, got 0"),
        ("slug: second", "slug: Second Lesson", 2, "`slug` must be a lowercase slug"),
        ("title: Lesson second\n", "", 2, "the lesson front matter is missing `title`"),
        ("objectives:\n  - Explain the thing", "objectives: []", 6, "`objectives` must be a list"),
    ],
)
def test_invalid_front_matter_values_name_the_key_and_line(tmp_path, old, new, line, message):
    text = lesson("second", 2).replace(old, new)
    found = problems(write_module(tmp_path, module_files({"lessons/02-second.md": text})))
    assert any(f.startswith(f"demo/lessons/02-second.md:{line}: {message}") for f in found), found


def test_missing_front_matter_is_reported(tmp_path):
    files = module_files({"lessons/02-second.md": "# Just a heading\n"})
    assert problems(write_module(tmp_path, files)) == [
        "demo/lessons/02-second.md:1: missing front matter: the file must start with a line `---`"
    ]


def test_duplicate_lesson_slug_and_order_are_reported(tmp_path):
    files = module_files({"lessons/03-copy.md": lesson("first", 1)})
    assert problems(write_module(tmp_path, files)) == [
        "demo/lessons/03-copy.md:2: duplicate lesson slug `first` "
        "(also used by demo/lessons/01-first.md)",
        "demo/lessons/03-copy.md:4: duplicate lesson order 1 "
        "(also used by demo/lessons/01-first.md)",
    ]


def test_missing_module_md_is_reported(tmp_path):
    files = module_files({"module.md": None})
    assert problems(write_module(tmp_path, files)) == [
        "demo/module.md: missing module.md (title, summary and order of the module)"
    ]


def test_duplicate_module_order_is_reported(tmp_path):
    write_module(tmp_path, module_files(), folder="one")
    write_module(tmp_path, module_files(), folder="two")
    assert problems(tmp_path) == ["two/module.md: duplicate module order 1 (also one/module.md)"]


def test_every_problem_in_every_file_is_reported_at_once(tmp_path):
    files = module_files(
        {
            "lessons/01-first.md": lesson("first", 1, "::: analogy nope\nx\n:::\n", colour="red"),
            "lessons/02-second.md": lesson("second", 2, "```sandbox\nscenario: nope\n```\n:::\n"),
            "scenarios/broken.yaml": "title: [oops\n",
            "questions/bad.yaml": "lesson: nowhere\nquestions: []\n",
            "quizzes.yaml": "quizzes:\n  - slug: x\n",
        }
    )
    found = problems(write_module(tmp_path, files))
    assert [f.split(": ")[0] for f in found] == [
        "demo/lessons/01-first.md:8",
        "demo/lessons/01-first.md:10",
        "demo/lessons/02-second.md:10",
        "demo/lessons/02-second.md:12",
        "demo/questions/bad.yaml:1",
        "demo/quizzes.yaml:2",
        "demo/quizzes.yaml:2",
        "demo/scenarios/broken.yaml:1",
    ]


def test_content_error_lists_every_problem_as_path_line_message(tmp_path):
    files = module_files({"lessons/02-second.md": lesson("second", 2, ":::\n\n:::\n")})
    with pytest.raises(ContentError) as caught:
        parse_course(write_module(tmp_path, files), check_scenarios=False)
    assert str(caught.value).splitlines() == [
        "2 problems in the content:",
        "demo/lessons/02-second.md:9: `:::` closes no open block",
        "demo/lessons/02-second.md:11: `:::` closes no open block",
    ]


def test_parse_module_reports_paths_from_the_module_folder_name(tmp_path):
    files = module_files({"lessons/02-second.md": lesson("second", 2, ":::\n")})
    write_module(tmp_path, files)
    with pytest.raises(ContentError) as caught:
        parse_module(tmp_path / "demo", check_scenarios=False)
    assert caught.value.problems[0].path == "demo/lessons/02-second.md"


def test_missing_content_folder_is_a_content_error(tmp_path):
    with pytest.raises(ContentError, match="no such content folder"):
        parse_course(tmp_path / "nowhere")


def test_preset_problems_point_at_the_key(tmp_path):
    files = module_files(
        {"scenarios/cold-then-warm.yaml": PRESET.replace("lesson: first", "lesson: firts")}
    )
    assert problems(write_module(tmp_path, files)) == [
        "demo/scenarios/cold-then-warm.yaml:3: unknown lesson `firts` (did you mean `first`?); "
        "lessons in this module: first, second"
    ]


def test_duplicate_yaml_keys_are_reported(tmp_path):
    files = module_files({"scenarios/cold-then-warm.yaml": PRESET + "title: again\n"})
    line = PRESET.count("\n") + 1
    assert problems(write_module(tmp_path, files)) == [
        f"demo/scenarios/cold-then-warm.yaml:{line}: YAML syntax error: duplicate key 'title' "
        "(a key may appear once)"
    ]
