"""A module's quizzes and the learner's quiz history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from course.models import Module
from course.types import AuthenticatedHttpRequest, HtmxHttpRequest

from .. import history, practice, services
from ..lookups import close_overdue
from ..models import Attempt, Quiz, QuizKind


@require_safe
def module_quizzes(request: HtmxHttpRequest, module_slug: str) -> HttpResponse:
    """List a module's practice per lesson, graded quizzes and exams, with the best scores."""
    module = get_object_or_404(Module.objects.published(), slug=module_slug)
    if request.user.is_authenticated:
        services.close_expired_attempts(now=timezone.now(), user=request.user)
    progress = practice.module_practice(module=module, user=request.user, session=request.session)
    quizzes = list(
        Quiz.objects.active()
        .filter(module=module)
        .select_related("module")
        .order_by("kind", "title")
    )
    summaries = history.quiz_summaries(user=request.user, quizzes=quizzes)
    return render(
        request,
        "quizzes/module_quizzes.html",
        {
            "module": module,
            "practice_rows": progress.lessons,
            "missed_count": progress.missed,
            "graded": [s for s in summaries if s.quiz.kind == QuizKind.GRADED],
            "exams": [s for s in summaries if s.quiz.kind == QuizKind.EXAM],
            "practice_quizzes": [s for s in summaries if s.quiz.kind == QuizKind.PRACTICE],
        },
    )


@login_required
@require_safe
def learner_history(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show past attempts and, per topic, how the learner does; weak topics link a way back."""
    now = timezone.now()
    attempts = close_overdue(
        Attempt.objects.filter(user=request.user)
        .select_related("quiz__module")
        .order_by("-started_at"),
        now,
    )
    return render(
        request,
        "quizzes/history.html",
        {
            "attempts": attempts,
            "topics": history.strengths(user=request.user, attempts=attempts, now=now),
        },
    )
