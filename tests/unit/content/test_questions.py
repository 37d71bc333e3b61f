"""Question banks follow the rules: one correct single answer, `pick` correct multiples, …"""

from __future__ import annotations

import textwrap

import pytest

from .helpers import module_files, parse, problems, write_module


def bank(question: str) -> dict[str, str]:
    text = "lesson: first\nquestions:\n" + textwrap.indent(textwrap.dedent(question), "  ")
    return module_files({"questions/first.yaml": text})


SINGLE = """\
- id: q
  kind: single
  stem: Which?
  choices:
    - text: A
      correct: true
      explanation: Right.
    - text: B
      explanation: Wrong.
      misconception: Thinks B
"""


def test_single_question_is_parsed_with_rendered_markdown(tmp_path):
    text = SINGLE.replace("stem: Which?", "stem: Which `handler`?")
    (module,) = parse(write_module(tmp_path, bank(text))).modules
    (question,) = module.questions
    assert (question.id, question.kind, question.pick, question.lesson) == (
        "q",
        "single",
        1,
        "first",
    )
    assert question.stem_html == "<p>Which <code>handler</code>?</p>"
    assert [c.key for c in question.choices] == ["a", "b"]
    assert question.choices[0].correct
    assert question.choices[1].misconception == "Thinks B"
    assert question.choices[1].explanation_html == "<p>Wrong.</p>"
    assert (question.source_path, question.line) == ("demo/questions/first.yaml", 3)


def test_multiple_question_with_matching_pick_is_parsed(tmp_path):
    text = """\
    - id: q
      kind: multiple
      pick: 2
      stem: Which two?
      choices:
        - {text: A, correct: true, explanation: a}
        - {text: B, correct: true, explanation: b}
        - {text: C, explanation: c, locked: true}
    """
    (module,) = parse(write_module(tmp_path, bank(text))).modules
    assert module.questions[0].pick == 2
    assert module.questions[0].choices[2].locked


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "      explanation: Wrong.\n      misconception: Thinks B\n",
            "      correct: true\n      explanation: Wrong.\n",
            ":6: a `single` question needs exactly one correct choice; question `q` has 2",
        ),
        ("      correct: true\n", "", ":6: a `single` question needs exactly one correct choice"),
        (
            "      explanation: Right.\n",
            "",
            ":7: choice 1 of question `q` is missing `explanation`",
        ),
        (
            "kind: single",
            "kind: singel",
            ":4: `kind` must be one of multiple, single, got 'singel'",
        ),
        ("kind: single", "kind: multiple", ":4: a `multiple` question needs `pick`"),
        ("kind: single", "kind: single\n  pick: 2", ":5: a `single` question selects one choice"),
        ("kind: single", "kind: single\n  lesson: third", ":5: unknown lesson `third`"),
        ("kind: single", "kind: single\n  scenario: nope", ":5: unknown sandbox scenario `nope`"),
        ("kind: single", "kind: single\n  hint: x", ":5: unknown key `hint` in question `q`"),
        ("- id: q", "- id: Q 1", ":3: `id` must be a lowercase slug"),
        ("      misconception: Thinks B\n", "", None),
        (
            "      correct: true\n      explanation: Right.\n",
            "      correct: true\n      explanation: Right.\n      misconception: m\n",
            ":10: `misconception` is for wrong choices only",
        ),
    ],
)
def test_question_rules(tmp_path, old, new, expected):
    files = bank(SINGLE.replace(old, new))
    write_module(tmp_path, files)
    if expected is None:
        parse(tmp_path)
        return
    found = problems(tmp_path)
    assert any(f.startswith(f"demo/questions/first.yaml{expected}") for f in found), found


def test_multiple_question_needs_pick_correct_choices_and_a_wrong_one(tmp_path):
    text = """\
    - id: q
      kind: multiple
      pick: 2
      stem: Which?
      choices:
        - {text: A, correct: true, explanation: a}
        - {text: B, correct: true, explanation: b}
    - id: r
      kind: multiple
      pick: 2
      stem: Which?
      choices:
        - {text: A, correct: true, explanation: a}
        - {text: B, explanation: b}
        - {text: C, explanation: c}
    """
    assert problems(write_module(tmp_path, bank(text))) == [
        "demo/questions/first.yaml:7: question `q` needs more than 2 choices, "
        "so that some are wrong",
        "demo/questions/first.yaml:14: question `r` has `pick: 2` but 1 correct choice; "
        "they must match",
    ]


def test_question_ids_are_unique_across_the_module(tmp_path):
    files = bank(SINGLE)
    files["questions/second.yaml"] = files["questions/first.yaml"]
    assert problems(write_module(tmp_path, files)) == [
        "demo/questions/second.yaml:3: duplicate question id `q` "
        "(first used at demo/questions/first.yaml:3)"
    ]


def test_question_without_any_lesson_is_reported(tmp_path):
    files = bank(SINGLE)
    files["questions/first.yaml"] = files["questions/first.yaml"].replace("lesson: first\n", "")
    assert problems(write_module(tmp_path, files)) == [
        "demo/questions/first.yaml:2: question `q` has no `lesson` "
        "(set one here or at the top of the file)"
    ]
