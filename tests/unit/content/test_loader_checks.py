"""What a learner would trip over is caught at load, with the file that must change and its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.content import ContentError, parse_course, parse_module

from .helpers import PRESET, QUESTIONS, lesson, module_files, parse, problems, write_module

SECOND = "## Retries in depth\n\nText.\n\n## Batches\n\nMore.\n"


def lessons_linking(body: str) -> dict[str, str | None]:
    return {
        "lessons/01-first.md": lesson("first", 1, body),
        "lessons/02-second.md": lesson("second", 2, SECOND),
    }


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (
            "/modules/demo/secnd/",
            "unknown lesson `secnd` (did you mean `second`?); lessons of `demo`: first, second",
        ),
        (
            "/modules/demo/second/#retries-in-dept",
            "lesson `second` has no heading with the anchor `#retries-in-dept` (did you mean "
            "`retries-in-depth`?); its anchors: batches, retries-in-depth",
        ),
        ("../secnd/", "unknown lesson `secnd` (did you mean `second`?)"),
        ("#batchs", "lesson `first` has no heading with the anchor `#batchs`"),
        (
            "/sandbox/demo/cold-then-wrm/",
            "unknown sandbox preset `cold-then-wrm` (did you mean `cold-then-warm`?)",
        ),
        ("/quizzes/demo/finall/", "unknown quiz `finall` (did you mean `final`?)"),
        ("/quizzes/demo/practice/frist/", "unknown lesson `frist` (did you mean `first`?)"),
        ("/modules/dmo/first/", "unknown module `dmo` (did you mean `demo`?); modules: demo"),
        ("/lessons/first/", "no page of the course has this address"),
    ],
)
def test_a_broken_internal_link_is_reported_with_its_line(tmp_path, link, expected):
    body = f"## Intro\n\nText.\n\nSee [this]({link}) for more.\n"
    files = module_files({**lessons_linking(body), "quizzes.yaml": QUIZ.format(count=1)})
    found = problems(write_module(tmp_path, files))
    assert len(found) == 1
    assert found[0].startswith(f"demo/lessons/01-first.md:13: link `{link}`: {expected}")


def test_working_links_of_every_kind_pass(tmp_path):
    body = (
        "## Intro\n\n"
        "[a](/modules/demo/second/#batches) [b](../second/) [c](#intro) [d](/modules/demo/)\n"
        "[e](/sandbox/demo/cold-then-warm/?memory=256) [f](/sandbox/) [g](/quizzes/demo/final/)\n"
        "[h](/quizzes/demo/practice/second/) [i](https://aws.amazon.com/lambda/)\n"
        "[j](/accounts/login/)\n"
        '<a href="/modules/demo/second">k</a>\n\n'
        "[ref]: /modules/demo/second/#retries-in-depth\n\n"
        "`[not a link](/nowhere/)`\n\n"
        "```markdown\n[in code](/nowhere/)\n```\n"
    )
    files = module_files({**lessons_linking(body), "quizzes.yaml": QUIZ.format(count=1)})
    assert parse(write_module(tmp_path, files)).modules


def test_links_in_the_module_introduction_and_reference_definitions_are_checked(tmp_path):
    intro = (
        "---\ntitle: Demo\nsummary: S.\norder: 1\n---\n"
        "Start [here](second/).\n\n[x]: /modules/demo/nope/\n"
    )
    found = problems(write_module(tmp_path, module_files({"module.md": intro})))
    assert found == [
        "demo/module.md:8: link `/modules/demo/nope/`: unknown lesson `nope`; "
        "lessons of `demo`: first, second"
    ]


def test_links_between_modules_are_resolved_across_the_course(tmp_path):
    other = module_files(
        {
            "module.md": "---\ntitle: Other\nsummary: S.\norder: 2\n---\n"
            "See [x](/modules/demo/second/#batches) and [y](/modules/demo/second/#nope).\n",
            "scenarios/cold-then-warm.yaml": None,
            "questions/first.yaml": None,
        }
    )
    write_module(tmp_path, module_files(lessons_linking("Text.\n")))
    write_module(tmp_path, other, folder="other")
    found = problems(tmp_path)
    assert len(found) == 1
    assert found[0].startswith("other/module.md:6: link `/modules/demo/second/#nope`")
    # One module parsed alone cannot know the others: its links into them are not checked.
    assert parse_module(tmp_path / "other", check_scenarios=False).slug == "other"


@pytest.mark.parametrize(
    ("fence", "expected"),
    [
        ("```pyhton", "unknown code block language `pyhton` (did you mean `python`?)"),
        ("```javascirpt", "unknown code block language `javascirpt` (did you mean `javascript`?)"),
        ("```yml", None),
        ("```Python", None),
        ("```text", None),
    ],
)
def test_code_fence_languages_must_be_known(tmp_path, fence, expected):
    body = f"{fence}\nx = 1\n```\n"
    files = module_files({"lessons/01-first.md": lesson("first", 1, body)})
    if expected is None:
        assert parse(write_module(tmp_path, files)).modules
        return
    found = problems(write_module(tmp_path, files))
    assert len(found) == 1
    assert found[0].startswith(f"demo/lessons/01-first.md:9: {expected}; use a Pygments name")


@pytest.mark.parametrize(("fence", "count"), [("```", 3), ("`````", 5), ("~~~~", 4)])
def test_an_unclosed_fence_says_how_many_characters_close_it(tmp_path, fence, count):
    body = f"{fence}python\nnever closed\n"
    files = module_files({"lessons/01-first.md": lesson("first", 1, body)})
    found = problems(write_module(tmp_path, files))
    what = "backticks" if fence[0] == "`" else "tildes"
    assert found == [
        f"demo/lessons/01-first.md:9: code fence opened here is never closed; end it with a "
        f"line of {count} {what}: {fence}"
    ]


QUIZ = """\
quizzes:
  - slug: final
    title: Final
    kind: graded
    lessons: [first]
    question_count: {count}
