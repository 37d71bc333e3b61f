"""Each preset reproduces the documented outcome of its LAMBDA-FACTS.md §13 scenario."""

from __future__ import annotations

import pytest

from course.sandbox import Kind, ScenarioError

from .helpers import PRESETS, listed, of, preset, run, run_dict


def test_every_listed_preset_exists_and_runs() -> None:
    slugs = sorted(path.stem for path in PRESETS.glob("*.yaml"))
    assert len(slugs) == 37
    for slug in slugs:
        result = run(slug, metrics_only=True)
        assert result.metrics.requests_offered > 0
        assert result.metrics.unfinished == 0


# --- §1 lifecycle ----------------------------------------------------------------------------


def test_s1_cold_then_warm_reuses_the_environment_with_its_tmp() -> None:
    result = run("cold-then-warm")
    inits = of(result, Kind.INIT)
    assert len(inits) == 1
    assert inits[0].request == "first"
    assert inits[0].detail["duration_ms"] == 400
    thaw = of(result, Kind.THAW)
    assert [(e.request, e.env) for e in thaw] == [("second", inits[0].env)]
    invokes = of(result, Kind.INVOKE)
    assert [e.detail["billed_ms"] for e in invokes] == [500, 100]  # init billed since Aug 2025
    assert [e.detail["tmp_cache"] for e in invokes] == ["miss", "hit"]
    assert [e.detail["status"] for e in of(result, Kind.RESPONSE)] == [200, 200]


def test_s2_simultaneous_requests_get_one_environment_each() -> None:
    result = run("two-simultaneous-requests")
    metrics = result.metrics
    assert metrics.cold_starts == 2
    assert metrics.peak_concurrency == 2
    envs = {e.env for e in of(result, Kind.INIT)}
    assert len(envs) == 2
    assert [e.env in envs for e in of(result, Kind.THAW, request="c")] == [True]


def test_s26_shutdown_gives_the_external_extension_the_rest_of_two_seconds() -> None:
    result = run("shutdown-extension")
    (shutdown,) = of(result, Kind.SHUTDOWN)
    assert shutdown.time_ms == 400 + 60_000  # frozen at 400 ms, reclaimed after the idle lifetime
    assert shutdown.detail["shutdownReason"] == "SPINDOWN"
    assert shutdown.detail["limit_ms"] == 2_000
    assert shutdown.detail["runtime_ms"] == 300
    assert shutdown.detail["extension_budget_ms"] == 1_700
    assert shutdown.detail["sigkill"] is True
    assert "does not guarantee" in shutdown.narration
    plain = run("shutdown-extension", {"Code": {"Extensions": "none"}})
    assert of(plain, Kind.SHUTDOWN)[0].detail["limit_ms"] == 0


def test_idle_expiry_reclaims_the_environment_and_the_next_request_is_cold() -> None:
    result = run("idle-expiry")
    kinds = [
        (e.kind, e.time_ms)
        for e in result.events
        if e.kind in (Kind.INIT, Kind.THAW, Kind.SHUTDOWN)
    ]
    assert kinds[:4] == [
        (Kind.INIT, 0),
        (Kind.THAW, 60_000),
        (Kind.SHUTDOWN, 60_100 + 300_000),
        (Kind.INIT, 500_000),
    ]


# --- §2 configuration and cost ---------------------------------------------------------------


def test_memory_buys_cpu_for_cpu_bound_work_up_to_one_vcpu_for_one_thread() -> None:
    def mean(memory: int, arch: str = "x86_64") -> tuple[float, float]:
        result = run(
            "memory-and-cost",
            {"Function": {"MemorySize": memory, "Architectures": [arch]}},
            metrics_only=True,
        )
        warm = result.metrics
        return warm.mean_invocation_ms, warm.cost_usd

    slow, cost_512 = mean(512)
    one_vcpu, cost_1769 = mean(1769)
    double, cost_3538 = mean(3538)
    assert slow > 3 * one_vcpu  # 1,769 MB = 1 vCPU; 512 MB gets 29 % of it
    assert double == one_vcpu  # a single thread can't use a second vCPU
    assert cost_3538 > 1.9 * cost_1769
    assert abs(cost_512 - cost_1769) / cost_1769 < 0.15  # same CPU-seconds, about the same money
    _, arm = mean(1769, "arm64")
    assert arm < cost_1769


