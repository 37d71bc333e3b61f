"""A quiz's page, starting an attempt, answering, submitting and the result.

Graded quizzes ask every question on one page; exams share these steps but ask one question per
page (see `exam`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from course.types import AuthenticatedHttpRequest

from .. import grading, history, links, services, timing, visits
from ..forms import AttemptAnswersForm, version_field_name
from ..lookups import close_overdue, get_attempt, get_quiz
from ..models import Attempt, AttemptStatus, QuizKind, ReviewPolicy


@login_required
@require_safe
def quiz_detail(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str
) -> HttpResponse:
    """Show a quiz's rules as they apply to this learner, their attempts, and Start or Continue."""
    quiz = get_quiz(module_slug, quiz_slug)
    if quiz.kind == QuizKind.PRACTICE:
        return redirect("quizzes:practice-module", module_slug=quiz.module.slug)
    now = timezone.now()
    attempts = close_overdue(
        Attempt.objects.filter(quiz=quiz, user=request.user).select_related("quiz__module"), now
    )
    open_attempt = next((attempt for attempt in attempts if attempt.is_open), None)
    accommodation = services.accommodation_for(quiz=quiz, user=request.user)
    refusal = None
    if open_attempt is None:
        refusal = services.start_refusal(
            quiz=quiz, attempts=attempts, now=now, accommodation=accommodation
        )
    allowed = services.allowance(quiz=quiz, accommodation=accommodation)
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "quiz": quiz,
            "module": quiz.module,
            "attempts": attempts,
            "open_attempt": open_attempt,
            "refusal": refusal,
            "question_count": services.questions_per_attempt(quiz=quiz),
            "accommodation": accommodation,
            "your_time": timing.duration_words(allowed.seconds)
            if allowed.seconds is not None and allowed.has_extra_time
            else "",
            "attempts_allowed": allowed.attempts,
            "window_closes": allowed.window_closes,
            "scaled_pass_mark": grading.scaled_pass_mark(quiz.pass_mark),
            "is_exam": quiz.kind == QuizKind.EXAM,
        },
    )


@login_required
@require_POST
def quiz_start(request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str) -> HttpResponse:
    """Start an attempt, or go back to the open one (a second click on Start is harmless)."""
    quiz = get_quiz(module_slug, quiz_slug)
    try:
        attempt = services.start_attempt(quiz=quiz, user=request.user, now=timezone.now())
    except services.AttemptRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(quiz)
    if attempt.is_exam and not attempt.answers and attempt.sequence == 0:
        # A fresh exam opens at question 1 in this browser session; this is no "resume".
        visits.remember(request.session, attempt.pk)
        return redirect(attempt.question_url(1))
    return redirect(attempt)


_STALE = "This quiz changed in another tab or window — reload to see your latest answers."


def _attempt_form_response(
    request: AuthenticatedHttpRequest,
    attempt: Attempt,
    form: AttemptAnswersForm,
    *,
    stale: bool = False,
) -> HttpResponse:
    return render(
        request,
        "quizzes/attempt_form.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "module": attempt.quiz.module,
            "form": form,
            "stale_message": _STALE if stale else "",
        },
    )


def _answers_form(
    attempt: Attempt, data: Mapping[str, Any] | None = None, *, complete: bool
) -> AttemptAnswersForm:
    return AttemptAnswersForm(
        data,
        questions=attempt.snapshot["questions"],
        partial_credit=attempt.snapshot["partial_credit"],
        complete=complete,
        saved=None if data is not None else attempt.answers,
        versions=attempt.answer_versions,
    )


def _redraw(form: AttemptAnswersForm, saved: services.DraftResult) -> AttemptAnswersForm:
    """Prepare a posted form to be drawn again with the tokens of what is saved now.

    A stale answer keeps its page's token: sending it again cannot erase what another tab saved.
    """
    posted = form.posted_versions()
    stale = {key: posted.get(key, 0) for key in saved.stale}
    form.versions = dict(saved.attempt.answer_versions) | stale
    return form


@login_required
@require_safe
def attempt_detail(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str, attempt_id: int
) -> HttpResponse:
    """Show every question of an open attempt, with the answers saved so far.

    An exam asks one question per page: this forwards to the first unanswered question.
    """
    attempt = get_attempt(
        user=request.user,
        module_slug=module_slug,
        quiz_slug=quiz_slug,
        attempt_id=attempt_id,
        now=timezone.now(),
    )
    if not attempt.is_open:
        return redirect(attempt.result_url())
    if attempt.is_exam:
        return redirect(attempt.question_url(attempt.first_unanswered()))
    return _attempt_form_response(request, attempt, _answers_form(attempt, complete=False))


