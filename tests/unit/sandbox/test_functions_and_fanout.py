"""Several functions in one scenario, and SNS / EventBridge fan-out (issue 15, items 2 and 3).

Expected numbers come from the documented rules quoted in docs/scenarios.md ("Several
functions", "SNS and EventBridge"): the account pool (§3 [D13][D13a]), Lambda's async retries
(§6 [D24]), SQS redrive (§7 [D30a]), SNS's delivery policy for AWS-managed endpoints and
EventBridge's target RetryPolicy.
"""

from __future__ import annotations

from typing import Any

import pytest

from course.sandbox import Kind, ScenarioError
from course.sandbox.filters import check_pattern, matches
from course.sandbox.sources.fanout import sns_delay_ms

from .helpers import of, run, run_dict

DLQ = "arn:aws:sqs:us-east-1:123456789012:dlq"


def fanout(source: dict[str, Any], faults: list[dict[str, Any]], **traffic: Any) -> Any:
    return run_dict(
        {
            "Functions": {"a": {}, "b": {}},
            "Sources": [source, {"Type": "sqs", "Name": "dlq"}],
            "Traffic": {"Events": [{"AtMs": 0, "Id": "m1", **traffic}]},
            "Faults": faults,
        }
    )


# --- single-function scenarios keep working, and now name their function ---------------------


def test_a_single_function_scenario_names_its_function_in_the_trace_and_metrics() -> None:
    result = run("cold-then-warm")
    invokes = of(result, Kind.INVOKE)
    assert {e.function for e in invokes} == {"my-function"}
    assert not invokes[0].narration.startswith("my-function:")  # no label with one function
    assert dict(result.metrics.invocations_by_function) == {"my-function": 2}


# --- the account pool ----------------------------------------------------------------------------


def test_functions_without_reserved_concurrency_share_what_reserved_leaves_of_the_quota() -> None:
    # Quota 10, `a` reserves 4: `b` may run 10 − 4 = 6 at once; `a` at most its 4. §3 [D13][D13a]
    result = run_dict(
        {
            "Account": {"ConcurrentExecutions": 10, "UnreservedConcurrencyMinimum": 0},
            "Functions": {
                "a": {"ReservedConcurrentExecutions": 4, "Code": {"DurationMs": 1000}},
                "b": {"Code": {"DurationMs": 1000}},
            },
            "Sources": [{"Type": "sync", "Function": "a"}, {"Type": "sync", "Function": "b"}],
            "Traffic": {
                "Bursts": [{"AtMs": 0, "Count": 5, "Source": "sync"}],
                "Events": [{"AtMs": 0, "Source": "sync-2"} for _ in range(8)],
            },
        },
        metrics_only=True,
    )
    metrics = result.metrics
    assert dict(metrics.invocations_by_function) == {"a": 4, "b": 6}
    assert metrics.throttled == 1 + 2
    assert metrics.peak_concurrency == 10


def test_reserved_concurrency_of_all_functions_keeps_the_unreserved_minimum() -> None:
    with pytest.raises(ScenarioError) as error:
        run_dict(
            {
                "Functions": {
                    "a": {"ReservedConcurrentExecutions": 500},
                    "b": {"ReservedConcurrentExecutions": 401},
                },
                "Sources": [{"Type": "sync", "Function": "a"}],
            }
        )
    assert error.value.field == "Functions"


# --- the chain: API → SQS → worker → DLQ, and an SNS fan-out (the chain-fanout preset) ----------


def test_the_chain_runs_end_to_end() -> None:
    result = run("chain-fanout")
    metrics = result.metrics
    assert metrics.unfinished == 0
    # Each API call succeeds and sends its order on to the queue.
    sends = of(result, Kind.SEND)
    assert [(e.function, e.request) for e in sends if e.function == "api"] == [
        ("api", "order-1"),
        ("api", "order-2"),
        ("api", "order-3"),
    ]
    # The worker reports order-2 failed; with maxReceiveCount 2 its third receive goes to the
    # DLQ instead (§7 [D30a]): the worker runs twice, the first batch partly succeeds.
    results = [e.outcome for e in of(result, Kind.BATCH_RESULT)]
    assert results == ["partial", "partial"]
    redrive = [e for e in of(result, Kind.DLQ) if e.function == "worker"]
    assert [(e.request, e.detail["ApproximateReceiveCount"]) for e in redrive] == [("order-2", 2)]
    # The topic delivers both sign-ups to audit, only the paid one to the mailer.
    fans = of(result, Kind.FANOUT)
    assert [e.detail["delivered_to"] for e in fans] == [["audit", "mailer"], ["audit"]]
    # The mailer always fails: 3 attempts ~1 and ~2 min apart, then OnFailure. §6 [D24]
    mailer = [e.time_ms for e in of(result, Kind.INVOKE) if e.function == "mailer"]
    assert mailer == [150, 150 + 50 + 60_000, 150 + 50 + 60_000 + 50 + 120_000]
    assert dict(metrics.messages_in_queues) == {"mailer-failures": 1, "orders-dlq": 1}
    assert dict(metrics.invocations_by_function) == {"api": 3, "worker": 2, "audit": 2, "mailer": 3}
    assert dict(metrics.function_errors_by_function)["mailer"] == 3
    assert dict(metrics.dead_lettered) == {"OnFailure": 1, "RedrivePolicy": 1}
    assert {e.function for e in of(result, Kind.INVOKE)} == {"api", "worker", "audit", "mailer"}
    assert all(e.narration.startswith(f"{e.function}: ") for e in of(result, Kind.INVOKE))


