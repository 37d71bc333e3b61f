"""Item analysis on small data sets computed by hand (the working is in each docstring)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from quizzes.item_analysis import (
    PLOT_HEIGHT,
    TOP,
    Flag,
    Response,
    Sitting,
    analyse,
    chart_x,
    corrected_point_biserial,
    cronbach_alpha,
    group_size,
    histogram,
    misconception_counts,
    quartiles,
    record_responses,
    sitting_from_records,
)
from quizzes.snapshot import Snapshot


def sitting(points: dict[str, float]) -> Sitting:
    """A sitting of right/wrong single-answer questions: key `a` right, `b` wrong."""
    return Sitting(
        tuple(
            Response(
                question=key,
                points=value,
                offered=("a", "b"),
                correct=("a",),
                chosen=("a",) if value else ("b",),
            )
            for key, value in points.items()
        )
    )


# Four learners, three questions, everyone asked all three:
#   L1: 1 1 1 (total 3)   L2: 1 1 0 (2)   L3: 1 0 1 (2)   L4: 0 0 0 (0)
FOUR = [
    sitting({"i1": 1, "i2": 1, "i3": 1}),
    sitting({"i1": 1, "i2": 1, "i3": 0}),
    sitting({"i1": 1, "i2": 0, "i3": 1}),
    sitting({"i1": 0, "i2": 0, "i3": 0}),
]


def test_facility_is_the_share_of_the_points():
    stats = {item.question: item for item in analyse(FOUR)}
    assert stats["i1"].facility == pytest.approx(3 / 4)
    assert stats["i2"].facility == pytest.approx(1 / 2)
    assert stats["i3"].facility == pytest.approx(1 / 2)
    assert all(item.responses == 4 for item in stats.values())


def test_discrimination_is_the_correlation_with_the_rest_of_the_attempt():
    """i1: x = (1,1,1,0), rest = (2,1,1,0): Sxy = 1, Sxx = 3/4, Syy = 2, r = 1/√1.5 = √(2/3).

    i2: x = (1,1,0,0), rest = (2,1,2,0): Sxy = 1/2, Sxx = 1, Syy = 11/4, r = 0.5/√2.75.
    """
    stats = {item.question: item for item in analyse(FOUR)}
    assert stats["i1"].discrimination == pytest.approx(math.sqrt(2 / 3))
    assert stats["i2"].discrimination == pytest.approx(0.5 / math.sqrt(2.75))
    assert stats["i3"].discrimination == pytest.approx(0.5 / math.sqrt(2.75))


def test_the_item_is_taken_out_of_the_total_it_is_correlated_with():
    """Uncorrected, i1 against totals (3,2,2,0) would give 0.92; against the rest, 0.82."""
    items, totals = [1, 1, 1, 0], [3, 2, 2, 0]
    rests = [total - item for item, total in zip(items, totals, strict=True)]
    assert corrected_point_biserial(items, rests) == pytest.approx(math.sqrt(2 / 3))
    assert corrected_point_biserial(items, totals) == pytest.approx(0.9271726499)


def test_discrimination_is_undefined_when_everyone_scores_the_same_on_it():
    same = [sitting({"i1": 1, "i2": v}) for v in (1, 0, 1)]
    stats = {item.question: item for item in analyse(same)}
    assert stats["i1"].discrimination is None
    assert stats["i1"].facility == 1


def test_cronbach_alpha_on_a_fixed_form():
    """Item variances p(1−p): 3/16 + 1/4 + 1/4 = 11/16; totals (3,2,2,0): variance 19/16;
    α = 3/2 · (1 − 11/19) = 12/19."""
    assert cronbach_alpha(FOUR) == pytest.approx(12 / 19)


def test_cronbach_alpha_on_sampled_forms_averages_the_item_variances_asked():
    """Forms {x,y} {x,z} {y,z} {x,y}, totals (2,1,0,1), variance 1/2.

    Variances over the attempts asked: x (1,0,1) 2/9, y (1,0,0) 2/9, z (1,0) 1/4; per form
    4/9, 17/36, 17/36, 4/9, mean 11/24; α = 2/1 · (1 − (11/24)/(1/2)) = 1/6.
    """
    sittings = [
        sitting({"x": 1, "y": 1}),
        sitting({"x": 0, "z": 1}),
        sitting({"y": 0, "z": 0}),
        sitting({"x": 1, "y": 0}),
    ]
    assert cronbach_alpha(sittings) == pytest.approx(1 / 6)


def test_cronbach_alpha_is_undefined_without_spread_or_attempts():
    assert cronbach_alpha([]) is None
    assert cronbach_alpha(FOUR[:1]) is None
    assert cronbach_alpha([sitting({"a": 1, "b": 1})] * 3) is None
    assert cronbach_alpha([sitting({"a": 1})] * 3) is None


def test_negative_discrimination_is_flagged():
    """c: x = (0,0,1,1) against rest (2,2,0,0): r = −1."""
    sittings = [
        sitting({"a": 1, "b": 1, "c": 0}),
        sitting({"a": 1, "b": 1, "c": 0}),
        sitting({"a": 0, "b": 0, "c": 1}),
        sitting({"a": 0, "b": 0, "c": 1}),
    ]
    stats = {item.question: item for item in analyse(sittings, min_responses=1)}
    assert stats["c"].discrimination == pytest.approx(-1)
    assert Flag.NEGATIVE_DISCRIMINATION in stats["c"].flags
    assert Flag.NEGATIVE_DISCRIMINATION not in stats["a"].flags
    assert analyse(sittings)[2].flags == ()  # fewer than MIN_RESPONSES answers: no flags


def test_the_strong_and_weak_groups_are_the_top_and_bottom_27_percent():
    assert [group_size(n) for n in (0, 1, 4, 10, 100, 1000)] == [0, 1, 1, 3, 27, 270]


def _choice_sittings() -> list[Sitting]:
    """Ten learners; question q offers a (key), b, c, d, in shuffled orders.

    The three strongest (by total) pick b; of the others, ranks 3, 5, 7, 9 pick a and ranks
    4, 6, 8 pick c; nobody picks d. The weakest three are ranks 7 (a), 8 (c) and 9 (a).
    """
    sittings = []
    for rank in range(10):
        others = 9 - rank  # points on nine other questions: rank 0 is the strongest
        picked = "b" if rank < 3 else ("a" if rank % 2 else "c")
        offered = ("a", "b", "c", "d") if rank % 2 else ("d", "c", "b", "a")
        responses = [
            Response(
                question="q",
                points=1.0 if picked == "a" else 0.0,
                offered=offered,
                correct=("a",),
                chosen=(picked,),
                misconceptions={} if picked == "a" else {picked: f"belief {picked}"},
            )
        ]
        responses += [
            Response(f"o{i}", 1.0 if i < others else 0.0, ("a", "b"), ("a",), ("a",))
            for i in range(9)
        ]
        sittings.append(Sitting(tuple(responses)))
    return sittings


def test_choices_are_counted_by_key_whatever_order_they_were_shown_in():
    q = next(item for item in analyse(_choice_sittings()) if item.question == "q")
    counts = {choice.choice: choice for choice in q.choices}
    assert {k: c.picks for k, c in counts.items()} == {"a": 4, "b": 3, "c": 3, "d": 0}
    assert counts["a"].correct
    assert not counts["b"].correct
    assert counts["c"].share == pytest.approx(0.3)
    assert q.strong_size == 3
    assert counts["b"].strong_picks == 3
    assert counts["a"].strong_picks == 0
    assert counts["c"].weak_picks == 1
    assert counts["a"].weak_picks == 2


def test_a_distractor_nobody_picks_and_a_key_the_strong_avoid_are_flagged():
    q = next(item for item in analyse(_choice_sittings()) if item.question == "q")
    assert Flag.UNUSED_DISTRACTOR in q.flags
    assert Flag.KEY_AVOIDED in q.flags
    assert len(q.flag_texts) == len(q.flags)


def test_misconceptions_are_counted_across_questions_most_picked_first():
    extra = Sitting(
        (Response("p", 0.0, ("a", "b"), ("a",), ("b",), {"b": "belief c"}),)
        + _choice_sittings()[0].responses[1:]
    )
    counts = misconception_counts([*_choice_sittings(), extra])
    assert [(c.misconception, c.picks, c.questions) for c in counts] == [
        ("belief c", 4, ("q", "p")),
        ("belief b", 3, ("q",)),
    ]


def test_an_attempt_of_one_question_has_no_rest_score_and_is_left_out():
    assert analyse([sitting({"a": 1}), sitting({"a": 0})]) == []


def test_quartiles_interpolate_between_order_statistics():
    assert quartiles([1, 2, 3, 4, 5]) == (2, 3, 4)
    assert quartiles([1, 2, 3, 4]) == pytest.approx((1.75, 2.5, 3.25))
    assert quartiles([7]) == (7, 7, 7)
    assert quartiles([]) is None


def test_histogram_bins_scores_in_tens_with_100_in_the_last_bin():
    bins = histogram([0, 5, 10, 55, 99.9, 100])
    assert [b.count for b in bins] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
    assert bins[0].label == "0–10%"
    assert bins[9].label == "90–100%"
    assert bins[0].height == PLOT_HEIGHT
    assert bins[0].y == TOP
    assert bins[1].height == PLOT_HEIGHT / 2
    assert bins[2].height == 0
    assert [b.count for b in histogram([])] == [0] * 10
    assert chart_x(0) < chart_x(70) < chart_x(100)


def _snapshot() -> Snapshot:
    snapshot: Any = {
        "version": 1,
        "seed": 1,
        "module_slug": "m",
        "pass_mark": 70,
        "partial_credit": False,
        "questions": [
            {
                "key": "plain",
                "kind": "single",
                "pick": 1,
                "topic": "t",
                "topic_title": "T",
                "stem_html": "",
                "explanation_html": "",
                "scenario_slug": "",
                "choices": [
                    {
                        "key": k,
                        "text_html": "",
                        "correct": k == "a",
                        "explanation_html": "",
                        "misconception": "" if k == "a" else f"thinks {k}",
                        "locked": False,
                    }
                    for k in ("c", "a", "b")  # shuffled as shown
                ],
            },
            {
                "key": "variant",
                "kind": "single",
                "pick": 1,
                "topic": "t",
                "topic_title": "T",
                "stem_html": "",
                "explanation_html": "",
                "scenario_slug": "",
                "choices": [
                    {
                        "key": k,
                        "text_html": "",
                        "correct": k == "x",
                        "explanation_html": "",
                        "misconception": "" if k == "x" else "off by one",
                        "locked": True,
                    }
                    for k in ("y", "x")
                ],
                "variant": {"sources": {"x": "answer", "y": "off by one"}},
            },
        ],
    }
    return snapshot  # type: ignore[no-any-return]


def test_responses_record_choices_by_key_and_variants_by_source():
    records = record_responses(_snapshot(), {"plain": ["b"], "variant": ["x"]})
    assert records == [
        ["plain", 0.0, ["c", "a", "b"], ["a"], ["b"], {"b": "thinks b"}],
        ["variant", 1.0, ["off by one", "answer"], ["answer"], ["answer"], {}],
    ]
    back = sitting_from_records(records)
    assert back.total == 1
    assert back.fraction == 0.5
    assert Response(*back.responses[0]).misconceptions == {"b": "thinks b"}
    assert Sitting(()).fraction == 0


def test_records_first_stored_as_dicts_are_read_too():
    legacy = [{"q": "plain", "p": 1, "o": ["a", "b"], "r": ["a"], "c": ["a"]}]
    back = sitting_from_records(legacy)
    assert Response(*back.responses[0]) == Response("plain", 1.0, ["a", "b"], ["a"], ["a"], {})


def test_unanswered_questions_record_no_choice_and_no_points():
    records = record_responses(_snapshot(), {})
    assert [(r[1], r[4]) for r in records] == [(0.0, []), (0.0, [])]
