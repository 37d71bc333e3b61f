"""Attempts at graded quizzes and exams: start, save answers, submit.

Each step is its own function so that exams can add their timing around them: `start_attempt`
builds and records the snapshot (draw + shuffle with a seeded `random.Random`), `save_answers`
stores drafts, `submit_attempt` grades and closes. Scoring itself is `grading.py` (pure).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.db import transaction

from course.models import User

from . import grading
from .models import Attempt, AttemptEvent, AttemptStatus, Question, QuestionQuerySet, Quiz
from .snapshot import QuestionSnapshot, Topic, build_snapshot


class AttemptRefused(Exception):
    """The learner may not start this quiz now; the message says why, for the learner."""


class AnswerRejected(ValueError):
    """An answer names a question or choice the attempt did not ask."""


def quiz_topics(quiz: Quiz) -> list[Topic]:
    """Return the lessons a quiz draws from; an empty list means every lesson."""
    return [Topic(str(item["lesson"]), int(item.get("weight", 1))) for item in quiz.topics]


def _pool_questions(quiz: Quiz) -> QuestionQuerySet:
    questions = Question.objects.active().filter(module_id=quiz.module_id, lesson__isnull=False)
    topics = quiz_topics(quiz)
    if topics:
        questions = questions.filter(lesson__slug__in=[topic.lesson for topic in topics])
    return questions


def question_pool(*, quiz: Quiz) -> list[QuestionSnapshot]:
    """Return the active questions a quiz may draw from, as plain data."""
    questions = _pool_questions(quiz).select_related("lesson").with_choices()
    return [question.as_snapshot() for question in questions]


def questions_per_attempt(*, quiz: Quiz) -> int:
    """Return how many questions an attempt at `quiz` asks (one query when it asks them all)."""
    return quiz.question_count or _pool_questions(quiz).count()


def start_refusal(*, quiz: Quiz, attempts: Sequence[Attempt], now: datetime) -> str | None:
    """Return why a learner with these attempts may not start `quiz` now, or None."""
    if quiz.opens_at and now < quiz.opens_at:
        return f"This quiz opens on {quiz.opens_at:%d %B %Y at %H:%M}."
    if quiz.closes_at and now >= quiz.closes_at:
        return "This quiz has closed."
    if quiz.attempts_allowed is not None and len(attempts) >= quiz.attempts_allowed:
        used = "attempt" if quiz.attempts_allowed == 1 else "attempts"
        return f"You have used all {quiz.attempts_allowed} {used} at this quiz."
    finished = [attempt.finished_at for attempt in attempts if attempt.finished_at]
    if quiz.retake_delay_minutes and finished:
        ready_at = max(finished) + timedelta(minutes=quiz.retake_delay_minutes)
        if now < ready_at:
            minutes = max(1, round((ready_at - now).total_seconds() / 60))
            return f"You can take this quiz again in {minutes} minute{'s' if minutes > 1 else ''}."
    return None


@transaction.atomic
def start_attempt(*, quiz: Quiz, user: User, now: datetime, seed: int | None = None) -> Attempt:
    """Return the learner's open attempt at `quiz`, or start a new one with a fresh snapshot."""
    # Lock the learner's row so two clicks on "Start" cannot open two attempts.
    User.objects.select_for_update().filter(pk=user.pk).first()
    attempts = list(Attempt.objects.filter(quiz=quiz, user=user))
    for attempt in attempts:
        if attempt.is_open:
            return attempt
    reason = start_refusal(quiz=quiz, attempts=attempts, now=now)
    if reason:
        raise AttemptRefused(reason)
    pool = question_pool(quiz=quiz)
    if not pool:
        raise AttemptRefused("This quiz has no questions yet.")
    topics = quiz_topics(quiz) or [
        Topic(lesson) for lesson in dict.fromkeys(q["topic"] for q in pool)
    ]
    seed = secrets.randbits(32) if seed is None else seed
    snapshot = build_snapshot(
        pool,
        topics=topics,
        count=quiz.question_count,
        seed=seed,
        module_slug=quiz.module.slug,
        pass_mark=quiz.pass_mark,
        partial_credit=quiz.partial_credit,
    )
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        started_at=now,
        deadline=deadline,
        snapshot=snapshot,
        max_score=float(len(snapshot["questions"])),
    )
    AttemptEvent.objects.create(
        attempt=attempt,
        at=now,
        kind=AttemptEvent.Kind.STARTED,
        detail={"seed": seed, "questions": [q["key"] for q in snapshot["questions"]]},
    )
    return attempt


def _apply_answers(
    attempt: Attempt, answers: Mapping[str, Sequence[str]], now: datetime
) -> list[AttemptEvent]:
    """Store changed answers on the (locked) attempt; return the events to record."""
    asked = {question["key"]: question for question in attempt.snapshot["questions"]}
    events = []
    for key, chosen in answers.items():
        if key not in asked:
            raise AnswerRejected(f"question {key!r} is not part of this attempt")
        problem = grading.answer_problem(asked[key], chosen, complete=False)
        if problem:
            raise AnswerRejected(problem)
        if attempt.answers.get(key, []) == list(chosen):
            continue
        attempt.sequence += 1
        attempt.answers[key] = list(chosen)
        attempt.answer_versions[key] = attempt.sequence
        events.append(
            AttemptEvent(
                attempt=attempt,
                at=now,
                kind=AttemptEvent.Kind.ANSWERED,
                detail={"question": key, "chosen": list(chosen), "sequence": attempt.sequence},
            )
        )
    return events


@transaction.atomic
def save_answers(
    *, attempt_id: int, answers: Mapping[str, Sequence[str]], now: datetime
) -> Attempt:
    """Save draft answers to an open attempt; a closed attempt is returned unchanged."""
    attempt = Attempt.objects.select_for_update().get(pk=attempt_id)
    if not attempt.is_open:
        return attempt
    events = _apply_answers(attempt, answers, now)
    if events:
        attempt.save(update_fields=["answers", "answer_versions", "sequence"])
        AttemptEvent.objects.bulk_create(events)
    return attempt


@transaction.atomic
def submit_attempt(
    *, attempt_id: int, now: datetime, answers: Mapping[str, Sequence[str]] | None = None
) -> Attempt:
    """Store the final answers, grade and close the attempt; a second submit changes nothing."""
    attempt = Attempt.objects.select_for_update().get(pk=attempt_id)
    if not attempt.is_open:
        return attempt
    events = _apply_answers(attempt, answers or {}, now)
    result = grading.grade(attempt.snapshot, attempt.answers)
    attempt.score = result.score
    attempt.max_score = result.max_score
    attempt.passed = result.passed
    attempt.topic_scores = {
        topic.topic: {"title": topic.title, "score": topic.score, "max": topic.max_score}
        for topic in result.topics
    }
    attempt.status = AttemptStatus.SUBMITTED
    attempt.finished_at = now
    attempt.save()
    events.append(
        AttemptEvent(
            attempt=attempt,
            at=now,
            kind=AttemptEvent.Kind.SUBMITTED,
            detail={"score": result.score, "max_score": result.max_score},
        )
    )
    AttemptEvent.objects.bulk_create(events)
    return attempt
