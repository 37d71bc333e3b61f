"""A SnapStart RESTORE is a cold start to every picture, as INIT is (LAMBDA-FACTS §3 [D16]).

An asynchronous event on a published version with SnapStart starts its first attempt with a
RESTORE instead of INIT: the kitchen must count that attempt, and the event log must mark the
line as the start-up it is.
"""

from __future__ import annotations

from course.lab.core.event_log import build_log
from course.lab.core.mechanisms.async_queue import build_async
from course.sandbox import Kind, Scenario, simulate

SNAPSTART_ASYNC = {
    "seed": 1,
    "Function": {
        "SnapStart": {"ApplyOn": "PublishedVersions"},
        "Versions": {"1": {}},
        "Aliases": {"live": {"FunctionVersion": "1"}},
        "EventInvokeConfig": {"MaximumRetryAttempts": 2},
    },
    "Code": {"InitDurationMs": 2_000, "DurationMs": 100, "RestoreDurationMs": 250},
    "Source": {"Type": "async", "Qualifier": "live"},
    "Traffic": {"Events": [{"AtMs": 0, "Id": "a"}]},
}


def test_the_kitchen_counts_an_attempt_that_began_with_a_restore():
    events = simulate(Scenario.from_dict(SNAPSTART_ASYNC)).events
    restore = next(i for i, e in enumerate(events) if e.kind == Kind.RESTORE)
    assert not any(e.kind == Kind.INIT for e in events)
    during = build_async(events, restore)
    assert during is not None
    (row,) = during.rows
    assert (row.state, [a.number for a in row.attempts]) == ("running", [1])
    after = build_async(events, None)
    assert after is not None
    assert (after.attempts, after.succeeded) == (1, 1)


def test_the_event_log_marks_a_restore_as_a_start_up():
    log = build_log(simulate(Scenario.from_dict(SNAPSTART_ASYNC)))
    restore_lines = [line for line in log.lines if line.kind == "RESTORE"]
    assert restore_lines
    assert all(line.css == "log-init" for line in restore_lines)
