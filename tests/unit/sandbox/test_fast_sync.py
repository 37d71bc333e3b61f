"""The metrics-only fast path gives the general engine's results, bit for bit."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.sandbox import Scenario, engine, fast_sync, simulate
from course.sandbox.clock import Clock
from course.sandbox.metrics import Recorder
from course.sandbox.scenario import Code
from course.sandbox.service import Service

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@st.composite
def plain_sync(draw: st.DrawFn) -> dict[str, Any]:
    """Draw a synchronous scenario the fast path takes, reaching each of its branches."""
    distribution = draw(st.sampled_from(["fixed", "exponential", "lognormal"]))
    code: dict[str, Any] = {
        "InitDurationMs": draw(st.sampled_from([0, 150, 2_000, 12_000])),
        "DurationMs": (
            draw(st.integers(1, 3_000))
            if distribution == "fixed"
            else {
                "Distribution": distribution,
                ("MeanMs" if distribution == "exponential" else "MedianMs"): draw(
                    st.integers(5, 3_000)
                ),
            }
        ),
        "CpuBound": draw(st.booleans()),
        "Setup": {
            "Placement": draw(st.sampled_from(["outside", "inside"])),
            "DurationMs": draw(st.integers(0, 300)),
        },
    }
    if draw(st.booleans()):
        code["TmpCache"] = {"MissMs": draw(st.integers(0, 500)), "HitMs": 3}
    function: dict[str, Any] = {
        "Timeout": draw(st.integers(1, 4)),
        "MemorySize": draw(st.sampled_from([128, 1_769, 3_000])),
    }
    reserved = draw(st.one_of(st.none(), st.integers(1, 6)))
    if reserved is not None:
        function["ReservedConcurrentExecutions"] = reserved
    rate: dict[str, Any] = {
        "Kind": draw(st.sampled_from(["poisson", "poisson", "constant"])),
        "PerSecond": draw(st.floats(0.5, 60)),
        "StartMs": draw(st.sampled_from([0, 1_500])),
        "PayloadBytes": draw(st.sampled_from([0, 0, 7_000_000])),
    }
    if draw(st.booleans()):
        rate["Count"] = draw(st.integers(1, 300))
    if "Count" not in rate or draw(st.booleans()):
        rate["DurationSeconds"] = draw(st.integers(1, 10))
    traffic: dict[str, Any] = {"Rates": [rate]}
    if draw(st.booleans()):
        traffic["Bursts"] = [
            {"AtMs": draw(st.integers(0, 5_000)), "Count": draw(st.integers(1, 40))}
        ]
    if draw(st.booleans()):
        traffic["Events"] = [
            {"AtMs": draw(st.integers(0, 8_000)), "Id": "explicit"},
            {"AtMs": draw(st.integers(0, 8_000)), "PayloadBytes": 7_000_000},
        ]
    return {
        "seed": draw(st.integers(0, 10_000)),
        "Function": function,
        "Account": {
            "ConcurrentExecutions": draw(st.sampled_from([110, 1_000])),
            "ScalingRule": draw(st.sampled_from(["current", "legacy"])),
            "LegacyBurst": 500,
        },
        "Code": code,
        "Environment": {"IdleLifetimeSeconds": draw(st.integers(1, 60))},
        "Client": {
            "RetryMode": draw(st.sampled_from(["none", "legacy", "standard"])),
            "MaxAttempts": draw(st.integers(1, 4)),
            "ReadTimeoutSeconds": draw(st.integers(1, 3)),
        },
        "Traffic": traffic,
        "Simulation": {"MaxDurationSeconds": draw(st.integers(5, 600))},
    }


def both_paths(
    data: dict[str, Any], monkeypatch: pytest.MonkeyPatch, **caps: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    scenario = Scenario.from_dict(data)
    fast = simulate(scenario, metrics_only=True, **caps).as_dict()
    monkeypatch.setattr(engine, "FAST_PATH", False)
    general = simulate(scenario, metrics_only=True, **caps).as_dict()
    monkeypatch.setattr(engine, "FAST_PATH", True)
    return fast, general


def takes_fast_path(data: dict[str, Any]) -> bool:
    scenario = Scenario.from_dict(data)
    clock, recorder = Clock(), Recorder()
    service = Service(scenario, clock, None, recorder, scenario.seed)
    kind = engine.SOURCES[scenario.source.type]
    source = kind(scenario, clock, None, recorder, service, scenario.seed)
    return fast_sync.eligible(scenario, service, source)


@SETTINGS
@given(plain_sync())
def test_fast_path_matches_the_general_engine(data: dict[str, Any]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, general = both_paths(data, monkeypatch)
    assert takes_fast_path(data)
    assert fast == general


@SETTINGS
@given(plain_sync(), st.integers(1, 400))
def test_fast_path_stops_at_the_event_cap_like_the_general_engine(
    data: dict[str, Any], cap: int
) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, general = both_paths(data, monkeypatch, max_events=cap)
    assert fast == general


def test_a_busy_long_run_matches_and_reaches_every_branch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Expiry, re-init after timeouts, throttles with retries, rate-limited environments."""
    data = {
        "seed": 3,
        "Function": {"Timeout": 2, "ReservedConcurrentExecutions": 40},
        "Code": {
            "InitDurationMs": 300,
            "DurationMs": {"Distribution": "exponential", "MeanMs": 400},
        },
        "Environment": {"IdleLifetimeSeconds": 5},
        "Client": {"RetryMode": "standard", "MaxAttempts": 3},
        "Traffic": {
            "Rates": [
                {"Kind": "poisson", "PerSecond": 80, "DurationSeconds": 60},
                {"Kind": "constant", "PerSecond": 1, "StartMs": 70_000, "Count": 20},
            ],
            "Bursts": [{"AtMs": 30_000, "Count": 300}],
        },
    }
    fast, general = both_paths(data, monkeypatch)
    assert takes_fast_path(data)
    assert fast == general
    metrics = fast["metrics"]
    assert metrics["throttles"]
    assert metrics["retries"]
    assert metrics["timeouts"]
    assert metrics["environments_created"] > metrics["peak_concurrency"]  # some expired


