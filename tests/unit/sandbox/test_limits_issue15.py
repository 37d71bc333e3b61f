"""Issue 15, item 4: invoke rate and payload limits, computed from LAMBDA-FACTS.md."""

from __future__ import annotations

import math

import pytest

from course.sandbox import Kind, ScenarioError

from .helpers import of, run_dict

# §2 [D4][D12]: each environment serves up to 10 requests/s; the invoke rate is 10 × concurrency.
PER_ENV_PER_S = 10
MIB = 1_048_576
SYNC_LIMIT = 6 * MIB  # §2 [D4][D7]: 6 MB request
ASYNC_LIMIT = 1 * MIB  # §2 [D7][D8]: 1 MB event


def _steady(per_second: int, **function: object) -> dict[str, object]:
    """One second of evenly spaced 10-ms sync requests on a 0-ms INIT function."""
    return {
        "Function": dict(function),
        "Code": {"InitDurationMs": 0, "DurationMs": 10},
        "Traffic": {"Rates": [{"Kind": "constant", "PerSecond": per_second, "Count": per_second}]},
    }


# --- 10 requests per second per environment ---


def test_one_environment_serves_at_most_10_requests_a_second() -> None:
    # 20 requests in one second, each 10 ms: one environment could serve them all one after the
    # other, but it serves at most 10 a second, so Lambda needs ceil(20 / 10) = 2 environments.
    rate = 20
    result = run_dict(_steady(rate))
    assert result.metrics.environments_created == math.ceil(rate / PER_ENV_PER_S)
    assert result.metrics.cold_starts == 2
    assert result.metrics.succeeded == rate
    assert result.metrics.throttled == 0
    per_env: dict[int | None, list[int]] = {}
    for event in of(result, Kind.INVOKE):
        per_env.setdefault(event.env, []).append(event.time_ms)
    for starts in per_env.values():
        for index in range(PER_ENV_PER_S, len(starts)):
            assert starts[index] - starts[index - PER_ENV_PER_S] >= 1_000


def test_slower_traffic_stays_on_one_environment() -> None:
    # 10 requests in one second are within one environment's 10 per second.
    result = run_dict(_steady(PER_ENV_PER_S))
    assert result.metrics.environments_created == 1


def test_reserved_concurrency_caps_the_invoke_rate_at_10_per_second_per_unit() -> None:
    # Reserved 1: 10 × 1 = 10 invocations a second; the other 10 get 429 with the reserved
    # rate reason. §2 [D4][D12], §3 [D21]
    rate, reserved = 20, 1
    result = run_dict(_steady(rate, ReservedConcurrentExecutions=reserved))
    served = PER_ENV_PER_S * reserved
    assert result.metrics.succeeded == served
    assert result.metrics.throttled == rate - served
    reasons = {e.detail["Reason"] for e in of(result, Kind.THROTTLE)}
    assert reasons == {"ReservedFunctionInvocationRateLimitExceeded"}
    assert {e.detail["status"] for e in of(result, Kind.THROTTLE)} == {429}


def test_the_account_quota_caps_the_invoke_rate_at_10_times_the_quota() -> None:
    # Account quota 2: 10 × 2 = 20 invocations a second; of 30, 10 get 429
    # FunctionInvocationRateLimitExceeded. §2 [D4][D12], §3 [D21]
    data = _steady(30)
    data["Account"] = {"ConcurrentExecutions": 2}
    result = run_dict(data)
    assert result.metrics.succeeded == 20
    assert result.metrics.throttled == 10
    reasons = {e.detail["Reason"] for e in of(result, Kind.THROTTLE)}
    assert reasons == {"FunctionInvocationRateLimitExceeded"}


def test_provisioned_concurrency_serves_10_requests_a_second_per_environment() -> None:
    # PC 1 on `live`: 10 × 1 = 10 requests a second on the provisioned environment, the rest
    # spill over to on-demand (one new environment). §2 [D4], §3 [D14a]
    data = _steady(20, Versions={"1": {}})
    data["Function"]["Aliases"] = {  # type: ignore[index]
        "live": {"FunctionVersion": "1", "ProvisionedConcurrentExecutions": 1}
    }
    data["Source"] = {"Type": "sync", "Qualifier": "live"}
    result = run_dict(data)
    provisioned = {e.env for e in of(result, Kind.PROVISION)}
    on_pc = [e for e in of(result, Kind.INVOKE) if e.env in provisioned]
    assert len(on_pc) == PER_ENV_PER_S
    assert result.metrics.provisioned_spillover_invocations == 1
    assert result.metrics.succeeded == 20


def test_async_events_over_the_rate_wait_in_the_queue() -> None:
    # Async throttles go back to the internal queue and are retried (§6 [D24]): nothing is lost.
    data = _steady(20, ReservedConcurrentExecutions=1)
    data["Source"] = {"Type": "async"}
    result = run_dict(data)
    assert result.metrics.succeeded == 20
    assert result.metrics.throttles > 0