def test_s4_timeout_resets_the_environment_but_keeps_tmp() -> None:
    result = run("sync-timeout-reset")
    (timeout,) = of(result, Kind.TIMEOUT)
    assert timeout.time_ms == 5_000 + 3_000
    assert timeout.detail["errorMessage"] == "Task timed out after 3.00 seconds"
    assert timeout.detail["errorType"] == "Sandbox.Timedout"
    (response,) = of(result, Kind.RESPONSE, request="slow")
    assert response.detail["status"] == 200
    assert response.detail["X-Amz-Function-Error"] == "Unhandled"
    assert len(of(result, Kind.RESET)) == 1
    (reinit,) = of(result, Kind.INIT, request="after")
    assert reinit.env == timeout.env
    assert reinit.detail["reinit"] is True
    (after,) = of(result, Kind.INVOKE, request="after")
    assert after.detail["tmp_cache"] == "hit"
    assert after.detail["duration_ms"] == 400 + 100 + 5  # re-init counts inside the invoke


def test_s5_init_over_ten_seconds_is_retried_inside_the_invocation() -> None:
    result = run("slow-init")
    (cut,) = of(result, Kind.INIT_TIMEOUT)
    assert cut.time_ms == 10_000
    (invoke,) = of(result, Kind.INVOKE)
    assert invoke.time_ms == 10_000
    assert invoke.detail["duration_ms"] == 12_000 + 500
    assert result.metrics.latency_p50_ms == 10_000 + 12_000 + 500
    short = run("slow-init", {"Function": {"Timeout": 12}})
    assert short.metrics.timeouts == 1
    assert of(short, Kind.TIMEOUT)[0].time_ms == 10_000 + 12_000
    provisioned = run(
        "slow-init",
        {
            "Function": {
                "Versions": {"1": {}},
                "Aliases": {"live": {"FunctionVersion": "1", "ProvisionedConcurrentExecutions": 1}},
            },
            "Source": {"Qualifier": "live"},
        },
    )
    assert provisioned.metrics.latency_p50_ms == 500
    assert provisioned.metrics.cold_starts == 0


def test_s6_reserved_concurrency_throttles_the_rest_of_a_burst() -> None:
    result = run("reserved-concurrency-burst")
    throttles = of(result, Kind.THROTTLE)
    assert len(throttles) == 5
    assert {e.time_ms for e in throttles} == {0}
    assert {e.detail["Reason"] for e in throttles} == {
        "ReservedFunctionConcurrentInvocationLimitExceeded"
    }
    assert result.metrics.invocations == 5
    assert result.metrics.retries == 0
    retried = run("reserved-concurrency-burst", {"Client": {"RetryMode": "legacy"}})
    assert retried.metrics.retries > 0
    assert retried.metrics.succeeded > 5


def test_s7_reserved_concurrency_zero_throttles_sync_and_fails_async_without_retries() -> None:
    result = run("reserved-concurrency-zero")
    (record,) = of(result, Kind.DESTINATION)
    assert record.detail["condition"] == "ZeroReservedConcurrency"
    assert record.detail["approximateInvokeCount"] == 0
    assert result.metrics.invocations == 0
    assert of(result, Kind.OFFER)[0].detail["status"] == 202
    sync = run("reserved-concurrency-zero", {"Source": {"Type": "sync"}})
    assert sync.metrics.throttled == 1
    assert sync.metrics.invocations == 0


def test_s25_scaling_adds_at_most_a_thousand_environments_per_ten_seconds() -> None:
    result = run("scaling-rate", metrics_only=True)
    assert result.metrics.environments_created == 1_000
    assert result.metrics.throttled == 4_000
    stream = run(
        "scaling-rate",
        {
            "Traffic": {
                "Bursts": [{"AtMs": 0, "Count": 1000}],
                "Rates": [{"Kind": "constant", "PerSecond": 200, "DurationSeconds": 20}],
            }
        },
    )
    inits = [e.time_ms for e in of(stream, Kind.INIT)]
    assert sum(t < 10_000 for t in inits) == pytest.approx(2_000, abs=2)
    assert len(inits) == pytest.approx(3_000, abs=2)  # continuous refill, no carry-over
    legacy = run("scaling-rate", {"Account": {"ScalingRule": "legacy"}}, metrics_only=True)
    assert legacy.metrics.environments_created == 3_000


# --- §3 provisioned concurrency, §4 versions -------------------------------------------------


