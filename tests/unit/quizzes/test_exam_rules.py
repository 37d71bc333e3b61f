"""The exam's pure rules: deadlines and the clock, scaled scores, receipts, unseen-first draws."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from random import Random
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from quizzes.grading import passes, scaled_pass_mark, scaled_score
from quizzes.receipt import receipt_hash, receipt_lines
from quizzes.snapshot import Topic, draw_questions
from quizzes.timing import (
    GRACE_SECONDS,
    attempt_deadline,
    duration_words,
    format_clock,
    is_overdue,
    seconds_left,
    spoken_time,
    time_allowed,
    timer_state,
)
from tests.unit.quizzes.builders import pool

START = datetime(2030, 1, 15, 10, 0, tzinfo=UTC)


def test_the_deadline_is_the_start_plus_the_time_limit_times_the_multiplier():
    assert attempt_deadline(started_at=START, time_limit_minutes=None) is None
    assert attempt_deadline(started_at=START, time_limit_minutes=130) == START + timedelta(
        minutes=130
    )
    deadline = attempt_deadline(
        started_at=START, time_limit_minutes=130, time_multiplier=Decimal("1.5")
    )
    assert deadline == START + timedelta(minutes=195)


def test_the_time_allowed_is_whole_seconds_and_the_deadline_adds_exactly_that():
    assert time_allowed(None, Decimal("2")) is None
    assert time_allowed(25, Decimal("1.25")) == 31 * 60 + 15
    assert time_allowed(1, Decimal("1.01")) == 60  # 60.6 s: a started second is not given
    for minutes, multiplier in [(25, "1.25"), (45, "1.5"), (7, "3.33")]:
        seconds = time_allowed(minutes, Decimal(multiplier))
        assert seconds is not None
        deadline = attempt_deadline(
            started_at=START, time_limit_minutes=minutes, time_multiplier=Decimal(multiplier)
        )
        assert deadline == START + timedelta(seconds=seconds)


def test_a_time_allowed_in_words():
    assert duration_words(15 * 60) == "15 minutes"
    assert duration_words(31 * 60 + 15) == "31 minutes 15 seconds"
    assert duration_words(61) == "1 minute 1 second"
    assert duration_words(45) == "45 seconds"
    assert duration_words(0) == "0 minutes"


def test_a_window_close_cuts_short_only_a_learner_without_extra_time():
    closes = START + timedelta(minutes=30)
    plain = attempt_deadline(started_at=START, time_limit_minutes=60, closes_at=closes)
    assert plain == closes
    extended = attempt_deadline(
        started_at=START, time_limit_minutes=60, closes_at=closes, window_extension_minutes=15
    )
    assert extended == closes + timedelta(minutes=15)
    extra = attempt_deadline(
        started_at=START, time_limit_minutes=60, time_multiplier=Decimal("1.25"), closes_at=closes
    )
    assert extra == START + timedelta(minutes=75)


def test_overdue_means_past_the_deadline_and_the_grace():
    assert not is_overdue(None, START)
    assert not is_overdue(START, START + timedelta(seconds=GRACE_SECONDS))
    assert is_overdue(START, START + timedelta(seconds=GRACE_SECONDS, microseconds=1))


def test_the_clock_in_figures_and_in_words():
    assert seconds_left(START, START - timedelta(seconds=0.2)) == 1
    assert seconds_left(START, START + timedelta(seconds=3)) == 0
    assert format_clock(7800) == "2:10:00"
    assert format_clock(545) == "9:05"
    assert spoken_time(7800) == "2 hours 10 minutes left."
    assert spoken_time(3601) == "1 hour 1 minute left."
    assert spoken_time(61) == "2 minutes left."
    assert spoken_time(1) == "1 second left."
    assert spoken_time(0) == "Time is up."


def test_the_timer_warns_at_a_fifth_and_a_twentieth_left():
    deadline = START + timedelta(minutes=100)
    levels = {
        minutes: timer_state(
            started_at=START, deadline=deadline, now=deadline - timedelta(minutes=minutes)
        ).level
        for minutes in (21, 20, 6, 5, 0)
    }
    assert levels == {21: "normal", 20: "warning", 6: "warning", 5: "danger", 0: "danger"}


def test_the_scaled_score_maps_the_percentage_onto_100_to_1000():
    assert scaled_score(0, 65) == 100
    assert scaled_score(65, 65) == 1000
    assert scaled_pass_mark(72) == 748
    assert scaled_pass_mark(70) == 730
    assert scaled_score(47, 65) == 750


@given(st.integers(min_value=1, max_value=200), st.data(), st.integers(0, 100))
def test_a_scaled_score_passes_exactly_when_the_percentage_does(total, data, pass_mark):
    score = data.draw(st.integers(0, total))
    assert (scaled_score(score, total) >= scaled_pass_mark(pass_mark)) == passes(
        score, total, pass_mark
    )


def _receipt(**overrides: Any) -> str:
    fields: dict[str, Any] = {
        "attempt_id": 7,
        "username": "ada",
        "quiz": "m/exam",
        "started_at": START,
        "finished_at": START + timedelta(minutes=3),
        "status": "submitted",
        "question_keys": ["q1", "q2"],
        "answers": {"q1": ["b", "a"]},
        "answer_times": {"q1": "2030-01-15T10:01:00+00:00"},
        "flags": ["q2"],
    }
    return receipt_hash(**(fields | overrides))


def test_the_receipt_hash_is_stable_and_changes_with_any_answer_or_time():
    assert _receipt() == _receipt(answers={"q1": ["a", "b"]})
    assert len(_receipt()) == 64
    assert _receipt() != _receipt(answers={"q1": ["a"]})
    assert _receipt() != _receipt(finished_at=START + timedelta(minutes=4))
    assert _receipt() != _receipt(flags=[])


def test_receipt_lines_letter_choices_in_the_order_shown():
    questions = pool({"a": 2})
    questions[0]["choices"] = list(reversed(questions[0]["choices"]))
    keys = [c["key"] for c in questions[0]["choices"]]
    lines = receipt_lines(questions, {questions[0]["key"]: [keys[1]]}, {}, [questions[1]["key"]])
    assert lines[0].letters == ("B",)
    assert lines[1].letters == ()
    assert lines[1].flagged


def test_the_draw_takes_unseen_questions_first_within_each_topic():
    bank = pool({"a": 6, "b": 6})
    seen = {"a-0", "a-1", "a-2", "b-0", "b-1", "b-2", "b-3", "b-4"}
    for seed in range(20):
        drawn = draw_questions(
            bank, topics=[Topic("a"), Topic("b")], count=6, rng=Random(seed), seen=seen
        )
        assert Counter(q["topic"] for q in drawn) == {"a": 3, "b": 3}
        keys = {q["key"] for q in drawn}
        assert {"a-3", "a-4", "a-5", "b-5"} <= keys


def test_with_nothing_seen_the_draw_is_unchanged():
    bank = pool({"a": 6, "b": 6})
    topics = [Topic("a"), Topic("b")]
    assert draw_questions(bank, topics=topics, count=5, rng=Random(3)) == draw_questions(
        bank, topics=topics, count=5, rng=Random(3), seen={"zzz"}
    )