@pytest.mark.parametrize(
    "extra",
    [
        {"Faults": [{"Effect": "error"}]},
        {"Idempotency": {"Enabled": True}},
        {
            "Function": {
                "Versions": {"1": {}},
                "Aliases": {"live": {"FunctionVersion": "1", "ProvisionedConcurrentExecutions": 1}},
            },
            "Source": {"Type": "sync", "Qualifier": "live"},
        },
        {"Function": {"SnapStart": {"ApplyOn": "PublishedVersions"}, "Versions": {"1": {}}}},
        {"Function": {"ReservedConcurrentExecutions": 0}, "Code": {"DurationMs": 10}},
        {"Source": {"Type": "async"}},
    ],
)
def test_anything_unusual_takes_the_general_engine(extra: dict[str, Any]) -> None:
    assert not takes_fast_path({"Traffic": {"Events": [{"AtMs": 0}]}, **extra})


def test_the_simfaas_workload_matches_past_the_exact_percentiles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """More distinct latencies than the histograms keep exactly (bench/bench_simfaas.py)."""
    data = {
        "seed": 1,
        "Function": {"Timeout": 900},
        "Account": {"ConcurrentExecutions": 10_000},
        "Code": {
            "InitDurationMs": 200,
            "DurationMs": {"Distribution": "exponential", "MeanMs": 2_000},
        },
        "Traffic": {"Rates": [{"Kind": "poisson", "PerSecond": 100, "DurationSeconds": 150}]},
    }
    fast, general = both_paths(data, monkeypatch)
    assert fast == general
    assert fast["metrics"]["requests_offered"] > 14_000


def test_a_setting_the_fast_path_does_not_know_takes_the_general_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A setting added to the engine later counts only at its default value."""
    data = {"Code": {"CpuBound": True, "Threads": 2}, "Traffic": {"Events": [{"AtMs": 0}]}}
    assert takes_fast_path(data)
    monkeypatch.setitem(fast_sync.KNOWN, Code, fast_sync.KNOWN[Code] - {"threads"})
    assert not takes_fast_path(data)
    assert takes_fast_path({"Traffic": {"Events": [{"AtMs": 0}]}})  # Threads at its default