def test_s24_provisioned_concurrency_serves_ten_and_five_spill_over() -> None:
    result = run("provisioned-concurrency-spillover")
    assert len(of(result, Kind.PROVISION)) == 10
    assert {e.detail["initialization_type"] for e in of(result, Kind.PROVISION)} == {
        "provisioned-concurrency"
    }
    metrics = result.metrics
    assert metrics.warm_starts == 10
    assert metrics.cold_starts == 5
    assert metrics.provisioned_spillover_invocations == 5
    assert metrics.provisioned_cost_usd > 0


def test_s23_weighted_alias_sends_about_a_tenth_to_version_two() -> None:
    result = run("weighted-alias")
    versions = [e.detail["X-Amz-Executed-Version"] for e in of(result, Kind.RESPONSE)]
    assert len(versions) == 1_000
    assert 70 <= versions.count("2") <= 130
    assert versions.count("1") + versions.count("2") == 1_000
    env_versions: dict[int | None, set[str | None]] = {}
    for event in of(result, Kind.INVOKE):
        env_versions.setdefault(event.env, set()).add(event.version)
    assert all(len(v) == 1 for v in env_versions.values())  # separate environments per version


@pytest.mark.parametrize(
    ("aliases", "field"),
    [
        (
            {
                "live": {
                    "FunctionVersion": "$LATEST",
                    "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.1}},
                }
            },
            "Function.Aliases.live.FunctionVersion",
        ),
        (
            {
                "live": {
                    "FunctionVersion": "1",
                    "RoutingConfig": {"AdditionalVersionWeights": {"$LATEST": 0.1}},
                }
            },
            "Function.Aliases.live.RoutingConfig.AdditionalVersionWeights.$LATEST",
        ),
        (
            {
                "live": {
                    "FunctionVersion": "1",
                    "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.1, "3": 0.1}},
                }
            },
            "Function.Aliases.live.RoutingConfig.AdditionalVersionWeights",
        ),
        (
            {
                "live": {
                    "FunctionVersion": "1",
                    "RoutingConfig": {"AdditionalVersionWeights": {"2": 1.5}},
                }
            },
            "Function.Aliases.live.RoutingConfig.AdditionalVersionWeights.2",
        ),
    ],
)
def test_s23_invalid_weighted_aliases_are_rejected(aliases: dict[str, object], field: str) -> None:
    data = preset("weighted-alias")
    data["Function"] = {"Versions": {"1": {}, "2": {}, "3": {}}, "Aliases": aliases}
    with pytest.raises(ScenarioError) as error:
        run_dict(data)
    assert error.value.field == field


# --- §5 sync ---------------------------------------------------------------------------------


def test_s3_function_error_is_http_200_with_the_error_header_and_no_retry() -> None:
    result = run("sync-function-error")
    (response,) = of(result, Kind.RESPONSE)
    assert response.detail["status"] == 200
    assert response.detail["X-Amz-Function-Error"] == "Unhandled"
    assert response.detail["X-Amz-Executed-Version"] == "$LATEST"
    assert response.detail["errorType"] == "ValueError"
    assert result.metrics.invocations == 1
    assert result.metrics.retries == 0


def test_sync_client_read_timeout_runs_the_function_once_per_sdk_attempt() -> None:
    result = run("sync-client-retries")
    metrics = result.metrics
    assert metrics.invocations == 5  # boto3 legacy: 5 attempts, each gave up after 60 s
    assert metrics.duplicate_side_effects == 4
    assert len(of(result, Kind.CLIENT_TIMEOUT)) == 5
    assert metrics.failed == 1
    patient = run("sync-client-retries", {"Client": {"ReadTimeoutSeconds": 120}})
    assert patient.metrics.invocations == 1
    assert patient.metrics.succeeded == 1


# --- §6 async --------------------------------------------------------------------------------


def test_s8_async_retries_after_about_one_then_two_minutes_then_records_the_failure() -> None:
    result = run("async-retries-on-failure")
    invokes = of(result, Kind.INVOKE)
    assert [e.attempt for e in invokes] == [1, 2, 3]
    ends = [e.time_ms + int(str(e.detail["duration_ms"])) for e in invokes]
    starts = [e.time_ms for e in invokes]
    assert starts[1] - ends[0] == 60_000
    assert starts[2] - ends[1] == 120_000
    (record,) = of(result, Kind.DESTINATION)
    assert record.detail["condition"] == "RetriesExhausted"
    assert record.detail["approximateInvokeCount"] == 3
    assert record.detail["functionError"] == "Unhandled"
    (dlq,) = of(result, Kind.DLQ)
    assert set(dlq.detail) >= {"RequestID", "ErrorCode", "ErrorMessage"}
    assert result.metrics.dead_lettered == {"DeadLetterConfig": 1, "OnFailure": 1}


