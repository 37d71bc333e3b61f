"""The sandbox lab pages: the preset gallery and one preset's lab (also embedded in lessons)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.core.cache import cache
from django.db.models import Prefetch
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from course.caching import anonymous_page_cache, fragment_context, shared
from course.models import Lesson
from course.types import HtmxHttpRequest

from .core.event_log import LogLinks
from .core.runs import (
    RUN_MAX_TRACE_EVENTS,
    LabRun,
    parse_window,
    request_log,
    run_key,
    run_lab,
    run_result,
    zoom_lab,
)
from .core.stepping import AtError, Moment, check_at, moment, parse_at
from .forms import ScenarioForm
from .models import ScenarioPreset
from .services import record_challenge

RUN_CACHE_SECONDS = 24 * 3600


def _gallery() -> list[Lesson]:
    """Return the published lessons (not their text), each with its presets as `gallery`."""
    presets = ScenarioPreset.objects.published().select_related("module").defer("scenario", "knobs")
    return list(
        Lesson.objects.published()
        .select_related("module")
        .defer("html", "toc", "plain_text", "markdown")
        .prefetch_related(Prefetch("presets", presets.order_by("slug"), to_attr="gallery"))
    )


@require_safe
@anonymous_page_cache
def sandbox_gallery(request: HtmxHttpRequest) -> HttpResponse:
    lessons = shared("gallery", _gallery)  # the same for everyone; the marks are the learner's
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


def _cached_run(form: ScenarioForm) -> LabRun | None:
    """Return the run of a valid form: from the cache, else simulated once and cached."""
    if not form.is_valid() or form.base is None:
        return None
    base, steps, challenge = form.base, form.step_list, form.preset.challenge
    return cache.get_or_set(
        run_key(base, steps, challenge=challenge),
        lambda: run_lab(base, steps=steps, challenge=challenge),
        timeout=RUN_CACHE_SECONDS,
    )


def _previous_run(form: ScenarioForm, previous: str) -> LabRun | None:
    """Return the run the learner saw before this one, if it is still cached (never simulated)."""
    if not previous or previous == form.query():
        return None
    earlier = ScenarioForm(QueryDict(previous), preset=form.preset)
    if not earlier.is_valid() or earlier.base is None:
        return None
    key = run_key(earlier.base, earlier.step_list, challenge=form.preset.challenge)
    run = cache.get(key)
    return run if isinstance(run, LabRun) and run.metrics is not None else None


def _preset(module_slug: str, preset_slug: str) -> ScenarioPreset:
    """Return a published preset with its module and lesson (the lab page's shared part)."""
    return get_object_or_404(
        ScenarioPreset.objects.published().select_related("module", "lesson__module"),
        module__slug=module_slug,
        slug=preset_slug,
    )


@require_safe
@vary_on_headers("HX-Request")
@anonymous_page_cache
def sandbox(request: HtmxHttpRequest, module_slug: str, preset_slug: str) -> HttpResponse:
    # The same for everyone: a preset's, lesson's or module's save bumps the content version.
    preset = shared(
        f"preset:{module_slug}:{preset_slug}", lambda: _preset(module_slug, preset_slug)
    )
    query, stepped = _apply_action(request.GET)
    embed = bool(request.htmx) and query.get("embed") == "1"
    form = ScenarioForm(query, preset=preset)
    url = reverse("lab:sandbox", args=[module_slug, preset_slug])
    run = _cached_run(form)
    canonical = f"{url}?{form.query()}"
    if stepped and not request.htmx:
        return redirect(canonical)
    context: dict[str, Any] = {
        **fragment_context(),
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
        context.update(_run_context(request, form, run, canonical))
        context.update(_step_context(form, run, query.get("at"), canonical, embed))
    template = "lab/sandbox.html#lab" if request.htmx else "lab/sandbox.html"
    if request.htmx and request.htmx.target == f"lab-how-{preset.slug}":
        template = "lab/sandbox.html#how"
    response = render(request, template, context)
    if request.htmx and not embed:
        step = context.get("moment")
        push_url(response, f"{canonical}&at={step.at}" if step is not None else canonical)
    return response


def _moment(form: ScenarioForm, run: LabRun, raw: str) -> Moment:
    """Return the run at `?at=`: checked against the cached run, then simulated again."""
    at = parse_at(raw)
    check_at(at, run.trace_events)
    result = run_result(form.base or {}, steps=form.step_list)
    if result is None:
        raise AtError("This run cannot be stepped through.")
    return moment(result.events, at)


def _step_context(
    form: ScenarioForm, run: LabRun, raw: str | None, canonical: str, embed: bool
) -> dict[str, Any]:
    """Return the stepper's part of the page: the run at `?at=N`, or why there is none."""
    context: dict[str, Any] = {
        "moment": None,
        "step_problem": None,
        "step_url": f"{canonical}&at=",
        "step_hx_url": f"{canonical}{'&embed=1' if embed else ''}&at=",
    }
    if raw is None or run.problem is not None:
        return context
    try:
        context["moment"] = _moment(form, run, raw)
    except AtError as error:
        context["step_problem"] = str(error)
    return context


def _log_start(raw: str | None) -> int:
    """Return the event `?log_from=N` starts the log at (0: the first, also for junk)."""
    try:
        return min(max(int((raw or "")[:15]), 0), RUN_MAX_TRACE_EVENTS)
    except ValueError:
        return 0


def _run_context(
    request: HtmxHttpRequest, form: ScenarioForm, run: LabRun, canonical: str
) -> dict[str, Any]:
    """Return what the page shows of a run: pictures, filtered log, comparison, challenge."""
    query = request.GET
    if run.problem is not None:
        return {"run_problem": run.problem}
    recorded = False
    if run.challenge is not None and run.challenge.met and request.user.is_authenticated:
        recorded = record_challenge(
            user=request.user, preset=form.preset, query=form.query(), now=timezone.now()
        )
    errors_only = query.get("log") == "errors"
    log = run.log_for(errors_only=errors_only)
    request_filter = query.get("log_request", "")[:100]
    log_start = _log_start(query.get("log_from"))
    if (request_filter or log_start) and form.base is not None:
        log = request_log(
            form.base,
            steps=form.step_list,
            request=request_filter or None,
            errors_only=errors_only,
            start=log_start,
        )
    timeline = run.timeline
    window = parse_window(query.get("from"), query.get("to"))
    if window is not None and form.base is not None:
        zoomed = zoom_lab(
            form.base,
            steps=form.step_list,
            window=window,
            errors_only=errors_only,
            request=request_filter or None,
        )
        if zoomed is not None:
            timeline, log = zoomed
    previous = _previous_run(form, query.get("previous", ""))
    # The metrics and the timeline of the whole run are a function of the run's address alone
    # (and the content): drawn once, then kept as HTML; a zoom or comparison is drawn each time.
    # Kept once per log filter: a bar links to its line in this page's log, else to the
    # unfiltered page's (`LogLinks`), so "errors only" draws other links.
    whole = window is None and not request_filter and not log_start and previous is None
    log_query = f"{'&log=errors' if errors_only else ''}" + (
        f"&log_request={quote(request_filter)}" if request_filter else ""
    )
    return {
        "run_fragment": f"{canonical}{log_query}" if whole else "",
        "log_links": LogLinks(log.listed, canonical) if log is not None else None,
        "log_more_url": (
            f"{canonical}{log_query}&log_from={log.lines[-1].index + 1}#event-log"
            if log is not None and log.truncated and window is None
            else ""
        ),
        "previous_metrics": previous.metrics if previous is not None else None,
        "challenge_recorded": recorded,
        "timeline": timeline,
        "zoom_base": f"{canonical}&",
        "timeline_url": canonical,
        "log": log,
        "metrics": run.metrics,
        "log_filter_urls": {
            "all": f"{canonical}#event-log",
            "errors": f"{canonical}&log=errors#event-log",
        },
        "request_filter_base": f"{canonical}&log_request=",
    }
