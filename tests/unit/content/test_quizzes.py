"""quizzes.yaml defines practice quizzes, graded quizzes and timed exams within valid ranges."""

from __future__ import annotations

import pytest

from course.content import QuizTopic

from .helpers import module_files, parse, problems, write_module

EXAM = """\
quizzes:
  - slug: final
    title: Final exam
    kind: exam
    lessons:
      - lesson: first
        weight: 3
    question_count: 1
    pass_mark: 80
    partial_credit: true
    time_limit_minutes: 30
    attempts_allowed: 2
    retake_delay_minutes: 60
"""


def test_exam_is_parsed_with_defaults_filled_in(tmp_path):
    (module,) = parse(write_module(tmp_path, module_files({"quizzes.yaml": EXAM}))).modules
    (quiz,) = module.quizzes
    assert quiz.lessons == (QuizTopic("first", 3),)
    assert (quiz.kind, quiz.question_count, quiz.pass_mark, quiz.partial_credit) == (
        "exam",
        1,
        80,
        True,
    )
    assert (quiz.time_limit_minutes, quiz.attempts_allowed, quiz.retake_delay_minutes) == (
        30,
        2,
        60,
    )
    assert quiz.review == "after_close"
    assert (quiz.source_path, quiz.line) == ("demo/quizzes.yaml", 2)


def test_practice_quiz_defaults_to_all_lessons_and_all_questions(tmp_path):
    text = "quizzes:\n  - slug: warm-up\n    title: Warm-up\n    kind: practice\n"
    (module,) = parse(write_module(tmp_path, module_files({"quizzes.yaml": text}))).modules
    (quiz,) = module.quizzes
    assert [topic.lesson for topic in quiz.lessons] == ["first", "second"]
    assert (quiz.question_count, quiz.review, quiz.attempts_allowed) == (None, "immediate", None)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("pass_mark: 80", "pass_mark: 120", ":9: `pass_mark` must be at least 0 and at most 100"),
        (
            "    time_limit_minutes: 30\n",
            "",
            ":4: quiz `final` is an exam, so it needs `time_limit_minutes`",
        ),
        (
            "time_limit_minutes: 30",
            "time_limit_minutes: 0",
            ":11: `time_limit_minutes` must be at least 1",
        ),
        (
            "attempts_allowed: 2",
            "attempts_allowed: 0",
            ":12: `attempts_allowed` must be at least 1",
        ),
        (
            "retake_delay_minutes: 60",
            "retake_delay_minutes: -1",
            ":13: `retake_delay_minutes` must be at least 0",
        ),
        ("weight: 3", "weight: 0", ":7: `weight` must be at least 1"),
        ("lesson: first", "lesson: third", ":6: unknown lesson `third`"),
        ("kind: exam", "kind: test", ":4: `kind` must be one of exam, graded, practice"),
        ("slug: final", "slug: practice", ":2: the quiz slug `practice` is reserved"),
        (
            "pass_mark: 80",
            "pass_mark: 80\n    review: later",
            ":10: `review` must be one of after_close, immediate",
        ),
        (
            "pass_mark: 80",
            "pass_mark: 80\n    shuffle: true",
            ":10: unknown key `shuffle` in quiz `final`",
        ),
        (
            "pass_mark: 80",
            "pass_mark: 80\n    opens_at: next tuesday",
            ":10: `opens_at` must be a date and time with a time zone",
        ),
        (
            "pass_mark: 80",
            "pass_mark: 80\n    closes_at: 2026-12-01T09:00:00",
            ":10: `closes_at` must be a date and time with a time zone",
        ),
        (
            "pass_mark: 80",
            "pass_mark: 80\n    opens_at: 2026-12-02T09:00:00Z\n"
            "    closes_at: 2026-12-01T09:00:00Z",
            ":11: quiz `final` closes before it opens",
        ),
    ],
)
def test_quiz_ranges_and_rules_are_checked(tmp_path, old, new, expected):
    files = module_files({"quizzes.yaml": EXAM.replace(old, new)})
    found = problems(write_module(tmp_path, files))
    assert any(f.startswith(f"demo/quizzes.yaml{expected}") for f in found), found


def test_practice_quizzes_cannot_be_timed(tmp_path):
    text = EXAM.replace("kind: exam", "kind: practice")
    found = problems(write_module(tmp_path, module_files({"quizzes.yaml": text})))
    assert found == ["demo/quizzes.yaml:11: practice quizzes are not timed: remove the time limit"]


def test_duplicate_quiz_slugs_are_reported(tmp_path):
    text = EXAM + EXAM.removeprefix("quizzes:\n")
    found = problems(write_module(tmp_path, module_files({"quizzes.yaml": text})))
    assert found == ["demo/quizzes.yaml:14: duplicate quiz slug `final` (first used on line 2)"]


def test_an_exam_window_is_read_with_its_time_zone(tmp_path):
    text = EXAM + "    opens_at: 2026-12-01T09:00:00+01:00\n    closes_at: '2026-12-08T17:00:00Z'\n"
    (module,) = parse(write_module(tmp_path, module_files({"quizzes.yaml": text}))).modules
    (quiz,) = module.quizzes
    assert quiz.opens_at is not None
    assert quiz.closes_at is not None
    assert quiz.opens_at.isoformat() == "2026-12-01T09:00:00+01:00"
    assert quiz.closes_at.isoformat() == "2026-12-08T17:00:00+00:00"
