"""A stream batch's outcome shows once its try has ended, not at the INVOKE that starts it.

The engine stamps a try's outcome on its INVOKE, recorded when the handler starts; the stream
view steps through a run (`until`), so a try in progress must read "running". Expected indices
come from the trace itself: a try starts at its BATCH_START and ends at the FREEZE of the
environment its INVOKE ran on.
"""

from __future__ import annotations

from typing import Any

from course.lab.core.mechanisms.stream import build_stream
from course.sandbox import Kind, Scenario, TraceEvent, simulate


def run(data: dict[str, Any]) -> tuple[TraceEvent, ...]:
    return simulate(Scenario.from_dict(data)).events


def kinesis(**function: Any) -> dict[str, Any]:
    return {
        "seed": 1,
        "Function": {"Timeout": 30, **function},
        "Code": {"InitDurationMs": 200, "DurationMs": 200},
        "Source": {
            "Type": "kinesis",
            "Stream": {"ShardCount": 1},
            "EventSourceMapping": {"BatchSize": 4, "MaximumRetryAttempts": 3},
        },
        "Traffic": {"Bursts": [{"AtMs": 0, "Count": 4}]},
    }


def states(events: tuple[TraceEvent, ...], until: int | None) -> list[str]:
    """Return each drawn node's state (the CSS modifier of its cell) at step `until`."""
    view = build_stream(events, until)
    assert view is not None
    return [node.css.rsplit("--", 1)[-1] for lane in view.lanes for node in lane.nodes]


def try_spans(events: tuple[TraceEvent, ...]) -> list[tuple[int, int]]:
    """Return (BATCH_START index, index of the FREEZE that ends it) of each invoked try."""
    spans = []
    for start, event in enumerate(events):
        if event.kind != Kind.BATCH_START:
            continue
        invoke = next(
            e
            for e in events
            if e.kind == Kind.INVOKE and (e.request, e.attempt) == (event.request, event.attempt)
        )
        end = next(
            i
            for i, e in enumerate(events)
            if i > start
            and e.kind == Kind.FREEZE
            and e.env == invoke.env
            and e.time_ms >= invoke.time_ms
        )
        spans.append((start, end))
    return spans


def test_a_failed_try_then_a_successful_retry_each_show_running_until_they_end() -> None:
    data = kinesis()
    data["Faults"] = [{"Effect": "error", "Match": {"EventIds": ["2"], "Attempts": [1]}}]
    events = run(data)
    outcomes = [e.outcome for e in events if e.kind == Kind.INVOKE]
    assert outcomes == ["error", "ok"]  # the scenario: the first try fails, the retry succeeds
    (first_start, first_end), (retry_start, retry_end) = try_spans(events)
    assert first_end < retry_start
    # Both INVOKEs fall inside their try (cold: after INIT; warm: at BATCH_START's instant).
    for at in range(first_start, first_end):
        assert states(events, at) == ["running"], at
    for at in range(first_end, retry_start):
        assert states(events, at) == ["error"], at
    for at in range(retry_start, retry_end):
        assert states(events, at) == ["running"], at
    for at in range(retry_end, len(events)):
        assert states(events, at) == ["ok"], at
    view = build_stream(events, None)
    assert view is not None
    (node,) = view.lanes[0].nodes
    assert "2 tries (1 failed before the last), the last succeeded" in node.detail.text


def test_a_throttled_try_does_not_take_the_outcome_of_its_retry() -> None:
    # Two shards, one environment allowed: shard 1's first try is throttled and retried with
    # the same batch and attempt number.
    data = kinesis(ReservedConcurrentExecutions=1)
    data["Source"]["Stream"]["ShardCount"] = 2
    data["Traffic"]["Bursts"][0]["Count"] = 8
    events = run(data)
    assert any(e.kind == Kind.THROTTLE for e in events)
    assert [e.outcome for e in events if e.kind == Kind.INVOKE] == ["ok", "ok"]
    assert states(events, None) == ["ok", "ok"]
    view = build_stream(events, None)
    assert view is not None
    texts = [node.detail.text for lane in view.lanes for node in lane.nodes]
    assert all("running" not in text for text in texts), texts
