"""Timed exam pages: one question per page with autosave, the question grid, the review screen
before submitting, the receipt and certificate, and the instructors' event log and
accommodations.

The server owns the clock: every page computes the time left from the attempt's stored
deadline, and every request to an attempt closes it first if its deadline has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from course.types import AuthenticatedHttpRequest

from . import services, timing
from .forms import AccommodationForm, ExamAnswerForm, question_item
from .models import Attempt, AttemptEvent, Quiz, QuizKind
from .receipt import receipt_lines
from .snapshot import QuestionSnapshot
from .views import SEEN_SESSION_KEY, get_attempt, get_quiz


@dataclass(frozen=True)
class GridCell:
    """One question in the question grid: where it is and what state it is in."""

    number: int
    url: str
    answered: bool
    flagged: bool
    current: bool

    @property
    def state(self) -> str:
        words = ["answered" if self.answered else "not answered"]
        if self.flagged:
            words.append("flagged for review")
        return ", ".join(words)


def _grid(attempt: Attempt, current: int) -> list[GridCell]:
    base = attempt.question_url(1)[: -len("1/")]
    return [
        GridCell(
            number=number,
            url=f"{base}{number}/",
            answered=bool(attempt.answers.get(question["key"])),
            flagged=question["key"] in attempt.flags,
            current=number == current,
        )
        for number, question in enumerate(attempt.snapshot["questions"], start=1)
    ]


def _question(attempt: Attempt, number: int) -> QuestionSnapshot:
    questions = attempt.snapshot["questions"]
    if not 1 <= number <= len(questions):
        raise Http404("No such question in this attempt.")
    question: QuestionSnapshot = questions[number - 1]
    return question


def _timer(attempt: Attempt, now: datetime) -> timing.TimerState | None:
    if attempt.deadline is None:
        return None
    return timing.timer_state(started_at=attempt.started_at, deadline=attempt.deadline, now=now)


def _saved_at(attempt: Attempt, key: str) -> datetime | None:
    stamp = attempt.answer_times.get(key)
    return datetime.fromisoformat(stamp) if stamp else None


def _note_visit(request: AuthenticatedHttpRequest, attempt: Attempt, now: datetime) -> None:
    """Log "resumed" the first time a browser session opens an attempt it did not start."""
    seen = request.session.get(SEEN_SESSION_KEY, [])
    if attempt.pk in seen:
        return
    request.session[SEEN_SESSION_KEY] = [*seen[-19:], attempt.pk]
    services.record_resume(
        attempt_id=attempt.pk, now=now, client=request.headers.get("User-Agent", "")
    )


def _question_context(
    attempt: Attempt,
    number: int,
    now: datetime,
    *,
    selected: list[str] | None = None,
    flagged: bool | None = None,
    version: int | None = None,
    message: str = "",
    message_kind: str = "",
) -> dict[str, Any]:
    question = _question(attempt, number)
    key = question["key"]
    total = len(attempt.snapshot["questions"])
    saved = list(attempt.answers.get(key, []))
    item = question_item(
        question,
        number=number,
        selected=saved if selected is None else selected,
        name="choice",
        partial_credit=attempt.snapshot["partial_credit"],
    )
    return {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "module": attempt.quiz.module,
        "number": number,
        "total": total,
        "item": item,
        "label": f"Question {number} of {total}",
        "version": int(attempt.answer_versions.get(key, 0)) if version is None else version,
        "flagged": key in attempt.flags if flagged is None else flagged,
        "saved_at": _saved_at(attempt, key),
        "timer": _timer(attempt, now),
        "grid": _grid(attempt, number),
        "prev_url": attempt.question_url(number - 1) if number > 1 else "",
        "next_url": attempt.question_url(number + 1) if number < total else "",
        "answer_url": attempt.answer_url(number),
        "message": message,
        "message_kind": message_kind,
    }


@login_required
@require_GET
def exam_question(
    request: AuthenticatedHttpRequest,
    module_slug: str,
    quiz_slug: str,
    attempt_id: int,
    number: int,
) -> HttpResponse:
    """Show one question of an open exam with the saved answer, the clock and the grid."""
    now = timezone.now()
    attempt = get_attempt(request, module_slug, quiz_slug, attempt_id, now=now)
    if not attempt.is_open:
        return redirect(attempt.result_url())
    context = _question_context(attempt, number, now)
    _note_visit(request, attempt, now)
    return render(request, "quizzes/exam_question.html", context)


_GONE = "This exam is already finished; nothing was changed."
_LATE = (
    "Time is up: this answer reached the server after the deadline and was not saved. "
    "Your exam was graded on the answers saved before the deadline."
)


@login_required
@require_POST
def exam_answer(
    request: AuthenticatedHttpRequest,
    module_slug: str,
    quiz_slug: str,
    attempt_id: int,
    number: int,
) -> HttpResponse:
    """Save one answer and flag (htmx on every click, or the page's buttons without JS)."""
    now = timezone.now()
    attempt = get_attempt(request, module_slug, quiz_slug, attempt_id, now=now, expire=False)
    question = _question(attempt, number)
    form = ExamAnswerForm(request.POST, question=question)
    partial = "quizzes/exam_question.html#save-response"
    template = partial if request.htmx else "quizzes/exam_question.html"
    if not form.is_valid():
        version = form.cleaned_data.get("version")
        context = _question_context(
            attempt,
            number,
            now,
            selected=request.POST.getlist("choice"),
            flagged=bool(form.cleaned_data.get("flag")),
            version=version,
            message=form.problem() + " Nothing was saved.",
            message_kind="error",
        )
        return render(request, template, context)
    result = services.save_exam_answer(
        attempt_id=attempt.pk,
        question_key=question["key"],
        chosen=form.cleaned_data["choice"],
        flagged=form.cleaned_data["flag"],
        version=form.cleaned_data["version"],
        now=now,
    )
    saved = result.attempt
    saved.quiz = attempt.quiz
    outcome = result.outcome
    if outcome in (services.SaveOutcome.LATE, services.SaveOutcome.CLOSED):
        message = _LATE if outcome is services.SaveOutcome.LATE else _GONE
        if not request.htmx:
            messages.error(request, message)
            return redirect(saved.result_url())
        context = {
            "attempt": saved,
            "message": message,
            "message_kind": "error",
            "finished": True,
            "version": form.cleaned_data["version"],
            "number": number,
        }
        return render(request, partial, context)
    if outcome is services.SaveOutcome.STALE:
        changed = timezone.localtime(result.changed_at) if result.changed_at else None
        when = f" at {changed:%H:%M:%S}" if changed else ""
        message = f"This answer was changed in another tab or window{when}; reload to see it."
        context = _question_context(
            saved,
            number,
            now,
            selected=None if not request.htmx else form.cleaned_data["choice"],
            flagged=None if not request.htmx else form.cleaned_data["flag"],
            version=None if not request.htmx else form.cleaned_data["version"],
            message=message,
            message_kind="error",
        )
        context["stale"] = True
        return render(request, template, context)
    if request.htmx:
        return render(request, partial, _question_context(saved, number, now))
    total = len(saved.snapshot["questions"])
    go = form.cleaned_data.get("go") or "stay"
    if go == "review":
        return redirect(saved.review_url())
    target = {"prev": max(1, number - 1), "next": min(total, number + 1)}.get(go, number)
    return redirect(saved.question_url(target))


@dataclass(frozen=True)
class ReviewRow:
    number: int
    url: str
    answered: bool
    flagged: bool
    letters: tuple[str, ...]


@login_required
@require_GET
def exam_review(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str, attempt_id: int
) -> HttpResponse:
    """List every question with its state, the unanswered and flagged ones first, then submit."""
    now = timezone.now()
    attempt = get_attempt(request, module_slug, quiz_slug, attempt_id, now=now)
    if not attempt.is_open:
        return redirect(attempt.result_url())
    lines = receipt_lines(
        attempt.snapshot["questions"], attempt.answers, attempt.answer_times, attempt.flags
    )
    rows = [
        ReviewRow(
            number=line.number,
            url=cell.url,
            answered=cell.answered,
            flagged=cell.flagged,
            letters=line.letters,
        )
        for line, cell in zip(lines, _grid(attempt, 0), strict=True)
    ]
    _note_visit(request, attempt, now)
    return render(
        request,
        "quizzes/exam_review.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "module": attempt.quiz.module,
            "rows": rows,
            "unanswered": [row for row in rows if not row.answered],
            "flagged": [row for row in rows if row.flagged],
            "grid": _grid(attempt, 0),
            "timer": _timer(attempt, now),
            "total": len(rows),
            "answered": sum(1 for row in rows if row.answered),
        },
    )


