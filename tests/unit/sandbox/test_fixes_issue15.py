"""Regression tests for issue 15, item 1: each expectation is computed from LAMBDA-FACTS.md."""

from __future__ import annotations

import pytest

from course.sandbox import Kind, ScenarioError

from .helpers import of, run_dict

# Inputs of the scenarios below (simulator inputs, not AWS constants).
INIT_MS = 200
HANDLER_MS = 3_000


# --- (1) a timed-out invocation is not "done" for idempotency ---


def test_a_timed_out_invocation_leaves_no_completed_idempotency_record() -> None:
    # Async, Timeout 2 s, 3 s of work: every attempt times out. A Powertools record of a
    # timed-out invocation stays INPROGRESS and expires with it; it is never COMPLETED, so the
    # retries run the handler again rather than return a stored result. §10 [D43]
    timeout_s = 2
    result = run_dict(
        {
            "Function": {"Timeout": timeout_s},
            "Code": {"InitDurationMs": INIT_MS, "DurationMs": HANDLER_MS},
            "Source": {"Type": "async"},
            "Idempotency": {"ExpiresAfterSeconds": 3_600},
            "Traffic": {"Events": [{"AtMs": 0, "Id": "order-1"}]},
        }
    )
    assert of(result, Kind.IDEMPOTENT_HIT) == []
    # Two retries after function errors, timeouts included: 3 attempts. §6 [D24]
    invokes = of(result, Kind.INVOKE)
    assert [e.attempt for e in invokes] == [1, 2, 3]
    assert {e.outcome for e in invokes} == {"timeout"}
    assert len(of(result, Kind.TIMEOUT)) == 3
    # The work never finished: no side effect, and the event ends as RetriesExhausted. §6 [D28]
    assert result.metrics.side_effects == 0
    assert [e.outcome for e in of(result, Kind.DISCARD)] == ["RetriesExhausted"]
    # Attempt 2 starts ~1 min after attempt 1 ends (init + the 2 s timeout). §6 [D24], §2 [D6]
    first_end = INIT_MS + timeout_s * 1_000
    assert invokes[1].time_ms >= first_end + 60_000


def test_a_retry_after_a_timeout_that_then_completes_records_one_side_effect() -> None:
    # Attempt 1 hangs until the timeout (injected), attempt 2 completes: one side effect, and a
    # duplicate delivered afterwards finds the COMPLETED record. §10 [D43], §6 [D24]
    result = run_dict(
        {
            "Function": {"Timeout": 2},
            "Code": {"InitDurationMs": INIT_MS, "DurationMs": 100},
            "Source": {"Type": "async"},
            "Idempotency": {},
            "Traffic": {"Events": [{"AtMs": 0, "Id": "order-1"}]},
            "Faults": [
                {"Effect": "slow", "ExtraMs": 5_000, "Match": {"Attempts": [1]}},
                {"Effect": "duplicate", "DelayMs": 200_000, "Match": {"EventIds": ["order-1"]}},
            ],
        }
    )
    assert [e.outcome for e in of(result, Kind.INVOKE)][:2] == ["timeout", "ok"]
    assert result.metrics.side_effects == 1
    assert len(of(result, Kind.IDEMPOTENT_HIT)) == 1
    assert result.metrics.duplicate_side_effects == 0


# --- (2) $LATEST is throttled when provisioned concurrency equals reserved ---


def _pc_equals_reserved(qualifier: str, count: int = 1) -> dict[str, object]:
    return {
        "Function": {
            "ReservedConcurrentExecutions": 4,
            "Versions": {"1": {}},
            "Aliases": {"live": {"FunctionVersion": "1", "ProvisionedConcurrentExecutions": 4}},
        },
        "Source": {"Type": "sync", "Qualifier": qualifier},
        "Traffic": {"Bursts": [{"AtMs": 1_000, "Count": count}]},
    }


