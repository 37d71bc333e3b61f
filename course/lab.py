"""The sandbox lab: guard the server's budget, run a scenario, and shape the result for a page.

Plain Python (no Django): the view validates a form into a scenario dict and calls `run_lab`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from course.sandbox import Metrics, Result, Scenario, simulate

from .challenges import ChallengeResult, evaluate
from .timeline import EventLog, Timeline, build_log, build_timeline

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


@dataclass(frozen=True)
class LabRun:
    """Everything the lab page shows about one run."""

    result: Result
    timeline: Timeline
    log: EventLog
    challenge: ChallengeResult | None

    @property
    def metrics(self) -> Metrics:
        return self.result.metrics


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
        result=result,
        timeline=timeline,
        log=build_log(result, errors_only=errors_only, request=request_filter, timeline=timeline),
        challenge=evaluate(challenge or {}, result.metrics),
    )
