"""The parking lot, the kitchen and the buffet, built from small hand-made scenarios.

Expected values come from the scenario (how many requests, the retry policy, maxReceiveCount),
and states at a step are checked at the trace index of the event that causes them.
"""

from __future__ import annotations

from collections.abc import Sequence

from course.lab.core.mechanisms import build_views
from course.lab.core.mechanisms.async_queue import build_async
from course.lab.core.mechanisms.pool import MAX_DRAWN, build_pool
from course.lab.core.mechanisms.sqs import build_sqs
from course.sandbox import Kind, Scenario, TraceEvent, simulate

DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:dlq"
FAILED_ARN = "arn:aws:sqs:us-east-1:123456789012:failed"
OK_ARN = "arn:aws:sqs:us-east-1:123456789012:ok"


def run(data: dict[str, object]) -> tuple[TraceEvent, ...]:
    return simulate(Scenario.from_dict({"seed": 1, **data})).events


def first(events: Sequence[TraceEvent], kind: Kind, **match: object) -> int:
    return next(
        i
        for i, e in enumerate(events)
        if e.kind == kind and all(getattr(e, k) == v for k, v in match.items())
    )


# --- the parking lot ---------------------------------------------------------------------

TWO_THEN_ONE = {
    "Code": {"InitDurationMs": 300, "DurationMs": 1000},
    "Environment": {"IdleLifetimeSeconds": 600},
    "Traffic": {"Bursts": [{"AtMs": 0, "Count": 2}], "Events": [{"AtMs": 5000}]},
}


def test_two_at_once_need_two_trucks_and_the_third_request_reuses_one():
    events = run(TWO_THEN_ONE)
    pool = build_pool(events, None)
    assert pool is not None
    assert (pool.created, pool.cold_starts, pool.reused) == (2, 2, 1)
    # The whole-run lot is the lot when the last request finished: both trucks parked, frozen.
    assert [space.state for space in pool.spaces] == ["frozen", "frozen"]
    assert sum(space.invocations for space in pool.spaces) == 3


def test_a_truck_goes_initialising_busy_frozen_leaving_gone_at_its_own_events():
    events = run(TWO_THEN_ONE)
    env = events[first(events, Kind.INIT)].env
    assert env is not None

    def state(at: int) -> str:
        pool = build_pool(events, at)
        assert pool is not None
        return {space.env: space.state for space in pool.spaces}[env]

    assert state(first(events, Kind.INIT, env=env)) == "initialising"
    assert state(first(events, Kind.INVOKE, env=env)) == "busy"
    assert state(first(events, Kind.FREEZE, env=env)) == "frozen"
    shutdown = first(events, Kind.SHUTDOWN, env=env)
    assert state(shutdown) == "shutting-down"
    # It was idle for the whole idle lifetime before leaving.
    last_freeze = max(i for i, e in enumerate(events) if e.kind == Kind.FREEZE and e.env == env)
    assert events[shutdown].time_ms - events[last_freeze].time_ms == 600_000
    if shutdown + 1 < len(events):
        assert state(shutdown + 1) == "gone"


def test_provisioned_trucks_are_marked_and_ready_before_any_request():
    events = run(
        {
            "Function": {
                "Versions": {"1": {}},
                "Aliases": {"live": {"FunctionVersion": "1", "ProvisionedConcurrentExecutions": 3}},
            },
            "Code": {"InitDurationMs": 800, "DurationMs": 1000},
            "Source": {"Type": "sync", "Qualifier": "live"},
            "Traffic": {"Bursts": [{"AtMs": 1000, "Count": 4}]},
        }
    )
    ready = build_pool(events, max(i for i, e in enumerate(events) if e.kind == Kind.PROVISION))
    assert ready is not None
    assert [(s.provisioned, s.state) for s in ready.spaces] == [(True, "frozen")] * 3
    end = build_pool(events, None)
    assert end is not None
    # Four at once: three provisioned trucks and one on-demand spill-over with its cold start.
    assert (end.created, end.provisioned, end.cold_starts) == (4, 3, 1)


def test_a_big_lot_is_drawn_by_group_and_counts_them_all():
    events = run({"Code": {"DurationMs": 1000}, "Traffic": {"Bursts": [{"AtMs": 0, "Count": 30}]}})
    pool = build_pool(events, None)
    assert pool is not None
    assert MAX_DRAWN < 30
    assert pool.spaces == ()
    assert sum(group.count for group in pool.groups) == 30
    assert sum(count.count for count in pool.counts) == 30
    assert "one row per state" in pool.summary


# --- the kitchen -------------------------------------------------------------------------

FAILING_ASYNC = {
    "Function": {
        "DeadLetterConfig": {"TargetArn": DLQ_ARN},
        "EventInvokeConfig": {
            "MaximumRetryAttempts": 2,
            "DestinationConfig": {"OnFailure": {"Destination": FAILED_ARN}},
        },
    },
    "Code": {"InitDurationMs": 200, "DurationMs": 500},
    "Source": {"Type": "async"},
    "Traffic": {"Events": [{"AtMs": 0, "Id": "order-1"}]},
    "Faults": [{"Effect": "error"}],
}


