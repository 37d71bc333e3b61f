"""The fan-out view, built from small hand-made SNS and EventBridge scenarios.

Expected values come from each scenario: which subscriber's filter policy (or rule's pattern)
lets which message through, the function's MaximumRetryAttempts and destinations, and the
delivery faults. States at a step are checked at the trace index of the event causing them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from course.lab.core.mechanisms import build_views
from course.lab.core.mechanisms.fanout import FanoutView, build_fanout
from course.sandbox import Kind, Scenario, TraceEvent, simulate

FAILURES_ARN = "arn:aws:sqs:us-east-1:123456789012:b-failures"
DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:dlq"


def run(data: dict[str, Any]) -> tuple[TraceEvent, ...]:
    return simulate(Scenario.from_dict({"seed": 1, **data})).events


def view(events: Sequence[TraceEvent], until: int | None = None) -> FanoutView:
    built = build_fanout(events, until)
    assert built is not None
    return built


def cells(built: FanoutView) -> dict[tuple[str, str], str]:
    """Return (message, subscriber) → outcome for every drawn cell."""
    return {
        (cell.message, cell.subscriber): cell.outcome
        for topic in built.topics
        for lane in topic.lanes
        for cell in lane.cells
    }


def index(events: Sequence[TraceEvent], kind: Kind, **match: object) -> int:
    return next(
        i
        for i, e in enumerate(events)
        if e.kind == kind and all(getattr(e, k) == v for k, v in match.items())
    )


# Topic t: a (no filter) and b (plan anything-but free), b always fails with 1 retry and an
# OnFailure destination; m1 (pro) at 0, m2 (free) at 1 s.
RETRIES = 1
TWO_SUBSCRIBERS: dict[str, Any] = {
    "Functions": {
        "a": {"Code": {"DurationMs": 50}},
        "b": {
            "EventInvokeConfig": {
                "MaximumRetryAttempts": RETRIES,
                "DestinationConfig": {"OnFailure": {"Destination": FAILURES_ARN}},
            },
            "Code": {"DurationMs": 50},
        },
    },
    "Sources": [
        {
            "Type": "sns",
            "Name": "t",
            "Subscriptions": [
                {"Function": "a"},
                {"Function": "b", "FilterPolicy": {"plan": [{"anything-but": "free"}]}},
            ],
        },
        {"Type": "sqs", "Name": "b-failures"},
    ],
    "Traffic": {
        "Events": [
            {"AtMs": 0, "Id": "m1", "Source": "t", "Attributes": {"plan": "pro"}},
            {"AtMs": 1000, "Id": "m2", "Source": "t", "Attributes": {"plan": "free"}},
        ]
    },
    "Faults": [{"Effect": "error", "Match": {"Functions": ["b"]}}],
}


def test_message_2_reaches_only_the_first_subscriber_and_the_failing_one_ends_on_failure():
    events = run(TWO_SUBSCRIBERS)
    built = view(events)
    (topic,) = built.topics
    assert (topic.name, topic.kind, topic.published) == ("t", "sns", 2)
    assert [lane.subscriber for lane in topic.lanes] == ["a", "b"]
    assert cells(built) == {
        ("m1", "a"): "succeeded",
        ("m2", "a"): "succeeded",
        ("m1", "b"): "failed",  # every attempt failed: 1 + MaximumRetryAttempts
        ("m2", "b"): "filtered",  # plan free: left out by b's filter policy
    }
    a, b = topic.lanes
    assert (a.received, a.filtered, a.succeeded, a.failed) == (2, 0, 2, 0)
    assert (b.received, b.filtered, b.succeeded, b.failed) == (1, 1, 0, 1)
    failed = next(cell for cell in b.cells if cell.message == "m1")
    assert failed.sign == f"✗ ×{1 + RETRIES}"
    assert failed.word == "OnFailure"
    assert "its OnFailure destination (b-failures)" in failed.detail.text
    filtered = next(cell for cell in b.cells if cell.message == "m2")
    assert "filtered out by b's filter policy" in filtered.detail.text
    assert (built.published, built.deliveries, built.filtered) == (2, 3, 1)
    assert (built.succeeded, built.failed, built.pending) == (2, 1, 0)
    assert "b got 1, 1 filtered out, 1 failed after its retries (to OnFailure)" in built.summary
    assert "left out m2" in b.detail.text


def test_the_view_follows_the_failing_subscriber_step_by_step():
    events = run(TWO_SUBSCRIBERS)

    def b_m1(at: int) -> str:
        return cells(view(events, at))[("m1", "b")]

    fanned = index(events, Kind.FANOUT, request="m1")
    assert b_m1(fanned) == "handing-over"  # matched, not yet accepted by Lambda
    assert b_m1(index(events, Kind.OFFER, function="b", request="m1")) == "queued"
    assert b_m1(index(events, Kind.INVOKE, function="b", request="m1")) == "running"
    retry = index(events, Kind.RETRY_SCHEDULED, function="b", request="m1")
    assert b_m1(retry) == "retrying"
    assert "retries it in 1 min" in _detail(view(events, retry), "m1", "b")
    assert b_m1(index(events, Kind.DESTINATION, function="b", request="m1")) == "failed"
    # Before m2 is published the view has one column; m2 is not there yet.
    assert ("m2", "a") not in cells(view(events, fanned))
    assert view(events, fanned).topics[0].published == 1


def _detail(built: FanoutView, message: str, subscriber: str) -> str:
    return next(
        cell.detail.text
        for lane in built.topics[0].lanes
        for cell in lane.cells
        if (cell.message, cell.subscriber) == (message, subscriber)
    )


def test_a_failed_hand_over_is_retried_then_the_subscription_dlq_gets_it():
    data = {
        "Functions": {"a": {}, "b": {}},
        "Sources": [
            {
                "Type": "sns",
                "Name": "t",
                "Subscriptions": [
                    {"Function": "a", "RedrivePolicy": {"deadLetterTargetArn": DLQ_ARN}},
                    {"Function": "b"},
                ],
            },
            {"Type": "sqs", "Name": "dlq"},
        ],
        "Traffic": {"Events": [{"AtMs": 0, "Id": "m1", "Source": "t"}]},
        "Faults": [{"Effect": "delivery-error", "Retryable": False, "Match": {"Functions": ["a"]}}],
    }
    events = run(data)
    built = view(events)
    assert cells(built) == {("m1", "a"): "undelivered", ("m1", "b"): "succeeded"}
    a = built.topics[0].lanes[0]
    assert (a.received, a.undelivered) == (0, 1)
    (cell,) = a.cells
    assert (cell.sign, cell.word) == ("✗ ×1", "DLQ")  # a client-side error: not retried
    assert "subscription DLQ (dlq)" in cell.detail.text


def test_eventbridge_names_the_rule_that_left_an_event_out():
    data = {
        "Functions": {"fraud": {}, "audit": {}},
        "Sources": [
            {
                "Type": "eventbridge",
                "Name": "shop",
                "Rules": [
                    {
                        "Name": "big",
                        "EventPattern": {"detail": {"total": [{"numeric": [">=", 100]}]}},
                        "Targets": [{"Function": "fraud"}],
                    },
                    {
                        "Name": "all",
                        "EventPattern": {"source": ["shop"]},
                        "Targets": [{"Function": "audit"}],
                    },
                ],
            }
        ],
        "Traffic": {
            "Events": [
                {
                    "AtMs": 0,
                    "Id": "e1",
                    "Source": "shop",
                    "Payload": {"source": "shop", "detail": {"total": 150}},
                },
                {
                    "AtMs": 10,
                    "Id": "e2",
                    "Source": "shop",
                    "Payload": {"source": "shop", "detail": {"total": 5}},
                },
            ]
        },
    }
    built = view(run(data))
    (topic,) = built.topics
    assert (topic.kind, topic.kind_label) == ("eventbridge", "EventBridge bus")
    assert cells(built) == {
        ("e1", "fraud"): "succeeded",
        ("e2", "fraud"): "filtered",
        ("e1", "audit"): "succeeded",
        ("e2", "audit"): "succeeded",
    }
    fraud = next(lane for lane in topic.lanes if lane.subscriber == "fraud")
    assert fraud.rule == "big"
    assert "rule big's event pattern" in _detail(built, "e2", "fraud")


def test_no_topic_no_view_and_ids_are_unique():
    plain = run({"Source": {"Type": "async"}, "Traffic": {"Events": [{"AtMs": 0}]}})
    assert build_fanout(plain, None) is None
    assert all(v.key != "fanout" for v in build_views(plain))
    built = view(run(TWO_SUBSCRIBERS))
    ids = [detail.id for detail in built.details]
    assert len(ids) == len(set(ids)) == 2 + 4  # two lanes, four cells
    assert [v.key for v in build_views(run(TWO_SUBSCRIBERS))].count("fanout") == 1


# --- several functions: the other views say which function they are about -------------------


def test_with_several_functions_each_subscribers_event_is_its_own_kitchen_row():
    from course.lab.core.mechanisms.async_queue import build_async
    from course.lab.core.mechanisms.pool import build_pool

    events = run(TWO_SUBSCRIBERS)
    kitchen = build_async(events, None)
    assert kitchen is not None
    rows = {(row.function, row.request): row for row in kitchen.rows}
    # m1 reached a and b, m2 only a: three accepted events, not two merged by id.
    assert set(rows) == {("a", "m1"), ("b", "m1"), ("a", "m2")}
    assert kitchen.accepted == 3
    assert len(rows[("b", "m1")].attempts) == 1 + RETRIES
    assert rows[("a", "m1")].state == "succeeded"
    assert rows[("b", "m1")].detail.text.startswith("b: Event m1")
    assert "of a, b" in kitchen.title
    pool = build_pool(events, None)
    assert pool is not None
    assert {space.function for space in pool.spaces} == {"a", "b"}


def test_with_several_functions_the_buffet_holds_only_queue_messages_and_names_its_poller():
    from course.lab.core.mechanisms.sqs import build_sqs

    data = {
        "Functions": {
            "api": {"Code": {"DurationMs": 10, "Sends": ["q"]}},
            "worker": {},
            "audit": {},
        },
        "Sources": [
            {"Type": "sync", "Name": "api", "Function": "api"},
            {"Type": "sqs", "Name": "q", "Function": "worker"},
            {"Type": "sns", "Name": "t", "Subscriptions": [{"Function": "audit"}]},
        ],
        "Traffic": {
            "Events": [
                {"AtMs": 0, "Id": "o1"},
                {"AtMs": 0, "Id": "o2"},
                {"AtMs": 0, "Id": "s1", "Source": "t"},  # a sign-up: not on the buffet
            ]
        },
    }
    buffet = build_sqs(run(data), None)
    assert buffet is not None
    assert buffet.title.endswith("polled by worker")
    assert sorted(message.id for message in buffet.messages) == ["o1", "o2"]
