"""The shipped bank rewards knowledge, not test-wiseness (issue 13).

"Pick the longest choice" is the classic strategy of a candidate who does not read the stem
(Haladyna, Downing & Rodriguez 2002). Over the whole bank it must do no better than a blind
guess plus 10 points, and on the real module quiz, drawn and graded by the code learners meet
(quizzes/snapshot.py, quizzes/grading.py), it must almost never pass.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from course.content import parse_course
from course.content.item_writing import check_course, plain_text
from quizzes.grading import grade
from quizzes.snapshot import QuestionSnapshot, Topic, build_snapshot

CONTENT = Path(__file__).resolve().parents[2] / "content"
MODULE = "lambda-best-practices"
DRAWS = 1000


@pytest.fixture(scope="module")
def module():
    (source,) = [m for m in parse_course(CONTENT).modules if m.slug == MODULE]
    return source


@pytest.fixture(scope="module")
def pool(module) -> list[QuestionSnapshot]:
    """Every fixed-choice question as a quiz pool (other kinds draw their own choices)."""
    titles = {lesson.slug: lesson.title for lesson in module.lessons}
    return [
        QuestionSnapshot(
            key=question.id,
            kind=question.kind,
            pick=question.pick,
            topic=question.lesson,
            topic_title=titles[question.lesson],
            stem_html=question.stem_html,
            explanation_html=question.explanation_html,
            scenario_slug=question.scenario or "",
            choices=[
                {
                    "key": choice.key,
                    "text_html": choice.text_html,
                    "correct": choice.correct,
                    "explanation_html": choice.explanation_html,
                    "misconception": choice.misconception,
                    "locked": choice.locked,
                }
                for choice in question.choices
            ],
        )
        for question in module.questions
        if question.kind in ("single", "multiple")
    ]


def longest(question: QuestionSnapshot) -> list[str]:
    """Return the keys a test-wise candidate picks: the `pick` longest choices as shown."""
    shown = sorted(question["choices"], key=lambda c: -len(plain_text(c["text_html"])))
    return [choice["key"] for choice in shown[: question["pick"]]]


def test_the_longest_choice_scores_no_better_than_chance_plus_ten_points(pool):
    right = sum(set(longest(q)) == {c["key"] for c in q["choices"] if c["correct"]} for q in pool)
    chance = sum(1 / _combinations(q) for q in pool)
    assert len(pool) >= 90
    assert 100 * right / len(pool) <= 100 * chance / len(pool) + 10, (right, chance, len(pool))


def test_the_longest_choice_passes_under_five_percent_of_module_quizzes(module, pool):
    (quiz,) = [quiz for quiz in module.quizzes if quiz.slug == "module-quiz"]
    lessons = [topic.lesson for topic in quiz.lessons] or [lesson.slug for lesson in module.lessons]
    weights = {topic.lesson: topic.weight for topic in quiz.lessons}
    topics = [Topic(lesson, weights.get(lesson, 1)) for lesson in lessons]
    passed = 0
    for seed in range(DRAWS):
        snapshot = build_snapshot(
            pool,
            topics=topics,
            count=quiz.question_count,
            seed=seed,
            module_slug=module.slug,
            pass_mark=quiz.pass_mark,
            partial_credit=quiz.partial_credit,
        )
        answers = {q["key"]: longest(q) for q in snapshot["questions"]}
        passed += grade(snapshot, answers).passed
    assert passed < DRAWS * 5 / 100, f"passed {passed} of {DRAWS} draws"


def test_the_bank_has_no_item_writing_error_and_no_stem_that_leans_on_another():
    report = check_course(CONTENT)[MODULE]
    assert not report.errors, [str(problem) for problem in report.errors]
    leaning = [
        p for p in report.warnings if "drawn alone" in p.message or "of the above" in p.message
    ]
    assert not leaning, [str(problem) for problem in leaning]


def test_loadcourse_check_reports_no_bank_level_item_writing_error():
    out = StringIO()
    call_command("loadcourse", str(CONTENT), "--check", stdout=out)
    assert "Content is valid" in out.getvalue()
    assert f"Item writing, {MODULE}:" in out.getvalue()


def test_kiro_stays_in_practice_but_out_of_the_aws_style_mock_exam(module):
    (exam,) = [quiz for quiz in module.quizzes if quiz.slug == "aws-style-mock-exam"]
    assert "developing-with-kiro" not in {topic.lesson for topic in exam.lessons}
    assert any(question.lesson == "developing-with-kiro" for question in module.questions)


def _combinations(question: QuestionSnapshot) -> int:
    from math import comb

    return comb(len(question["choices"]), question["pick"])
