"""The sandbox lab pages: the preset gallery and one preset's lab (also embedded in lessons)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Prefetch
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from course.models import Lesson
from course.sandbox import Metrics
from course.types import HtmxHttpRequest

from .core.runs import LabRun, run_key, run_lab
from .forms import ScenarioForm
from .models import ScenarioPreset
from .services import record_challenge

PREVIOUS_RUNS_KEY = "lab_previous_runs"
RUN_CACHE_SECONDS = 24 * 3600


@require_safe
def sandbox_gallery(request: HtmxHttpRequest) -> HttpResponse:
    presets = ScenarioPreset.objects.published().select_related("module").defer("scenario", "knobs")
    lessons = (
        Lesson.objects.published()
        .select_related("module")
        .prefetch_related(Prefetch("presets", presets.order_by("slug"), to_attr="gallery"))
    )
    done: set[int] = set()
    if request.user.is_authenticated:
        done = set(request.user.challenges.values_list("preset_id", flat=True))
    return render(request, "lab/sandbox_gallery.html", {"lessons": lessons, "done": done})


def _apply_action(query: QueryDict) -> tuple[QueryDict, bool]:
    """Fold a step-mode button (`action`) into the `steps` list; return the query and whether."""
    query = query.copy()
    action = query.pop("action", [""])[-1]
    if not action:
        return query, False
    steps = [token for token in query.get("steps", "").split(",") if token]
    if action == "undo":
        steps = steps[:-1]
    elif action == "reset":
        steps = []
    else:
        steps.append(action)
    query["steps"] = ",".join(steps)
    return query, True


def _previous_metrics(
    request: HtmxHttpRequest, preset: ScenarioPreset, query: str, run: LabRun
) -> Metrics | None:
    """Return the learner's previous, different run of this preset; remember this run."""
    runs: dict[str, Any] = request.session.get(PREVIOUS_RUNS_KEY, {})
    key = str(preset.pk)
    stored = runs.get(key)
    previous = None
    if stored and stored["query"] != query:
        previous = Metrics.from_dict(stored["metrics"])
    if not stored or stored["query"] != query:
        runs[key] = {"query": query, "metrics": run.metrics.as_dict(), "before": stored}
    elif stored.get("before"):
        previous = Metrics.from_dict(stored["before"]["metrics"])
    request.session[PREVIOUS_RUNS_KEY] = runs
    return previous


@require_safe
@vary_on_headers("HX-Request")
def sandbox(request: HtmxHttpRequest, module_slug: str, preset_slug: str) -> HttpResponse:
    preset = get_object_or_404(
        ScenarioPreset.objects.published().select_related("module", "lesson__module"),
        module__slug=module_slug,
        slug=preset_slug,
    )
    query, stepped = _apply_action(request.GET)
    embed = bool(request.htmx) and query.get("embed") == "1"
    form = ScenarioForm(query, preset=preset)
    url = reverse("lab:sandbox", args=[module_slug, preset_slug])
    run = None
    if form.is_valid() and form.scenario is not None:
        scenario = form.scenario
        options = {
            "challenge": preset.challenge,
            "errors_only": query.get("log") == "errors",
            "request_filter": query.get("log_request") or None,
        }
        run = cache.get_or_set(
            run_key(form.scenario_data, **options),
            lambda: run_lab(scenario, **options),
            timeout=RUN_CACHE_SECONDS,
        )
    canonical = f"{url}?{form.query()}"
    if stepped and not request.htmx:
        return redirect(canonical)
    context: dict[str, Any] = {
        "preset": preset,
        "form": form,
        "run": run,
        "embed": embed,
        "sandbox_url": url,
        "canonical_url": canonical,
        "previous_metrics": None,
        "challenge_recorded": False,
    }
    if run is not None:
        context.update(_run_context(request, preset, form, run, canonical))
    template = "lab/sandbox.html#lab" if request.htmx else "lab/sandbox.html"
    response = render(request, template, context)
    if request.htmx and not embed:
        push_url(response, canonical)
    return response


def _run_context(
    request: HtmxHttpRequest,
    preset: ScenarioPreset,
    form: ScenarioForm,
    run: LabRun,
    canonical: str,
) -> dict[str, Any]:
    recorded = False
    if run.challenge is not None and run.challenge.met and request.user.is_authenticated:
        recorded = record_challenge(
            user=request.user, preset=preset, query=form.query(), now=timezone.now()
        )
    return {
        "previous_metrics": _previous_metrics(request, preset, form.query(), run),
        "challenge_recorded": recorded,
        "timeline": run.timeline,
        "log": run.log,
        "metrics": run.metrics,
        "log_filter_urls": {
            "all": f"{canonical}#event-log",
            "errors": f"{canonical}&log=errors#event-log",
        },
        "request_filter_base": f"{canonical}&log_request=",
    }
