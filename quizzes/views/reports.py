"""Instructors' reports: learner progress (page and CSV) and each quiz's statistics."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from course.models import Module
from course.types import AuthenticatedHttpRequest

from .. import reports
from ..forms import LearnerReportForm
from ..lookups import get_quiz
from ..models import QuizKind

PAGE_SIZE = 100


def _require_instructor(request: AuthenticatedHttpRequest) -> None:
    if not request.user.is_instructor:
        raise PermissionDenied("Only instructors can see reports.")


@login_required
@require_safe
def report_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The reports: learner progress, and every graded quiz and exam with its counts."""
    _require_instructor(request)
    return render(request, "quizzes/reports/index.html", {"summaries": reports.quiz_summaries()})


def _learner_progress(
    request: AuthenticatedHttpRequest,
) -> tuple[LearnerReportForm, reports.LearnerProgress]:
    modules = list(Module.objects.published().values_list("slug", "title"))
    form = LearnerReportForm(request.GET, modules=modules)
    filters = form.cleaned_data if form.is_valid() else {}
    module_slug = filters.get("module") or ""
    module = Module.objects.published().get(slug=module_slug) if module_slug else None
    progress = reports.learner_progress(
        now=timezone.now(),
        module=module,
        username=filters.get("q", ""),
        activity=filters.get("activity", ""),
        sort=filters.get("sort") or "username",
    )
    return form, progress


@login_required
@require_safe
def report_learners(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every learner's lessons done, quiz and exam results and last activity; filter and sort."""
    _require_instructor(request)
    form, progress = _learner_progress(request)
    page = Paginator(progress.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "quizzes/reports/learners.html",
        {
            "form": form,
            "progress": progress,
            "page": page,
            "rows": [(row, row.result_cells(progress.quizzes)) for row in page.object_list],
            "query": query.urlencode(),
        },
    )


def _cell(value: object) -> str:
    """Return a CSV cell a spreadsheet will not run as a formula (OWASP, "CSV Injection")."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


@login_required
@require_safe
def report_learners_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The learner progress report as CSV, with the same filters and order, every row."""
    _require_instructor(request)
    _, progress = _learner_progress(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="learner-progress.csv"'
    writer = csv.writer(response)
    header = ["username", "lessons_done", "lessons_total", "last_activity", "quizzes_passed"]
    header.append("average_best_percent")
    for quiz in progress.quizzes:
        name = f"{quiz.module.slug}/{quiz.slug}"
        header += [f"{name} best_percent", f"{name} attempts", f"{name} passed"]
    writer.writerow(header)
    for row in progress.rows:
        line = [
            _cell(row.username),
            row.lessons_done,
            progress.lessons_total,
            row.last_activity.isoformat() if row.last_activity else "",
            row.quizzes_passed,
            "" if row.average_best is None else row.average_best,
        ]
        for result in row.result_cells(progress.quizzes):
            if result is None:
                line += ["", 0, ""]
            else:
                line += [
                    "" if result.best_percent is None else result.best_percent,
                    result.attempts,
                    "yes" if result.passed else "no",
                ]
        writer.writerow(line)
    return response


@login_required
@require_safe
def report_quiz(
    request: AuthenticatedHttpRequest, module_slug: str, quiz_slug: str
) -> HttpResponse:
    """A quiz's score distribution, pass rate, time taken and item analysis."""
    _require_instructor(request)
    quiz = get_quiz(module_slug, quiz_slug)
    if quiz.kind == QuizKind.PRACTICE:
        raise Http404("Practice quizzes have no attempts to report on.")
    return render(
        request,
        "quizzes/reports/quiz.html",
        {"quiz": quiz, "module": quiz.module, "report": reports.quiz_report(quiz)},
    )
