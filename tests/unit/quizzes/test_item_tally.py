"""The one-pass tally the reports fold stored records into gives what the sittings give."""

from __future__ import annotations

import random

import pytest

from quizzes.item_analysis import (
    Response,
    Tally,
    analyse,
    cronbach_alpha,
    misconception_counts,
    sitting_from_records,
)


def stored_attempts(learners: int, *, seed: int = 3) -> list[list[list[object]]]:
    """Attempts as `record_responses` stores them: shuffled choices, some sampled questions."""
    rng = random.Random(seed)
    attempts = []
    for _ in range(learners):
        keys = rng.sample([f"q{i}" for i in range(8)], rng.choice([6, 6, 6, 5, 1]))
        records: list[list[object]] = []
        for key in keys:
            offered = rng.sample(["a", "b", "c", "d"], 4)
            chosen = [rng.choice(offered)]
            misconceptions = {chosen[0]: f"thinks {chosen[0]}"} if chosen != ["a"] else {}
            records.append([key, float(chosen == ["a"]), offered, ["a"], chosen, misconceptions])
        attempts.append(records)
    return attempts


def test_folding_stored_records_one_at_a_time_matches_the_sittings():
    attempts = stored_attempts(60)
    sittings = [sitting_from_records(records) for records in attempts]
    tally = Tally()
    for records in attempts:
        tally.add(records)
    assert len(tally) == 60
    assert tally.items() == analyse(sittings)
    assert tally.alpha() == pytest.approx(cronbach_alpha(sittings))
    assert tally.misconceptions() == misconception_counts(sittings)


def test_records_stored_as_dicts_fold_like_lists():
    as_lists = [
        ["q1", 1.0, ["a", "b"], ["a"], ["a"], {}],
        ["q2", 0.0, ["b", "a"], ["a"], ["b"], {}],
    ]
    as_dicts = [
        {"q": "q1", "p": 1, "o": ["a", "b"], "r": ["a"], "c": ["a"]},
        {"q": "q2", "p": 0, "o": ["b", "a"], "r": ["a"], "c": ["b"], "m": {}},
    ]
    by_lists, by_dicts = Tally(), Tally()
    for _ in range(3):
        by_lists.add(as_lists)
        by_dicts.add(as_dicts)
    assert by_lists.items() == by_dicts.items()
    assert by_lists.totals == by_dicts.totals == [1.0, 1.0, 1.0]


def test_an_empty_tally_has_no_statistics():
    tally = Tally()
    tally.add([])
    assert tally.items() == []
    assert tally.alpha() is None
    assert tally.misconceptions() == []
    assert Response("q", 1.0, ("a",), ("a",), ("a",)).misconceptions == {}
