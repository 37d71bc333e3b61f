"""The SQS low-traffic wait: a partial batch may wait up to 20 s even with a smaller window.

Facts (LAMBDA-FACTS.md §7 [D30a][D34]): Lambda invokes when the batching window expires, the
batch size is reached or the payload reaches 6 MB; "with low traffic Lambda may wait up to
20 s even if the window is smaller". With `LowTrafficWait: true` on the source the simulator
takes that upper bound; without it (the default) nothing changes.
"""

from __future__ import annotations

from typing import Any

import pytest

from course.sandbox import Kind, Scenario, ScenarioError

from .helpers import of, run_dict

UP_TO_MS = 20_000  # "may wait up to 20 s" (§7 [D30a][D34])
MB = 1_048_576


def queue(*, wait: bool, window_s: int = 0, events: list[dict[str, Any]] | None = None) -> Any:
    source: dict[str, Any] = {
        "Type": "sqs",
        "EventSourceMapping": {"BatchSize": 10, "MaximumBatchingWindowInSeconds": window_s},
    }
    if wait:
        source["LowTrafficWait"] = True
    return {
        "seed": 1,
        "Code": {"InitDurationMs": 0, "DurationMs": 100},
        "Source": source,
        "Traffic": {"Events": events or [{"AtMs": 0, "Id": "m1"}]},
    }


def first_batch_ms(data: dict[str, Any]) -> int:
    return of(run_dict(data), Kind.BATCH_START)[0].time_ms


def test_a_lone_message_waits_20_s_with_the_low_traffic_wait_and_none_without() -> None:
    """Window 0: invoked at once by default, after 20 s when the low-traffic wait applies."""
    assert first_batch_ms(queue(wait=False)) == 0
    result = run_dict(queue(wait=True))
    (start,) = of(result, Kind.BATCH_START)
    assert start.time_ms == UP_TO_MS
    assert "waited 20 s" in start.narration
    assert result.metrics.latency_p50_ms >= UP_TO_MS  # offered at 0, done after the wait


@pytest.mark.parametrize(("window_s", "expected_ms"), [(2, UP_TO_MS), (30, 30_000)])
def test_the_wait_is_the_longer_of_the_window_and_20_s(window_s: int, expected_ms: int) -> None:
    """A 2 s window is smaller than 20 s, so 20 s; a 30 s window is longer, so it stands."""
    assert first_batch_ms(queue(wait=True, window_s=window_s)) == expected_ms


def test_a_full_batch_does_not_wait() -> None:
    """Batch size reached: Lambda invokes at once, low traffic or not (§7 [D30a])."""
    events = [{"AtMs": 0, "Id": f"m{n}"} for n in range(1, 11)]
    assert first_batch_ms(queue(wait=True, events=events)) == 0


def test_a_batch_whose_payload_reaches_6_mb_does_not_wait() -> None:
    """Payload reaches 6 MB: Lambda invokes at once (§7 [D30a][D34])."""
    events = [{"AtMs": 0, "Id": f"m{n}", "PayloadBytes": MB} for n in range(1, 7)]
    assert first_batch_ms(queue(wait=True, events=events)) == 0


def test_a_message_arriving_during_the_wait_joins_the_same_batch() -> None:
    """The wait counts from the first waiting message; a later one rides in the same batch."""
    events = [{"AtMs": 0, "Id": "m1"}, {"AtMs": 5_000, "Id": "m2"}]
    (start,) = of(run_dict(queue(wait=True, events=events)), Kind.BATCH_START)
    assert (start.time_ms, start.detail["batch"]) == (UP_TO_MS, ["m1", "m2"])


def test_the_low_traffic_wait_is_refused_for_fifo_queues_and_other_sources() -> None:
    """It is modelled for standard queues only; other sources have no such key."""
    data = queue(wait=True)
    data["Source"]["Queue"] = {"FifoQueue": True}
    with pytest.raises(ScenarioError) as error:
        Scenario.from_dict(data)
    assert error.value.field == "Source.LowTrafficWait"
    with pytest.raises(ScenarioError) as error:
        Scenario.from_dict({"Source": {"Type": "async", "LowTrafficWait": True}})
    assert error.value.field == "Source.LowTrafficWait"