# --- payload limits ---


def test_a_sync_request_over_6_mb_is_refused_with_413() -> None:
    # Over 6 MB: RequestTooLargeException, HTTP 413, before the function runs. §2 [D4][D7], §5 [D7a]
    result = run_dict(
        {
            "Client": {"RetryMode": "legacy"},
            "Traffic": {
                "Events": [
                    {"AtMs": 0, "Id": "small", "PayloadBytes": SYNC_LIMIT},
                    {"AtMs": 0, "Id": "big", "PayloadBytes": SYNC_LIMIT + 1},
                ]
            },
        }
    )
    [refused] = of(result, Kind.RESPONSE, status=413)
    assert refused.request == "big"
    assert refused.detail["errorType"] == "RequestTooLargeException"
    assert [e.request for e in of(result, Kind.INVOKE)] == ["small"]
    # An invocation error, not a throttle or a 5xx: the SDK does not retry it. §5 [D23]
    assert of(result, Kind.CLIENT_RETRY) == []
    assert result.metrics.failed == 1
    assert result.metrics.succeeded == 1
    assert result.metrics.invocations == 1


def test_an_async_event_over_1_mb_is_refused_and_never_queued() -> None:
    # Async events go up to 1 MB (§2 [D7][D8]); over it the Invoke call fails with 413 and the
    # event is never accepted (no 202), so no retry, destination or DLQ sees it. §5 [D7a]
    result = run_dict(
        {
            "Source": {"Type": "async"},
            "Function": {"DeadLetterConfig": {"TargetArn": "arn:aws:sqs:us-east-1:1:dlq"}},
            "Traffic": {
                "Events": [
                    {"AtMs": 0, "Id": "fits", "PayloadBytes": ASYNC_LIMIT},
                    {"AtMs": 0, "Id": "too-big", "PayloadBytes": ASYNC_LIMIT + 1},
                ]
            },
        }
    )
    [refused] = of(result, Kind.RESPONSE, status=413)
    assert refused.request == "too-big"
    assert [e.request for e in of(result, Kind.OFFER, status=202)] == ["fits"]
    assert of(result, Kind.DLQ) == []
    assert result.metrics.failed == 1
    assert result.metrics.succeeded == 1


def test_generated_traffic_carries_its_payload_size() -> None:
    result = run_dict(
        {
            "Source": {"Type": "async"},
            "Traffic": {
                "Bursts": [{"AtMs": 0, "Count": 3, "PayloadBytes": 2 * MIB}],
                "Rates": [{"PerSecond": 1, "Count": 2, "PayloadBytes": 1_000}],
            },
        }
    )
    assert result.metrics.failed == 3
    assert result.metrics.succeeded == 2


def test_an_sqs_batch_is_invoked_once_its_payload_reaches_6_mb() -> None:
    # Ten 1-MB messages, BatchSize 10: a batch stops at 6 MB (§7 [D30a][D34]), so 6 + 4.
    result = run_dict(
        {
            "Source": {"Type": "sqs", "EventSourceMapping": {"BatchSize": 10}},
            "Traffic": {"Bursts": [{"AtMs": 0, "Count": 10, "PayloadBytes": MIB}]},
        }
    )
    sizes = sorted(len(e.detail["batch"]) for e in of(result, Kind.BATCH_START))  # type: ignore[arg-type]
    assert sizes == [4, 6]
    assert result.metrics.succeeded == 10


@pytest.mark.parametrize(
    ("traffic", "field"),
    [
        ({"Events": [{"AtMs": 0, "PayloadBytes": -1}]}, "Traffic.Events[0].PayloadBytes"),
        ({"Bursts": [{"Count": 1, "PayloadBytes": 200 * MIB}]}, "Traffic.Bursts[0].PayloadBytes"),
        ({"Rates": [{"Count": 1, "PayloadBytes": "big"}]}, "Traffic.Rates[0].PayloadBytes"),
    ],
)
def test_payload_bytes_out_of_range_names_the_field_and_the_range(
    traffic: dict[str, object], field: str
) -> None:
    with pytest.raises(ScenarioError) as error:
        run_dict({"Traffic": traffic})
    assert error.value.field == field
    assert "104,857,600" in str(error.value)


def test_an_sqs_message_over_1_mb_is_refused_by_the_scenario() -> None:
    # SQS messages for a Lambda mapping go up to 1 MB. §2 [D8]
    with pytest.raises(ScenarioError) as error:
        run_dict(
            {
                "Source": {"Type": "sqs"},
                "Traffic": {"Events": [{"AtMs": 0, "PayloadBytes": MIB + 1}]},
            }
        )
    assert error.value.field == "Traffic.Events[0].PayloadBytes"
    assert "1,048,576" in str(error.value)
