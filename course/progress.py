"""Reading progress: saved for signed-in learners, kept in the session for anonymous readers.

An anonymous reader's progress lives in the session under ``SESSION_KEY`` and is merged into
the account when they sign up or log in, so nothing read before signing up is lost. Reading
alone never creates a session (a crawler or a first visit writes nothing): the first write
action (marking a lesson complete) does, and from then on visits are remembered too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction

from .models import Lesson, LessonProgress, User

SESSION_KEY = "lesson_progress"
# A signed-in learner re-reading the lesson they last opened updates its `last_seen_at` at most
# this often: "continue where you left off" already points at it, so each reload would write
# a row (on SQLite, the database's one write lock) only to move a time nobody reads closely.
VISIT_REFRESH = timedelta(minutes=5)


@dataclass(frozen=True)
class ProgressView:
    """What one visitor has read: lesson ids seen and completed, and the last lesson opened."""

    completed: frozenset[int]
    seen: frozenset[int]
    last_lesson_id: int | None
    last_seen_at: datetime | None = None  # when the last lesson was opened (learners only)

    def completed_of(self, lesson_ids: Iterable[int]) -> int:
        """Return how many of the given lessons are complete."""
        return sum(1 for lesson_id in lesson_ids if lesson_id in self.completed)

    def percent_of(self, lesson_ids: Sequence[int]) -> int:
        """Return the share of the given lessons completed, in whole percent.

        The nearest percent, halves rounded up (1 of 8 is 13 %), except that 100 % means
        every lesson is done: 199 of 200 shows 99 %.
        """
        total = len(lesson_ids)
        if not total:
            return 0
        done = self.completed_of(lesson_ids)
        nearest = (200 * done + total) // (2 * total)  # exact integer half-up
        return min(nearest, 99) if done < total else 100


@dataclass(frozen=True)
class NextLesson:
    """Where a module's reader goes next: "start", "continue" or "review", and the lesson."""

    action: str
    lesson: Lesson


def next_lesson(seen: ProgressView, lessons: Sequence[Lesson]) -> NextLesson | None:
    """Return the module's next step for the visitor, given its published lessons in order.

    Nothing read yet: start at the first lesson. Some read: continue at the first lesson not
    complete. All complete: review from the first. None for a module without lessons.
    """
    if not lessons:
        return None
    ids = {lesson.pk for lesson in lessons}
    unfinished = next((lesson for lesson in lessons if lesson.pk not in seen.completed), None)
    if unfinished is None:
        return NextLesson("review", lessons[0])
    if not ids & (seen.seen | seen.completed):
        return NextLesson("start", lessons[0])
    return NextLesson("continue", unfinished)


@dataclass(frozen=True)
class CourseProgress:
    """A learner's progress over every published lesson, for the profile page."""

    completed_count: int
    lesson_count: int
    percent_done: int
    recent: list[LessonProgress]


def course_progress(user: User, *, recent: int = 10) -> CourseProgress:
    """Return the learner's progress over the published lessons only (retired ones don't count)."""
    lesson_ids = list(Lesson.objects.published().values_list("pk", flat=True))
    rows = list(
        LessonProgress.objects.published()
        .filter(user=user)
        .select_related("lesson__module")
        .order_by("-last_seen_at")
    )
    seen = ProgressView(
        completed=frozenset(row.lesson_id for row in rows if row.is_complete),
        seen=frozenset(row.lesson_id for row in rows),
        last_lesson_id=rows[0].lesson_id if rows else None,
    )
    return CourseProgress(
        completed_count=seen.completed_of(lesson_ids),
        lesson_count=len(lesson_ids),
        percent_done=seen.percent_of(lesson_ids),
        recent=rows[:recent],
    )


def _session_state(session: SessionBase) -> dict[str, Any]:
    state = session.get(SESSION_KEY)
    if not isinstance(state, dict):
        state = {"completed": [], "seen": [], "last": None}
    return state


