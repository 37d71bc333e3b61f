"""Behaviours beyond the §13 scenarios: faults, record age, retention, windows, docs examples."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from course.sandbox import Kind, Scenario, simulate

from .helpers import of, run_dict

DOCS = Path(__file__).resolve().parents[3] / "docs" / "scenarios.md"


def test_every_example_in_the_scenario_docs_runs_to_completion() -> None:
    blocks = re.findall(r"### .*?\n\n```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 4
    for block in blocks:
        metrics = simulate(Scenario.from_dict(yaml.safe_load(block)), metrics_only=True).metrics
        assert metrics.unfinished == 0
        assert sum(metrics.terminal.values()) == metrics.requests_offered


def test_init_error_fails_the_request_and_the_next_one_initialises_again() -> None:
    result = run_dict(
        {
            "Traffic": {"Events": [{"AtMs": 0}, {"AtMs": 5000}]},
            "Faults": [{"Effect": "init-error", "Match": {"EventIds": ["req-1"]}}],
        }
    )
    assert [e.outcome for e in of(result, Kind.RESPONSE)] == ["error", "ok"]
    assert len(of(result, Kind.INIT)) == 2


def test_crash_resets_the_environment() -> None:
    result = run_dict(
        {
            "Traffic": {"Events": [{"AtMs": 0}, {"AtMs": 5000}]},
            "Faults": [{"Effect": "crash", "Match": {"EventIds": ["req-1"]}}],
        }
    )
    assert len(of(result, Kind.RESET)) == 1
    assert of(result, Kind.INIT)[1].detail["reinit"] is True


def test_dynamodb_records_older_than_max_age_go_to_the_failure_destination() -> None:
    result = run_dict(
        {
            "Function": {"Timeout": 30},
            "Code": {"DurationMs": 100},
            "Source": {
                "Type": "dynamodb",
                "EventSourceMapping": {
                    "StartingPosition": "TRIM_HORIZON",
                    "MaximumRecordAgeInSeconds": 60,
                    "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:r:1:q"}},
                },
            },
            "Traffic": {"Bursts": [{"AtMs": 0, "Count": 5}, {"AtMs": 100, "Count": 5}]},
            "Faults": [{"Effect": "error", "Match": {"EventIds": ["1"]}}],
        }
    )
    records = of(result, Kind.DESTINATION)
    assert {r.detail["condition"] for r in records} == {"RecordAgeExceeded"}
    assert all("DDBStreamBatchInfo" in r.detail for r in records)
    assert result.metrics.dead_lettered == {"OnFailure": 2}  # the blocked records aged out too
    assert result.metrics.dead_lettered == {"OnFailure": 2}
    assert result.metrics.terminal["dead-lettered"] == 10


def test_sqs_messages_expire_after_the_retention_period() -> None:
    result = run_dict(
        {
            "Function": {"Timeout": 30},
            "Source": {"Type": "sqs", "Queue": {"MessageRetentionPeriod": 300}},
            "Traffic": {"Events": [{"AtMs": 0}]},
            "Faults": [{"Effect": "error"}],
        },
        metrics_only=True,
    )
    assert result.metrics.discarded == 1
    assert result.metrics.invocations == 10  # every 30 s until 300 s


def test_sqs_batching_window_waits_to_fill_the_batch() -> None:
    result = run_dict(
        {
            "Source": {
                "Type": "sqs",
                "EventSourceMapping": {"BatchSize": 50, "MaximumBatchingWindowInSeconds": 2},
            },
            "Traffic": {"Rates": [{"Kind": "constant", "PerSecond": 10, "Count": 30}]},
        }
    )
    starts = of(result, Kind.BATCH_START)
    assert starts[0].time_ms == 2_000
    assert len(starts[0].detail["batch"]) == 21  # type: ignore[arg-type]


def test_standard_client_retries_throttles_at_most_twice() -> None:
    result = run_dict(
        {
            "Function": {"ReservedConcurrentExecutions": 1, "Timeout": 900},
            "Code": {"DurationMs": 600_000},
            "Client": {"RetryMode": "standard", "ReadTimeoutSeconds": 3600},
            "Traffic": {"Bursts": [{"AtMs": 0, "Count": 2}]},
        },
        metrics_only=True,
    )
    assert result.metrics.throttles == 3
    assert result.metrics.throttled == 1
    assert result.metrics.succeeded == 1
