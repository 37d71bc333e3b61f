"""The knobs for tumbling windows, SnapStart and the SQS low-traffic wait.

Each writes the AWS field the engine reads (docs/scenarios.md), offers the engine's range, and an
out-of-range value is refused by the lab's form with the field's label and its allowed range.
"""

from __future__ import annotations

from typing import Any

import pytest

from course.lab.core.knobs import REGISTRY, apply_values
from course.lab.forms import ScenarioForm
from course.lab.models import ScenarioPreset
from course.sandbox import Kind, Result, Scenario, ScenarioError, simulate

KINESIS = {
    "seed": 1,
    "Source": {"Type": "kinesis", "EventSourceMapping": {"BatchSize": 100}},
    "Traffic": {"Rates": [{"Kind": "constant", "PerSecond": 2, "DurationSeconds": 60}]},
}
SNAPSTART = {
    "seed": 1,
    "Function": {"Versions": {"1": {}}, "Aliases": {"live": {"FunctionVersion": "1"}}},
    "Code": {"InitDurationMs": 3000},
    "Source": {"Type": "sync", "Qualifier": "live"},
    "Traffic": {"Bursts": [{"AtMs": 0, "Count": 2}]},
}
SQS = {
    "seed": 1,
    "Source": {"Type": "sqs"},
    "Traffic": {"Events": [{"AtMs": 0}]},
}


def run(scenario: dict[str, Any], **values: object) -> Result:
    knobs = [REGISTRY[key] for key in values]
    return simulate(Scenario.from_dict(apply_values(scenario, knobs, values)))


def form(scenario: dict[str, Any], knobs: list[str], **query: object) -> ScenarioForm:
    preset = ScenarioPreset(slug="demo", title="Demo", goal="Try", knobs=knobs, scenario=scenario)
    return ScenarioForm({"run": "1", **{k: str(v) for k, v in query.items()}}, preset=preset)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("tumbling_window", 901, "Tumbling window must be within 0–900 s."),
        ("tumbling_window", -1, "Tumbling window must be within 0–900 s."),
        ("state_bytes", 1_048_577, "State per record must be within 0–1,048,576 bytes."),
        ("restore_ms", 900_001, "Restore duration must be within 0–900,000 ms."),
    ],
)
def test_an_out_of_range_value_names_the_field_and_its_range(key, value, message):
    scenario = SNAPSTART if key == "restore_ms" else KINESIS
    bound = form(scenario, [key, "shards"], **{key: value})
    assert not bound.is_valid()
    assert bound.errors[key] == [message]


def test_the_tumbling_window_and_state_knobs_reach_the_engine():
    events = run(KINESIS, tumbling_window=30, state_bytes=10).events
    finals = [
        e for e in events if e.kind == Kind.BATCH_START and e.detail.get("isFinalInvokeForWindow")
    ]
    assert [e.detail["state_bytes"] for e in finals] == [600, 600]  # 60 records × 10 bytes
    assert [e.detail["window_start_ms"] for e in finals] == [0, 30_000]


def test_a_state_over_one_megabyte_per_shard_ends_the_window_early():
    events = run(KINESIS, tumbling_window=30, state_bytes=30_000).events
    assert any(
        e.detail.get("isWindowTerminatedEarly") for e in events if e.kind == Kind.BATCH_START
    )


def test_snapstart_on_turns_the_alias_cold_starts_into_restores():
    off = run(SNAPSTART, snap_start="None", restore_ms=250).events
    on = run(SNAPSTART, snap_start="PublishedVersions", restore_ms=250).events
    assert [e.kind for e in off].count(Kind.INIT) == 2
    assert not [e for e in off if e.kind == Kind.RESTORE]
    restores = [e for e in on if e.kind == Kind.RESTORE]
    assert [e.detail["duration_ms"] for e in restores] == [250, 250]
    assert not [e for e in on if e.kind == Kind.INIT]


def test_snapstart_with_provisioned_concurrency_is_refused_at_the_provisioned_knob():
    bound = form(
        SNAPSTART, ["snap_start", "provisioned"], snap_start="PublishedVersions", provisioned=2
    )
    assert not bound.is_valid()
    assert "can't be combined with SnapStart" in bound.errors["provisioned"][0]


def test_the_snapstart_knob_reads_and_writes_apply_on():
    knob = REGISTRY["snap_start"]
    assert knob.read(SNAPSTART) == "None"
    written = apply_values(SNAPSTART, [knob], {"snap_start": "PublishedVersions"})
    assert written["Function"]["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert knob.read(written) == "PublishedVersions"


def test_the_low_traffic_wait_knob_makes_a_lone_message_wait_twenty_seconds():
    waits = [
        next(e.time_ms for e in run(SQS, low_traffic_wait=on).events if e.kind == Kind.BATCH_START)
        for on in (False, True)
    ]
    assert waits == [0, 20_000]


def test_the_low_traffic_wait_is_refused_for_a_fifo_queue():
    fifo = {**SQS, "Source": {"Type": "sqs", "Queue": {"FifoQueue": True}}}
    with pytest.raises(ScenarioError) as raised:
        run(fifo, low_traffic_wait=True)
    assert raised.value.field.endswith("LowTrafficWait")
