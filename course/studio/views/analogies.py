"""The analogy editor: an analogy declared in the studio, checked as `analogies.yaml` and its
drawings would be, drawn in a sample callout as the instructor types; deleted once unused."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from course.models import Module
from course.types import AuthenticatedHttpRequest

from ..forms import AnalogyForm
from ..models import StudioAnalogy
from ..pages import instructor_required, render_editor, studio_module
from ..services.analogies import (
    ANALOGY_FIELDS,
    check_analogy,
    delete_analogy,
    delete_refusal,
    render_analogy_sample,
    save_analogy,
)
from ..services.lessons import refresh_lessons_using


def _analogy(module_slug: str, key: str) -> tuple[Module, StudioAnalogy]:
    """Return the module and one of the analogies declared in the studio for it."""
    module = studio_module(module_slug)
    return module, get_object_or_404(StudioAnalogy.objects.filter(module=module), key=key)


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def analogy_new(request: AuthenticatedHttpRequest, module_slug: str) -> HttpResponse:
    return _analogy_page(request, studio_module(module_slug), None)


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def analogy_edit(request: AuthenticatedHttpRequest, module_slug: str, key: str) -> HttpResponse:
    return _analogy_page(request, *_analogy(module_slug, key))


def _analogy_page(
    request: AuthenticatedHttpRequest, module: Module, analogy: StudioAnalogy | None
) -> HttpResponse:
    initial = {"colour": "teal"}
    if analogy:
        initial = {name: getattr(analogy, name) for name in ANALOGY_FIELDS}
    form = AnalogyForm(request.POST or None, initial=initial)
    check = None
    if request.method == "POST":
        values = form.values()
        check = check_analogy(module, values, editing=analogy)
        if check.ok:
            saved = save_analogy(module, values, check, editing=analogy)
            refreshed = refresh_lessons_using(module, saved.key) if analogy else []
            shown = f" Lessons showing it now: {len(refreshed)}." if refreshed else ""
            messages.success(
                request,
                f"Analogy “{saved.name}” saved: use it as ::: analogy {saved.key} in this "
                f"module's lessons.{shown}",
            )
            return redirect("studio:analogy-edit", module_slug=module.slug, key=saved.key)
    elif analogy:
        check = check_analogy(module, initial, editing=analogy)
    return render_editor(
        request,
        "studio/analogy_form.html",
        {
            "module": module,
            "analogy": analogy,
            "form": form,
            "check": check,
            "sample": render_analogy_sample(module, check) if check else "",
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def analogy_delete(request: AuthenticatedHttpRequest, module_slug: str, key: str) -> HttpResponse:
    """Ask to confirm, then delete an analogy declared in the studio; refused while lessons use
    it (the page names them)."""
    module, analogy = _analogy(module_slug, key)
    refusal = delete_refusal(module, analogy)
    if request.method == "POST" and not refusal:
        delete_analogy(module, analogy)
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
    module = studio_module(module_slug)
    editing = None
    if request.POST.get("editing"):
        editing = StudioAnalogy.objects.filter(
            module=module, key=str(request.POST["editing"])
        ).first()
    check = check_analogy(module, AnalogyForm(request.POST).values(), editing=editing)
    return render(
        request,
        "studio/analogy_form.html#preview",
        {"check": check, "sample": render_analogy_sample(module, check)},
    )