def test_s9_no_retries_means_one_attempt() -> None:
    result = run("async-no-retries")
    assert result.metrics.invocations == 1
    (record,) = of(result, Kind.DESTINATION)
    assert (record.detail["condition"], record.detail["approximateInvokeCount"]) == (
        "RetriesExhausted",
        1,
    )


def test_s10_success_on_the_second_attempt_sends_a_success_record() -> None:
    result = run("async-success-destination")
    assert result.metrics.invocations == 2
    records = of(result, Kind.DESTINATION)
    assert [(r.detail["condition"], r.detail["approximateInvokeCount"]) for r in records] == [
        ("Success", 2)
    ]
    assert result.metrics.success_destinations == 1
    assert result.metrics.dead_lettered == {}


def test_s11_event_older_than_max_age_is_discarded_instead_of_retried() -> None:
    result = run("async-max-event-age")
    assert result.metrics.invocations == 1
    (record,) = of(result, Kind.DESTINATION)
    assert record.detail["condition"] == "EventAgeExceeded"
    assert record.detail["approximateInvokeCount"] == 1
    assert record.time_ms == 60_000


def test_s12_async_throttles_are_retried_without_using_error_retries() -> None:
    result = run("async-throttling")
    metrics = result.metrics
    assert metrics.succeeded == 20
    assert metrics.peak_concurrency == 1
    assert metrics.throttles > 0
    assert metrics.retries == 0
    assert metrics.horizon_ms < 6 * 3_600_000
    delays = [int(str(e.detail["delay_ms"])) for e in of(result, Kind.THROTTLE)]
    assert min(delays) == 1_000
    assert max(delays) <= 300_000
    short = run(
        "async-throttling", {"Function": {"EventInvokeConfig": {"MaximumEventAgeInSeconds": 60}}}
    )
    assert short.metrics.discarded > 0
    assert short.metrics.succeeded + short.metrics.discarded == 20


def test_s13_idempotency_turns_a_duplicate_delivery_into_no_duplicate_side_effect() -> None:
    result = run("async-duplicate-idempotency")
    metrics = result.metrics
    assert metrics.side_effects == 1
    assert metrics.duplicate_side_effects == 0
    errors = [e.detail.get("error_type") for e in of(result, Kind.INVOKE, outcome="error")]
    assert errors == ["IdempotencyAlreadyInProgressError"]
    assert len(of(result, Kind.IDEMPOTENT_HIT)) == 1
    data = preset("async-duplicate-idempotency")
    del data["Idempotency"]
    plain = run_dict(data)
    assert plain.metrics.side_effects == 2
    assert plain.metrics.duplicate_side_effects == 1


# --- §7 SQS ----------------------------------------------------------------------------------


def test_s14_poison_message_fails_the_whole_batch_until_redrive() -> None:
    result = run("sqs-poison-message")
    batches = of(result, Kind.BATCH_START)
    assert len(batches) == 5
    assert all(len(listed(b, "batch")) == 10 for b in batches)
    assert [b.time_ms for b in batches] == [0, 180_000, 360_000, 540_000, 720_000]
    assert listed(batches[1], "receive_counts") == [2] * 10
    redriven = {e.request for e in of(result, Kind.DLQ)}
    assert "msg-4" in redriven
    assert result.metrics.duplicate_side_effects > 0  # the good ones were reprocessed


def test_s15_partial_batch_deletes_nine_and_redrives_the_poison_after_five_receives() -> None:
    result = run("sqs-partial-batch")
    first = of(result, Kind.BATCH_RESULT)[0]
    assert len(listed(first, "deleted")) == 9
    assert first.detail["failed"] == ["msg-4"]
    again = of(result, Kind.VISIBLE_AGAIN)
    assert again[0].time_ms == 180_000
    assert {e.request for e in again} == {"msg-4"}
    (dlq,) = of(result, Kind.DLQ)
    assert dlq.request == "msg-4"
    assert dlq.detail["ApproximateReceiveCount"] == 5
    assert result.metrics.invocations == 5
    assert result.metrics.succeeded == 9


