"""The studio: instructors edit lessons and questions in the browser, with a live preview
rendered by the content pipeline, and open shareable previews of drafts."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from course.content.analogies import Analogy
from course.lab.models import ScenarioPreset
from course.models import ContentState, Lesson, Module
from course.types import AuthenticatedHttpRequest
from quizzes.models import Question

from . import presets, services
from .forms import AnalogyForm, LessonTextForm, PresetTextForm, QuestionTextForm
from .middleware import PREVIEW_COOKIE, PREVIEW_COOKIE_SALT
from .models import StudioAnalogy

P = ParamSpec("P")
View = Callable[Concatenate[AuthenticatedHttpRequest, P], HttpResponse]


def instructor_required(view: View[P]) -> View[P]:
    """Sign-in first, then 403 for anyone who is not an instructor."""

    @wraps(view)
    def wrapped(
        request: AuthenticatedHttpRequest, *args: P.args, **kwargs: P.kwargs
    ) -> HttpResponse:
        if not request.user.is_instructor:
            raise PermissionDenied("Only instructors can use the studio.")
        return view(request, *args, **kwargs)

    return login_required(wrapped)  # type: ignore[return-value]


def _by_id(analogy: Analogy) -> str:
    return analogy.id


def _module(module_slug: str) -> Module:
    """Any module still in the files, draft or published (the studio shows both)."""
    return get_object_or_404(Module.objects.filter(is_published=True), slug=module_slug)


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
        module.preview_url = _preview_url(module.slug)  # type: ignore[attr-defined]
        module.file_analogies = sorted(services.file_analogies(module).values(), key=_by_id)  # type: ignore[attr-defined]
        module.browser_analogies = [x for x in analogies if x.module_id == module.pk]  # type: ignore[attr-defined]
    return render(request, "studio/index.html", {"modules": modules})


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def lesson_new(request: AuthenticatedHttpRequest, module_slug: str) -> HttpResponse:
    module = _module(module_slug)
    return _lesson_page(request, module, None, services.new_lesson_text(module))


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def lesson_edit(
    request: AuthenticatedHttpRequest, module_slug: str, lesson_slug: str
) -> HttpResponse:
    module = _module(module_slug)
    lesson = get_object_or_404(module.lessons.filter(is_active=True), slug=lesson_slug)
    return _lesson_page(request, module, lesson, services.lesson_markdown(lesson))


def _lesson_page(
    request: AuthenticatedHttpRequest, module: Module, lesson: Lesson | None, initial: str
) -> HttpResponse:
    form = LessonTextForm(request.POST or None, initial={"text": initial})
    check = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        check = services.check_lesson(module, text, lesson=lesson)
        if check.ok:
            current = lesson.state if lesson else ContentState.DRAFT
            state = form.state_for(current)
            saved = services.save_lesson(module, text, check, lesson=lesson, state=state)
            verb = "published" if state == ContentState.PUBLISHED else "saved as a draft"
            messages.success(request, f"“{saved.title}” {verb}.")
            return redirect("studio:lesson-edit", module_slug=module.slug, lesson_slug=saved.slug)
    else:
        check = services.check_lesson(module, initial, lesson=lesson)
    return render(
        request,
        "studio/lesson_form.html",
        {
            "module": module,
            "lesson": lesson,
            "form": form,
            "check": check,
            "preview_url": _preview_url(module.slug, lesson.slug) if lesson else "",
            "analogy_ids": sorted(services.module_assets(module)[1]),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@instructor_required
def lesson_preview(request: AuthenticatedHttpRequest, module_slug: str) -> HttpResponse:
    """The live preview (htmx): the text rendered and checked, nothing stored."""
    module = _module(module_slug)
    lesson = None
    if request.POST.get("lesson", "").isdigit():
        lesson = module.lessons.filter(pk=int(request.POST["lesson"])).first()
    form = LessonTextForm(request.POST)
    text = form.data.get("text", "")[:200_000]
    check = services.check_lesson(module, str(text), lesson=lesson)
    return render(request, "studio/lesson_form.html#preview", {"check": check, "module": module})


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def analogy_new(request: AuthenticatedHttpRequest, module_slug: str) -> HttpResponse:
    return _analogy_page(request, _module(module_slug), None)


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def analogy_edit(request: AuthenticatedHttpRequest, module_slug: str, key: str) -> HttpResponse:
    module = _module(module_slug)
    analogy = get_object_or_404(StudioAnalogy.objects.filter(module=module), key=key)
    return _analogy_page(request, module, analogy)


def _analogy_page(
    request: AuthenticatedHttpRequest, module: Module, analogy: StudioAnalogy | None
) -> HttpResponse:
    initial = {"colour": "teal"}
    if analogy:
        initial = {name: getattr(analogy, name) for name in services.ANALOGY_FIELDS}
    form = AnalogyForm(request.POST or None, initial=initial)
    check = None
    if request.method == "POST":
        values = form.values()
        check = services.check_analogy(module, values, editing=analogy)
        if check.ok:
            saved = services.save_analogy(module, values, check, editing=analogy)
            refreshed = services.refresh_lessons_using(module, saved.key) if analogy else []
            shown = f" Lessons showing it now: {len(refreshed)}." if refreshed else ""
            messages.success(
                request,
                f"Analogy “{saved.name}” saved: use it as ::: analogy {saved.key} in this "
                f"module's lessons.{shown}",
            )
            return redirect("studio:analogy-edit", module_slug=module.slug, key=saved.key)
    elif analogy:
        check = services.check_analogy(module, initial, editing=analogy)
    return render(
        request,
        "studio/analogy_form.html",
        {
            "module": module,
            "analogy": analogy,
            "form": form,
            "check": check,
            "sample": services.render_analogy_sample(module, check) if check else "",
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def analogy_delete(request: AuthenticatedHttpRequest, module_slug: str, key: str) -> HttpResponse:
    """Ask to confirm, then delete an analogy declared in the studio; refused while lessons use
    it (the page names them)."""
    module = _module(module_slug)
    analogy = get_object_or_404(StudioAnalogy.objects.filter(module=module), key=key)
    refusal = services.delete_refusal(module, analogy)
    if request.method == "POST" and not refusal:
        services.delete_analogy(module, analogy)
        messages.success(request, f"Analogy “{analogy.name}” ({key}) deleted.")
        return redirect("studio:index")
    return render(
        request,
        "studio/analogy_delete.html",
        {"module": module, "analogy": analogy, "refusal": refusal},
        status=409 if request.method == "POST" else 200,
    )


@require_POST
@instructor_required
def analogy_preview(request: AuthenticatedHttpRequest, module_slug: str) -> HttpResponse:
    """The live preview of an analogy (htmx): checked and drawn in a sample callout."""
    module = _module(module_slug)
    editing = None
    if request.POST.get("editing"):
        editing = StudioAnalogy.objects.filter(
            module=module, key=str(request.POST["editing"])
        ).first()
    check = services.check_analogy(module, AnalogyForm(request.POST).values(), editing=editing)
    return render(
        request,
        "studio/analogy_form.html#preview",
        {"check": check, "sample": services.render_analogy_sample(module, check)},
    )


def _question(module: Module, key: str) -> Question:
    return get_object_or_404(
        Question.objects.select_related("module", "lesson").filter(module=module), key=key
    )


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def question_new(request: AuthenticatedHttpRequest, module_slug: str) -> HttpResponse:
    """A new question: saved as a draft, asked of nobody until it is published."""
    module = _module(module_slug)
    form = QuestionTextForm(
        request.POST or None, initial={"text": services.new_question_text(module)}
    )
    if request.method == "POST" and form.is_valid():
        check = services.check_new_question(module, form.cleaned_data["text"])
        if check.ok:
            saved = services.create_question_draft(module, form.cleaned_data["text"], check)
            messages.success(
                request, f"Question {saved.key} saved as a draft: learners are not asked it yet."
            )
            return redirect("studio:question-edit", module_slug=module.slug, key=saved.key)
    else:
        check = services.check_new_question(module, form.initial["text"])
    return render(
        request,
        "studio/question_form.html",
        {"module": module, "question": None, "form": form, "check": check, "changes": []},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def question_edit(request: AuthenticatedHttpRequest, module_slug: str, key: str) -> HttpResponse:
    module = _module(module_slug)
    question = _question(module, key)
    form = QuestionTextForm(request.POST or None, initial={"text": services.editor_yaml(question)})
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        check = services.check_question(question, text)
        if check.ok and form.is_draft:
            services.save_question_draft(question, text, check)
            published = (
                "learners are not asked it yet"
                if question.is_unpublished
                else f"learners keep version {question.version} until you publish"
            )
            messages.success(request, f"Draft of question {question.key} saved: {published}.")
            return redirect("studio:question-edit", module_slug=module.slug, key=key)
        if check.ok:
            saved = services.publish_question(question, text, check)
            messages.success(
                request,
                f"Question {saved.key} published as version {saved.version}. Attempts already "
                "made keep the version they asked.",
            )
            return redirect("studio:question-edit", module_slug=module.slug, key=key)
    else:
        check = services.check_question(question, form.initial["text"])
    draft_check = check
    if request.method == "POST" and question.has_draft:
        draft_check = services.check_question(question, question.draft_yaml)
    changes = services.draft_changes(question, draft_check) if question.has_draft else []
    return render(
        request,
        "studio/question_form.html",
        {
            "module": module,
            "question": question,
            "form": form,
            "check": check,
            "changes": changes,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@instructor_required
def question_discard(request: AuthenticatedHttpRequest, module_slug: str, key: str) -> HttpResponse:
    """Throw a question's draft away (a question never published goes with it)."""
    module = _module(module_slug)
    question = _question(module, key)
    if services.discard_question_draft(question):
        messages.success(request, f"Draft question {key} discarded.")
        return redirect("studio:index")
    messages.success(
        request, f"Draft of question {key} discarded: version {question.version} stays published."
    )
    return redirect("studio:question-edit", module_slug=module.slug, key=key)