_SAVE_RESPONSE = "quizzes/attempt_form.html#save-response"


@login_required
@vary_on_headers("HX-Request")
@require_POST
def attempt_save(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str, attempt_id: int
) -> HttpResponse:
    """Save draft answers: htmx posts each question as it changes; without JS, "Save" posts all.

    Only the posted questions change, and only if the page showed their latest version.
    """
    now = timezone.now()
    attempt = get_attempt(
        user=request.user,
        module_slug=module_slug,
        quiz_slug=quiz_slug,
        attempt_id=attempt_id,
        now=now,
    )
    if not attempt.is_open:
        return _closed(request, attempt)
    form = _answers_form(attempt, request.POST, complete=False)
    answers = form.valid_answers()
    saved = services.save_answers(
        attempt_id=attempt.pk, answers=answers, versions=form.posted_versions(), now=now
    )
    if not saved.attempt.is_open:
        return _closed(request, saved.attempt)
    saved.attempt.quiz = attempt.quiz  # keeps the module already fetched with it
    if request.htmx:
        versions = saved.attempt.answer_versions
        context = {
            "attempt": saved.attempt,
            "saved_at": timezone.localtime(),
            "problems": form.problem_numbers(),
            "status_message": _STALE if saved.stale else "",
            "tokens": [
                {"version_name": version_field_name(key), "version": versions.get(key, 0)}
                for key in answers
                if key not in saved.stale
            ],
        }
        return render(request, _SAVE_RESPONSE, context)
    if saved.stale or form.errors:
        form = _redraw(form, saved)
        return _attempt_form_response(request, saved.attempt, form, stale=bool(saved.stale))
    messages.success(request, "Your answers are saved. Come back to finish at any time.")
    return redirect(attempt)


def _closed(request: AuthenticatedHttpRequest, attempt: Attempt) -> HttpResponse:
    if request.htmx:
        return render(request, _SAVE_RESPONSE, {"attempt": attempt, "closed": True})
    return redirect(attempt.result_url())


@login_required
@require_POST
def attempt_submit(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str, attempt_id: int
) -> HttpResponse:
    """Grade the attempt once; submitting again shows the first result.

    An exam's answers are already saved one by one; its submit (from the review screen, or the
    page's timer running out with `auto=1`) only closes it.
    """
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
    if attempt.is_exam:
        auto = request.POST.get("auto") == "1"
        closed = services.submit_attempt(attempt_id=attempt.pk, now=now, auto=auto)
        if closed.is_open:
            messages.info(request, "There is still time left: your exam is open.")
            return redirect(attempt.review_url())
        return redirect(attempt.result_url())
    form = _answers_form(attempt, request.POST, complete=True)
    valid = form.is_valid()
    write = services.submit_answers if valid else services.save_answers
    saved = write(
        attempt_id=attempt.pk,
        answers=form.valid_answers(),
        versions=form.posted_versions(),
        now=now,
    )
    if not saved.attempt.is_open:
        return redirect(attempt.result_url())
    saved.attempt.quiz = attempt.quiz  # keeps the module already fetched with it
    form = _redraw(form, saved)
    return _attempt_form_response(request, saved.attempt, form, stale=bool(saved.stale))


@login_required
@require_safe
def attempt_result(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str, attempt_id: int
) -> HttpResponse:
    """Show the score, pass or fail, topics, and a review of every question as it was asked."""
    now = timezone.now()
    attempt = get_attempt(
        user=request.user,
        module_slug=module_slug,
        quiz_slug=quiz_slug,
        attempt_id=attempt_id,
        now=now,
    )
    if attempt.is_open:
        return redirect(attempt)
    quiz = attempt.quiz
    review_opens = services.review_opens_at(attempt=attempt)
    review_open = quiz.review == ReviewPolicy.IMMEDIATE or (
        review_opens is not None and now >= review_opens
    )
    result = grading.grade(attempt.snapshot, attempt.answers)
    return render(
        request,
        "quizzes/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "module": quiz.module,
            "result": result,
            "topics": history.result_topics(attempt=attempt, grade=result, review_open=review_open),
            "reviews": links.without_retired_scenarios(
                grading.review_items(attempt.snapshot, result) if review_open else [],
                module_id=quiz.module_id,
            ),
            "review_open": review_open,
            "review_opens": review_opens,
            "pass_mark": attempt.snapshot["pass_mark"],
            "expired": attempt.status == AttemptStatus.EXPIRED,
        },
    )