def test_an_on_failure_destination_may_be_another_function_of_the_scenario() -> None:
    result = run_dict(
        {
            "Functions": {
                "a": {
                    "EventInvokeConfig": {
                        "MaximumRetryAttempts": 0,
                        "DestinationConfig": {
                            "OnFailure": {
                                "Destination": "arn:aws:lambda:us-east-1:123456789012:function:b"
                            }
                        },
                    }
                },
                "b": {},
            },
            "Sources": [{"Type": "async", "Function": "a"}],
            "Traffic": {"Events": [{"AtMs": 0, "Id": "e1"}]},
            "Faults": [{"Effect": "error", "Match": {"Functions": ["a"]}}],
        }
    )
    assert [(e.function, e.outcome) for e in of(result, Kind.INVOKE)] == [
        ("a", "error"),
        ("b", "ok"),
    ]
    assert result.metrics.terminal["dead-lettered"] == 1
    assert result.metrics.succeeded == 1


# --- SNS ---------------------------------------------------------------------------------------


def test_sns_delivery_policy_for_lambda_is_3_immediate_2_one_second_apart_then_backoff() -> None:
    # 3 attempts without delay (the first included), 2 one second apart, 10 from 1 s to 20 s,
    # then 100,000 twenty seconds apart: 100,015 attempts. SNS delivery retries, AWS-managed.
    delays = [sns_delay_ms(attempt) for attempt in range(2, 18)]
    assert delays[:4] == [0, 0, 1_000, 1_000]
    assert delays[4] == 1_000  # the backoff phase, attempts 6–15
    assert delays[13] == 20_000
    assert delays[4:14] == sorted(delays[4:14])
    assert delays[14:] == [20_000, 20_000]


def test_a_failing_sns_delivery_is_retried_on_the_policy_then_delivered() -> None:
    result = fanout(
        {"Type": "sns", "Name": "t", "Subscriptions": [{"Function": "a"}]},
        [{"Effect": "delivery-error", "Match": {"Attempts": [1, 2, 3, 4, 5, 6]}}],
    )
    failed = [e.time_ms for e in of(result, Kind.DELIVERY_FAILED)]
    assert failed == [0, 0, 0, 1_000, 2_000, 3_000]
    accepted = [e for e in of(result, Kind.OFFER) if e.function == "a"]
    assert [e.time_ms for e in accepted] == [3_000 + sns_delay_ms(7)]
    assert result.metrics.succeeded == 2  # the publish and the delivery


def test_a_client_side_sns_delivery_error_goes_to_the_subscription_dlq_at_once() -> None:
    result = fanout(
        {
            "Type": "sns",
            "Name": "t",
            "Subscriptions": [
                {"Function": "a", "RedrivePolicy": {"deadLetterTargetArn": DLQ}},
                {"Function": "b"},
            ],
        },
        [{"Effect": "delivery-error", "Retryable": False, "Match": {"Functions": ["a"]}}],
    )
    assert [e.time_ms for e in of(result, Kind.DELIVERY_FAILED)] == [0]
    assert result.metrics.dead_lettered["SubscriptionDLQ"] == 1
    assert dict(result.metrics.messages_in_queues) == {"dlq": 1}
    assert [e.function for e in of(result, Kind.INVOKE)] == ["b"]


def test_sns_filter_policy_on_attributes_or_on_the_body() -> None:
    source = {
        "Type": "sns",
        "Name": "t",
        "Subscriptions": [
            {"Function": "a", "FilterPolicy": {"plan": ["pro"]}},
            {
                "Function": "b",
                "FilterPolicyScope": "MessageBody",
                "FilterPolicy": {"total": [{"numeric": [">=", 100]}]},
            },
        ],
    }
    result = fanout(source, [], Attributes={"plan": "pro"}, Payload={"total": 99})
    assert of(result, Kind.FANOUT)[0].detail["delivered_to"] == ["a"]
    result = fanout(source, [], Attributes={"plan": "free"}, Payload={"total": 100})
    assert of(result, Kind.FANOUT)[0].detail["delivered_to"] == ["b"]


# --- EventBridge -------------------------------------------------------------------------------