def test_latest_is_throttled_when_provisioned_concurrency_equals_reserved() -> None:
    # "If PC on versions/aliases equals reserved concurrency, $LATEST is throttled." §3 [D14a]
    result = run_dict(_pc_equals_reserved("$LATEST"))
    assert of(result, Kind.INVOKE) == []
    [throttle] = of(result, Kind.THROTTLE)
    assert throttle.detail["status"] == 429
    assert throttle.detail["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert result.metrics.throttled == 1


def test_the_alias_still_runs_on_its_provisioned_environments() -> None:
    # The 4 provisioned environments serve 4 requests on the alias without INIT. §3 [D14a]
    result = run_dict(_pc_equals_reserved("live", count=5))
    assert len(of(result, Kind.INVOKE)) == 4
    assert result.metrics.cold_starts == 0
    # No spill-over: on-demand may use reserved − PC = 0. §3 [D14a][D13]
    assert result.metrics.throttled == 1


def test_latest_may_use_what_provisioned_concurrency_leaves_of_reserved() -> None:
    # Reserved 4 with PC 3: one on-demand slot is left for $LATEST. §3 [D14a][D13]
    data = _pc_equals_reserved("$LATEST", count=2)
    data["Function"]["Aliases"]["live"]["ProvisionedConcurrentExecutions"] = 3  # type: ignore[index]
    result = run_dict(data)
    assert len(of(result, Kind.INVOKE)) == 1
    assert result.metrics.throttled == 1


# --- (3) new stream records do not cut a retry backoff short ---


def test_a_new_record_does_not_cut_a_stream_retry_backoff_short() -> None:
    # Record 1 fails once: its batch ends at INIT + handler = 300 ms and the retry waits
    # RetryInitialMs (1,000 ms, a simulator input: AWS does not document the cadence, §8).
    # Records arriving at 500 and 900 ms must not pull the retry forward to the 1 s poll.
    retry_ms = 1_000
    result = run_dict(
        {
            "Function": {"Timeout": 30},
            "Code": {"InitDurationMs": INIT_MS, "DurationMs": 100},
            "Source": {
                "Type": "kinesis",
                "Stream": {"RetryInitialMs": retry_ms},
                "EventSourceMapping": {"StartingPosition": "TRIM_HORIZON"},
            },
            "Traffic": {"Events": [{"AtMs": 0}, {"AtMs": 500}, {"AtMs": 900}]},
            "Faults": [{"Effect": "error", "Match": {"EventIds": ["1"], "Attempts": [1]}}],
        }
    )
    failed_end = INIT_MS + 100
    [scheduled] = of(result, Kind.RETRY_SCHEDULED)
    assert scheduled.time_ms == failed_end
    assert scheduled.detail["delay_ms"] == retry_ms
    starts = [e.time_ms for e in of(result, Kind.BATCH_START)]
    assert starts[0] == 0
    assert starts[1] == failed_end + retry_ms  # not 1,000 ms, the next poll after a new record
    assert result.metrics.succeeded == 3


# --- (4) DynamoDB streams: StartingPosition ---


def test_dynamodb_streams_refuse_at_timestamp() -> None:
    # AT_TIMESTAMP is for Kinesis only; DynamoDB takes TRIM_HORIZON or LATEST. §8 [D35][D37]
    with pytest.raises(ScenarioError) as error:
        run_dict(
            {
                "Source": {
                    "Type": "dynamodb",
                    "EventSourceMapping": {"StartingPosition": "AT_TIMESTAMP"},
                }
            }
        )
    assert error.value.field == "Source.EventSourceMapping.StartingPosition"
    assert "TRIM_HORIZON, LATEST" in str(error.value)
    assert "Kinesis only" in str(error.value)


def test_kinesis_accepts_at_timestamp() -> None:
    result = run_dict(
        {
            "Source": {
                "Type": "kinesis",
                "EventSourceMapping": {"StartingPosition": "AT_TIMESTAMP"},
            },
            "Traffic": {"Events": [{"AtMs": 0}]},
        }
    )
    assert result.metrics.succeeded == 1


# --- (5) a cold start with a 0-ms INIT is a cold start ---


def test_a_zero_ms_init_is_still_a_cold_start_in_the_invoke_detail() -> None:
    # A new environment always runs INIT, however short: the first invocation is cold, the
    # second (10 s later, same environment) is warm. §1 [D1][D14a], §13 S1
    result = run_dict(
        {
            "Code": {"InitDurationMs": 0, "DurationMs": 100},
            "Traffic": {"Events": [{"AtMs": 0}, {"AtMs": 10_000}]},
        }
    )
    invokes = of(result, Kind.INVOKE)
    assert [e.detail["cold"] for e in invokes] == [True, False]
    [init] = of(result, Kind.INIT)
    assert init.detail["duration_ms"] == 0
    assert init.detail["initialization_type"] == "on-demand"
    assert result.metrics.cold_starts == 1
    assert result.metrics.warm_starts == 1
