"""Quiz pages: practice by lesson or module, graded quizzes, results, and the learner's history."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from random import Random
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from course.models import Lesson, Module
from course.types import AuthenticatedHttpRequest, HtmxHttpRequest

from . import grading, history, practice, services, timing
from .forms import AttemptAnswersForm, PracticeAnswerForm, question_item
from .models import Attempt, AttemptStatus, Question, Quiz, QuizKind, ReviewPolicy
from .snapshot import QuestionSnapshot, shuffle_choices

# Exam attempts this browser session has opened (a first visit from elsewhere is a "resume").
SEEN_SESSION_KEY = "exam_attempts_seen"


@dataclass(frozen=True)
class ReviewItem:
    """A question after it is answered: everything, including what was right."""

    number: int
    question: QuestionSnapshot
    result: grading.QuestionResult


@dataclass(frozen=True)
class LessonPractice:
    lesson: Lesson
    questions: int
    answered: int
    right: int


# Module quiz list ------------------------------------------------------------------------------


@require_GET
def module_quizzes(request: HtmxHttpRequest, module_slug: str) -> HttpResponse:
    module = get_object_or_404(Module.objects.published(), slug=module_slug)
    if request.user.is_authenticated:
        services.close_expired_attempts(now=timezone.now(), user=request.user)
    lessons = list(
        module.lessons.filter(is_active=True)
        .annotate(question_count=Count("questions", filter=Q(questions__is_active=True)))
        .order_by("order")
    )
    quizzes = list(
        Quiz.objects.active()
        .filter(module=module)
        .select_related("module")
        .order_by("kind", "title")
    )
    question_lessons = dict(
        Question.objects.active().filter(module=module).values_list("pk", "lesson_id")
    )
    results = practice.latest_results(
        user=request.user, session=request.session, question_ids=list(question_lessons)
    )
    practice_rows = [
        LessonPractice(
            lesson=lesson,
            questions=lesson.question_count,  # type: ignore[attr-defined]
            answered=sum(1 for pk in results if question_lessons[pk] == lesson.pk),
            right=sum(
                1 for pk, r in results.items() if r.correct and question_lessons[pk] == lesson.pk
            ),
        )
        for lesson in lessons
    ]
    summaries = history.quiz_summaries(user=request.user, quizzes=quizzes)
    return render(
        request,
        "quizzes/module_quizzes.html",
        {
            "module": module,
            "practice_rows": practice_rows,
            "missed_count": sum(1 for result in results.values() if not result.correct),
            "graded": [s for s in summaries if s.quiz.kind == QuizKind.GRADED],
            "exams": [s for s in summaries if s.quiz.kind == QuizKind.EXAM],
            "practice_quizzes": [s for s in summaries if s.quiz.kind == QuizKind.PRACTICE],
        },
    )


# Practice --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PracticeSet:
    module: Module
    lesson: Lesson | None
    questions: list[Question]
    url: str

    @property
    def title(self) -> str:
        return self.lesson.title if self.lesson else f"all of {self.module.title}"


def _practice_set(module_slug: str, lesson_slug: str | None) -> PracticeSet:
    questions = Question.objects.active().select_related("lesson").with_choices()
    if lesson_slug is None:
        module = get_object_or_404(Module.objects.published(), slug=module_slug)
        return PracticeSet(
            module=module,
            lesson=None,
            questions=list(questions.filter(module=module, lesson__is_active=True)),
            url=reverse("quizzes:practice-module", kwargs={"module_slug": module.slug}),
        )
    lesson = get_object_or_404(
        Lesson.objects.published().select_related("module"),
        module__slug=module_slug,
        slug=lesson_slug,
    )
    return PracticeSet(
        module=lesson.module,
        lesson=lesson,
        questions=list(questions.filter(lesson=lesson)),
        url=reverse(
            "quizzes:practice-lesson",
            kwargs={"module_slug": lesson.module.slug, "lesson_slug": lesson.slug},
        ),
    )


def _new_seed() -> int:
    return secrets.randbits(31)


def _practice_url(base: str, *, missed: bool, **params: object) -> str:
    query = {key: value for key, value in params.items() if value is not None}
    if missed:
        query["missed"] = 1
    return f"{base}?{urlencode(query)}" if query else base


def _practice_context(
    request: HtmxHttpRequest,
    pset: PracticeSet,
    results: dict[int, practice.PracticeResult],
    *,
    current_key: str | None,
    seed: int,
    answered: bool,
    missed_only: bool,
    form: PracticeAnswerForm | None = None,
) -> dict[str, object]:
    by_key = {question.key: question for question in pset.questions}
    keys = list(by_key)
    missed_keys = [
        key for key in keys if by_key[key].pk in results and not results[by_key[key].pk].correct
    ]
    set_keys = missed_keys if missed_only else keys
    errors: list[str] = []
    notice = ""
    if form is not None and form.is_bound:
        errors = [str(error) for error in form.errors.get("choice", [])]
        notice = " ".join(
            str(error) for name in ("question", "seed") for error in form.errors.get(name, [])
        )
    if current_key not in by_key or (not answered and current_key not in set_keys):
        current_key = set_keys[0] if set_keys else None
    context: dict[str, object] = {
        "pset": pset,
        "module": pset.module,
        "missed_only": missed_only,
        "missed_count": len(missed_keys),
        "total": len(keys),
        "answered_count": sum(1 for q in pset.questions if q.pk in results),
        "right_count": sum(1 for q in pset.questions if q.pk in results and results[q.pk].correct),
        "all_url": pset.url,
        "missed_url": _practice_url(pset.url, missed=True),
        "question": None,
        "answered": False,
        "htmx": bool(request.htmx),
        "announcement": notice,
        "notice": notice,
    }
    if current_key is None:
        return context
    question = by_key[current_key]
    snapshot = question.as_snapshot()
    snapshot["choices"] = shuffle_choices(snapshot["choices"], Random(seed))
    index = keys.index(current_key)
    later = [key for key in set_keys if keys.index(key) > index]
    position = set_keys.index(current_key) + 1 if current_key in set_keys else None
    label = (
        f"Question {position} of {len(set_keys)}"
        if position and not missed_only
        else f"Missed question {position} of {len(set_keys)}"
        if position
        else "Question"
    )
    result = results.get(question.pk)
    context |= {
        "question": snapshot,
        "label": label,
        "seed": seed,
        "next_url": _practice_url(pset.url, missed=missed_only, q=later[0]) if later else "",
        "retry_url": _practice_url(pset.url, missed=missed_only, q=current_key),
        "module_quizzes_url": reverse(
            "quizzes:module-quizzes", kwargs={"module_slug": pset.module.slug}
        ),
    }
    if answered and result is not None:
        score = grading.score_question(snapshot, result.chosen, partial_credit=False)
        verdict = "Correct." if result.correct else "Not quite."
        context |= {
            "answered": True,
            "review": ReviewItem(
                number=position or index + 1,
                question=snapshot,
                result=grading.QuestionResult(
                    key=current_key,
                    topic=snapshot["topic"],
                    chosen=result.chosen,
                    score=score,
                ),
            ),
            "announcement": f"{verdict} The explanation of every choice follows.",
        }
    else:
        selected: list[str] = []
        if errors and form is not None:
            selected = request.POST.getlist("choice")
        context["item"] = question_item(
            snapshot, number=position or index + 1, selected=selected, errors=errors, name="choice"
        )
        context["announcement"] = " ".join([notice, *errors]) if notice or errors else label
    return context


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def practice_questions(
    request: HtmxHttpRequest, module_slug: str, lesson_slug: str | None = None
) -> HttpResponse:
    """Ask one practice question at a time; answering shows what was right and why."""
    pset = _practice_set(module_slug, lesson_slug)
    data = request.POST if request.method == "POST" else request.GET
    missed_only = data.get("missed") == "1"
    results = practice.latest_results(
        user=request.user,
        session=request.session,
        question_ids=[question.pk for question in pset.questions],
    )
    template = "quizzes/practice.html#question" if request.htmx else "quizzes/practice.html"
    if request.method == "POST":
        form = PracticeAnswerForm(
            request.POST, questions={q.key: q.as_snapshot() for q in pset.questions}
        )
        if not form.is_valid():
            seed = form.cleaned_data.get("seed")
            context = _practice_context(
                request,
                pset,
                results,
                current_key=form.data.get("question"),
                seed=_new_seed() if seed is None else seed,
                answered=False,
                missed_only=missed_only,
                form=form,
            )
            return render(request, template, context)
        key = form.cleaned_data["question"]
        seed = form.cleaned_data["seed"]
        chosen = form.cleaned_data["choice"]
        question = next(q for q in pset.questions if q.key == key)
        assert form.question_snapshot is not None
        correct = grading.score_question(form.question_snapshot, chosen, partial_credit=False) == 1
        practice.record_answer(
            user=request.user,
            session=request.session,
            question=question,
            chosen=chosen,
            correct=correct,
            now=timezone.now(),
        )
        if not request.htmx:
            return redirect(
                _practice_url(pset.url, missed=missed_only, q=key, seed=seed, answered=1)
            )
        results[question.pk] = practice.PracticeResult(tuple(chosen), correct)
        context = _practice_context(
            request,
            pset,
            results,
            current_key=key,
            seed=seed,
            answered=True,
            missed_only=missed_only,
        )
        return render(request, template, context)
    seed_text = request.GET.get("seed", "")
    seed = int(seed_text) if seed_text.isdigit() and len(seed_text) < 10 else _new_seed()
    context = _practice_context(
        request,
        pset,
        results,
        current_key=request.GET.get("q"),
        seed=seed,
        answered=request.GET.get("answered") == "1",
        missed_only=missed_only,
    )
    return render(request, template, context)


# Graded quizzes --------------------------------------------------------------------------------


def get_quiz(module_slug: str, quiz_slug: str) -> Quiz:
    return get_object_or_404(
        Quiz.objects.active().select_related("module"), module__slug=module_slug, slug=quiz_slug
    )


def get_attempt(
    request: AuthenticatedHttpRequest,
    module_slug: str,
    quiz_slug: str,
    attempt_id: int,
    *,
    now: datetime,
    expire: bool = True,
) -> Attempt:
    """Return the learner's attempt; with `expire`, an overdue one is closed at its deadline."""
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz__module"),
        pk=attempt_id,
        user=request.user,
        quiz__slug=quiz_slug,
        quiz__module__slug=module_slug,
    )
    if expire and attempt.is_open and timing.is_overdue(attempt.deadline, now):
        closed = services.expire_attempt(attempt_id=attempt.pk, now=now)
        closed.quiz = attempt.quiz
        return closed
    return attempt


