"""A SnapStart RESTORE is a cold start to every picture, as INIT is (LAMBDA-FACTS §3 [D16]).

An asynchronous event on a published version with SnapStart starts its first attempt with a
RESTORE instead of INIT: the kitchen must count that attempt, and the event log must mark the
line as the start-up it is.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from course.lab.core.event_log import build_log
from course.lab.core.mechanisms.async_queue import build_async
from course.lab.core.mechanisms.pool import build_pool
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


def test_the_parking_lot_paints_restore_on_a_truck_restoring_from_the_snapshot():
    events = simulate(Scenario.from_dict(SNAPSTART_ASYNC)).events
    restore = next(i for i, e in enumerate(events) if e.kind == Kind.RESTORE)
    during = build_pool(events, restore)
    assert during is not None
    assert during.snapstart
    (space,) = during.spaces
    assert (space.state, space.sign) == ("initialising", "RESTORE")
    assert "restoring from the SnapStart snapshot" in space.detail.text
    html = render_to_string("lab/mechanisms/pool.html", {"view": during, "prefix": "t"})
    assert ">RESTORE</text>" in html
    assert ">RESTORE</span> restoring from the SnapStart snapshot" in html  # in the legend
    after = build_pool(events, None)
    assert after is not None
    assert [space.sign for space in after.spaces] == ["FROZEN"]


def test_a_run_without_snapstart_keeps_the_init_sign_and_legend():
    plain = {**SNAPSTART_ASYNC, "Function": {"EventInvokeConfig": {"MaximumRetryAttempts": 2}}}
    plain["Source"] = {"Type": "async"}
    events = simulate(Scenario.from_dict(plain)).events
    init = next(i for i, e in enumerate(events) if e.kind == Kind.INIT)
    view = build_pool(events, init)
    assert view is not None
    assert not view.snapstart
    assert [space.sign for space in view.spaces] == ["INIT"]
    html = render_to_string("lab/mechanisms/pool.html", {"view": view, "prefix": "t"})
    assert "RESTORE" not in html
