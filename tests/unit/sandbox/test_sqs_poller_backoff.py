"""SQS pollers back off after failed invocations, except on function errors with partial batches.

Facts (LAMBDA-FACTS.md §7): pollers start with 5 concurrent batches and add up to 300 per minute
[D31]; on a function error Lambda "reduces concurrency allocated to the ESM", on throttling it
backs off [D32]; with ReportBatchItemFailures on it "does not scale down polling on failed
invocations" [D32]; an idle mapping may go down to 2 [D31][D30a][D52]. AWS gives no rate for
the back-off: the simulator halves the allowance per failure (`SCALE_DOWN_DIVISOR`, stated as
our assumption in docs/scenarios.md), never below 2, and the ramp restarts from there.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from course.sandbox import Kind, Result
from course.sandbox.sources.sqs import (
    MIN_BATCHES,
    RAMP_PER_MINUTE,
    SCALE_DOWN_DIVISOR,
    START_BATCHES,
)

from .helpers import of, run_dict

BATCH_MS = 1_000  # each batch takes 1 s (no INIT), so batches start on whole seconds
SECONDS = 10


def scenario(*, partial: bool, effect: str = "throw") -> dict[str, Any]:
    """1,000 messages at t = 0, one per batch, each invocation failing for the first 10 s."""
    mapping: dict[str, Any] = {"BatchSize": 1}
    if partial:
        mapping["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
    return {
        "seed": 1,
        "Function": {"Timeout": 30},
        "Code": {"InitDurationMs": 0, "DurationMs": BATCH_MS},
        "Source": {
            "Type": "sqs",
            "Queue": {"VisibilityTimeout": 900},  # failed messages stay away for the whole test
            "EventSourceMapping": mapping,
        },
        "Traffic": {"Bursts": [{"AtMs": 0, "Count": 1_000}]},
        "Faults": [{"Effect": effect, "Match": {"ToMs": SECONDS * 1_000}}],
        "Simulation": {"MaxDurationSeconds": 60},
    }


def starts_per_second(result: Result) -> list[int]:
    started = Counter(e.time_ms for e in of(result, Kind.BATCH_START))
    return [started[second * 1_000] for second in range(SECONDS)]


def ramp(ms: int, base: int = START_BATCHES) -> int:
    """Return the allowance `ms` after the ramp (re)started from `base` (§7 [D31])."""
    return base + ms * RAMP_PER_MINUTE // 60_000


def test_with_partial_batch_responses_thrown_errors_do_not_slow_the_pollers() -> None:
    """Every second all batches fail; without scale-down the ramp alone sets the pace (§7 [D32]).

    At t = k s the in-flight batches have all ended, so the pollers start ramp(k s) = 5 + 5k.
    """
    result = run_dict(scenario(partial=True))
    assert starts_per_second(result) == [ramp(second * 1_000) for second in range(SECONDS)]
    assert not any("batches_allowed" in e.detail for e in of(result, Kind.BATCH_RESULT))
    assert result.metrics.function_errors >= sum(ramp(s * 1_000) for s in range(SECONDS - 1))


def test_function_errors_halve_the_pollers_down_to_two() -> None:
    """At 1 s the ramp allows 10; the 1st failure halves it to 5, the 2nd to the floor 2 (§7).

    The 5 batches of t = 0 end together at 1 s. After the 1st ends the allowance is 5 with 4
    still in flight: 1 new batch. The 2nd, 3rd and 4th leave 4, 3, 2 in flight against an
    allowance of 2: none. After the 5th, 1 is in flight: 1 more. So 2 batches start at 1 s.
    """
    result = run_dict(scenario(partial=False))
    at_one_second = [
        e.detail["batches_allowed"]
        for e in of(result, Kind.BATCH_RESULT)
        if e.time_ms == 1_000 and "batches_allowed" in e.detail
    ]
    first = ramp(1_000) // SCALE_DOWN_DIVISOR
    assert at_one_second == [first, max(MIN_BATCHES, first // SCALE_DOWN_DIVISOR)] == [5, 2]
    assert starts_per_second(result)[:2] == [START_BATCHES, 2]
    # Far fewer batches than the ramp allows: the pollers keep backing off while errors go on.
    backed_off, ramped = (
        sum(starts_per_second(result)),
        sum(starts_per_second(run_dict(scenario(partial=True)))),
    )
    assert backed_off * 5 < ramped


def test_partial_batch_responses_do_not_stop_the_back_off_on_throttles() -> None:
    """Throttling backs the pollers off too (§7 [D32]), partial batch responses or not.

    Reserved concurrency 1. The pollers take batches one by one: the 1st runs, the 2nd is
    throttled, which halves the 5 allowed at t = 0 to 2. With 2 in flight they take no more
    (without the back-off they would take all 5 and 4 would be throttled).
    """
    data = scenario(partial=True)
    data["Function"]["ReservedConcurrentExecutions"] = 1
    data["Faults"] = []
    result = run_dict(data)
    (throttle,) = [e for e in of(result, Kind.THROTTLE) if e.time_ms == 0]
    assert throttle.detail["batches_allowed"] == START_BATCHES // SCALE_DOWN_DIVISOR == 2
    assert "backs off" in throttle.narration
    assert starts_per_second(result)[0] == 2


def test_fifo_queues_keep_their_per_group_concurrency() -> None:
    """FIFO concurrency follows the active message groups (§7 [D31]), not the back-off."""
    data = {
        "seed": 1,
        "Code": {"InitDurationMs": 0, "DurationMs": 100},
        "Source": {"Type": "sqs", "Queue": {"FifoQueue": True, "VisibilityTimeout": 60}},
        "Traffic": {"Events": [{"AtMs": 0, "Id": f"m{n}", "Group": f"g{n}"} for n in range(1, 9)]},
        "Faults": [{"Effect": "error"}],
        "Simulation": {"MaxDurationSeconds": 1},
    }
    result = run_dict(data)
    assert Counter(e.time_ms for e in of(result, Kind.BATCH_START))[0] == 8  # one per group
    assert not any("batches_allowed" in e.detail for e in of(result, Kind.BATCH_RESULT))