def _close_overdue(attempts: list[Attempt], now: datetime) -> list[Attempt]:
    """Return `attempts` with every overdue open one closed at its deadline."""
    closed = []
    for attempt in attempts:
        if attempt.is_open and timing.is_overdue(attempt.deadline, now):
            expired = services.expire_attempt(attempt_id=attempt.pk, now=now)
            expired.quiz = attempt.quiz
            attempt = expired
        closed.append(attempt)
    return closed


@login_required
@require_GET
def quiz_detail(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str
) -> HttpResponse:
    quiz = get_quiz(module_slug, quiz_slug)
    if quiz.kind == QuizKind.PRACTICE:
        return redirect("quizzes:practice-module", module_slug=quiz.module.slug)
    now = timezone.now()
    attempts = _close_overdue(
        list(Attempt.objects.filter(quiz=quiz, user=request.user).select_related("quiz__module")),
        now,
    )
    open_attempt = next((attempt for attempt in attempts if attempt.is_open), None)
    accommodation = services.accommodation_for(quiz=quiz, user=request.user)
    refusal = None
    if open_attempt is None:
        refusal = services.start_refusal(
            quiz=quiz, attempts=attempts, now=now, accommodation=accommodation
        )
    extra = accommodation.extra_attempts if accommodation else 0
    minutes = None
    if quiz.time_limit_minutes:
        multiplier = accommodation.time_multiplier if accommodation else 1
        minutes = round(quiz.time_limit_minutes * multiplier)
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
            "your_minutes": minutes,
            "attempts_allowed": quiz.attempts_allowed + extra if quiz.attempts_allowed else None,
            "window_closes": timing.window_close(
                quiz.closes_at, accommodation.window_extension_minutes if accommodation else 0
            )
            if quiz.closes_at
            else None,
            "scaled_pass_mark": grading.scaled_pass_mark(quiz.pass_mark),
            "is_exam": quiz.kind == QuizKind.EXAM,
        },
    )