"""


def test_a_quiz_short_of_questions_is_reported_on_the_question_file(tmp_path):
    files = module_files({"quizzes.yaml": QUIZ.format(count=4)})
    found = problems(write_module(tmp_path, files))
    assert found == [
        "demo/questions/first.yaml:3: quiz `final` (demo/quizzes.yaml:6) asks for 4 questions "
        "but its lessons have 1 (first: 1); write 3 more for these lessons, or lower its "
        "`question_count`"
    ]


CHALLENGE_PRESET = PRESET.replace(
    "scenario:\n",
    "knobs: [memory]\n"
    "challenge:\n"
    "  checks:\n"
    "    - {metric: {metric}, max: 0, hint: Keep one warm.}\n"
    "  solution: {memory: 256}\n"
    "scenario:\n",
)


def test_a_challenge_solution_that_does_not_meet_it_is_reported(tmp_path):
    preset = CHALLENGE_PRESET.replace("{metric}", "cold_starts")
    write_module(tmp_path, module_files({"scenarios/cold-then-warm.yaml": preset}))
    with pytest.raises(ContentError) as caught:
        parse_course(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "demo/scenarios/cold-then-warm.yaml:8: the solution does not meet the challenge: "
        "cold starts was 1, wanted at most 0"
    ]


def test_a_challenge_the_preset_already_meets_is_reported(tmp_path):
    preset = CHALLENGE_PRESET.replace("{metric}", "throttles")
    write_module(tmp_path, module_files({"scenarios/cold-then-warm.yaml": preset}))
    with pytest.raises(ContentError) as caught:
        parse_course(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "demo/scenarios/cold-then-warm.yaml:6: the preset as written already meets its "
        "challenge, so a learner has nothing to do; change the scenario or the checks"
    ]


def test_a_misspelt_challenge_metric_gets_the_nearest_name(tmp_path):
    preset = CHALLENGE_PRESET.replace("{metric}", "cold_start")
    write_module(tmp_path, module_files({"scenarios/cold-then-warm.yaml": preset}))
    with pytest.raises(ContentError) as caught:
        parse_course(tmp_path)
    (problem,) = caught.value.problems
    assert str(problem).startswith(
        "demo/scenarios/cold-then-warm.yaml:7: unknown metric `cold_start` in challenge "
        "checks[0] (did you mean `cold_starts`?)"
    )


def test_a_module_folder_given_as_the_content_folder_names_the_expected_one(tmp_path):
    write_module(tmp_path, module_files())
    with pytest.raises(ContentError) as caught:
        parse_course(tmp_path / "demo", check_scenarios=False)
    (problem,) = caught.value.problems
    assert str(problem) == (
        f"{tmp_path / 'demo'}: this is a module folder (it has module.md or lessons/), but the "
        "content folder is the one that holds module folders: expected "
        f"`{tmp_path}/` (the parent of `demo`)"
    )


def test_the_shipped_course_has_no_broken_link(tmp_path):
    course = parse_course(Path(__file__).resolve().parents[3] / "content")
    assert course.modules
    assert QUESTIONS
