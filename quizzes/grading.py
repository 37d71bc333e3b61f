"""Score answers against what was asked (pure functions, no Django).

Scoring rules (also in docs/scoring.md):

- Every question is worth 1 point; a quiz's maximum is its number of questions.
- **Single answer**: 1 if the one correct choice is selected, otherwise 0.
- **Multiple response, all-or-nothing** (the default, as on the AWS certification exams):
  1 if the selection is exactly the set of correct choices, otherwise 0.
- **Multiple response, partial credit** (a per-quiz option, `partial_credit: true`):
  ``max(0, (correct selected - wrong selected) / pick)``, where `pick` is the number of correct
  choices. Selecting more than `pick` choices scores 0, so "tick everything" never pays. In such
  a quiz a learner may select *up to* `pick` choices (at least one), so leaving out a choice they
  are unsure of is a real option: with pick 2, one right choice alone earns 0.5, one right and
  one wrong earn 0. Single-answer questions stay 1 or 0.
- Unanswered questions and unknown choice keys earn nothing (an unknown key counts as a wrong
  selection).
- **Pass**: the percentage ``100 * score / maximum`` is at least the quiz's pass mark.
- **Topics**: each question belongs to one topic (its lesson); a topic's score is the sum over its
  questions, out of its number of questions.

- **Scaled score** (exams, like the AWS certification exams): the percentage mapped linearly
  onto 100–1000, ``scaled = floor(100 + 9 × percent)``, so 0 % is 100, 100 % is 1000, and the
  pass mark maps to ``100 + 9 × pass_mark`` (70 % → 730, 72 % → 748). Rounding down keeps the
  two views in step: a scaled score reaches the scaled pass mark exactly when the percentage
  reaches the pass mark.

The order in which choices were shown never matters: scores depend on choice keys only.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from .snapshot import QuestionSnapshot, Snapshot

SINGLE = "single"
MULTIPLE = "multiple"
# Partial-credit scores are fractions; compare percentages with a little slack.
_EPSILON = 1e-9


@dataclass(frozen=True)
class QuestionResult:
    key: str
    topic: str
    chosen: tuple[str, ...]
    score: float
    max_score: float = 1.0

    @property
    def answered(self) -> bool:
        return bool(self.chosen)

    @property
    def is_right(self) -> bool:
        return self.score >= self.max_score - _EPSILON

    @property
    def is_partly_right(self) -> bool:
        return 0 < self.score < self.max_score - _EPSILON


@dataclass(frozen=True)
class TopicScore:
    topic: str
    title: str
    score: float
    max_score: float

    @property
    def percent(self) -> int:
        return percent_of(self.score, self.max_score)


@dataclass(frozen=True)
class Grade:
    score: float
    max_score: float
    passed: bool
    topics: tuple[TopicScore, ...]
    questions: tuple[QuestionResult, ...]

    @property
    def percent(self) -> int:
        return percent_of(self.score, self.max_score)


@dataclass(frozen=True)
class ReviewItem:
    """A question after it is answered: everything, including what was right."""

    number: int
    question: QuestionSnapshot
    result: QuestionResult


def review_items(snapshot: Snapshot, result: Grade) -> list[ReviewItem]:
    """Return every question of a graded snapshot with its result, numbered from 1."""
    return [
        ReviewItem(number=number, question=question, result=question_result)
        for number, (question, question_result) in enumerate(
            zip(snapshot["questions"], result.questions, strict=True), start=1
        )
    ]


def percent_of(score: float, max_score: float) -> int:
    """Return `score` as a whole percentage of `max_score` (0 when there is no maximum)."""
    return round(100 * score / max_score) if max_score else 0


def correct_keys(question: QuestionSnapshot) -> frozenset[str]:
    return frozenset(choice["key"] for choice in question["choices"] if choice["correct"])


def score_question(
    question: QuestionSnapshot, chosen: Collection[str], *, partial_credit: bool
) -> float:
    """Return the points (0 to 1) that `chosen` earns on `question`."""
    selected = set(chosen)
    right = correct_keys(question)
    if question["kind"] != MULTIPLE or not partial_credit:
        return 1.0 if selected and selected == right else 0.0
    if len(selected) > question["pick"]:
        return 0.0
    hits = len(selected & right)
    misses = len(selected - right)
    return max(0.0, (hits - misses) / question["pick"])


def answer_problem(
    question: QuestionSnapshot,
    chosen: Collection[str],
    *,
    complete: bool,
    partial_credit: bool = False,
) -> str | None:
    """Return what is wrong with an answer, in words for the learner, or None if it is fine.

    With `complete=False` an answer may be partial (a saved draft); with `complete=True` it must
    select exactly as many choices as the question asks for, or, under partial credit, at least
    one and at most that many.
    """
    known = {choice["key"] for choice in question["choices"]}
    if any(key not in known for key in chosen):
        return "That choice is not part of this question. Reload the page and try again."
    if len(set(chosen)) != len(chosen):
        return "Each choice can be selected only once."
    pick = question["pick"]
    if len(chosen) > pick:
        return f"Select only {pick} choices." if pick > 1 else "Select only one choice."
    if complete and partial_credit and question["kind"] == MULTIPLE:
        return None if chosen else f"Select at least one choice (up to {pick})."
    if complete and len(chosen) < pick:
        if pick == 1:
            return "Choose an answer."
        return f"Select {pick} choices (you selected {len(chosen)})."
    return None


def passes(score: float, max_score: float, pass_mark: int) -> bool:
    """Return whether `score` out of `max_score` reaches `pass_mark` percent."""
    if max_score <= 0:
        return False
    return 100 * score / max_score >= pass_mark - _EPSILON


SCALED_MIN = 100
SCALED_MAX = 1000


def scaled_score(score: float, max_score: float) -> int:
    """Return `score` on the 100–1000 scale (see the module docstring)."""
    if max_score <= 0:
        return SCALED_MIN
    span = SCALED_MAX - SCALED_MIN
    return min(SCALED_MAX, math.floor(SCALED_MIN + span * score / max_score + _EPSILON))


def scaled_pass_mark(pass_mark: int) -> int:
    """Return the scaled score that passes, the equivalent of `pass_mark` percent."""
    return SCALED_MIN + (SCALED_MAX - SCALED_MIN) * pass_mark // 100


def grade(snapshot: Snapshot, answers: Mapping[str, Sequence[str]]) -> Grade:
    """Score every question of the snapshot; questions without an answer score 0."""
    results = []
    topic_scores: dict[str, list[float]] = {}
    titles: dict[str, str] = {}
    for question in snapshot["questions"]:
        chosen = tuple(answers.get(question["key"], ()))
        score = score_question(question, chosen, partial_credit=snapshot["partial_credit"])
        results.append(
            QuestionResult(key=question["key"], topic=question["topic"], chosen=chosen, score=score)
        )
        topic_scores.setdefault(question["topic"], []).append(score)
        titles.setdefault(question["topic"], question["topic_title"])
    total = sum(result.score for result in results)
    maximum = float(len(results))
    return Grade(
        score=total,
        max_score=maximum,
        passed=passes(total, maximum, snapshot["pass_mark"]),
        topics=tuple(
            TopicScore(topic=topic, title=titles[topic], score=sum(s), max_score=float(len(s)))
            for topic, s in topic_scores.items()
        ),
        questions=tuple(results),
    )
