"""Build what an attempt asks: draw questions by topic weight, shuffle choices, record it all.

Plain data in, plain data out (no Django), so an attempt's snapshot is JSON that later edits of
the question bank can never reach. Every random decision comes from one `random.Random(seed)`,
so the same pool, settings and seed always give the same snapshot.

- **Draw.** A quiz names topics (lessons) with weights. With `count=None` every question of those
  topics is asked. Otherwise `count` is shared out in proportion to the weights (largest
  remainder, ties broken at random: with 13 equal topics and 20 questions, which seven topics
  get a second question varies between attempts); a topic with too few questions gives what it
  has and the rest is shared among the others the same way. Within a topic the questions are a
  random sample, taken first from the questions the learner has not seen before (`seen`: keys
  of questions asked in earlier attempts or answered in practice) and only then from the seen
  ones; the questions are then shuffled together.
- **Shuffle.** Choices are shuffled per question; a `locked` choice ("All of the above") keeps
  its position and the others move around it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from random import Random
from typing import Any, NotRequired, TypedDict, TypeVar

SNAPSHOT_VERSION = 1

T = TypeVar("T")


class ChoiceSnapshot(TypedDict):
    key: str
    text_html: str
    correct: bool
    explanation_html: str
    misconception: str
    locked: bool


class QuestionSnapshot(TypedDict):
    key: str
    kind: str
    pick: int
    topic: str
    topic_title: str
    stem_html: str
    explanation_html: str
    scenario_slug: str
    choices: list[ChoiceSnapshot]
    # A variant question in the bank carries its `template`; as asked, it carries instead the
    # drawn `variant`: parameters, computed numbers, the run and its replay (quizzes/variants.py).
    template: NotRequired[dict[str, Any]]
    variant: NotRequired[dict[str, Any]]


class Snapshot(TypedDict):
    version: int
    seed: int
    module_slug: str
    pass_mark: int
    partial_credit: bool
    questions: list[QuestionSnapshot]


@dataclass(frozen=True)
class Topic:
    """A lesson a quiz draws from and its relative weight."""

    lesson: str
    weight: int = 1


def shuffle_locked(items: Sequence[T], rng: Random, *, locked: Callable[[T], bool]) -> list[T]:
    """Return `items` shuffled, except that locked items keep their positions."""
    free_positions = [i for i, item in enumerate(items) if not locked(item)]
    free_items = [items[i] for i in free_positions]
    rng.shuffle(free_items)
    result = list(items)
    for position, item in zip(free_positions, free_items, strict=True):
        result[position] = item
    return result


def shuffle_choices(choices: Sequence[ChoiceSnapshot], rng: Random) -> list[ChoiceSnapshot]:
    """Return the choices in a new order; locked choices stay where the author put them."""
    return shuffle_locked(choices, rng, locked=lambda choice: choice["locked"])


def allocate(
    count: int,
    weights: Mapping[str, int],
    available: Mapping[str, int],
    rng: Random | None = None,
) -> dict[str, int]:
    """Share `count` questions among topics by weight, never more than a topic has.

    Equal remainders go to the topic listed first, or to a random one when `rng` is given.
    """
    alloc = dict.fromkeys(weights, 0)
    tie_break = {topic: rng.random() if rng else 0.0 for topic in weights}
    usable = [topic for topic, weight in weights.items() if weight > 0]
    remaining = min(count, sum(available.get(topic, 0) for topic in usable))
    while remaining > 0:
        open_topics = [t for t in usable if alloc[t] < available.get(t, 0)]
        total = sum(weights[t] for t in open_topics)
        quotas = {t: remaining * weights[t] / total for t in open_topics}
        extra = {t: int(quotas[t]) for t in open_topics}
        leftover = remaining - sum(extra.values())
        by_fraction = sorted(open_topics, key=lambda t: (extra[t] - quotas[t], tie_break[t]))
        for topic in by_fraction[:leftover]:
            extra[topic] += 1
        for topic in open_topics:
            given = min(extra[topic], available.get(topic, 0) - alloc[topic])
            alloc[topic] += given
            remaining -= given
    return alloc


def draw_questions(
    pool: Sequence[QuestionSnapshot],
    *,
    topics: Sequence[Topic],
    count: int | None,
    rng: Random,
    seen: Collection[str] = (),
) -> list[QuestionSnapshot]:
    """Return the questions an attempt asks, in the order it asks them.

    Within each topic, questions whose key is in `seen` are drawn only when the unseen ones run
    out. With nothing seen the draw is the same as without `seen`.
    """
    by_topic: dict[str, list[QuestionSnapshot]] = {topic.lesson: [] for topic in topics}
    for question in pool:
        if question["topic"] in by_topic:
            by_topic[question["topic"]].append(question)
    if count is None:
        chosen = [question for questions in by_topic.values() for question in questions]
    else:
        weights = {topic.lesson: topic.weight for topic in topics}
        shares = allocate(count, weights, {t: len(qs) for t, qs in by_topic.items()}, rng)
        chosen = []
        for topic, questions in by_topic.items():
            chosen += _sample_preferring_unseen(questions, shares.get(topic, 0), seen, rng)
    rng.shuffle(chosen)
    return chosen


def _sample_preferring_unseen(
    questions: Sequence[QuestionSnapshot], n: int, seen: Collection[str], rng: Random
) -> list[QuestionSnapshot]:
    fresh = [question for question in questions if question["key"] not in seen]
    if len(fresh) == len(questions):
        return rng.sample(questions, n)
    if n <= len(fresh):
        return rng.sample(fresh, n)
    stale = [question for question in questions if question["key"] in seen]
    return fresh + rng.sample(stale, n - len(fresh))


def build_snapshot(
    pool: Sequence[QuestionSnapshot],
    *,
    topics: Sequence[Topic],
    count: int | None,
    seed: int,
    module_slug: str,
    pass_mark: int,
    partial_credit: bool,
    seen: Collection[str] = (),
    realise: Callable[[QuestionSnapshot, int], QuestionSnapshot] | None = None,
) -> Snapshot:
    """Draw the questions, shuffle each one's choices, and record it all with the seed.

    `realise(question, seed)` turns a drawn variant template into the question as asked (the
    caller passes `quizzes.variants.realise`, which runs the simulator: this module stays plain).
    """
    rng = Random(seed)
    questions = []
    for question in draw_questions(pool, topics=topics, count=count, rng=rng, seen=seen):
        asked = copy.deepcopy(question)
        if realise is not None:
            asked = realise(asked, seed)
        asked["choices"] = shuffle_choices(asked["choices"], rng)
        questions.append(asked)
    return Snapshot(
        version=SNAPSHOT_VERSION,
        seed=seed,
        module_slug=module_slug,
        pass_mark=pass_mark,
        partial_credit=partial_credit,
        questions=questions,
    )