@require_POST
@instructor_required
def question_preview(request: AuthenticatedHttpRequest, module_slug: str, key: str) -> HttpResponse:
    module = _module(module_slug)
    question = _question(module, key)
    text = str(request.POST.get("text", ""))[:200_000]
    check = services.check_question(question, text)
    return render(
        request, "studio/question_form.html#preview", {"check": check, "question": question}
    )


@require_POST
@instructor_required
def question_new_preview(request: AuthenticatedHttpRequest, module_slug: str) -> HttpResponse:
    module = _module(module_slug)
    text = str(request.POST.get("text", ""))[:200_000]
    check = services.check_new_question(module, text)
    return render(request, "studio/question_form.html#preview", {"check": check, "question": None})


def _preview_url(module_slug: str, lesson_slug: str | None = None) -> str:
    token = services.preview_token(module_slug, lesson_slug)
    return reverse("studio:preview-open", kwargs={"token": token})


@require_safe
def preview_open(request: HttpRequest, token: str) -> HttpResponse:
    """A shareable preview link: an instructor sees the drafts as a learner will; others 404."""
    user = request.user
    target = services.read_preview_token(token)
    if target is None or not user.is_authenticated or not getattr(user, "is_instructor", False):
        raise Http404("No such page.")
    module_slug, lesson_slug = target
    if lesson_slug:
        url = reverse(
            "course:lesson-detail", kwargs={"module_slug": module_slug, "lesson_slug": lesson_slug}
        )
    else:
        url = reverse("course:module-detail", kwargs={"module_slug": module_slug})
    response = redirect(url)
    response.set_signed_cookie(
        PREVIEW_COOKIE,
        str(user.pk),
        salt=PREVIEW_COOKIE_SALT,
        max_age=8 * 3600,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@require_POST
def preview_exit(request: HttpRequest) -> HttpResponse:
    """Leave preview mode (anyone may drop the cookie)."""
    back = str(request.POST.get("next", ""))
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/"
    response = redirect(back or "/")
    response.delete_cookie(PREVIEW_COOKIE, samesite="Lax")
    return response


# ---------------------------------------------------------------------------------------------
# Sandbox presets (checked and previewed by `presets.py`)


@require_safe
@instructor_required
def preset_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    modules = list(Module.objects.filter(is_published=True).order_by("order"))
    rows = (
        ScenarioPreset.objects.filter(module__in=modules, is_active=True)
        .select_related("lesson")
        .order_by("lesson__order", "slug")
        .only("pk", "module_id", "slug", "title", "goal", "edited_at", "lesson__title")
    )
    for module in modules:
        module.studio_presets = [x for x in rows if x.module_id == module.pk]  # type: ignore[attr-defined]
    return render(request, "studio/preset_list.html", {"modules": modules})


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def preset_new(request: AuthenticatedHttpRequest, module_slug: str) -> HttpResponse:
    module = _module(module_slug)
    return _preset_page(request, module, None, presets.new_preset_text(module))


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def preset_edit(
    request: AuthenticatedHttpRequest, module_slug: str, preset_slug: str
) -> HttpResponse:
    module = _module(module_slug)
    preset = get_object_or_404(module.presets.filter(is_active=True), slug=preset_slug)
    return _preset_page(request, module, preset, presets.preset_yaml(preset))


def _preset_page(
    request: AuthenticatedHttpRequest,
    module: Module,
    preset: ScenarioPreset | None,
    initial: str,
) -> HttpResponse:
    form = PresetTextForm(request.POST or None, initial={"text": initial, "slug": "new-preset"})
    slug, text = form.values() if form.is_bound else ("new-preset", initial)
    slug = preset.slug if preset else slug
    check = presets.check_preset(module, text, slug=slug, editing=preset)
    if request.method == "POST" and check.ok:
        saved = presets.save_preset(module, text, check, editing=preset)
        messages.success(request, f"Preset “{saved.title}” saved: learners see it in the lab now.")
        return redirect("studio:preset-edit", module_slug=module.slug, preset_slug=saved.slug)
    return render(
        request,
        "studio/preset_form.html",
        {"module": module, "preset": preset, "form": form, "check": check},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@instructor_required
def preset_preview(request: AuthenticatedHttpRequest, module_slug: str) -> HttpResponse:
    """The live preview of a preset (htmx): checked as at load, run as in the lab, not stored."""
    module = _module(module_slug)
    preset = None
    if request.POST.get("editing"):
        preset = module.presets.filter(is_active=True, slug=str(request.POST["editing"])).first()
    slug, text = PresetTextForm(request.POST).values()
    check = presets.check_preset(module, text, slug=preset.slug if preset else slug, editing=preset)
    return render(request, "studio/preset_form.html#preview", {"check": check, "module": module})