def test_s16_partial_batch_edge_cases() -> None:
    result = run("sqs-partial-batch-edge-cases")
    outcome = {
        e.time_ms // 20_000 * 20_000: e.outcome
        for e in of(result, Kind.BATCH_RESULT)
        if e.time_ms < 80_000
    }
    assert outcome == {0: "ok", 20_000: "ok", 40_000: "failed", 60_000: "failed"}
    returned = {e.request for e in of(result, Kind.VISIBLE_AGAIN)}
    assert returned == {f"msg-{n}" for n in range(21, 41)}
    assert result.metrics.succeeded == 40


@pytest.mark.parametrize(
    ("response", "deleted"),
    [
        ({"batchItemFailures": []}, 10),
        (None, 10),
        ({}, 10),
        ({"batchItemFailures": None}, 10),
        ({"batchItemFailures": [{"itemIdentifier": ""}]}, 0),
        ({"batchItemFailures": [{"itemIdentifier": None}]}, 0),
        ({"batchItemFailures": [{"itemIdentifier": "not-in-batch"}]}, 0),
        ({"batchItemFailure": [{"itemIdentifier": "msg-1"}]}, 0),
        ("not json", 0),
        ({"batchItemFailures": [{"itemIdentifier": "msg-2"}]}, 9),
    ],
)
def test_s16_each_partial_response_shape(response: object, deleted: int) -> None:
    data = preset("sqs-partial-batch-edge-cases")
    data["Traffic"] = {"Bursts": [{"AtMs": 0, "Count": 10}]}
    data["Faults"] = [{"Effect": "response", "Response": response, "Match": {"Attempts": [1]}}]
    first = of(run_dict(data), Kind.BATCH_RESULT)[0]
    assert len(listed(first, "deleted")) == deleted


def test_s17_fifo_keeps_each_group_in_order_and_groups_independent() -> None:
    result = run("sqs-fifo-ordering")
    batches = [listed(e, "batch") for e in of(result, Kind.BATCH_START)]
    a_batches = [b for b in batches if b[0].startswith("a")]
    assert a_batches[0] == ["a1", "a2", "a3"]
    assert a_batches[1] == ["a2", "a3", "a4"]  # retried before any later A message
    first_result = of(result, Kind.BATCH_RESULT)
    assert any(r.detail["deleted"] == ["a1"] for r in first_result)
    b_times = [
        e.time_ms for e in of(result, Kind.BATCH_START) if listed(e, "batch")[0].startswith("b")
    ]
    a_retry = [e.time_ms for e in of(result, Kind.BATCH_START) if listed(e, "batch")[:1] == ["a2"]]
    assert b_times[1] < a_retry[0]  # B carries on while A waits
    assert result.metrics.peak_concurrency <= 2
    assert result.metrics.succeeded == 7


# --- §8 streams ------------------------------------------------------------------------------


def test_s18_poison_record_blocks_its_shard_until_the_records_expire() -> None:
    result = run("kinesis-poison-record", metrics_only=False)
    metrics = result.metrics
    assert metrics.discarded == 100  # shard 0's first 100 records expired after 24 h
    assert metrics.succeeded == 120
    assert of(result, Kind.DESTINATION) == []  # nothing is sent anywhere
    assert metrics.iterator_age_max_ms >= 24 * 3_600_000 - 60_000
    expired = of(result, Kind.EXPIRE)
    assert min(e.time_ms for e in expired) >= 24 * 3_600_000
    shard_one = [e for e in of(result, Kind.CHECKPOINT) if "000000000001" in str(e.detail["shard"])]
    assert shard_one[0].time_ms < 5_000  # the other shard is not blocked


def test_s19_retry_limit_discards_the_batch_with_a_metadata_record() -> None:
    result = run("kinesis-retry-limit")
    batches = of(result, Kind.BATCH_START)
    assert [(b.detail["first_sequence"], b.attempt) for b in batches[:3]] == [
        ("1", 1),
        ("1", 2),
        ("1", 3),
    ]
    (record,) = of(result, Kind.DESTINATION)
    assert record.detail["condition"] == "RetryAttemptsExhausted"
    assert record.detail["approximateInvokeCount"] == 3
    info = record.detail["KinesisBatchInfo"]
    assert info == {
        "shardId": "shardId-000000000000",
        "startSequenceNumber": "1",
        "endSequenceNumber": "100",
        "batchSize": 100,
    }
    assert batches[3].detail["first_sequence"] == "101"
    assert result.metrics.succeeded == 10
    assert result.metrics.dead_lettered == {"OnFailure": 1}


