"""What a learner's quiz history says: best scores per quiz, strengths and weaknesses per topic.

A weak topic (below `WEAK_PERCENT`) gets a way back: its lesson, at the sections that teach what
was missed, and a practice set of exactly the questions missed. A section is known when a missed
question replays a sandbox scenario that the lesson embeds: the heading above that embed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db.models import Max
from django.urls import reverse

from course.models import Lesson, User

from . import practice_sets, timing
from .grading import Grade, TopicScore, percent_of
from .models import Attempt, PracticeAnswer, Question, Quiz, ReviewPolicy

STRONG_PERCENT = 80
WEAK_PERCENT = 60


@dataclass(frozen=True)
class QuizSummary:
    quiz: Quiz
    attempts: int
    best_percent: int | None


@dataclass(frozen=True)
class Section:
    """A heading of a lesson: its anchor and title."""

    anchor: str
    title: str


@dataclass(frozen=True)
class WayBack:
    """Where a weak topic leads: its lesson (and the sections to reread) and practice."""

    lesson_title: str
    lesson_url: str
    sections: tuple[Section, ...]
    missed: int
    practice_url: str


@dataclass(frozen=True)
class ResultTopic:
    """A topic of one attempt's result, with its way back when it is weak."""

    topic: TopicScore
    way_back: WayBack | None = None


def is_weak(percent: int) -> bool:
    return percent < WEAK_PERCENT


@dataclass(frozen=True)
class TopicStrength:
    topic: str
    title: str
    graded_score: float
    graded_max: float
    practice_right: int
    practice_answered: int
    way_back: WayBack | None = None

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


def result_topics(*, attempt: Attempt, grade: Grade, review_open: bool) -> list[ResultTopic]:
    """Return an attempt's topics, weakest first, each weak one with its way back.

    The practice set holds the topic's questions missed in this attempt; before the review opens
    it is the whole lesson instead (which questions were missed would tell the answers).
    At most two queries, and none when no topic is weak.
    """
    rows = topic_rows(attempt.topic_scores)
    module_slug = attempt.quiz.module.slug
    missed = practice_sets.missed_by_topic(grade) if review_open else {}
    wanted = {
        (module_slug, row.topic): missed.get(row.topic, [])
        for row in rows
        if row.topic and is_weak(row.percent)
    }

    def practice_url(module: str, lesson: str, keys: Sequence[str]) -> str:
        if not keys:
            return practice_sets.lesson_set_url(module, lesson)
        return practice_sets.attempt_missed_url(
            module_slug=module, lesson_slug=lesson, attempt_id=attempt.pk
        )

    ways = way_backs(wanted, practice_url=practice_url)
    return [ResultTopic(row, ways.get((module_slug, row.topic))) for row in rows]


def strengths(*, user: User, attempts: Iterable[Attempt], now: datetime) -> list[TopicStrength]:
    """Combine graded topic scores and latest practice answers per topic, weakest first.

    A weak topic's way back practises the questions whose latest answer, in a graded attempt
    whose review is open or in practice, was not right.
    """
    attempts = [attempt for attempt in attempts if not attempt.is_open]
    graded: dict[str, list[float]] = {}
    titles: dict[str, str] = {}
    modules: dict[str, str] = {}
    # (module slug, question key) -> (when, right, topic) of the latest answer.
    latest: dict[tuple[str, str], tuple[datetime, bool, str]] = {}
    reviewable = _reviews_open(attempts, now)
    for attempt in attempts:
        module_slug = attempt.quiz.module.slug
        for row in topic_rows(attempt.topic_scores):
            totals = graded.setdefault(row.topic, [0.0, 0.0])
            totals[0] += row.score
            totals[1] += row.max_score
            titles.setdefault(row.topic, row.title)
            modules.setdefault(row.topic, module_slug)
        if attempt.pk not in reviewable:
            continue
        when = attempt.finished_at or attempt.started_at
        missed = {key for keys in practice_sets.missed_in_attempt(attempt).values() for key in keys}
        for question in attempt.snapshot["questions"]:
            right = question["key"] not in missed
            _note(latest, (module_slug, question["key"]), (when, right, question["topic"]))
    practice: dict[str, list[int]] = {}
    seen: set[int] = set()
    rows = (
        PracticeAnswer.objects.filter(user=user, question__lesson__isnull=False)
        .order_by("-answered_at", "-pk")
        .values_list(
            "question_id",
            "correct",
            "question__lesson__slug",
            "question__lesson__title",
            "question__module__slug",
            "question__key",
            "answered_at",
        )
    )
    for question_id, correct, slug, title, module_slug, key, answered_at in rows:
        if question_id in seen:
            continue
        seen.add(question_id)
        counts = practice.setdefault(slug, [0, 0])
        counts[0] += int(correct)
        counts[1] += 1
        titles.setdefault(slug, title)
        modules.setdefault(slug, module_slug)
        _note(latest, (module_slug, key), (answered_at, correct, slug))
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
    weak = [topic for topic in topics if topic.topic and is_weak(topic.percent)]
    wanted: dict[tuple[str, str], list[str]] = {(modules[t.topic], t.topic): [] for t in weak}
    for (module_slug, key), (_, right, topic) in sorted(latest.items()):
        if not right and (module_slug, topic) in wanted:
            wanted[module_slug, topic].append(key)

    def practice_url(module: str, lesson: str, keys: Sequence[str]) -> str:
        if not keys:
            return practice_sets.lesson_set_url(module, lesson)
        return practice_sets.missed_keys_url(
            user_id=user.pk, module_slug=module, lesson_slug=lesson, keys=keys
        )

    ways = way_backs(wanted, practice_url=practice_url)
    topics = [
        replace(topic, way_back=ways.get((modules[topic.topic], topic.topic))) for topic in topics
    ]
    return sorted(topics, key=lambda topic: (topic.percent, topic.title))


