"""Engine invariants, checked with Hypothesis and against queueing theory."""

from __future__ import annotations

import tracemalloc
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.sandbox import Kind, Result

from .helpers import run_dict

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Draw a small scenario of any source type with random faults and limits."""
    kind = draw(st.sampled_from(["sync", "async", "sqs", "kinesis", "dynamodb"]))
    data: dict[str, Any] = {
        "seed": draw(st.integers(0, 10_000)),
        "Function": {"Timeout": draw(st.integers(1, 5))},
        "Code": {
            "InitDurationMs": draw(st.integers(0, 2_000)),
            "DurationMs": {"Distribution": "exponential", "MeanMs": draw(st.integers(10, 3_000))},
        },
        "Environment": {"IdleLifetimeSeconds": draw(st.integers(1, 120))},
        "Source": {"Type": kind},
        "Traffic": {
            "Rates": [
                {
                    "Kind": draw(st.sampled_from(["poisson", "constant"])),
                    "PerSecond": draw(st.floats(0.5, 40)),
                    "Count": draw(st.integers(1, 120)),
                }
            ],
            "Bursts": [{"AtMs": draw(st.integers(0, 5_000)), "Count": draw(st.integers(1, 20))}],
        },
        "Faults": [
            {"Effect": "error", "Match": {"Probability": draw(st.floats(0, 0.5))}},
            {"Effect": "crash", "Match": {"Probability": draw(st.floats(0, 0.1))}},
        ],
        "Simulation": {"MaxDurationSeconds": 30 * 86_400},
    }
    reserved = draw(st.one_of(st.none(), st.integers(1, 10)))
    if reserved is not None:
        data["Function"]["ReservedConcurrentExecutions"] = reserved
    if kind == "sync":
        data["Client"] = {"RetryMode": draw(st.sampled_from(["none", "legacy", "standard"]))}
    elif kind == "async":
        data["Function"]["EventInvokeConfig"] = {
            "MaximumRetryAttempts": draw(st.integers(0, 2)),
            "MaximumEventAgeInSeconds": draw(st.integers(60, 600)),
            "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:1:f"}},
        }
    elif kind == "sqs":
        data["Source"]["Queue"] = {
            "VisibilityTimeout": draw(st.integers(5, 60)),
            "RedrivePolicy": {"maxReceiveCount": draw(st.integers(1, 5))},
        }
        data["Source"]["EventSourceMapping"] = {
            "BatchSize": draw(st.integers(1, 10)),
            "FunctionResponseTypes": draw(st.sampled_from([[], ["ReportBatchItemFailures"]])),
        }
    else:
        data["Source"]["Stream"] = {"ShardCount": draw(st.integers(1, 3))}
        data["Source"]["EventSourceMapping"] = {
            "BatchSize": draw(st.integers(1, 20)),
            "MaximumRetryAttempts": draw(st.integers(0, 3)),
            "BisectBatchOnFunctionError": draw(st.booleans()),
            "ParallelizationFactor": draw(st.integers(1, 3)),
            # AWS requires it (§8 [D35]); both positions read the same records here.
            "StartingPosition": draw(st.sampled_from(["TRIM_HORIZON", "LATEST"])),
        }
    return data


@SETTINGS
@given(scenarios())
def test_same_seed_gives_the_same_trace_and_metrics_only_the_same_metrics(
    data: dict[str, Any],
) -> None:
    first = run_dict(data)
    second = run_dict(data)
    assert first.events == second.events
    assert first.metrics == second.metrics
    assert run_dict(data, metrics_only=True).metrics == first.metrics


def _max_overlap(intervals: list[tuple[int, int]]) -> int:
    edges = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    live = peak = 0
    for _, step in edges:
        live += step
        peak = max(peak, live)
    return peak


def _busy_intervals(result: Result) -> dict[int, list[tuple[int, int]]]:
    """Return, per environment, [start of INIT/THAW, FREEZE) intervals."""
    started: dict[int, int] = {}
    spans: dict[int, list[tuple[int, int]]] = {}
    for event in result.events:
        if event.env is None:
            continue
        if event.kind in (Kind.INIT, Kind.THAW) and event.env not in started:
            started[event.env] = event.time_ms
        elif event.kind == Kind.FREEZE:
            spans.setdefault(event.env, []).append((started.pop(event.env), event.time_ms))
    return spans


@SETTINGS
@given(scenarios())
def test_concurrency_never_exceeds_the_limits_and_an_environment_serves_one_request(
    data: dict[str, Any],
) -> None:
    result = run_dict(data)
    spans = _busy_intervals(result)
    for intervals in spans.values():
        ordered = sorted(intervals)
        assert all(a[1] <= b[0] for a, b in zip(ordered, ordered[1:], strict=False))
    everything = [span for intervals in spans.values() for span in intervals]
    limit = data["Function"].get("ReservedConcurrentExecutions", 1_000)
    assert result.metrics.peak_concurrency <= limit
    assert _max_overlap(everything) <= limit
    assert result.metrics.peak_concurrency >= 0


@SETTINGS
@given(scenarios())
def test_every_offered_item_ends_in_exactly_one_terminal_place(data: dict[str, Any]) -> None:
    metrics = run_dict(data, metrics_only=True).metrics
    terminal = dict(metrics.terminal)
    assert terminal["unfinished"] == 0
    assert sum(terminal.values()) == metrics.requests_offered
    assert (
        metrics.succeeded
        + metrics.failed
        + metrics.throttled
        + metrics.discarded
        + terminal["dead-lettered"]
        == metrics.requests_offered
    )


def _poisson(
    rate: float, mean_ms: int, count: int, reserved: int | None, seed: int
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "seed": seed,
        "Function": {"Timeout": 900},
        "Code": {
            "InitDurationMs": 0,
            "DurationMs": {"Distribution": "exponential", "MeanMs": mean_ms},
        },
        "Traffic": {"Rates": [{"Kind": "poisson", "PerSecond": rate, "Count": count}]},
    }
    if reserved is not None:
        data["Function"]["ReservedConcurrentExecutions"] = reserved
    return data


@settings(max_examples=6, deadline=None, derandomize=True)
@given(
    rate=st.floats(5, 100),
    mean_ms=st.integers(50, 2_000),
    seed=st.integers(0, 1_000),
)
def test_littles_law_holds_for_unthrottled_sync_traffic(
    rate: float, mean_ms: int, seed: int
) -> None:
    metrics = run_dict(_poisson(rate, mean_ms, 20_000, None, seed), metrics_only=True).metrics
    arrival_rate = metrics.requests_offered / metrics.horizon_ms  # per ms
    # L = λW: average busy environments = arrival rate × mean time in the function.
    assert metrics.avg_busy_environments == pytest.approx(
        arrival_rate * metrics.latency_mean_ms, rel=0.02
    )
    assert metrics.avg_busy_environments == pytest.approx(rate * mean_ms / 1000, rel=0.1)


def _erlang_b(servers: int, load: float) -> float:
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


@pytest.mark.parametrize(
    ("servers", "rate", "mean_ms"),
    [(5, 5.0, 1_000), (10, 12.0, 800), (20, 25.0, 600), (3, 10.0, 200)],
)
def test_throttle_ratio_matches_erlang_b(servers: int, rate: float, mean_ms: int) -> None:
    metrics = run_dict(_poisson(rate, mean_ms, 30_000, servers, 3), metrics_only=True).metrics
    expected = _erlang_b(servers, rate * mean_ms / 1000)
    assert metrics.throttled / metrics.requests_offered == pytest.approx(expected, abs=0.02)


def test_metrics_only_memory_stays_flat_as_the_run_grows() -> None:
    def peak(count: int) -> int:
        tracemalloc.start()
        result = run_dict(_poisson(100, 2_000, count, None, 1), metrics_only=True)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        # Flat memory means something only if the longer run really simulated every request.
        assert result.metrics.requests_offered == count
        return top

    small, large = peak(10_000), peak(60_000)
    assert large < small * 1.3 + 200_000