@login_required
@require_POST
def quiz_start(request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str) -> HttpResponse:
    quiz = get_quiz(module_slug, quiz_slug)
    try:
        attempt = services.start_attempt(quiz=quiz, user=request.user, now=timezone.now())
    except services.AttemptRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(quiz)
    if attempt.is_exam and not attempt.answers and attempt.sequence == 0:
        # A fresh exam opens at question 1 in this browser session; this is no "resume".
        seen = request.session.get(SEEN_SESSION_KEY, [])
        if attempt.pk not in seen:
            request.session[SEEN_SESSION_KEY] = [*seen[-19:], attempt.pk]
        return redirect(attempt.question_url(1))
    return redirect(attempt)


def _attempt_form_response(
    request: AuthenticatedHttpRequest, attempt: Attempt, form: AttemptAnswersForm
) -> HttpResponse:
    return render(
        request,
        "quizzes/attempt_form.html",
        {"attempt": attempt, "quiz": attempt.quiz, "module": attempt.quiz.module, "form": form},
    )


@login_required
@require_GET
def attempt_detail(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str, attempt_id: int
) -> HttpResponse:
    """Show every question of an open attempt, with the answers saved so far.

    An exam asks one question per page: this forwards to the first unanswered question.
    """
    attempt = get_attempt(request, module_slug, quiz_slug, attempt_id, now=timezone.now())
    if not attempt.is_open:
        return redirect(attempt.result_url())
    if attempt.is_exam:
        keys = [question["key"] for question in attempt.snapshot["questions"]]
        unanswered = [n for n, key in enumerate(keys, start=1) if not attempt.answers.get(key)]
        return redirect(attempt.question_url(unanswered[0] if unanswered else 1))
    form = AttemptAnswersForm(
        questions=attempt.snapshot["questions"],
        partial_credit=attempt.snapshot["partial_credit"],
        complete=False,
        saved=attempt.answers,
    )
    return _attempt_form_response(request, attempt, form)


