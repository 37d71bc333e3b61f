"""Scoring rules (see quizzes/grading.py and docs/scoring.md): plain functions, no database."""

from __future__ import annotations

import subprocess
import sys
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.grading import answer_problem, grade, passes, score_question
from quizzes.snapshot import (
    QuestionSnapshot,
    Snapshot,
    Topic,
    build_snapshot,
    shuffle_choices,
)
from tests.unit.quizzes.builders import question


def snapshot(*questions: QuestionSnapshot, partial: bool = False, pass_mark: int = 70) -> Snapshot:
    return Snapshot(
        version=1,
        seed=0,
        module_slug="m",
        pass_mark=pass_mark,
        partial_credit=partial,
        questions=list(questions),
    )


# Single answer ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("chosen", "points"), [(["a"], 1.0), (["b"], 0.0), ([], 0.0)])
def test_single_answer_scores_one_or_zero(chosen, points):
    assert score_question(question(right="a"), chosen, partial_credit=False) == points
    assert score_question(question(right="a"), chosen, partial_credit=True) == points


# Multiple response -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chosen", "points"),
    [(["a", "b"], 1.0), (["b", "a"], 1.0), (["a"], 0.0), (["a", "c"], 0.0), (["a", "b", "c"], 0.0)],
)
def test_multiple_response_is_all_or_nothing_by_default(chosen, points):
    assert score_question(question(right="ab"), chosen, partial_credit=False) == points


@pytest.mark.parametrize(
    ("chosen", "points"),
    [
        (["a", "b", "c"], 1.0),
        (["a", "b"], 2 / 3),
        (["a"], 1 / 3),
        (["a", "b", "d"], 1 / 3),  # two right, one wrong: (2 - 1) / 3
        (["a", "d", "e"], 0.0),  # (1 - 2) / 3 is floored at 0
        (["d", "e"], 0.0),
        (["a", "b", "c", "d"], 0.0),  # more than `pick` selections scores nothing
        ([], 0.0),
    ],
)
def test_partial_credit_is_right_minus_wrong_over_pick_floored_at_zero(chosen, points):
    q = question(right="abc", keys="abcdef")
    assert score_question(q, chosen, partial_credit=True) == pytest.approx(points)


def test_unknown_choice_keys_count_as_wrong_selections():
    q = question(right="ab")
    assert score_question(q, ["a", "zz"], partial_credit=True) == 0.0
    assert score_question(question(right="a"), ["zz"], partial_credit=False) == 0.0


# Validation messages ---------------------------------------------------------------------------


def test_answer_problem_names_unknown_choices_and_wrong_number_of_picks():
    single, multiple = question(right="a"), question(right="ab")
    assert "not part of this question" in str(answer_problem(single, ["zz"], complete=True))
    assert answer_problem(single, [], complete=True) == "Choose an answer."
    assert answer_problem(single, ["a", "b"], complete=False) == "Select only one choice."
    assert answer_problem(multiple, ["a"], complete=True) == "Select 2 choices (you selected 1)."
    assert answer_problem(multiple, ["a", "b", "c"], complete=False) == "Select only 2 choices."
    assert answer_problem(multiple, ["a", "a"], complete=False) is not None
    assert answer_problem(multiple, ["a"], complete=False) is None
    assert answer_problem(multiple, ["a", "b"], complete=True) is None


# Whole attempts --------------------------------------------------------------------------------


def test_grade_sums_points_and_breaks_them_down_by_topic():
    snap = snapshot(
        question("q1", topic="t1"),
        question("q2", topic="t1"),
        question("q3", right="ab", topic="t2"),
    )
    result = grade(snap, {"q1": ["a"], "q2": ["b"], "q3": ["a", "b"]})
    assert (result.score, result.max_score, result.percent) == (2.0, 3.0, 67)
    assert not result.passed
    assert [(t.topic, t.title, t.score, t.max_score) for t in result.topics] == [
        ("t1", "T1", 1.0, 2.0),
        ("t2", "T2", 1.0, 1.0),
    ]
    assert [r.is_right for r in result.questions] == [True, False, True]


def test_unanswered_questions_score_zero():
    result = grade(snapshot(question("q1"), question("q2")), {"q1": ["a"]})
    assert result.score == 1.0
    assert not result.questions[1].answered


def test_reaching_the_pass_mark_exactly_passes():
    assert passes(7, 10, 70)
    assert not passes(6.99, 10, 70)
    assert passes(sum([0.1] * 10), 1, 100)  # 0.9999999999999999: float noise still passes
    assert not passes(0, 0, 0)


def test_pass_is_judged_against_the_pass_mark_recorded_in_the_snapshot():
    snap = snapshot(question("q1"), question("q2"), pass_mark=50)
    assert grade(snap, {"q1": ["a"]}).passed


# Properties ------------------------------------------------------------------------------------


@st.composite
def questions_and_answers(draw: st.DrawFn) -> tuple[Snapshot, dict[str, list[str]]]:
    count = draw(st.integers(min_value=1, max_value=8))
    questions = []
    answers = {}
    for index in range(count):
        size = draw(st.integers(min_value=2, max_value=6))
        keys = "abcdef"[:size]
        pick = draw(st.integers(min_value=1, max_value=size - 1))
        right = "".join(draw(st.permutations(keys))[:pick])
        q = question(f"q{index}", right=right, keys=keys, topic=f"t{index % 3}")
        for c in q["choices"]:
            c["locked"] = draw(st.booleans())
        questions.append(q)
        # Any selection at all, including unknown keys and too many picks.
        answers[q["key"]] = draw(st.lists(st.sampled_from(keys + "xy"), max_size=7, unique=True))
    partial = draw(st.booleans())
    return snapshot(*questions, partial=partial), answers


@given(questions_and_answers())
def test_score_never_exceeds_the_maximum_nor_drops_below_zero(case):
    snap, answers = case
    result = grade(snap, answers)
    assert 0 <= result.score <= result.max_score == len(snap["questions"])
    for topic in result.topics:
        assert 0 <= topic.score <= topic.max_score
    assert 0 <= result.percent <= 100


@given(questions_and_answers(), st.integers(min_value=0, max_value=2**32 - 1))
def test_shuffling_choices_never_changes_the_score(case, seed):
    snap, answers = case
    rng = Random(seed)
    asked = []
    for q in snap["questions"]:
        shown = q.copy()
        shown["choices"] = shuffle_choices(q["choices"], rng)
        asked.append(shown)
    shuffled = snapshot(*asked, partial=snap["partial_credit"])
    assert grade(shuffled, answers) == grade(snap, answers)


@given(questions_and_answers(), st.integers(min_value=0, max_value=2**32 - 1))
def test_a_snapshot_built_with_any_seed_grades_like_the_bank(case, seed):
    snap, answers = case
    pool = snap["questions"]
    built = build_snapshot(
        pool,
        topics=[Topic("t0"), Topic("t1"), Topic("t2")],
        count=None,
        seed=seed,
        module_slug="m",
        pass_mark=70,
        partial_credit=snap["partial_credit"],
    )
    assert grade(built, answers).score == pytest.approx(grade(snap, answers).score)


def test_grading_and_snapshots_import_no_django():
    code = (
        "import sys, quizzes.grading, quizzes.snapshot; "
        "print([m for m in sys.modules if m.startswith('django')])"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
