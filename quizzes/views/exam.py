"""Timed exam pages: one question per page with autosave, the question grid, the review screen
before submitting, and the receipt and certificate afterwards.

The server owns the clock: every page computes the time left from the attempt's stored
deadline, and every request to an attempt closes it first if its deadline has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from course.types import AuthenticatedHttpRequest

from .. import services, timing, visits
from ..forms import ExamAnswerForm, question_item
from ..lookups import get_attempt
from ..models import Attempt
from ..receipt import receipt_lines
from ..snapshot import QuestionSnapshot


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
    return [
        GridCell(
            number=number,
            url=attempt.question_url(number),
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
    if visits.remember(request.session, attempt.pk):
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
@require_safe
def exam_question(
    request: AuthenticatedHttpRequest,
    module_slug: str,
    quiz_slug: str,
    attempt_id: int,
    number: int,
) -> HttpResponse:
    """Show one question of an open exam with the saved answer, the clock and the grid."""
    now = timezone.now()
    attempt = get_attempt(
        user=request.user,
        module_slug=module_slug,
        quiz_slug=quiz_slug,
        attempt_id=attempt_id,
        now=now,
    )
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
_SAVE_RESPONSE = "quizzes/exam_question.html#save-response"


@login_required
@vary_on_headers("HX-Request")
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
    # One read of the attempt, locking its row only, held until the answer is saved; the
    # response is rendered after the commit. A late answer is refused by the save, and says so.
    with transaction.atomic():
        try:
            attempt = services.lock_attempt(
                attempt_id=attempt_id,
                user=request.user,
                module_slug=module_slug,
                quiz_slug=quiz_slug,
            )
        except Attempt.DoesNotExist as missing:
            raise Http404("No such attempt.") from missing
        question = _question(attempt, number)
        form = ExamAnswerForm(request.POST, question=question)
        result = None
        if form.is_valid():
            result = services.save_exam_answer(
                attempt_id=attempt.pk,
                question_key=question["key"],
                chosen=form.cleaned_data["choice"],
                flagged=form.cleaned_data["flag"],
                version=form.cleaned_data["version"],
                now=now,
                locked=attempt,
            )
    template = _SAVE_RESPONSE if request.htmx else "quizzes/exam_question.html"
    if result is None:
        context = _question_context(
            attempt,
            number,
            now,
            selected=request.POST.getlist("choice"),
            flagged=bool(form.cleaned_data.get("flag")),
            version=form.cleaned_data.get("version"),
            message=form.problem() + " Nothing was saved.",
            message_kind="error",
        )
        return render(request, template, context)
    if result.outcome in (services.SaveOutcome.LATE, services.SaveOutcome.CLOSED):
        return _refused(request, result, form, number)
    if result.outcome is services.SaveOutcome.STALE:
        return _stale(request, result, form, number, now)
    if request.htmx:
        return render(request, _SAVE_RESPONSE, _question_context(result.attempt, number, now))
    return _go(result.attempt, number, form.cleaned_data.get("go") or "stay")


def _refused(
    request: AuthenticatedHttpRequest,
    result: services.SaveResult,
    form: ExamAnswerForm,
    number: int,
) -> HttpResponse:
    """Say the exam is over: the answer came too late, or the exam was already finished."""
    message = _LATE if result.outcome is services.SaveOutcome.LATE else _GONE
    if not request.htmx:
        messages.error(request, message)
        return redirect(result.attempt.result_url())
    context = {
        "attempt": result.attempt,
        "message": message,
        "message_kind": "error",
        "finished": True,
        "version": form.cleaned_data["version"],
        "number": number,
    }
    return render(request, _SAVE_RESPONSE, context)


def _stale(
    request: AuthenticatedHttpRequest,
    result: services.SaveResult,
    form: ExamAnswerForm,
    number: int,
    now: datetime,
) -> HttpResponse:
    """Refuse an answer drawn before another tab changed it.

    With htmx the page keeps what the learner chose; without, it shows what is saved now.
    """
    changed = timezone.localtime(result.changed_at) if result.changed_at else None
    when = f" at {changed:%H:%M:%S}" if changed else ""
    keep = bool(request.htmx)
    context = _question_context(
        result.attempt,
        number,
        now,
        selected=form.cleaned_data["choice"] if keep else None,
        flagged=form.cleaned_data["flag"] if keep else None,
        version=form.cleaned_data["version"] if keep else None,
        message=f"This answer was changed in another tab or window{when}; reload to see it.",
        message_kind="error",
    )
    context["stale"] = True
    template = _SAVE_RESPONSE if request.htmx else "quizzes/exam_question.html"
    return render(request, template, context)


def _go(attempt: Attempt, number: int, go: str) -> HttpResponse:
    """Move where the learner's button said: the previous or next question, or the review."""
    if go == "review":
        return redirect(attempt.review_url())
    total = len(attempt.snapshot["questions"])
    target = {"prev": max(1, number - 1), "next": min(total, number + 1)}.get(go, number)
    return redirect(attempt.question_url(target))


@dataclass(frozen=True)
class ReviewRow:
    number: int
    url: str
    answered: bool
    flagged: bool
    letters: tuple[str, ...]


@login_required
@require_safe
def exam_review(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str, attempt_id: int
) -> HttpResponse:
    """List every question with its state, the unanswered and flagged ones first, then submit."""
    now = timezone.now()
    attempt = get_attempt(
        user=request.user,
        module_slug=module_slug,
        quiz_slug=quiz_slug,
        attempt_id=attempt_id,
        now=now,
    )
    if not attempt.is_open:
        return redirect(attempt.result_url())
    lines = receipt_lines(
        attempt.snapshot["questions"], attempt.answers, attempt.answer_times, attempt.flags
    )
    grid = _grid(attempt, 0)
    rows = [
        ReviewRow(
            number=line.number,
            url=cell.url,
            answered=cell.answered,
            flagged=cell.flagged,
            letters=line.letters,
        )
        for line, cell in zip(lines, grid, strict=True)
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
            "grid": grid,
            "timer": _timer(attempt, now),
            "total": len(rows),
            "answered": sum(1 for row in rows if row.answered),
        },
    )


# After the exam --------------------------------------------------------------------------------


@login_required
@require_safe
def attempt_receipt(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str, attempt_id: int
) -> HttpResponse:
    """A print-friendly receipt of the submission; `?format=txt` downloads it as text."""
    attempt = get_attempt(
        user=request.user,
        module_slug=module_slug,
        quiz_slug=quiz_slug,
        attempt_id=attempt_id,
        now=timezone.now(),
    )
    if attempt.is_open:
        return redirect(attempt)
    lines = receipt_lines(
        attempt.snapshot["questions"], attempt.answers, attempt.answer_times, attempt.flags
    )
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "module": attempt.quiz.module,
        "candidate": request.user,
        "lines": [
            (line, datetime.fromisoformat(line.saved_at) if line.saved_at else None)
            for line in lines
        ],
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
@require_safe
def attempt_certificate(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str, attempt_id: int
) -> HttpResponse:
    """A printable certificate for a passed exam (there is none for other attempts)."""
    attempt = get_attempt(
        user=request.user,
        module_slug=module_slug,
        quiz_slug=quiz_slug,
        attempt_id=attempt_id,
        now=timezone.now(),
    )
    if not attempt.has_certificate:
        raise Http404("Certificates are for passed exams.")
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
