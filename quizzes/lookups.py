"""Fetch the quiz or attempt a page is about; an attempt past its deadline is closed first.

Every page that shows an attempt goes through here, so none can show an exam as open after its
deadline, whichever page the learner (or an instructor) opens first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.shortcuts import get_object_or_404

from course.models import User

from . import services, timing
from .models import Attempt, Quiz


def get_quiz(module_slug: str, quiz_slug: str) -> Quiz:
    """Return the active quiz, or raise Http404."""
    return get_object_or_404(
        Quiz.objects.active().select_related("module"), module__slug=module_slug, slug=quiz_slug
    )


def close_if_overdue(attempt: Attempt, now: datetime) -> Attempt:
    """Return `attempt`, closed at its deadline if it is open and overdue."""
    if not (attempt.is_open and timing.is_overdue(attempt.deadline, now)):
        return attempt
    closed = services.expire_attempt(attempt_id=attempt.pk, now=now)
    closed.quiz = attempt.quiz  # keeps the module already fetched with it
    return closed


def close_overdue(attempts: Iterable[Attempt], now: datetime) -> list[Attempt]:
    """Return `attempts` with every overdue open one closed at its deadline."""
    return [close_if_overdue(attempt, now) for attempt in attempts]


def get_attempt(
    *,
    user: User,
    module_slug: str,
    quiz_slug: str,
    attempt_id: int,
    now: datetime,
    expire: bool = True,
) -> Attempt:
    """Return the learner's attempt, or raise Http404; with `expire`, close it if overdue."""
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz__module"),
        pk=attempt_id,
        user=user,
        quiz__slug=quiz_slug,
        quiz__module__slug=module_slug,
    )
    return close_if_overdue(attempt, now) if expire else attempt