@login_required
@require_POST
def attempt_save(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str, attempt_id: int
) -> HttpResponse:
    """Save draft answers (htmx autosave on every change, or the "Save" button without JS)."""
    attempt = get_attempt(request, module_slug, quiz_slug, attempt_id, now=timezone.now())
    if not attempt.is_open:
        if request.htmx:
            return render(request, "quizzes/attempt_form.html#save-status", {"closed": True})
        return redirect(attempt.result_url())
    form = AttemptAnswersForm(
        request.POST,
        questions=attempt.snapshot["questions"],
        partial_credit=attempt.snapshot["partial_credit"],
        complete=False,
    )
    form.is_valid()
    services.save_answers(attempt_id=attempt.pk, answers=form.valid_answers(), now=timezone.now())
    if request.htmx:
        return render(
            request,
            "quizzes/attempt_form.html#save-status",
            {"saved_at": timezone.localtime(), "problems": form.problem_numbers(), "closed": False},
        )
    if form.errors:
        return _attempt_form_response(request, attempt, form)
    messages.success(request, "Your answers are saved. Come back to finish at any time.")
    return redirect(attempt)


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
    attempt = get_attempt(request, module_slug, quiz_slug, attempt_id, now=now)
    if not attempt.is_open:
        return redirect(attempt.result_url())
    if attempt.is_exam:
        auto = request.POST.get("auto") == "1"
        closed = services.submit_attempt(attempt_id=attempt.pk, now=now, auto=auto)
        if closed.is_open:
            messages.info(request, "There is still time left: your exam is open.")
            return redirect(attempt.review_url())
        return redirect(attempt.result_url())
    form = AttemptAnswersForm(
        request.POST,
        questions=attempt.snapshot["questions"],
        partial_credit=attempt.snapshot["partial_credit"],
        complete=True,
    )
    if not form.is_valid():
        services.save_answers(
            attempt_id=attempt.pk, answers=form.valid_answers(), now=timezone.now()
        )
        return _attempt_form_response(request, attempt, form)
    services.submit_attempt(attempt_id=attempt.pk, answers=form.valid_answers(), now=timezone.now())
    return redirect(attempt.result_url())


@login_required
@require_GET
def attempt_result(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str, attempt_id: int
) -> HttpResponse:
    """Show the score, pass or fail, topics, and a review of every question as it was asked."""
    attempt = get_attempt(request, module_slug, quiz_slug, attempt_id, now=timezone.now())
    if attempt.is_open:
        return redirect(attempt)
    quiz = attempt.quiz
    now = timezone.now()
    review_opens = services.review_opens_at(attempt=attempt)
    review_open = quiz.review == ReviewPolicy.IMMEDIATE or (
        review_opens is not None and now >= review_opens
    )
    result = grading.grade(attempt.snapshot, attempt.answers)
    reviews = [
        ReviewItem(number=number, question=question, result=question_result)
        for number, (question, question_result) in enumerate(
            zip(attempt.snapshot["questions"], result.questions, strict=True), start=1
        )
    ]
    return render(
        request,
        "quizzes/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "module": quiz.module,
            "result": result,
            "topics": history.topic_rows(attempt.topic_scores),
            "reviews": reviews if review_open else [],
            "review_open": review_open,
            "review_opens": review_opens,
            "pass_mark": attempt.snapshot["pass_mark"],
            "expired": attempt.status == AttemptStatus.EXPIRED,
        },
    )


# History ---------------------------------------------------------------------------------------


@login_required
@require_GET
def learner_history(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show past attempts and, per topic, how the learner does in graded quizzes and practice."""
    attempts = _close_overdue(
        list(
            Attempt.objects.filter(user=request.user)
            .select_related("quiz__module")
            .order_by("-started_at")
        ),
        timezone.now(),
    )
    return render(
        request,
        "quizzes/history.html",
        {
            "attempts": attempts,
            "topics": history.strengths(user=request.user, attempts=attempts),
        },
    )
