"""The lesson editor: a lesson's Markdown checked and rendered as `loadcourse` would, saved as
a draft or published, with a live preview (htmx) as the instructor types."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from course.models import ContentState, Lesson, Module
from course.types import AuthenticatedHttpRequest

from ..forms import LessonTextForm
from ..pages import instructor_required, preview_url, render_editor, studio_module
from ..services.analogies import module_assets
from ..services.lessons import check_lesson, lesson_markdown, new_lesson_text, save_lesson


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def lesson_new(request: AuthenticatedHttpRequest, module_slug: str) -> HttpResponse:
    module = studio_module(module_slug)
    return _lesson_page(request, module, None, new_lesson_text(module))


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def lesson_edit(
    request: AuthenticatedHttpRequest, module_slug: str, lesson_slug: str
) -> HttpResponse:
    module = studio_module(module_slug)
    lesson = get_object_or_404(module.lessons.filter(is_active=True), slug=lesson_slug)
    return _lesson_page(request, module, lesson, lesson_markdown(lesson))


def _lesson_page(
    request: AuthenticatedHttpRequest, module: Module, lesson: Lesson | None, initial: str
) -> HttpResponse:
    form = LessonTextForm(request.POST or None, initial={"text": initial})
    check = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        check = check_lesson(module, text, lesson=lesson)
        if check.ok:
            current = lesson.state if lesson else ContentState.DRAFT
            state = form.state_for(current)
            saved = save_lesson(module, text, check, lesson=lesson, state=state)
            verb = "published" if state == ContentState.PUBLISHED else "saved as a draft"
            messages.success(request, f"“{saved.title}” {verb}.")
            return redirect("studio:lesson-edit", module_slug=module.slug, lesson_slug=saved.slug)
    else:
        check = check_lesson(module, initial, lesson=lesson)
    return render_editor(
        request,
        "studio/lesson_form.html",
        {
            "module": module,
            "lesson": lesson,
            "form": form,
            "check": check,
            "preview_url": preview_url(module.slug, lesson.slug) if lesson else "",
            "analogy_ids": sorted(module_assets(module)[1]),
        },
    )


@require_POST
@instructor_required
def lesson_preview(request: AuthenticatedHttpRequest, module_slug: str) -> HttpResponse:
    """The live preview (htmx): the text rendered and checked, nothing stored."""
    module = studio_module(module_slug)
    lesson = None
    if request.POST.get("lesson", "").isdigit():
        lesson = module.lessons.filter(pk=int(request.POST["lesson"])).first()
    form = LessonTextForm(request.POST)
    text = form.data.get("text", "")[:200_000]
    check = check_lesson(module, str(text), lesson=lesson)
    return render(request, "studio/lesson_form.html#preview", {"check": check, "module": module})
