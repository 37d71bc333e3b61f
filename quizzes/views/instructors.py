"""Instructors' pages: an attempt's event log, and a quiz's accommodations and candidates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from course.types import AuthenticatedHttpRequest

from .. import services
from ..event_log import event_rows
from ..forms import AccommodationForm
from ..lookups import close_if_overdue, get_quiz
from ..models import Attempt, QuizKind


def _require_instructor(request: AuthenticatedHttpRequest) -> None:
    if not request.user.is_instructor:
        raise PermissionDenied("Only instructors can see this page.")


@login_required
@require_safe
def attempt_events(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    """The append-only event log of one attempt, for instructors."""
    _require_instructor(request)
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz__module", "user"), pk=attempt_id
    )
    attempt = close_if_overdue(attempt, timezone.now())
    return render(
        request,
        "quizzes/attempt_events.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "module": attempt.quiz.module,
            "rows": event_rows(attempt),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def quiz_accommodations(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str
) -> HttpResponse:
    """Instructors grant learners extra time, extra attempts or a longer window."""
    _require_instructor(request)
    quiz = get_quiz(module_slug, quiz_slug)
    if quiz.kind == QuizKind.PRACTICE:
        raise Http404("Practice quizzes have no accommodations.")
    form = AccommodationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        learner = form.cleaned_data["username"]
        services.set_accommodation(
            quiz=quiz,
            user=learner,
            time_multiplier=form.cleaned_data["time_multiplier"],
            extra_attempts=form.cleaned_data["extra_attempts"],
            window_extension_minutes=form.cleaned_data["window_extension_minutes"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, f"Accommodation saved for {learner.get_username()}.")
        return redirect("quizzes:quiz-accommodations", module_slug=module_slug, quiz_slug=quiz_slug)
    return render(
        request,
        "quizzes/quiz_accommodations.html",
        {
            "quiz": quiz,
            "module": quiz.module,
            "form": form,
            "accommodations": list(
                quiz.accommodations.select_related("user").order_by("user__username")
            ),
            "attempts": list(quiz.attempts.select_related("user").order_by("-started_at")[:200]),
        },
    )
