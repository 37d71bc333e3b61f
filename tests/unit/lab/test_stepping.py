"""Stepping: `?at=` parsing and the jumps to the next/previous event of a kind."""

from __future__ import annotations

import pytest

from course.lab.core.event_log import is_error
from course.lab.core.stepping import AtError, moment, parse_at
from course.sandbox import Kind, Scenario, simulate

# Three cold starts (a burst of 2, then one after the first two expired), one failing request.
SCENARIO = {
    "seed": 1,
    "Code": {"InitDurationMs": 300, "DurationMs": 1000},
    "Environment": {"IdleLifetimeSeconds": 60},
    "Traffic": {
        "Bursts": [{"AtMs": 0, "Count": 2}],
        "Events": [{"AtMs": 5000, "Id": "bad"}, {"AtMs": 200_000}],
    },
    "Faults": [{"Effect": "error", "Match": {"EventIds": ["bad"]}}],
}


@pytest.fixture(scope="module")
def events():
    return simulate(Scenario.from_dict(SCENARIO)).events


def jump(step, key):
    return next(j for j in step.jumps if j.key == key)


def test_next_cold_start_from_any_index_is_the_next_init_event(events):
    inits = [i for i, e in enumerate(events) if e.kind == Kind.INIT]
    assert len(inits) == 3  # two at once, then one after the idle lifetime
    for at in range(len(events)):
        step = moment(events, at)
        later = [i for i in inits if i > at]
        earlier = [i for i in inits if i < at]
        assert jump(step, "cold").next == (later[0] if later else None)
        assert jump(step, "cold").previous == (earlier[-1] if earlier else None)


def test_next_error_and_neighbouring_events(events):
    errors = [i for i, e in enumerate(events) if is_error(e)]
    assert errors  # the "bad" request fails
    step = moment(events, 0)
    assert jump(step, "event").previous is None
    assert jump(step, "event").next == 1
    assert jump(step, "error").next == errors[0]
    last = moment(events, len(events) - 1)
    assert jump(last, "event").next is None
    assert jump(last, "event").previous == len(events) - 2


def test_a_run_without_batches_offers_no_batch_jump(events):
    assert "batch" not in {j.key for j in moment(events, 0).jumps}


def test_a_moment_is_the_event_and_every_view_at_it(events):
    at = next(i for i, e in enumerate(events) if e.kind == Kind.INVOKE)
    step = moment(events, at)
    assert (step.at, step.number, step.total) == (at, at + 1, len(events))
    assert step.narration == events[at].narration
    assert step.time_ms == events[at].time_ms
    assert [view.until for view in step.views] == [at] * len(step.views)


@pytest.mark.parametrize("raw", ["", " ", "abc", "-1", "+3", "1.5", "1e3", "٣", "9" * 10])
def test_junk_is_not_an_event_number(raw):
    with pytest.raises(AtError, match="not an event number"):
        parse_at(raw)


def test_numbers_parse_and_out_of_range_says_how_many(events):
    assert parse_at(" 12 ") == 12
    with pytest.raises(AtError, match=f"has {len(events)} events"):
        moment(events, len(events))
    with pytest.raises(AtError, match="no trace"):
        moment((), 0)


def test_a_snapstart_restore_is_a_cold_start_to_jump_to():
    # SnapStart: the alias's published version resumes from its snapshot (RESTORE, no INIT);
    # $LATEST, called later, still runs INIT. Both are cold starts the "cold" jump visits.
    scenario = {
        "seed": 1,
        "Function": {
            "SnapStart": {"ApplyOn": "PublishedVersions"},
            "Versions": {"1": {}},
            "Aliases": {"live": {"FunctionVersion": "1"}},
        },
        "Code": {"InitDurationMs": 2000, "RestoreDurationMs": 300, "DurationMs": 100},
        "Source": {"Type": "sync", "Qualifier": "live"},
        "Traffic": {"Bursts": [{"AtMs": 0, "Count": 2}]},
    }
    run = simulate(Scenario.from_dict(scenario))
    events = run.events
    restores = [i for i, e in enumerate(events) if e.kind == Kind.RESTORE]
    assert len(restores) == 2
    assert not any(e.kind == Kind.INIT for e in events)
    assert run.metrics.cold_starts == 2
    first = moment(events, 0)
    assert jump(first, "cold").next == restores[0]
    assert jump(moment(events, restores[0]), "cold").next == restores[1]
    assert jump(moment(events, len(events) - 1), "cold").previous == restores[-1]
