"""Practice answers: rows for signed-in learners, the session for anonymous visitors.

Only the latest answer to each question matters for feedback and for "practice only what I
missed"; a learner's rows keep every try for the history page and instructors' statistics. An
anonymous visitor's answers live in the session under ``SESSION_KEY`` (latest only) and move
into the account at login (see `signals.py`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction

from course.models import Lesson, Module, User

from .grading import score_question
from .models import PracticeAnswer, Question
from .snapshot import QuestionSnapshot

SESSION_KEY = "quiz_practice"


@dataclass(frozen=True)
class PracticeResult:
    """The latest answer a visitor gave to one question."""

    chosen: tuple[str, ...]
    correct: bool


def _session_state(session: SessionBase) -> dict[str, Any]:
    state = session.get(SESSION_KEY)
    return state if isinstance(state, dict) else {}


def latest_results(
    *, user: User | Any, session: SessionBase, question_ids: Collection[int]
) -> dict[int, PracticeResult]:
    """Return the latest answer to each of the questions (one query for a learner, none else)."""
    if user.is_authenticated:
        results: dict[int, PracticeResult] = {}
        rows = (
            PracticeAnswer.objects.filter(user=user, question_id__in=question_ids)
            .order_by("-answered_at", "-pk")
            .values_list("question_id", "chosen", "correct")
        )
        for question_id, chosen, correct in rows:
            if question_id not in results:
                results[question_id] = PracticeResult(tuple(chosen), correct)
        return results
    state = _session_state(session)
    wanted = {str(pk) for pk in question_ids}
    return {
        int(pk): PracticeResult(tuple(entry["chosen"]), bool(entry["correct"]))
        for pk, entry in state.items()
        if pk in wanted and isinstance(entry, dict)
    }


def record_answer(
    *,
    user: User | Any,
    session: SessionBase,
    question: Question,
    chosen: Sequence[str],
    now: datetime,
    asked: QuestionSnapshot | None = None,
) -> PracticeResult:
    """Judge a practice answer (all or nothing) and remember it for the visitor.

    `asked` is the question as the page showed it (a variant drawn with the page's seed);
    without it the question is judged as the bank has it. Reads the question's `lesson` and
    `choices`: select and prefetch them (`with_choices()`).
    """
    score = score_question(asked or question.as_snapshot(), chosen, partial_credit=False)
    result = PracticeResult(tuple(chosen), correct=score == 1)
    if user.is_authenticated:
        PracticeAnswer.objects.create(
            user=user,
            question=question,
            chosen=list(chosen),
            correct=result.correct,
            answered_at=now,
        )
        return result
    state = _session_state(session)
    state[str(question.pk)] = {"chosen": list(chosen), "correct": result.correct}
    session[SESSION_KEY] = state
    return result


@dataclass(frozen=True)
class LessonPractice:
    """How far a visitor got practising one lesson's questions."""

    lesson: Lesson
    questions: int
    answered: int
    right: int


@dataclass(frozen=True)
class ModulePractice:
    lessons: list[LessonPractice]
    missed: int


def module_practice(*, module: Module, user: User | Any, session: SessionBase) -> ModulePractice:
    """Return, per active lesson of `module`, its questions and the visitor's latest answers."""
    lesson_of = dict(Question.objects.active().filter(module=module).values_list("pk", "lesson_id"))
    results = latest_results(user=user, session=session, question_ids=list(lesson_of))
    rows = []
    for lesson in module.lessons.filter(is_active=True).order_by("order"):
        mine = [result for pk, result in results.items() if lesson_of[pk] == lesson.pk]
        rows.append(
            LessonPractice(
                lesson=lesson,
                questions=sum(1 for lesson_id in lesson_of.values() if lesson_id == lesson.pk),
                answered=len(mine),
                right=sum(1 for result in mine if result.correct),
            )
        )
    missed = sum(1 for result in results.values() if not result.correct)
    return ModulePractice(lessons=rows, missed=missed)


@transaction.atomic
def merge_session_answers(*, user: User, session: SessionBase, now: datetime) -> int:
    """Move an anonymous session's practice answers into the account; return how many."""
    state = session.pop(SESSION_KEY, None)
    if not isinstance(state, dict) or not state:
        return 0
    ids = {int(pk) for pk in state if str(pk).isdigit()}
    existing = set(Question.objects.filter(pk__in=ids).values_list("pk", flat=True))
    PracticeAnswer.objects.bulk_create(
        PracticeAnswer(
            user=user,
            question_id=pk,
            chosen=list(state[str(pk)]["chosen"]),
            correct=bool(state[str(pk)]["correct"]),
            answered_at=now,
        )
        for pk in sorted(existing)
    )
    return len(existing)
