"""Drawing and shuffling what an attempt asks: plain functions, no database."""

from __future__ import annotations

from collections import Counter
from random import Random
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from quizzes.snapshot import (
    Topic,
    allocate,
    build_snapshot,
    draw_questions,
    shuffle_choices,
)
from tests.unit.quizzes.builders import choice, pool


def test_allocate_shares_questions_by_weight():
    assert allocate(10, {"a": 1, "b": 1}, {"a": 20, "b": 20}) == {"a": 5, "b": 5}
    assert allocate(10, {"a": 3, "b": 1}, {"a": 20, "b": 20}) == {"a": 8, "b": 2}
    assert allocate(3, {"a": 1, "b": 1, "c": 1, "d": 1}, dict.fromkeys("abcd", 5)) == {
        "a": 1,
        "b": 1,
        "c": 1,
        "d": 0,
    }


def test_allocate_gives_what_a_small_topic_has_and_shares_the_rest():
    assert allocate(10, {"a": 1, "b": 1}, {"a": 2, "b": 20}) == {"a": 2, "b": 8}
    assert allocate(10, {"a": 1, "b": 0}, {"a": 4, "b": 20}) == {"a": 4, "b": 0}


@given(
    st.integers(min_value=0, max_value=60),
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=5), st.integers(min_value=0, max_value=15)),
        min_size=1,
        max_size=6,
    ),
)
def test_allocate_never_exceeds_a_topic_nor_the_count(count, topics):
    weights = {f"t{i}": weight for i, (weight, _) in enumerate(topics)}
    available = {f"t{i}": size for i, (_, size) in enumerate(topics)}
    shares = allocate(count, weights, available)
    usable = sum(available[t] for t in weights if weights[t] > 0)
    assert sum(shares.values()) == min(count, usable)
    assert all(0 <= shares[t] <= available[t] for t in weights)
    assert all(shares[t] == 0 for t in weights if weights[t] == 0)


def test_draw_all_asks_every_question_of_the_topics_once():
    drawn = draw_questions(
        pool({"a": 3, "b": 2, "c": 4}), topics=[Topic("a"), Topic("b")], count=None, rng=Random(1)
    )
    assert sorted(q["key"] for q in drawn) == ["a-0", "a-1", "a-2", "b-0", "b-1"]


def test_draw_count_follows_the_weights():
    drawn = draw_questions(
        pool({"a": 10, "b": 10}), topics=[Topic("a", 3), Topic("b", 1)], count=8, rng=Random(2)
    )
    assert Counter(q["topic"] for q in drawn) == {"a": 6, "b": 2}
    assert len({q["key"] for q in drawn}) == 8


def test_locked_choices_stay_put_and_others_move():
    choices = [choice("a"), choice("b"), choice("c"), choice("d", locked=True)]
    orders = {tuple(c["key"] for c in shuffle_choices(choices, Random(seed))) for seed in range(50)}
    assert all(order[3] == "d" for order in orders)
    assert len(orders) > 1
    assert all(sorted(order) == ["a", "b", "c", "d"] for order in orders)


def test_the_same_seed_builds_the_same_snapshot_and_leaves_the_pool_alone():
    bank = pool({"a": 6, "b": 6})
    before = [dict(q, choices=list(q["choices"])) for q in bank]
    kwargs: dict[str, Any] = {
        "topics": [Topic("a"), Topic("b")],
        "count": 5,
        "module_slug": "m",
        "pass_mark": 70,
        "partial_credit": False,
    }
    first = build_snapshot(bank, seed=42, **kwargs)
    assert build_snapshot(bank, seed=42, **kwargs) == first
    assert first["seed"] == 42
    assert len(first["questions"]) == 5
    assert bank == before
    orders = {
        tuple(
            c["key"]
            for q in build_snapshot(bank, seed=s, **kwargs)["questions"]
            for c in q["choices"]
        )
        for s in range(5)
    }
    assert len(orders) > 1


def test_equal_topics_share_the_extra_questions_at_random_per_seed():
    weights = {f"t{i}": 1 for i in range(13)}
    available = dict.fromkeys(weights, 8)
    shares = [allocate(20, weights, available, Random(seed)) for seed in range(10)]
    assert all(sum(s.values()) == 20 and set(s.values()) == {1, 2} for s in shares)
    assert len({tuple(sorted(t for t, n in s.items() if n == 2)) for s in shares}) > 1
