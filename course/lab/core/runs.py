"""The sandbox lab: guard the server's budget, run a scenario, and shape the result for a page.

Plain Python (no Django): the view validates a form into the knobs' scenario and a traffic
script, and calls `run_lab`. A run is a pure function of those two, so `run_key` names it for a
shared cache before anything expensive happens: the same settings never simulate twice, on any
server process, and display filters are applied to the cached run, not folded into its key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from course.sandbox import Metrics, Result, Scenario, ScenarioError, simulate

from .challenges import ChallengeResult, evaluate
from .event_log import EventLog, build_log
from .mechanisms import View, build_views
from .steps import Step, StepError, StepMark, apply_steps, format_steps
from .timeline import Timeline, build_timeline

MAX_OFFERED = 20_000


def estimate_offered(scenario: Mapping[str, Any]) -> int:
    """Return how many requests, events, messages or records the scenario's traffic offers."""
    traffic = scenario.get("Traffic") or {}
    total = len(traffic.get("Events") or [])
    total += sum(int(burst.get("Count", 1)) for burst in traffic.get("Bursts") or [])
    for rate in traffic.get("Rates") or []:
        per_second = float(rate.get("PerSecond", 1.0))
        by_duration = (
            per_second * float(rate["DurationSeconds"]) if "DurationSeconds" in rate else None
        )
        count = rate.get("Count")
        candidates = [value for value in (by_duration, count) if value is not None]
        total += int(min(candidates)) if candidates else 0
    return total


def budget_problem(scenario: Mapping[str, Any]) -> str | None:
    """Return a message when a scenario is too big to simulate for a web request."""
    offered = estimate_offered(scenario)
    if offered > MAX_OFFERED:
        return (
            f"This run would offer about {offered:,} requests; the sandbox simulates at most "
            f"{MAX_OFFERED:,} per run in the browser. Lower the rate, the burst or the duration "
            "(or run it on your machine with `python -m course.sandbox FILE --metrics-only`)."
        )
    return None


CACHE_VERSION = 8  # bump when the engine or the page's shapes change

# Work limits of one lab request (README "Security" states the worst case, bench/ measures it):
# the run itself, and all the replays a traffic script needs to place its steps.
RUN_MAX_EVENTS = 100_000  # arrivals and callbacks, retries and redeliveries included
RUN_MAX_TRACE_EVENTS = 40_000  # the heaviest shipped preset records 36,205 (a test keeps it so)
SCRIPT_MAX_EVENTS = 50_000  # summed over the replays of a traffic script: simulated + recorded


@dataclass(frozen=True)
class LabRun:
    """Everything the lab page shows about one run (small enough to cache, unlike the trace).

    A run that could not happen (a traffic script too long to replay, a scenario the steps
    made invalid) has `problem` set and nothing else.
    """

    metrics: Metrics | None = None
    timeline: Timeline | None = None
    log: EventLog | None = None
    errors_log: EventLog | None = None
    challenge: ChallengeResult | None = None
    marks: tuple[StepMark, ...] = ()
    stopped: str | None = None
    problem: str | None = None
    views: tuple[View, ...] = ()  # the mechanism views of the whole run
    trace_events: int = 0  # how many events `?at=` may step through

    def log_for(self, *, errors_only: bool) -> EventLog | None:
        """Return the unfiltered log, or the errors-only one."""
        return self.errors_log if errors_only else self.log


def run_key(base: Mapping[str, Any], steps: Sequence[Step], **options: Any) -> str:
    """Return the cache key of a run: the knobs' scenario and the script, before any replay."""
    text = json.dumps(
        [CACHE_VERSION, base, format_steps(list(steps)), options], sort_keys=True, default=str
    )
    return "lab:" + hashlib.sha256(text.encode()).hexdigest()


def expand(base: Mapping[str, Any], steps: Sequence[Step]) -> tuple[Scenario, list[StepMark]]:
    """Return the scenario a traffic script describes; raise StepError or ScenarioError."""
    data, marks = (
        apply_steps(base, list(steps), max_events=SCRIPT_MAX_EVENTS) if steps else (dict(base), [])
    )
    if problem := budget_problem(data):
        raise StepError(problem)
    return Scenario.from_dict(data), marks


def _simulate(scenario: Scenario) -> Result:
    return simulate(scenario, max_events=RUN_MAX_EVENTS, max_trace_events=RUN_MAX_TRACE_EVENTS)


def run_lab(
    base: Mapping[str, Any],
    *,
    steps: Sequence[Step] = (),
    challenge: Mapping[str, Any] | None = None,
) -> LabRun:
    """Replay the script, simulate, and build the timeline, both logs and the verdict."""
    try:
        scenario, marks = expand(base, steps)
    except (StepError, ScenarioError) as error:
        return LabRun(problem=str(error))
    result = _simulate(scenario)
    timeline = build_timeline(result)
    return LabRun(
        metrics=result.metrics,
        timeline=timeline,
        log=build_log(result, timeline=timeline),
        errors_log=build_log(result, errors_only=True, timeline=timeline),
        challenge=evaluate(challenge or {}, result.metrics),
        marks=tuple(marks),
        stopped=result.stopped,
        views=build_views(result.events),
        trace_events=len(result.events),
    )


def run_result(base: Mapping[str, Any], *, steps: Sequence[Step] = ()) -> Result | None:
    """Return the simulated run itself, trace included, within the same caps (None: not run).

    For stepping (`?at=N`): the trace is too big to cache, so a step page simulates again.
    """
    try:
        scenario, _ = expand(base, steps)
    except (StepError, ScenarioError):
        return None
    return _simulate(scenario)


def request_log(
    base: Mapping[str, Any],
    *,
    steps: Sequence[Step] = (),
    request: str | None,
    errors_only: bool,
    start: int = 0,
) -> EventLog | None:
    """Return the log filtered to one request id and/or from event `start` on.

    Built on demand: such pages are not cached.
    """
    try:
        scenario, _ = expand(base, steps)
    except (StepError, ScenarioError):
        return None
    result = _simulate(scenario)
    return build_log(result, errors_only=errors_only, request=request, start=start)


def parse_window(low: str | None, high: str | None) -> tuple[int, int] | None:
    """Return the zoom window of `?from=…&to=…` (ms since the start), or None for junk."""
    try:
        start, end = int((low or "")[:15]), int((high or "")[:15])
    except ValueError:
        return None
    return (start, end) if start < end else None


def zoom_lab(
    base: Mapping[str, Any],
    *,
    steps: Sequence[Step] = (),
    window: tuple[int, int],
    errors_only: bool = False,
    request: str | None = None,
) -> tuple[Timeline, EventLog] | None:
    """Return the timeline for a window of the run and the log of that window.

    Built on demand like `request_log` (such pages are not cached). None when the run cannot
    happen or the window shows nothing of it: the page then shows the whole run.
    """
    try:
        scenario, _ = expand(base, steps)
    except (StepError, ScenarioError):
        return None
    result = _simulate(scenario)
    timeline = build_timeline(result, window=window)
    if not timeline.zoomed:
        return None
    shown = (timeline.start_ms, timeline.end_ms)
    log = build_log(
        result, errors_only=errors_only, request=request, timeline=timeline, window=shown
    )
    return timeline, log
