"""The lab's knobs take their ranges from the engine: the form offers what `Scenario` accepts."""

from __future__ import annotations

from typing import Any

import pytest

from course.lab.core.knobs import REGISTRY, WHOLE_NUMBER_KINDS, Knob, apply_values
from course.lab.core.runs import MAX_OFFERED
from course.sandbox import Scenario, ScenarioError

RANGED = [knob for knob in REGISTRY.values() if knob.kind in {*WHOLE_NUMBER_KINDS, "float"}]
KINESIS = {"Source": {"Type": "kinesis"}}
SQS = {"Source": {"Type": "sqs"}}
# A scenario in which each knob's path is valid, and nothing else limits the field.
CONTEXT: dict[str, dict[str, Any]] = {
    "provisioned": {
        "Account": {"ConcurrentExecutions": 1_000_000, "UnreservedConcurrencyMinimum": 0},
        "Function": {"Versions": {"1": {}}, "Aliases": {"live": {"FunctionVersion": "1"}}},
    },
    "alias_weight": {
        "Function": {"Versions": {"1": {}, "2": {}}, "Aliases": {"live": {"FunctionVersion": "1"}}}
    },
    "batch_size": KINESIS,
    "batching_window": KINESIS,
    "stream_retries": KINESIS,
    "record_age": KINESIS,
    "parallelization": KINESIS,
    "shards": KINESIS,
    "tumbling_window": KINESIS,
    "visibility_timeout": SQS,
    "max_receive_count": SQS,
    "max_concurrency": SQS,
    "rate": {"Traffic": {"Rates": [{"Count": 1}]}},
    "count": {"Traffic": {"Rates": [{"PerSecond": 1}]}},
    "burst": {"Traffic": {"Bursts": [{}]}},
    "fault_probability": {"Faults": [{}]},
    "extra_ms": {"Faults": [{}]},
}
CAPPED = {"provisioned": 1_000, "rate": 1_000, "burst": 5_000, "count": MAX_OFFERED}


def parse_with(knob: Knob, value: float) -> Scenario:
    """Write value through the knob into its context scenario and let the engine parse it."""
    return Scenario.from_dict(apply_values(CONTEXT.get(knob.key, {}), [knob], {knob.key: value}))


def step_of(knob: Knob) -> float:
    assert knob.step is not None
    return knob.step


@pytest.mark.parametrize("knob", RANGED, ids=lambda knob: knob.key)
def test_every_number_knob_takes_its_range_from_the_engine(knob: Knob) -> None:
    assert knob.limits is not None, "a number knob names the engine's range"
    assert knob.minimum == knob.limits.low
    assert knob.maximum == CAPPED.get(knob.key, knob.limits.high)


@pytest.mark.parametrize("knob", RANGED, ids=lambda knob: knob.key)
def test_the_engine_accepts_the_ends_of_a_knobs_range_and_rejects_just_outside(knob: Knob) -> None:
    assert knob.limits is not None
    low, high = knob.limits
    parse_with(knob, low)
    parse_with(knob, high)
    for outside in (low - step_of(knob), high + step_of(knob)):
        with pytest.raises(ScenarioError) as raised:
            parse_with(knob, outside)
        assert raised.value.field.replace("[", ".").replace("]", "") == knob.path


@pytest.mark.parametrize("key", sorted(CAPPED))
def test_a_lab_cap_lies_inside_the_engines_range(key: str) -> None:
    knob = REGISTRY[key]
    assert knob.limits is not None
    assert knob.limits.low < CAPPED[key] < knob.limits.high
    parse_with(knob, CAPPED[key])


def test_reserved_concurrency_is_limited_by_the_default_account() -> None:
    knob = REGISTRY["reserved"]
    assert (knob.minimum, knob.maximum) == (0, 1_000 - 100)
    assert knob.range_text == "0–900 environments"


def test_the_form_shows_whole_numbers_without_a_decimal_point() -> None:
    weight = REGISTRY["alias_weight"]
    assert (weight.minimum, weight.maximum, weight.step) == (0, 1, 0.01)
    assert (str(weight.minimum), str(weight.maximum)) == ("0", "1"), "as the HTML attributes show"
    assert REGISTRY["rate"].range_text == "0.001–1,000 per s"
    assert REGISTRY["memory"].range_text == "128–10,240 MB"
    assert REGISTRY["memory"].step == 1
