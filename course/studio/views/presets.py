"""The sandbox presets: every module's presets, and the editor of one preset's YAML, checked
as at load and previewed (htmx) as the lab runs it (`course.studio.services.presets`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from course.lab.models import ScenarioPreset
from course.models import Module
from course.types import AuthenticatedHttpRequest

from ..forms import PresetTextForm
from ..pages import instructor_required, render_editor, studio_module
from ..services.presets import check_preset, new_preset_text, preset_yaml, save_preset


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
    module = studio_module(module_slug)
    return _preset_page(request, module, None, new_preset_text(module))


@require_http_methods(["GET", "HEAD", "POST"])
@instructor_required
def preset_edit(
    request: AuthenticatedHttpRequest, module_slug: str, preset_slug: str
) -> HttpResponse:
    module = studio_module(module_slug)
    preset = get_object_or_404(module.presets.filter(is_active=True), slug=preset_slug)
    return _preset_page(request, module, preset, preset_yaml(preset))


def _preset_page(
    request: AuthenticatedHttpRequest,
    module: Module,
    preset: ScenarioPreset | None,
    initial: str,
) -> HttpResponse:
    form = PresetTextForm(request.POST or None, initial={"text": initial, "slug": "new-preset"})
    slug, text = form.values() if form.is_bound else ("new-preset", initial)
    slug = preset.slug if preset else slug
    check = check_preset(module, text, slug=slug, editing=preset)
    if request.method == "POST" and check.ok:
        saved = save_preset(module, text, check, editing=preset)
        messages.success(request, f"Preset “{saved.title}” saved: learners see it in the lab now.")
        return redirect("studio:preset-edit", module_slug=module.slug, preset_slug=saved.slug)
    return render_editor(
        request,
        "studio/preset_form.html",
        {"module": module, "preset": preset, "form": form, "check": check},
    )


@require_POST
@instructor_required
def preset_preview(request: AuthenticatedHttpRequest, module_slug: str) -> HttpResponse:
    """The live preview of a preset (htmx): checked as at load, run as in the lab, not stored."""
    module = studio_module(module_slug)
    preset = None
    if request.POST.get("editing"):
        preset = module.presets.filter(is_active=True, slug=str(request.POST["editing"])).first()
    slug, text = PresetTextForm(request.POST).values()
    check = check_preset(module, text, slug=preset.slug if preset else slug, editing=preset)
    return render(request, "studio/preset_form.html#preview", {"check": check, "module": module})
