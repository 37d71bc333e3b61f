"""Scenario validation: defaults are AWS's, errors name the field, the value and the range."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from course.content.presets import PRESET_KEYS
from course.sandbox import Scenario, ScenarioError, load_scenario_file

from .helpers import PRESETS


def test_defaults_are_aws_defaults() -> None:
    scenario = Scenario.from_dict({})
    function = scenario.function
    assert (function.memory_mb, function.timeout_s, function.ephemeral_mb) == (128, 3, 512)
    assert function.maximum_retry_attempts == 2
    assert function.maximum_event_age_s == 21_600
    assert scenario.account.concurrent_executions == 1_000
    sqs = Scenario.from_dict({"Source": {"Type": "sqs"}}).source
    assert (sqs.mapping.batch_size, sqs.queue.visibility_timeout_s) == (10, 30)
    stream = Scenario.from_dict({"Source": {"Type": "kinesis"}}).source
    assert stream.mapping.batch_size == 100
    assert stream.mapping.maximum_retry_attempts == -1
    assert stream.mapping.maximum_record_age_s == -1


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"Function": {"MemorySize": 64}}, "Function.MemorySize", ["64", "128", "10,240"]),
        ({"Function": {"Timeout": 901}}, "Function.Timeout", ["901", "900"]),
        ({"Function": {"Timeout": "3"}}, "Function.Timeout", ["'3'", "integer"]),
        ({"Function": {"Memory": 256}}, "Function.Memory", ["unknown", "MemorySize"]),
        ({"Bogus": 1}, "Bogus", ["unknown"]),
        (
            {"Function": {"EventInvokeConfig": {"MaximumRetryAttempts": 3}}},
            "Function.EventInvokeConfig.MaximumRetryAttempts",
            ["3", "0–2"],
        ),
        (
            {"Function": {"EventInvokeConfig": {"MaximumEventAgeInSeconds": 59}}},
            "Function.EventInvokeConfig.MaximumEventAgeInSeconds",
            ["59", "60", "21,600"],
        ),
        (
            {"Function": {"ReservedConcurrentExecutions": 950}},
            "Function.ReservedConcurrentExecutions",
            ["950", "900"],
        ),
        (
            {
                "Source": {
                    "Type": "kinesis",
                    "EventSourceMapping": {"MaximumRecordAgeInSeconds": 30},
                }
            },
            "Source.EventSourceMapping.MaximumRecordAgeInSeconds",
            ["30", "604,800"],
        ),
        (
            {"Source": {"Type": "sqs", "EventSourceMapping": {"BatchSize": 50}}},
            "Source.EventSourceMapping.MaximumBatchingWindowInSeconds",
            ["1 s"],
        ),
        (
            {
                "Source": {
                    "Type": "sqs",
                    "Queue": {"FifoQueue": True},
                    "EventSourceMapping": {"BatchSize": 11},
                }
            },
            "Source.EventSourceMapping.BatchSize",
            ["11", "FIFO"],
        ),
        (
            {"Source": {"Type": "sqs", "EventSourceMapping": {"BisectBatchOnFunctionError": True}}},
            "Source.EventSourceMapping.BisectBatchOnFunctionError",
            ["unknown"],
        ),
        ({"Source": {"Type": "kafka"}}, "Source.Type", ["kafka", "sync"]),
        ({"Source": {"Qualifier": "live"}}, "Source.Qualifier", ["live"]),
        ({"Function": {"Architectures": ["mips"]}}, "Function.Architectures", ["arm64"]),
        (
            {
                "Function": {
                    "Versions": {"1": {}},
                    "Aliases": {
                        "live": {"FunctionVersion": "$LATEST", "ProvisionedConcurrentExecutions": 2}
                    },
                }
            },
            "Function.Aliases.live.ProvisionedConcurrentExecutions",
            ["$LATEST"],
        ),
        (
            {
                "Function": {
                    "EventInvokeConfig": {
                        "DestinationConfig": {
                            "OnFailure": {"Destination": "arn:aws:sqs:r:1:q.fifo"}
                        }
                    }
                }
            },
            "Function.EventInvokeConfig.DestinationConfig.OnFailure.Destination",
            ["FIFO"],
        ),
        ({"Traffic": {"Rates": [{"PerSecond": 1}]}}, "Traffic.Rates[0]", ["DurationSeconds"]),
        ({"Faults": [{"Effect": "explode"}]}, "Faults[0].Effect", ["explode", "error"]),
        (
            {"Code": {"DurationMs": {"Distribution": "pareto"}}},
            "Code.DurationMs.Distribution",
            ["pareto"],
        ),
    ],
)
def test_invalid_values_name_the_field_the_value_and_the_range(
    data: dict[str, Any], field: str, words: list[str]
) -> None:
    with pytest.raises(ScenarioError) as error:
        Scenario.from_dict(data)
    assert error.value.field == field
    for word in words:
        assert word in str(error.value)


def test_load_scenario_file_accepts_a_preset_or_a_bare_scenario(tmp_path: Path) -> None:
    preset = load_scenario_file(PRESETS / "cold-then-warm.yaml")
    bare = tmp_path / "bare.yaml"
    bare.write_text("Function: {MemorySize: 256}\n")
    assert preset.function.memory_mb == 128
    assert load_scenario_file(bare).function.memory_mb == 256


def test_every_preset_has_title_goal_lesson_and_scenario() -> None:
    import yaml

    lessons = {
        "execution-environment-lifecycle",
        "function-configuration",
        "function-code",
        "environment-reuse",
        "database-connections",
        "cold-starts",
        "versions-and-aliases",
        "running-and-testing",
        "error-handling",
        "sqs-queues",
        "streams",
    }
    for path in PRESETS.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert {"title", "goal", "lesson", "scenario"} <= set(data) <= set(PRESET_KEYS), path.name
        assert data["lesson"] in lessons, path.name
        assert "\n" not in data["goal"].strip(), path.name


def test_scenarios_are_frozen() -> None:
    scenario = Scenario.from_dict({})
    with pytest.raises(AttributeError):
        scenario.seed = 3  # type: ignore[misc]