def test_s20_bisect_splits_down_to_the_poison_record() -> None:
    result = run("kinesis-bisect")
    spans = [
        (b.detail["first_sequence"], b.detail["last_sequence"])
        for b in of(result, Kind.BATCH_START)
    ]
    assert spans == [
        ("1", "8"),
        ("1", "4"),
        ("5", "8"),
        ("5", "6"),
        ("5", "5"),
        ("6", "6"),
        ("7", "8"),
    ]
    assert result.metrics.retries == 0  # splits don't consume retries
    (record,) = of(result, Kind.DESTINATION)
    assert record.detail["KinesisBatchInfo"]["startSequenceNumber"] == "6"  # type: ignore[index]
    assert result.metrics.succeeded == 7


def test_s21_checkpoint_at_the_lowest_failed_sequence_number() -> None:
    result = run("kinesis-checkpoint")
    spans = [
        (b.detail["first_sequence"], b.detail["last_sequence"])
        for b in of(result, Kind.BATCH_START)
    ]
    assert spans == [("1", "10"), ("4", "10")]
    assert [c.detail["sequence_number"] for c in of(result, Kind.CHECKPOINT)] == ["3", "10"]
    assert result.metrics.duplicate_side_effects == 5  # 5, 6, 8, 9 and 10 ran twice
    empty = run(
        "kinesis-checkpoint",
        {"Faults": [{"Effect": "response", "Response": {"batchItemFailures": []}}]},
    )
    assert empty.metrics.invocations == 1
    null = run(
        "kinesis-checkpoint",
        {
            "Faults": [
                {
                    "Effect": "response",
                    "Response": {"batchItemFailures": [{"itemIdentifier": None}]},
                    "Match": {"Attempts": [1]},
                }
            ]
        },
    )
    spans = [
        (b.detail["first_sequence"], b.detail["last_sequence"]) for b in of(null, Kind.BATCH_START)
    ]
    assert spans == [("1", "10"), ("1", "10")]


def test_s22_parallelization_factor_allows_two_batches_per_shard() -> None:
    result = run("kinesis-parallelization", metrics_only=True)
    assert result.metrics.peak_concurrency == 200
    single = run(
        "kinesis-parallelization",
        {"Source": {"EventSourceMapping": {"ParallelizationFactor": 1}}},
        metrics_only=True,
    )
    assert single.metrics.peak_concurrency == 100


# --- §9 databases, function code -------------------------------------------------------------


def test_s27_connections_beyond_max_fail_without_a_proxy_and_wait_with_one() -> None:
    direct = run("rds-proxy", metrics_only=True).metrics
    assert direct.db_errors == 200
    assert direct.failed == 200
    assert direct.succeeded == 100
    assert direct.db_peak_connections == 100
    pooled = run("rds-proxy", {"Database": {"Proxy": {"Enabled": True}}})
    assert pooled.metrics.failed == 0
    assert pooled.metrics.db_peak_connections == 100
    assert len(of(pooled, Kind.DB_WAIT)) == 200
    impatient = run(
        "rds-proxy", {"Database": {"Proxy": {"Enabled": True, "ConnectionBorrowTimeout": 1}}}
    )
    assert impatient.metrics.failed == 100  # the third hundred would wait 2 s


def test_init_outside_the_handler_is_paid_once_per_environment() -> None:
    inside = run("init-outside-handler", metrics_only=True).metrics
    outside = run(
        "init-outside-handler", {"Code": {"Setup": {"Placement": "outside"}}}, metrics_only=True
    ).metrics
    assert inside.billed_ms == 200 + 10 * (50 + 300)
    assert outside.billed_ms == 200 + 300 + 10 * 50
    assert outside.cost_usd < inside.cost_usd


def test_tmp_cache_misses_once_per_environment_and_hits_when_warm() -> None:
    result = run("tmp-cache")
    caches = [e.detail["tmp_cache"] for e in of(result, Kind.INVOKE)]
    assert caches.count("miss") == result.metrics.cold_starts == 2
    assert caches.count("hit") == 6
