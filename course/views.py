"""Pages of the course: catalogue, module, lesson, printable lesson, search and error pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from . import progress
from .caching import anonymous_page_cache, fragment_context, shared
from .forms import LessonCompleteForm, SearchForm
from .models import Lesson, Module
from .types import HtmxHttpRequest

# A lesson's own text: only the lesson page (and its printable version) shows it.
LESSON_TEXT = ("html", "toc", "plain_text", "markdown")


def _catalogue() -> dict[str, Any]:
    """Return the catalogue's shared part: modules with their lesson ids, lessons by id."""
    modules = list(Module.objects.published())
    lessons = list(
        Lesson.objects.published()
        .select_related("module")
        .order_by("module__order", "order")
        .only("pk", "slug", "title", "module_id", "module__slug")
    )
    ids = {
        module.pk: [lesson.pk for lesson in lessons if lesson.module_id == module.pk]
        for module in modules
    }
    return {
        "modules": [(module, ids[module.pk]) for module in modules],
        "lessons": {lesson.pk: lesson for lesson in lessons},
        "first_lesson": lessons[0] if lessons else None,
    }


@require_safe
@anonymous_page_cache
def module_list(request: HtmxHttpRequest) -> HttpResponse:
    catalogue = shared("catalogue", _catalogue)
    seen = progress.progress_for(request.user, request.session)
    cards = [
        {"module": module, "lesson_count": len(ids), "percent_done": seen.percent_of(ids)}
        for module, ids in catalogue["modules"]
    ]
    resume = None
    if seen.last_lesson_id is not None:
        resume = catalogue["lessons"].get(seen.last_lesson_id)
    return render(
        request,
        "course/module_list.html",
        {
            "cards": cards,
            "resume": resume,
            "first_lesson": None if resume else catalogue["first_lesson"],
        },
    )


def _module_parts(module_slug: str) -> tuple[Module, list[Lesson], list[str]]:
    """Return a published module, its published lessons in order (no text) and their URLs."""
    module = get_object_or_404(Module.objects.published(), slug=module_slug)
    lessons = list(module.lessons.published().order_by("order").defer(*LESSON_TEXT))
    return module, lessons, [lesson.get_absolute_url() for lesson in lessons]


@require_safe
@anonymous_page_cache
def module_detail(request: HtmxHttpRequest, module_slug: str) -> HttpResponse:
    module, lessons, urls = shared(f"module:{module_slug}", lambda: _module_parts(module_slug))
    seen = progress.progress_for(request.user, request.session)
    return render(
        request,
        "course/module_detail.html",
        {
            "module": module,
            "lessons": lessons,
            "rows": list(zip(lessons, urls, strict=True)),
            "progress": seen,
            "percent_done": seen.percent_of([lesson.pk for lesson in lessons]),
            "total_minutes": sum(lesson.minutes for lesson in lessons),
            "next_step": progress.next_lesson(seen, lessons),
        },
    )


def _lesson_parts(module_slug: str, lesson_slug: str) -> tuple[Lesson, list[Lesson]]:
    """Return a published lesson (without its sources) and its module's lessons in order."""
    lesson = get_object_or_404(
        Lesson.objects.published().select_related("module").defer("plain_text", "markdown"),
        module__slug=module_slug,
        slug=lesson_slug,
    )
    siblings = list(
        Lesson.objects.published()
        .filter(module_id=lesson.module_id)
        .order_by("order")
        .select_related("module")
        .only("pk", "slug", "title", "order", "module__slug")
    )
    return lesson, siblings


def _lesson_context(
    request: HtmxHttpRequest, module_slug: str, lesson_slug: str
) -> dict[str, object]:
    lesson, siblings = shared(
        f"lesson:{module_slug}:{lesson_slug}", lambda: _lesson_parts(module_slug, lesson_slug)
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == lesson.pk)
    seen = progress.progress_for(request.user, request.session)
    return {
        **fragment_context(),
        "lesson": lesson,
        "module": lesson.module,
        "siblings": siblings,
        "position": index + 1,
        "previous": siblings[index - 1] if index > 0 else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        "progress": seen,
        "is_complete": lesson.pk in seen.completed,
        "percent_done": seen.percent_of([sibling.pk for sibling in siblings]),
    }


@require_safe
@anonymous_page_cache
def lesson_detail(request: HtmxHttpRequest, module_slug: str, lesson_slug: str) -> HttpResponse:
    context = _lesson_context(request, module_slug, lesson_slug)
    lesson = context["lesson"]
    assert isinstance(lesson, Lesson)
    seen = context["progress"]
    assert isinstance(seen, progress.ProgressView)
    progress.record_visit(
        user=request.user, session=request.session, lesson=lesson, now=timezone.now(), seen=seen
    )
    return render(request, "course/lesson_detail.html", context)


@require_safe
def lesson_print(request: HtmxHttpRequest, module_slug: str, lesson_slug: str) -> HttpResponse:
    context = _lesson_context(request, module_slug, lesson_slug)
    return render(request, "course/lesson_print.html", context)


@require_POST
def lesson_complete(request: HtmxHttpRequest, module_slug: str, lesson_slug: str) -> HttpResponse:
    lesson = get_object_or_404(
        Lesson.objects.published().select_related("module"),
        module__slug=module_slug,
        slug=lesson_slug,
    )
    form = LessonCompleteForm(request.POST)
    complete = form.cleaned_data["complete"] if form.is_valid() else True
    progress.set_complete(
        user=request.user,
        session=request.session,
        lesson=lesson,
        complete=complete,
        now=timezone.now(),
    )
    if request.htmx:
        context = _lesson_context(request, module_slug, lesson_slug)
        return render(request, "course/lesson_detail.html#progress", context)
    return redirect(lesson)


@require_safe
@vary_on_headers("HX-Request")
def search(request: HtmxHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results: list[Lesson] = []
    if form.is_valid():
        results = list(form.search(Lesson.objects.published().select_related("module")))
    template = (
        "course/search_results.html#results" if request.htmx else "course/search_results.html"
    )
    return render(request, template, {"form": form, "results": results})


@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """Answer a load balancer's health check (and the benchmarks' trivial baseline)."""
    return HttpResponse("ok", content_type="text/plain")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be what failed.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