# After the exam --------------------------------------------------------------------------------


@login_required
@require_GET
def attempt_receipt(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str, attempt_id: int
) -> HttpResponse:
    """A print-friendly receipt of the submission; `?format=txt` downloads it as text."""
    attempt = get_attempt(request, module_slug, quiz_slug, attempt_id, now=timezone.now())
    if attempt.is_open:
        return redirect(attempt)
    lines = receipt_lines(
        attempt.snapshot["questions"], attempt.answers, attempt.answer_times, attempt.flags
    )
    times = {
        line.key: datetime.fromisoformat(line.saved_at) if line.saved_at else None for line in lines
    }
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "module": attempt.quiz.module,
        "candidate": request.user,
        "lines": [(line, times[line.key]) for line in lines],
        "answered": sum(1 for line in lines if line.letters),
    }
    if request.GET.get("format") == "txt":
        text = render_to_string("quizzes/attempt_receipt.txt", context, request=request)
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        filename = f"receipt-{attempt.quiz.slug}-{attempt.pk}.txt"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(request, "quizzes/attempt_receipt.html", context)


@login_required
@require_GET
def attempt_certificate(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str, attempt_id: int
) -> HttpResponse:
    """A printable certificate for a passed exam (there is none for other attempts)."""
    attempt = get_attempt(request, module_slug, quiz_slug, attempt_id, now=timezone.now())
    if attempt.is_open or not attempt.passed:
        raise Http404("Certificates are for passed attempts.")
    return render(
        request,
        "quizzes/attempt_certificate.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "module": attempt.quiz.module,
            "candidate": request.user,
        },
    )