def test_a_failing_event_is_tried_three_times_with_growing_waits_then_sent_to_both_places():
    events = run(FAILING_ASYNC)
    retries = [i for i, e in enumerate(events) if e.kind == Kind.RETRY_SCHEDULED]
    assert len(retries) == 2  # MaximumRetryAttempts 2
    for number, index in enumerate(retries, start=1):
        view = build_async(events, index)
        assert view is not None
        (row,) = view.rows
        assert row.state == "waiting"
        assert [a.number for a in row.attempts] == list(range(1, number + 1))
        assert all(a.outcome == "error" for a in row.attempts)
        # The documented cadence: about 1 minute before attempt 2, 2 minutes before attempt 3.
        assert row.next_at_ms == events[index].time_ms + 60_000 * number
        assert f"attempt {number + 1}" in row.detail.text
    view = build_async(events, None)
    assert view is not None
    (row,) = view.rows
    assert row.state == "ended"
    assert [a.number for a in row.attempts] == [1, 2, 3]
    assert set(row.places) == {"OnFailure destination", "DLQ"}
    assert row.condition == "RetriesExhausted"
    assert (view.accepted, view.attempts, view.succeeded, view.ended) == (1, 3, 0, 1)


def test_an_event_older_than_its_maximum_age_is_dropped_before_the_retry():
    events = run(
        {
            **FAILING_ASYNC,
            "Function": {
                "EventInvokeConfig": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 60}
            },
        }
    )
    view = build_async(events, None)
    assert view is not None
    (row,) = view.rows
    # The first retry would wait a minute: past the 60 s maximum age, so only one attempt.
    assert [a.number for a in row.attempts] == [1]
    assert (row.state, row.condition, row.places) == ("ended", "EventAgeExceeded", ())
    assert "too old" in row.detail.text


def test_a_succeeding_event_reaches_the_success_destination():
    events = run(
        {
            "Function": {
                "EventInvokeConfig": {"DestinationConfig": {"OnSuccess": {"Destination": OK_ARN}}}
            },
            "Source": {"Type": "async"},
            "Traffic": {"Events": [{"AtMs": 0, "Id": "a"}, {"AtMs": 10, "Id": "b"}]},
        }
    )
    view = build_async(events, None)
    assert view is not None
    assert [(row.request, row.state, row.places) for row in view.rows] == [
        ("a", "succeeded", ("Success destination",)),
        ("b", "succeeded", ("Success destination",)),
    ]
    before = build_async(events, first(events, Kind.INVOKE, request="a"))
    assert before is not None
    assert before.rows[0].state == "running"


def test_a_sync_run_has_no_kitchen_and_no_buffet():
    events = run({"Traffic": {"Events": [{"AtMs": 0}]}})
    assert [view.key for view in build_views(events)] == ["pool"]


# --- the buffet --------------------------------------------------------------------------


def queue(report_failures: bool) -> dict[str, object]:
    mapping: dict[str, object] = {"BatchSize": 4}
    if report_failures:
        mapping["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
    return {
        "Function": {"Timeout": 30},
        "Code": {"InitDurationMs": 200, "DurationMs": 1000},
        "Source": {
            "Type": "sqs",
            "Queue": {"VisibilityTimeout": 60, "RedrivePolicy": {"maxReceiveCount": 3}},
            "EventSourceMapping": mapping,
        },
        "Traffic": {"Bursts": [{"AtMs": 0, "Count": 4}]},
        "Faults": [{"Effect": "error", "Match": {"EventIds": ["msg-2"]}}],
    }


def states(events: Sequence[TraceEvent], at: int | None) -> dict[str, tuple[str, int]]:
    view = build_sqs(events, at)
    assert view is not None
    return {m.id: (m.state, m.receive_count) for m in view.messages}


def test_a_poison_message_is_received_one_two_three_times_then_moved_to_the_dlq():
    events = run(queue(report_failures=True))
    batch_starts = [i for i, e in enumerate(events) if e.kind == Kind.BATCH_START]
    seen = [states(events, index)["msg-2"] for index in batch_starts]
    assert seen == [("in-flight", 1), ("in-flight", 2), ("in-flight", 3)]  # maxReceiveCount 3
    comes_back = first(events, Kind.VISIBLE_AGAIN, request="msg-2")
    assert states(events, comes_back)["msg-2"] == ("visible", 1)
    dlq = first(events, Kind.DLQ, request="msg-2")
    assert states(events, dlq - 1)["msg-2"][0] == "visible"
    assert states(events, dlq)["msg-2"] == ("dlq", 3)
    end = states(events, None)
    assert end == {
        "msg-1": ("deleted", 1),
        "msg-2": ("dlq", 3),
        "msg-3": ("deleted", 1),
        "msg-4": ("deleted", 1),
    }


def test_a_partial_batch_response_marks_exactly_the_failed_message():
    events = run(queue(report_failures=True))
    view = build_sqs(events, first(events, Kind.BATCH_RESULT))
    assert view is not None
    (batch,) = view.batches
    assert batch.outcome == "partial"
    assert {m.id: m.mark for m in batch.members} == {
        "msg-1": "deleted",
        "msg-2": "failed",
        "msg-3": "deleted",
        "msg-4": "deleted",
    }
    # In flight until the visibility timeout: the timer says when it comes back.
    msg2 = next(m for m in view.messages if m.id == "msg-2")
    assert msg2.state == "in-flight"
    assert msg2.returns_at_ms == events[first(events, Kind.BATCH_START)].time_ms + 60_000
    assert view.visibility_ms == 60_000


def test_without_partial_responses_the_whole_batch_fails_and_everyone_reaches_the_dlq():
    events = run(queue(report_failures=False))
    view = build_sqs(events, first(events, Kind.BATCH_RESULT))
    assert view is not None
    (batch,) = view.batches
    assert batch.outcome == "failed"
    assert {m.mark for m in batch.members} == {"failed"}
    end = build_sqs(events, None)
    assert end is not None
    assert {m.state for m in end.messages} == {"dlq"}
    assert end.batch_count == 3  # received three times each, then redriven