def _note(
    latest: dict[tuple[str, str], tuple[datetime, bool, str]],
    key: tuple[str, str],
    answer: tuple[datetime, bool, str],
) -> None:
    """Keep the later of two answers to a question."""
    if key not in latest or answer[0] > latest[key][0]:
        latest[key] = answer


def _reviews_open(attempts: Sequence[Attempt], now: datetime) -> set[int]:
    """Return the ids of the closed attempts whose review is open (at most one query).

    The same rule as `practice_sets.review_is_open`, for many attempts at once.
    """
    open_ids: set[int] = set()
    windowed: list[Attempt] = []
    for attempt in attempts:
        quiz = attempt.quiz
        if quiz.review == ReviewPolicy.IMMEDIATE:
            open_ids.add(attempt.pk)
        elif quiz.closes_at is not None:
            windowed.append(attempt)
        elif attempt.deadline is not None and now >= attempt.deadline:
            open_ids.add(attempt.pk)
    if windowed:
        latest = {
            row["pk"]: row
            for row in Quiz.objects.filter(pk__in={attempt.quiz_id for attempt in windowed})
            .values("pk")
            .annotate(
                deadline=Max("attempts__deadline"),
                extension=Max("accommodations__window_extension_minutes"),
            )
        }
        for attempt in windowed:
            row = latest.get(attempt.quiz_id, {})
            closes_at = attempt.quiz.closes_at
            assert closes_at is not None
            opens = timing.window_close(closes_at, row.get("extension") or 0)
            if row.get("deadline") is not None:
                opens = max(opens, row["deadline"])
            if now >= opens:
                open_ids.add(attempt.pk)
    return open_ids


def way_backs(
    wanted: Mapping[tuple[str, str], Sequence[str]],
    *,
    practice_url: Callable[[str, str, Sequence[str]], str],
) -> dict[tuple[str, str], WayBack]:
    """Return a way back for each (module slug, lesson slug) with the keys missed there.

    Only published lessons get one, and only active questions count as missed. Two queries,
    none when nothing is wanted. `practice_url(module, lesson, keys)` links the practice set.
    """
    if not wanted:
        return {}
    module_slugs = {module for module, _ in wanted}
    keys = {key for missed in wanted.values() for key in missed}
    scenario_of: dict[tuple[str, str], str] = {}
    if keys:
        scenario_of = {
            (module, key): scenario
            for module, key, scenario in Question.objects.active()
            .filter(module__slug__in=module_slugs, key__in=keys)
            .values_list("module__slug", "key", "scenario_slug")
        }
    lessons = (
        Lesson.objects.published()
        .filter(module__slug__in=module_slugs, slug__in={lesson for _, lesson in wanted})
        .values_list("module__slug", "slug", "title", "html", "toc")
    )
    ways = {}
    for module, slug, title, body, toc in lessons:
        if (module, slug) not in wanted:
            continue
        missed = [key for key in wanted[module, slug] if (module, key) in scenario_of]
        scenarios = {scenario_of[module, key] for key in missed} - {""}
        ways[module, slug] = WayBack(
            lesson_title=title,
            lesson_url=reverse(
                "course:lesson-detail", kwargs={"module_slug": module, "lesson_slug": slug}
            ),
            sections=sections_teaching(body, toc, scenarios),
            missed=len(missed),
            practice_url=practice_url(module, slug, missed),
        )
    return ways


_MARKS = re.compile(
    r'<h[2-6]\b[^>]*?\bid="(?P<anchor>[^"]+)"|\bdata-scenario="(?P<scenario>[^"]+)"'
)


def sections_teaching(
    body: str, toc: Sequence[Mapping[str, Any]], scenarios: Iterable[str]
) -> tuple[Section, ...]:
    """Return the sections of a lesson that embed one of the scenarios, in reading order.

    A section is the nearest heading above the embed; `toc` gives its title.
    """
    wanted = set(scenarios)
    titles = {str(entry.get("anchor")): str(entry.get("title")) for entry in toc}
    found: list[str] = []
    heading: str | None = None
    for mark in _MARKS.finditer(body):
        if mark["anchor"] is not None:
            heading = html.unescape(mark["anchor"])
        elif html.unescape(mark["scenario"]) in wanted and heading in titles:
            found.append(heading)
    found = list(dict.fromkeys(found))
    return tuple(Section(anchor=anchor, title=titles[anchor]) for anchor in found)