# Instructors -----------------------------------------------------------------------------------


def _require_instructor(request: AuthenticatedHttpRequest) -> None:
    if not request.user.is_instructor:
        raise PermissionDenied("Only instructors can see this page.")


@dataclass(frozen=True)
class EventRow:
    at: datetime
    kind: str
    label: str
    summary: str


def _event_summary(event: AttemptEvent, numbers: dict[str, int]) -> str:
    detail = event.detail if isinstance(event.detail, dict) else {}
    question = detail.get("question")
    where = f"Question {numbers.get(str(question), '?')}" if question else ""
    if event.kind == AttemptEvent.Kind.STARTED:
        deadline = detail.get("deadline")
        seen = detail.get("previously_seen", 0)
        return (
            f"{len(detail.get('questions', []))} questions drawn (seed {detail.get('seed')}, "
            f"{seen} seen before); time multiplier ×{detail.get('time_multiplier', '1')}"
            + (f"; deadline {deadline}" if deadline else "")
        )
    if event.kind == AttemptEvent.Kind.ANSWERED:
        chosen = ", ".join(detail.get("chosen", [])) or "cleared"
        return f"{where}: {chosen} (version {detail.get('sequence')})"
    if event.kind == AttemptEvent.Kind.FLAGGED:
        return f"{where}: {'flagged' if detail.get('flagged') else 'flag removed'}"
    if event.kind == AttemptEvent.Kind.REFUSED:
        why = {"stale": "stale version from another tab", "late": "after the deadline"}.get(
            str(detail.get("why")), str(detail.get("why"))
        )
        return f"{where}: refused, {why}"
    if event.kind == AttemptEvent.Kind.RESUMED:
        return f"Opened in a new browser session ({detail.get('client') or 'unknown browser'})"
    score = f"score {detail.get('score')} of {detail.get('max_score')}"
    noticed = detail.get("noticed_at")
    return score + (f"; closed when noticed at {noticed}" if noticed else "")


@login_required
@require_GET
def attempt_events(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    """The append-only event log of one attempt, for instructors."""
    _require_instructor(request)
    now = timezone.now()
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz__module", "user"), pk=attempt_id
    )
    if attempt.is_open and timing.is_overdue(attempt.deadline, now):
        services.expire_attempt(attempt_id=attempt.pk, now=now)
        attempt.refresh_from_db(fields=["status", "finished_at", "score", "passed"])
    numbers = {q["key"]: n for n, q in enumerate(attempt.snapshot["questions"], start=1)}
    rows = [
        EventRow(
            at=event.at,
            kind=event.kind,
            label=event.get_kind_display(),
            summary=_event_summary(event, numbers),
        )
        for event in attempt.events.order_by("at", "pk")
    ]
    return render(
        request,
        "quizzes/attempt_events.html",
        {"attempt": attempt, "quiz": attempt.quiz, "module": attempt.quiz.module, "rows": rows},
    )


@login_required
@require_http_methods(["GET", "POST"])
def quiz_accommodations(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str
) -> HttpResponse:
    """Instructors grant learners extra time, extra attempts or a longer window."""
    _require_instructor(request)
    quiz: Quiz = get_quiz(module_slug, quiz_slug)
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
