"""The question editor: one question's YAML checked as its bank file would be, kept as a draft
or published as the next version, with a live preview (htmx) as the instructor types."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from course.models import Module
from course.types import AuthenticatedHttpRequest
from quizzes.models import Question

from ..forms import QuestionTextForm
from ..pages import instructor_required, render_editor, studio_module
from ..services.questions import (
    check_new_question,
    check_question,
    create_question_draft,
    discard_question_draft,
    draft_changes,
    editor_yaml,
    new_question_text,
    publish_question,
    save_question_draft,
)


def _question(module_slug: str, key: str) -> tuple[Module, Question]:
    """Return the module and one of its questions (draft, published or retired)."""
    module = studio_module(module_slug)
    question = get_object_or_404(
        Question.objects.select_related("module", "lesson").filter(module=module), key=key
    )
    return module, question


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def question_new(request: AuthenticatedHttpRequest, module_slug: str) -> HttpResponse:
    """A new question: saved as a draft, asked of nobody until it is published."""
    module = studio_module(module_slug)
    form = QuestionTextForm(request.POST or None, initial={"text": new_question_text(module)})
    if request.method == "POST" and form.is_valid():
        check = check_new_question(module, form.cleaned_data["text"])
        if check.ok:
            saved = create_question_draft(module, form.cleaned_data["text"], check)
            messages.success(
                request, f"Question {saved.key} saved as a draft: learners are not asked it yet."
            )
            return redirect("studio:question-edit", module_slug=module.slug, key=saved.key)
    else:
        check = check_new_question(module, form.initial["text"])
    return render_editor(
        request,
        "studio/question_form.html",
        {"module": module, "question": None, "form": form, "check": check, "changes": []},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def question_edit(request: AuthenticatedHttpRequest, module_slug: str, key: str) -> HttpResponse:
    module, question = _question(module_slug, key)
    form = QuestionTextForm(request.POST or None, initial={"text": editor_yaml(question)})
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        check = check_question(question, text)
        if check.ok and form.is_draft:
            save_question_draft(question, text, check)
            published = (
                "learners are not asked it yet"
                if question.is_unpublished
                else f"learners keep version {question.version} until you publish"
            )
            messages.success(request, f"Draft of question {question.key} saved: {published}.")
            return redirect("studio:question-edit", module_slug=module.slug, key=key)
        if check.ok and not question.is_unpublished and not draft_changes(question, check):
            discard_question_draft(question)  # a draft, if any, said nothing new either
            messages.info(
                request,
                f"Question {question.key} is unchanged for learners: version {question.version} "
                "stays published.",
            )
            return redirect("studio:question-edit", module_slug=module.slug, key=key)
        if check.ok:
            saved = publish_question(question, text, check)
            messages.success(
                request,
                f"Question {saved.key} published as version {saved.version}. Attempts already "
                "made keep the version they asked.",
            )
            return redirect("studio:question-edit", module_slug=module.slug, key=key)
    else:
        check = check_question(question, form.initial["text"])
    draft_check = check
    if request.method == "POST" and question.has_draft:
        draft_check = check_question(question, question.draft_yaml)
    changes = draft_changes(question, draft_check) if question.has_draft else []
    return render_editor(
        request,
        "studio/question_form.html",
        {
            "module": module,
            "question": question,
            "form": form,
            "check": check,
            "changes": changes,
        },
    )


@require_POST
@instructor_required
def question_discard(request: AuthenticatedHttpRequest, module_slug: str, key: str) -> HttpResponse:
    """Throw a question's draft away (a question never published goes with it)."""
    module, question = _question(module_slug, key)
    if discard_question_draft(question):
        messages.success(request, f"Draft question {key} discarded.")
        return redirect("studio:index")
    messages.success(
        request, f"Draft of question {key} discarded: version {question.version} stays published."
    )
    return redirect("studio:question-edit", module_slug=module.slug, key=key)


@require_POST
@instructor_required
def question_preview(request: AuthenticatedHttpRequest, module_slug: str, key: str) -> HttpResponse:
    _, question = _question(module_slug, key)
    text = str(request.POST.get("text", ""))[:200_000]
    check = check_question(question, text)
    return render(
        request, "studio/question_form.html#preview", {"check": check, "question": question}
    )


@require_POST
@instructor_required
def question_new_preview(request: AuthenticatedHttpRequest, module_slug: str) -> HttpResponse:
    module = studio_module(module_slug)
    text = str(request.POST.get("text", ""))[:200_000]
    check = check_new_question(module, text)
    return render(request, "studio/question_form.html#preview", {"check": check, "question": None})
