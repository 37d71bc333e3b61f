"""No scenario can make a run unbounded: the engine stops at its event cap and says so."""

from __future__ import annotations

from course.sandbox import Scenario, simulate
from tests.helpers.scenarios import REDELIVERY_STORM


def test_a_redelivery_storm_stops_at_the_cap_with_a_message():
    cap = 5_000
    result = simulate(Scenario.from_dict(REDELIVERY_STORM), max_events=cap)
    assert result.simulated_events == cap
    assert result.stopped_at_ms is not None
    assert result.stopped is not None
    assert f"{cap:,} simulated events" in result.stopped
    # Work done is bounded by the cap: invocations and redeliveries count against it.
    assert result.metrics.invocations <= cap
    uncapped_share = simulate(Scenario.from_dict(REDELIVERY_STORM), max_events=2 * cap)
    assert uncapped_share.metrics.invocations > result.metrics.invocations


def test_a_run_within_the_cap_counts_its_events_and_is_not_stopped():
    scenario = Scenario.from_dict({"Traffic": {"Events": [{"AtMs": 0}, {"AtMs": 5_000}]}})
    result = simulate(scenario)
    assert result.stopped_at_ms is None
    assert result.stopped is None
    # Two arrivals, and for each at least the end of its invocation.
    assert result.simulated_events >= 4
    capped = simulate(scenario, max_events=result.simulated_events)
    assert capped.stopped is None
    assert capped.metrics == result.metrics
    one_short = simulate(scenario, max_events=result.simulated_events - 1)
    assert one_short.stopped is not None


def test_the_trace_is_capped_even_when_one_event_records_many():
    # One poll of a 10,000-record batch records an event per record: the cap counts those too.
    scenario = Scenario.from_dict(
        {
            "Source": {"Type": "kinesis", "EventSourceMapping": {"BatchSize": 10_000}},
            "Traffic": {"Bursts": [{"AtMs": 0, "Count": 20_000}]},
        }
    )
    whole = simulate(scenario)
    result = simulate(scenario, max_trace_events=3_000)
    assert whole.stopped is None
    assert result.stopped is not None
    assert len(result.events) < len(whole.events)
    # The cap is checked between callbacks: at most one more callback's events get through.
    biggest_step = max(
        sum(1 for event in whole.events if event.time_ms == moment)
        for moment in {event.time_ms for event in whole.events}
    )
    assert len(result.events) <= 3_000 + biggest_step
