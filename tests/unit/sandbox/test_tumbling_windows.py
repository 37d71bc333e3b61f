"""Tumbling windows on Kinesis and DynamoDB streams, computed from LAMBDA-FACTS.md §8.

The facts: TumblingWindowInSeconds 0–900; state carried between invocations of a window, at
most 1 MB per shard, the window terminated early when it grows past that; the final invocation
of a window has `isFinalInvokeForWindow: true`; at-least-once processing [D36a][D36b].
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from course.sandbox import Kind, ScenarioError, TraceEvent

from .helpers import of, run_dict

WINDOW_S = 30
WINDOW_MS = WINDOW_S * 1000
STATE_LIMIT = 1_048_576  # §8 [D36a]: 1 MB per shard
PER_RECORD = 100  # what each record adds to the state (a simulator input of the scenario)


def _stream(
    *,
    shards: int = 1,
    window_s: int = WINDOW_S,
    per_record: int = PER_RECORD,
    seconds: int = 3 * WINDOW_S,
    per_second: int = 2,
    kind: str = "kinesis",
    faults: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A steady stream of records over `seconds` into a tumbling-window mapping."""
    return {
        "seed": 3,
        "Function": {"Timeout": 30},
        "Code": {"InitDurationMs": 100, "DurationMs": 100, "StateBytesPerRecord": per_record},
        "Source": {
            "Type": kind,
            "Stream": {"ShardCount": shards},
            "EventSourceMapping": {
                "BatchSize": 100,
                "StartingPosition": "TRIM_HORIZON",
                "TumblingWindowInSeconds": window_s,
            },
        },
        "Traffic": {
            "Rates": [{"Kind": "constant", "PerSecond": per_second, "DurationSeconds": seconds}]
        },
        "Faults": faults or [],
    }


def _n(event: TraceEvent, key: str) -> int:
    """Return a whole-number detail of an event."""
    value = event.detail[key]
    assert isinstance(value, int)
    return value


def _finals(events: list[TraceEvent]) -> list[TraceEvent]:
    return [e for e in events if e.detail.get("isFinalInvokeForWindow")]


def _offers_per_window(events: list[TraceEvent]) -> Counter[tuple[object, object]]:
    """Count the records that arrived in each (shard, window), from the trace's OFFER events."""
    return Counter(
        (e.detail["shard"], e.time_ms // WINDOW_MS * WINDOW_MS)
        for e in events
        if e.kind == Kind.OFFER
    )


@pytest.mark.parametrize("kind", ["kinesis", "dynamodb"])
def test_a_steady_stream_over_three_windows_gives_one_aggregate_per_window(kind):
    """Each window's final invoke carries the state of every record that arrived in it."""
    result = run_dict(_stream(kind=kind))
    finals = _finals(of(result, Kind.BATCH_START))
    offers = _offers_per_window(list(result.events))
    assert len(offers) == 3
    assert {(e.detail["shard"], e.detail["window_start_ms"]) for e in finals} == set(offers)
    for event in finals:
        arrived = offers[(event.detail["shard"], _n(event, "window_start_ms"))]
        assert _n(event, "window_records") == arrived
        assert _n(event, "state_bytes") == arrived * PER_RECORD
        assert _n(event, "window_end_ms") - _n(event, "window_start_ms") == WINDOW_MS
        assert event.time_ms >= _n(event, "window_end_ms")  # only once the window has ended


def test_each_window_of_each_shard_has_exactly_one_final_invoke():
    """Windows are per shard: two shards over three windows make six final invokes."""
    result = run_dict(_stream(shards=2))
    finals = _finals(of(result, Kind.BATCH_START))
    per_window = Counter((e.detail["shard"], e.detail["window_start_ms"]) for e in finals)
    assert set(per_window.values()) == {1}
    assert len(per_window) == 2 * 3


def test_windows_are_aligned_and_batches_never_mix_windows():
    """Every batch's records arrived inside the window its event names."""
    result = run_dict(_stream())
    arrivals = {e.request: e.time_ms for e in result.events if e.kind == Kind.OFFER}
    for event in of(result, Kind.BATCH_START):
        start, end = _n(event, "window_start_ms"), _n(event, "window_end_ms")
        assert start % WINDOW_MS == 0
        first, last = event.detail["first_sequence"], event.detail["last_sequence"]
        if first is None:
            continue  # the final invoke carries only the state
        assert isinstance(first, str)
        assert isinstance(last, str)
        assert start <= arrivals[first] <= arrivals[last] < end


def test_the_state_passed_along_grows_within_a_window_and_starts_fresh_in_the_next():
    """Each invocation of a window receives the state the previous one returned."""
    result = run_dict(_stream())
    by_window: dict[int, list[int]] = {}
    for event in of(result, Kind.BATCH_START):
        by_window.setdefault(_n(event, "window_start_ms"), []).append(_n(event, "state_bytes"))
    for states in by_window.values():
        assert states[0] == 0
        assert states == sorted(states)


def test_a_state_over_one_megabyte_ends_the_window_early():
    """300,000 bytes a record: the fourth record takes the state past 1 MB, before 30 s."""
    per_record = 300_000
    result = run_dict(_stream(per_record=per_record, per_second=1, seconds=WINDOW_S))
    events = of(result, Kind.BATCH_START)
    early = [e for e in _finals(events) if e.detail["isWindowTerminatedEarly"]]
    assert early
    first = early[0]
    assert first.time_ms < _n(first, "window_end_ms")
    assert _n(first, "state_bytes") > STATE_LIMIT
    assert _n(first, "state_bytes") - per_record <= STATE_LIMIT
    # A regular invocation never receives more than 1 MB of state.
    regular = [e for e in events if not e.detail["isFinalInvokeForWindow"]]
    assert all(_n(e, "state_bytes") <= STATE_LIMIT for e in regular)


def test_a_failed_batch_is_retried_and_its_records_counted_once_in_the_state():
    """At-least-once: the retry delivers record 5 again, the window's tally counts it once."""
    fault = {"Effect": "error", "Match": {"EventIds": ["5"], "Attempts": [1]}}
    result = run_dict(_stream(faults=[fault]))
    assert of(result, Kind.RETRY_SCHEDULED)
    offers = _offers_per_window(list(result.events))
    for event in _finals(of(result, Kind.BATCH_START)):
        arrived = offers[(event.detail["shard"], _n(event, "window_start_ms"))]
        assert _n(event, "window_records") == arrived


def test_a_stream_without_the_key_has_no_window_in_its_trace():
    """TumblingWindowInSeconds 0 (the default) means no tumbling window. §8 [D36b]"""
    data = _stream(window_s=0)
    result = run_dict(data)
    events = of(result, Kind.BATCH_START)
    assert events
    assert not any("window_start_ms" in e.detail for e in events)


@pytest.mark.parametrize("value", [-1, 901])
def test_a_window_outside_0_to_900_seconds_is_refused_naming_the_field(value):
    with pytest.raises(ScenarioError) as error:
        run_dict(_stream(window_s=value))
    assert error.value.field == "Source.EventSourceMapping.TumblingWindowInSeconds"
    assert "0–900" in error.value.message
