"""The sandbox lab: guard the server's budget, run a scenario, and shape the result for a page.

Plain Python (no Django): the view validates a form into a scenario dict and calls `run_lab`.
A run is a pure function of the scenario, so `run_key` names it for a shared cache: the same
settings never simulate twice, on any server process.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from course.sandbox import Metrics, Scenario, simulate

from .challenges import ChallengeResult, evaluate
from .event_log import EventLog, build_log
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


CACHE_VERSION = 1  # bump when the engine or the page's shapes change


@dataclass(frozen=True)
class LabRun:
    """Everything the lab page shows about one run (small enough to cache, unlike the trace)."""

    metrics: Metrics
    timeline: Timeline
    log: EventLog
    challenge: ChallengeResult | None


def run_key(scenario: Mapping[str, Any], **options: Any) -> str:
    """Return a cache key that changes whenever the scenario or a display option does."""
    text = json.dumps([CACHE_VERSION, scenario, options], sort_keys=True, default=str)
    return "lab:" + hashlib.sha256(text.encode()).hexdigest()


def run_lab(
    scenario: Scenario,
    *,
    challenge: Mapping[str, Any] | None = None,
    errors_only: bool = False,
    request_filter: str | None = None,
) -> LabRun:
    """Simulate the scenario and build the timeline, the event log and the challenge verdict."""
    result = simulate(scenario)
    timeline = build_timeline(result)
    return LabRun(
        metrics=result.metrics,
        timeline=timeline,
        log=build_log(result, errors_only=errors_only, request=request_filter, timeline=timeline),
        challenge=evaluate(challenge or {}, result.metrics),
    )
