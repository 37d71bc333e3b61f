"""Instructors' pages: an attempt's event log and grade override, a quiz's accommodations and
candidates, and the exams in progress (with extra time or an extra attempt from there)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from course.types import AuthenticatedHttpRequest

from .. import reports, services
from ..event_log import event_rows
from ..forms import AccommodationForm, GrantExtraForm, OverrideForm
from ..lookups import close_if_overdue, get_quiz
from ..models import Attempt, AttemptStatus, QuizKind


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


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def exams_in_progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open exam attempts with their time left; grant extra time or one more attempt."""
    _require_instructor(request)
    now = timezone.now()
    form = GrantExtraForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attempt = get_object_or_404(
            Attempt.objects.select_related("quiz", "user"),
            pk=form.cleaned_data["attempt"],
            quiz__kind=QuizKind.EXAM,
        )
        services.grant_extra(
            attempt=attempt,
            extra_minutes=form.cleaned_data["extra_minutes"] or 0,
            extra_attempts=form.cleaned_data["extra_attempts"] or 0,
            note=f"Granted by {request.user.get_username()} during the exam",
            now=now,
        )
        messages.success(
            request, f"Granted to {attempt.user.get_username()} at {attempt.quiz.title}."
        )
        return redirect("quizzes:exams-in-progress")
    return render(
        request,
        "quizzes/exams_in_progress.html",
        {"form": form, "exams": reports.exams_in_progress(now=now), "now": now},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attempt_override(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    """Change a closed attempt's score, with a reason the log and the learner both see."""
    _require_instructor(request)
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz__module", "user").defer("item_responses"),
        pk=attempt_id,
    )
    attempt = close_if_overdue(attempt, timezone.now())
    if attempt.status == AttemptStatus.IN_PROGRESS:
        messages.error(request, "The attempt is still open: it has no score to override yet.")
        return redirect(attempt.events_url())
    form = OverrideForm(request.POST or None, max_score=attempt.max_score or 0.0)
    if request.method == "POST" and form.is_valid():
        services.override_score(
            attempt_id=attempt.pk,
            score=float(form.cleaned_data["score"]),
            reason=form.cleaned_data["reason"],
            by=request.user,
            now=timezone.now(),
        )
        messages.success(request, "Score changed; the change is in the event log.")
        return redirect(attempt.events_url())
    return render(
        request,
        "quizzes/attempt_override.html",
        {"attempt": attempt, "quiz": attempt.quiz, "module": attempt.quiz.module, "form": form},
    )
