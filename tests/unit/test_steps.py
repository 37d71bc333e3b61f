"""Step mode: actions parse, replay deterministically and change the simulated world."""

from __future__ import annotations

import pytest

from course.lab.core.steps import StepError, apply_steps, format_steps, parse_steps
from course.sandbox import Kind, Scenario, ScenarioError, simulate

BASE = {
    "seed": 3,
    "Code": {"InitDurationMs": 300, "DurationMs": 100},
    "Environment": {"IdleLifetimeSeconds": 60},
    "Source": {"Type": "sync"},
    "Traffic": {"Bursts": [{"AtMs": 0, "Count": 50}]},
}


def run(tokens: str):
    scenario, marks = apply_steps(BASE, parse_steps(tokens))
    return simulate(Scenario.from_dict(scenario)), marks


def test_steps_round_trip_through_the_url_form():
    text = "invoke,burst:5,wait:60000,break,fix,publish,shift:10"
    assert format_steps(parse_steps(text)) == text


@pytest.mark.parametrize(
    "token", ["jump", "burst:0", "burst:999", "wait:x", "shift:101", "invoke:2"]
)
def test_a_bad_step_is_refused_with_the_list_of_valid_ones(token):
    with pytest.raises(StepError, match="use invoke, burst:N"):
        parse_steps(token)


def test_the_presets_own_traffic_is_replaced_by_the_steps():
    result, _ = run("invoke")
    assert result.metrics.requests_offered == 1


def test_invoking_again_after_the_response_reuses_the_environment():
    result, marks = run("invoke,invoke")
    assert (result.metrics.cold_starts, result.metrics.warm_starts) == (1, 1)
    assert marks[1].at_ms >= 400  # the second call waits for the first response (INIT + handler)


def test_waiting_past_the_idle_lifetime_costs_a_second_cold_start():
    result, _ = run("invoke,wait:120000,invoke")
    assert result.metrics.cold_starts == 2


def test_break_and_fix_bound_the_failing_window():
    result, _ = run("invoke,break,invoke,invoke,fix,invoke")
    assert result.metrics.function_errors == 2
    assert result.metrics.succeeded == 2


def test_a_canary_sends_a_share_of_traffic_to_the_new_version_and_rollback_stops_it():
    result, _ = run("publish,break,shift:10,burst:100,shift:0,burst:50")
    versions = [e.version for e in result.events if e.kind is Kind.INVOKE]
    canary = versions[:100]
    after_rollback = versions[100:]
    assert 2 <= canary.count("2") <= 25  # about 10 %: routing is probabilistic (§4 [D18])
    assert set(after_rollback) == {"1"}
    # Only the new version carries the bug.
    assert result.metrics.function_errors == canary.count("2")


def test_promoting_moves_all_traffic():
    result, _ = run("publish,shift:100,burst:20")
    assert {e.version for e in result.events if e.kind is Kind.INVOKE} == {"2"}


def test_the_same_steps_give_the_same_trace():
    first, _ = run("publish,shift:10,burst:30,wait:1000,invoke")
    second, _ = run("publish,shift:10,burst:30,wait:1000,invoke")
    assert first.events == second.events


def test_alias_shifts_must_name_published_versions():
    with pytest.raises(ScenarioError) as error:
        Scenario.from_dict(
            {
                "Function": {
                    "Versions": {"1": {}},
                    "Aliases": {
                        "live": {
                            "FunctionVersion": "1",
                            "Shifts": [{"AtMs": 5, "FunctionVersion": "7"}],
                        }
                    },
                }
            }
        )
    assert "Shifts[0].FunctionVersion" in error.value.field
