"""Percent complete is the nearest whole percent, halves up; 100 % only when all is done."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from course.progress import ProgressView


def progress(done: int) -> ProgressView:
    return ProgressView(completed=frozenset(range(done)), seen=frozenset(), last_lesson_id=None)


def nearest_percent(done: int, total: int) -> int:
    """The whole percent closest to done/total, ties up, computed exactly (no float)."""
    exact = Fraction(100 * done, total)
    below = math.floor(exact)
    nearest = below + (exact - below >= Fraction(1, 2))
    return min(nearest, 99) if done < total else 100


CASES = [(1, 3), (2, 3), (1, 6), (5, 6), (1, 7), (6, 7), (397, 400), (1, 8), (3, 8)] + [
    (done, 13)
    for done in range(14)  # the course has 13 lessons
]


@pytest.mark.parametrize(("done", "total"), CASES)
def test_percent_complete_is_the_nearest_whole_percent(done, total):
    assert progress(done).percent_of(list(range(total))) == nearest_percent(done, total)


def test_the_cases_tell_rounding_from_truncating_and_from_rounding_up():
    assert nearest_percent(2, 3) == 67 != math.floor(100 * 2 / 3)
    assert nearest_percent(1, 3) == 33 != math.ceil(100 * 1 / 3)
    assert {(2, 3), (1, 3)} <= set(CASES)


def test_no_lessons_is_zero_percent():
    assert progress(0).percent_of([]) == 0


def test_only_the_given_lessons_count():
    view = ProgressView(completed=frozenset({1, 2, 99}), seen=frozenset(), last_lesson_id=None)
    assert view.percent_of([1, 2, 3]) == nearest_percent(2, 3)


def test_a_half_rounds_up_and_only_all_lessons_make_100_percent():
    assert progress(1).percent_of(list(range(8))) == 13  # 12.5 %
    assert progress(199).percent_of(list(range(200))) == 99  # 99.5 %, but one is left
    assert progress(200).percent_of(list(range(200))) == 100