def bus(retry: dict[str, int], dlq: bool = True) -> dict[str, Any]:
    target: dict[str, Any] = {"Function": "a", "RetryPolicy": retry}
    if dlq:
        target["DeadLetterConfig"] = {"Arn": DLQ}
    return {
        "Type": "eventbridge",
        "Name": "bus",
        "Rules": [{"Name": "r", "EventPattern": {"source": ["shop"]}, "Targets": [target]}],
    }


def test_eventbridge_stops_after_maximum_retry_attempts_and_uses_the_target_dlq() -> None:
    result = fanout(
        bus({"MaximumRetryAttempts": 3}),
        [{"Effect": "delivery-error"}],
        Payload={"source": "shop"},
    )
    assert len(of(result, Kind.DELIVERY_FAILED)) == 1 + 3
    assert result.metrics.dead_lettered["TargetDLQ"] == 1
    assert dict(result.metrics.messages_in_queues) == {"dlq": 1}


def test_eventbridge_stops_at_maximum_event_age() -> None:
    # Simulator cadence 1, 2, 4, 8, 16, 32 s: the retry at 63 s would pass the 60 s age.
    result = fanout(
        bus({"MaximumEventAgeInSeconds": 60}, dlq=False),
        [{"Effect": "delivery-error"}],
        Payload={"source": "shop"},
    )
    failed = [e.time_ms for e in of(result, Kind.DELIVERY_FAILED)]
    assert failed == [0, 1_000, 3_000, 7_000, 15_000, 31_000]
    assert result.metrics.discarded == 1
    assert result.metrics.dead_lettered == {}


def test_an_event_that_matches_no_rule_invokes_nothing() -> None:
    result = fanout(bus({}), [], Payload={"source": "other"})
    assert of(result, Kind.INVOKE) == []
    assert result.metrics.succeeded == 1  # PutEvents itself succeeded


# --- the matching subset -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "message", "expected"),
    [
        ({"a": ["x", "y"]}, {"a": "y"}, True),
        ({"a": ["x"]}, {"a": "X"}, False),
        ({"a": [5]}, {"a": 5.0}, True),
        ({"a": [{"prefix": "ord"}]}, {"a": "order"}, True),
        ({"a": [{"anything-but": "free"}]}, {"a": "pro"}, True),
        ({"a": [{"anything-but": ["free", "trial"]}]}, {"a": "trial"}, False),
        ({"a": [{"anything-but": {"prefix": "test-"}}]}, {"a": "test-1"}, False),
        ({"a": [{"anything-but": "free"}]}, {}, False),
        ({"a": [{"numeric": [">", 0, "<=", 5]}]}, {"a": 5}, True),
        ({"a": [{"numeric": [">", 0, "<=", 5]}]}, {"a": 6}, False),
        ({"a": [{"numeric": ["=", 1]}]}, {"a": "1"}, False),
        ({"a": [{"exists": True}]}, {"a": None}, True),
        ({"a": [{"exists": False}]}, {}, True),
        ({"a": [{"exists": False}]}, {"a": 1}, False),
        ({"a": ["x"]}, {"a": ["w", "x"]}, True),
        ({"a": ["x"], "b": ["y"]}, {"a": "x"}, False),
        ({"d": {"a": ["x"]}}, {"d": {"a": "x"}}, True),
    ],
)
def test_the_documented_matching_subset(pattern: Any, message: Any, expected: bool) -> None:
    check_pattern(pattern, "p")
    assert matches(pattern, message) is expected


@pytest.mark.parametrize(
    "pattern",
    [{}, {"a": []}, {"a": "x"}, {"a": [{"suffix": "x"}]}, {"a": [{"numeric": ["!", 1]}]}],
)
def test_patterns_outside_the_subset_are_refused(pattern: Any) -> None:
    with pytest.raises(ScenarioError):
        check_pattern(pattern, "p")


# --- wiring errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"Functions": {"a": {}}, "Function": {}}, "Function"),
        (
            {"Functions": {"a": {}}, "Sources": [{"Type": "sync", "Function": "z"}]},
            "Sources[0].Function",
        ),
        (
            {
                "Functions": {"a": {"Code": {"Sends": ["q"]}}},
                "Sources": [{"Type": "sync", "Function": "a"}],
            },
            "Functions.a.Code.Sends",
        ),
        (
            {
                "Functions": {"a": {}},
                "Sources": [{"Type": "sync", "Function": "a"}],
                "Traffic": {"Events": [{"AtMs": 0, "Source": "nope"}]},
            },
            "Traffic.Events[0].Source",
        ),
        ({"Sources": [{"Type": "sync"}]}, "Sources"),
        ({"Code": {"Sends": ["q"]}}, "Code.Sends"),
    ],
)
def test_wiring_mistakes_name_their_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(ScenarioError) as error:
        run_dict(data)
    assert error.value.field == field
