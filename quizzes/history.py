"""What a learner's quiz history says: best scores per quiz, strengths and weaknesses per topic."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from course.models import User

from .grading import TopicScore, percent_of
from .models import Attempt, PracticeAnswer, Quiz

STRONG_PERCENT = 80
WEAK_PERCENT = 60


@dataclass(frozen=True)
class QuizSummary:
    quiz: Quiz
    attempts: int
    best_percent: int | None


@dataclass(frozen=True)
class TopicStrength:
    topic: str
    title: str
    graded_score: float
    graded_max: float
    practice_right: int
    practice_answered: int

    @property
    def percent(self) -> int:
        return percent_of(
            self.graded_score + self.practice_right, self.graded_max + self.practice_answered
        )

    @property
    def graded_percent(self) -> int | None:
        return percent_of(self.graded_score, self.graded_max) if self.graded_max else None

    @property
    def verdict(self) -> str:
        if self.percent >= STRONG_PERCENT:
            return "Strength"
        if self.percent < WEAK_PERCENT:
            return "Needs work"
        return "Getting there"


def quiz_summaries(*, user: User | Any, quizzes: Sequence[Quiz]) -> list[QuizSummary]:
    """Return each quiz with the learner's number of attempts and best score (one query)."""
    best: dict[int, int] = {}
    counts: dict[int, int] = {}
    if user.is_authenticated and quizzes:
        rows = Attempt.objects.filter(user=user, quiz__in=quizzes).values_list(
            "quiz_id", "score", "max_score"
        )
        for quiz_id, score, max_score in rows:
            counts[quiz_id] = counts.get(quiz_id, 0) + 1
            if score is not None and max_score:
                best[quiz_id] = max(best.get(quiz_id, 0), percent_of(score, max_score))
    return [
        QuizSummary(quiz=quiz, attempts=counts.get(quiz.pk, 0), best_percent=best.get(quiz.pk))
        for quiz in quizzes
    ]


def topic_rows(topic_scores: Mapping[str, Any]) -> list[TopicScore]:
    """Return an attempt's stored per-topic scores, weakest first."""
    rows = [
        TopicScore(
            topic=topic,
            title=str(entry.get("title", topic)),
            score=float(entry.get("score", 0)),
            max_score=float(entry.get("max", 0)),
        )
        for topic, entry in topic_scores.items()
        if isinstance(entry, Mapping)
    ]
    return sorted(rows, key=lambda row: (row.percent, row.title))


def strengths(*, user: User, attempts: Iterable[Attempt]) -> list[TopicStrength]:
    """Combine graded topic scores and latest practice answers per topic, weakest first."""
    graded: dict[str, list[float]] = {}
    titles: dict[str, str] = {}
    for attempt in attempts:
        if attempt.is_open:
            continue
        for row in topic_rows(attempt.topic_scores):
            totals = graded.setdefault(row.topic, [0.0, 0.0])
            totals[0] += row.score
            totals[1] += row.max_score
            titles.setdefault(row.topic, row.title)
    practice: dict[str, list[int]] = {}
    seen: set[int] = set()
    rows = (
        PracticeAnswer.objects.filter(user=user, question__lesson__isnull=False)
        .order_by("-answered_at", "-pk")
        .values_list("question_id", "correct", "question__lesson__slug", "question__lesson__title")
    )
    for question_id, correct, slug, title in rows:
        if question_id in seen:
            continue
        seen.add(question_id)
        counts = practice.setdefault(slug, [0, 0])
        counts[0] += int(correct)
        counts[1] += 1
        titles.setdefault(slug, title)
    topics = [
        TopicStrength(
            topic=topic,
            title=titles[topic],
            graded_score=graded.get(topic, [0.0, 0.0])[0],
            graded_max=graded.get(topic, [0.0, 0.0])[1],
            practice_right=practice.get(topic, [0, 0])[0],
            practice_answered=practice.get(topic, [0, 0])[1],
        )
        for topic in titles
    ]
    return sorted(topics, key=lambda topic: (topic.percent, topic.title))
