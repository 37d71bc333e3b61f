"""The studio's front page: each module's lessons, questions and analogies, and its preview."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from course.content.analogies import Analogy
from course.models import Lesson, Module
from course.types import AuthenticatedHttpRequest
from quizzes.models import Question

from ..models import StudioAnalogy
from ..pages import instructor_required, preview_url
from ..services.analogies import file_analogies


def _by_id(analogy: Analogy) -> str:
    return analogy.id


@require_safe
@instructor_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    modules = list(Module.objects.filter(is_published=True).order_by("order"))
    lessons = Lesson.objects.filter(module__in=modules, is_active=True).order_by("order")
    questions = (
        Question.objects.filter(module__in=modules, is_active=True)
        .select_related("lesson")
        .order_by("lesson__order", "order")
        .only(
            "pk",
            "key",
            "module_id",
            "version",
            "edited_at",
            "draft_saved_at",
            "lesson__title",
            "lesson__order",
        )
    )
    analogies = list(StudioAnalogy.objects.filter(module__in=modules).order_by("key"))
    for module in modules:
        module.studio_lessons = [x for x in lessons if x.module_id == module.pk]  # type: ignore[attr-defined]
        module.studio_questions = [x for x in questions if x.module_id == module.pk]  # type: ignore[attr-defined]
        module.preview_url = preview_url(module.slug)  # type: ignore[attr-defined]
        module.file_analogies = sorted(file_analogies(module).values(), key=_by_id)  # type: ignore[attr-defined]
        module.browser_analogies = [x for x in analogies if x.module_id == module.pk]  # type: ignore[attr-defined]
    return render(request, "studio/index.html", {"modules": modules})