def account_progress(user: User) -> ProgressView:
    """Return a signed-in learner's progress, in one query."""
    rows = list(
        LessonProgress.objects.filter(user=user).values_list(
            "lesson_id", "completed_at", "last_seen_at"
        )
    )
    last = max(rows, key=lambda row: row[2]) if rows else None
    return ProgressView(
        completed=frozenset(row[0] for row in rows if row[1] is not None),
        seen=frozenset(row[0] for row in rows),
        last_lesson_id=last[0] if last else None,
        last_seen_at=last[2] if last else None,
    )


def progress_for(user: User | Any, session: SessionBase) -> ProgressView:
    """Return the visitor's progress with one query for a learner, none for an anonymous one."""
    if user.is_authenticated:
        return account_progress(user)
    state = _session_state(session)
    return ProgressView(
        completed=frozenset(state["completed"]),
        seen=frozenset(state["seen"]),
        last_lesson_id=state["last"],
    )


def record_visit(
    *,
    user: User | Any,
    session: SessionBase,
    lesson: Lesson,
    now: datetime,
    seen: ProgressView | None = None,
) -> None:
    """Remember that the visitor opened a lesson (for "continue where you left off").

    `seen` is the visitor's progress as the page read it: a learner re-opening the lesson they
    opened last, less than `VISIT_REFRESH` ago, changes nothing that shows, so nothing is written.
    """
    if user.is_authenticated:
        if (
            seen is not None
            and seen.last_lesson_id == lesson.pk
            and seen.last_seen_at is not None
            and timedelta(0) <= now - seen.last_seen_at < VISIT_REFRESH
        ):
            return
        updated = LessonProgress.objects.filter(user=user, lesson=lesson).update(last_seen_at=now)
        if not updated:
            LessonProgress.objects.get_or_create(
                user=user, lesson=lesson, defaults={"first_seen_at": now, "last_seen_at": now}
            )
        return
    if session.session_key is None:
        return  # a reader who has written nothing yet: reading alone creates no session
    state = _session_state(session)
    if lesson.pk in state["seen"] and state["last"] == lesson.pk:
        return  # nothing new: don't write the session on a re-read
    if lesson.pk not in state["seen"]:
        state["seen"].append(lesson.pk)
    state["last"] = lesson.pk
    session[SESSION_KEY] = state


def set_complete(
    *, user: User | Any, session: SessionBase, lesson: Lesson, complete: bool, now: datetime
) -> None:
    """Mark a lesson complete (or not complete again) for the visitor."""
    if user.is_authenticated:
        progress, _ = LessonProgress.objects.get_or_create(
            user=user, lesson=lesson, defaults={"first_seen_at": now, "last_seen_at": now}
        )
        progress.completed_at = (progress.completed_at or now) if complete else None
        progress.last_seen_at = now
        progress.save(update_fields=["completed_at", "last_seen_at"])
        return
    state = _session_state(session)
    completed = set(state["completed"])
    if complete:
        completed.add(lesson.pk)
    else:
        completed.discard(lesson.pk)
    state["completed"] = sorted(completed)
    if lesson.pk not in state["seen"]:
        state["seen"].append(lesson.pk)
    state["last"] = lesson.pk
    session[SESSION_KEY] = state


@transaction.atomic
def merge_session_progress(*, user: User, session: SessionBase, now: datetime) -> int:
    """Move an anonymous session's progress into the account; return lessons merged."""
    state = session.pop(SESSION_KEY, None)
    if not isinstance(state, dict):
        return 0
    lesson_ids = set(state.get("seen", [])) | set(state.get("completed", []))
    existing_ids = set(Lesson.objects.filter(pk__in=lesson_ids).values_list("pk", flat=True))
    completed = set(state.get("completed", []))
    for lesson_id in existing_ids:
        # The last lesson read gets the newest time, so "continue" points at it.
        seen_at = now if lesson_id == state.get("last") else now - timedelta(seconds=1)
        progress, created = LessonProgress.objects.get_or_create(
            user=user,
            lesson_id=lesson_id,
            defaults={"first_seen_at": seen_at, "last_seen_at": seen_at},
        )
        if lesson_id in completed and progress.completed_at is None:
            progress.completed_at = now
            progress.save(update_fields=["completed_at"])
    return len(existing_ids)
