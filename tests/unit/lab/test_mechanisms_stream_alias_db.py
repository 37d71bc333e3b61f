"""The stream, alias and database mechanism views, from small hand-made scenarios.

Expected values come from the scenario (batch size, where the poison record is, the alias weight,
max_connections) and from the trace's own events, never from pasted output.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.template.loader import render_to_string

from course.lab.core.mechanisms import BUILDERS
from course.lab.core.mechanisms.alias import build_alias
from course.lab.core.mechanisms.database import build_database
from course.lab.core.mechanisms.stream import StreamView, build_stream
from course.sandbox import Kind, Scenario, TraceEvent, simulate


def run(data: dict[str, Any]) -> tuple[TraceEvent, ...]:
    return simulate(Scenario.from_dict(data)).events


def stream(batch: int = 8, poison: int = 6, **mapping: Any) -> dict[str, Any]:
    return {
        "seed": 1,
        "Function": {"Timeout": 30},
        "Code": {"InitDurationMs": 200, "DurationMs": 200},
        "Source": {
            "Type": "kinesis",
            "Stream": {"ShardCount": 1},
            "EventSourceMapping": {"BatchSize": batch, **mapping},
        },
        "Traffic": {"Bursts": [{"AtMs": 0, "Count": batch}]},
        "Faults": [{"Effect": "error", "Match": {"EventIds": [str(poison)]}}],
    }


def bisect_ranges(first: int, last: int, poison: int) -> list[tuple[int, int, int]]:
    """Return (first, last, depth) of every range a bisect tries, depth first, lower half first.

    The engine splits [low, high) at (low + high) // 2 and tries the lower half first (§8);
    a half without the poison record succeeds and is not split.
    """
    out = [(first, last, 0)]

    def split(low: int, high: int, depth: int) -> None:
        middle = (low + high + 1) // 2  # records are numbered from 1: [low, high] inclusive
        for half in ((low, middle - 1), (middle, high)):
            out.append((*half, depth))
            if half[0] <= poison <= half[1] and half[0] < half[1]:
                split(*half, depth + 1)

    split(first, last, 1)
    return out


def node_ranges(view: StreamView) -> list[tuple[int, int, int]]:
    out = []
    for node in view.lanes[0].nodes:
        first, _, last = node.detail.label.partition("–")
        out.append((int(first), int(last or first), node.depth))
    return out


def test_bisect_tree_splits_down_to_the_poison_record_and_checkpoints_after_the_batch() -> None:
    events = run(
        stream(
            batch=8,
            poison=6,
            BisectBatchOnFunctionError=True,
            MaximumRetryAttempts=0,
            DestinationConfig={"OnFailure": {"Destination": "arn:aws:sqs:r:1:fail"}},
        )
    )
    view = build_stream(events, None)
    assert view is not None
    assert node_ranges(view) == bisect_ranges(1, 8, 6)
    # 1–8, then 5–8, then 5–6, then 6: each range with the poison record is on its own row.
    assert [r for r in node_ranges(view) if r[0] <= 6 <= r[1]] == [
        (1, 8, 0),
        (5, 8, 1),
        (5, 6, 2),
        (6, 6, 3),
    ]
    css = {node.detail.label: node.css for node in view.lanes[0].nodes}
    assert css["6"].endswith("--error")
    assert css["5"].endswith("--ok")
    lane = view.lanes[0]
    assert lane.checkpoint == "8"  # the last batch (7–8) succeeds after 6 is given up
    assert lane.tries == sum(e.kind == Kind.BATCH_START for e in events)
    assert len(view.failures) == sum(e.kind == Kind.DESTINATION for e in events) == 1
    assert view.failures[0].startswith("Record 6:")
    html = render_to_string(view.template, {"view": view, "prefix": "p"})
    assert (
        "Records 5–8 (4 records, a half of a split): 1 try, failed (Error); split in two." in html
    )
    assert 'href="#p-mech-stream-0-0"' in html
    assert 'id="p-mech-stream-0-0"' in html


def test_without_bisect_the_whole_batch_is_retried_then_given_up() -> None:
    retries = 2
    events = run(stream(batch=8, poison=3, MaximumRetryAttempts=retries))
    view = build_stream(events, None)
    assert view is not None
    (node,) = view.lanes[0].nodes
    assert node.detail.label == "1–8"
    assert f"{retries + 1} tries" in node.detail.text
    assert "discarded" in node.detail.text
    assert view.lanes[0].checkpoint is None  # nothing in the batch was ever checkpointed


def test_report_batch_item_failures_checkpoints_before_the_first_failed_record() -> None:
    data = stream(batch=10, poison=4, FunctionResponseTypes=["ReportBatchItemFailures"])
    data["Faults"] = [{"Effect": "error", "Match": {"EventIds": ["4", "7"], "Attempts": [1]}}]
    view = build_stream(run(data), None)
    assert view is not None
    first, rest = view.lanes[0].nodes
    assert (first.detail.label, first.css.rsplit("--", 1)[1]) == ("1–10", "partial")
    assert "checkpoint after record 3" in first.detail.text  # record 4 is the first failure
    assert (rest.detail.label, rest.depth) == ("4–10", 1)
    assert view.lanes[0].checkpoint == "10"


def test_stepping_the_stream_never_moves_the_checkpoint_back() -> None:
    events = run(stream(batch=8, poison=6, BisectBatchOnFunctionError=True, MaximumRetryAttempts=0))
    positions = []
    for until in range(len(events)):
        view = build_stream(events, until)
        assert view is not None
        seen = events[: until + 1]
        lane = view.lanes[0] if view.lanes else None
        expected = [e.detail["sequence_number"] for e in seen if e.kind == Kind.CHECKPOINT]
        assert (lane.checkpoint if lane else None) == (expected[-1] if expected else None)
        assert (lane.tries if lane else 0) == sum(e.kind == Kind.BATCH_START for e in seen)
        positions.append(int(lane.checkpoint) if lane and lane.checkpoint else 0)
    assert positions == sorted(positions)
    assert positions[-1] == 8


def test_many_shards_are_capped_with_a_count_of_the_rest() -> None:
    data = stream(batch=2, poison=999)
    data["Source"]["Stream"]["ShardCount"] = 5
    data["Traffic"] = {"Bursts": [{"AtMs": 0, "Count": 20}]}
    view = build_stream(run(data), None)
    assert view is not None
    assert view.lane_count == 5
    assert len(view.lanes) + view.more_lanes == 5
    assert sum(lane.records for lane in view.lanes) == 4 * len(view.lanes)


def alias(weight: float, count: int, seed: int = 7) -> dict[str, Any]:
    return {
        "seed": seed,
        "Function": {
            "Versions": {"1": {}, "2": {}},
            "Aliases": {
                "live": {
                    "FunctionVersion": "1",
                    "RoutingConfig": {"AdditionalVersionWeights": {"2": weight}},
                }
            },
        },
        "Code": {"InitDurationMs": 200, "DurationMs": 50},
        "Source": {"Type": "sync", "Qualifier": "live"},
        "Traffic": {"Rates": [{"Kind": "constant", "PerSecond": 10, "Count": count}]},
    }


def test_alias_counts_each_versions_requests_from_the_trace() -> None:
    events = run(alias(0.1, 1_000))
    view = build_alias(events, None)
    assert view is not None
    per_version = Counter(e.version for e in events if e.kind == Kind.INVOKE)
    assert {row.name: row.requests for row in view.rows} == per_version
    assert sum(row.requests for row in view.rows) == view.total == 1_000
    # A weight of 0.1 over 1,000 requests: version 2 serves about 100 (3 standard deviations).
    assert abs({row.name: row.requests for row in view.rows}["2"] - 100) < 3 * (1000 * 0.09) ** 0.5
    html = render_to_string(view.template, {"view": view, "prefix": "p"})
    for row in view.rows:
        assert f'<td class="mv__num">{row.requests:,}</td>' in html
    # Every slice of the split over time counts each request once.
    assert (
        sum(
            int(s.detail.text.split(": ")[1].split(" ")[0].replace(",", ""))
            for s in view.slices
            if "no requests" not in s.detail.text
        )
        == 1_000
    )


def test_alias_view_at_a_step_counts_only_the_invocations_seen() -> None:
    events = run(alias(0.5, 40))
    for until in (0, len(events) // 3, len(events) - 1):
        view = build_alias(events, until)
        assert view is not None
        seen = Counter(e.version for e in events[: until + 1] if e.kind == Kind.INVOKE)
        assert {row.name: row.requests for row in view.rows if row.requests} == seen


def test_a_run_on_latest_only_has_no_alias_view() -> None:
    events = run({"seed": 1, "Source": {"Type": "sync"}, "Traffic": {"Bursts": [{"Count": 3}]}})
    assert build_alias(events, None) is None
    assert build_stream(events, None) is None
    assert build_database(events, None) is None


def database(proxy: bool, burst: int, max_connections: int) -> dict[str, Any]:
    return {
        "seed": 1,
        "Function": {"Timeout": 10},
        "Code": {"InitDurationMs": 200, "DurationMs": 1000, "Setup": {"Placement": "outside"}},
        "Source": {"Type": "sync"},
        "Database": {
            "MaxConnections": max_connections,
            "Proxy": {
                "Enabled": proxy,
                "MaxConnectionsPercent": 100,
                "ConnectionBorrowTimeout": 120,
            },
        },
        "Traffic": {"Bursts": [{"AtMs": 0, "Count": burst}]},
    }


def test_without_a_proxy_the_connections_stop_at_max_connections_and_the_rest_fail() -> None:
    events = run(database(False, burst=30, max_connections=10))
    view = build_database(events, None)
    assert view is not None
    assert not view.proxy
    assert view.errors == sum(e.kind == Kind.DB_ERROR for e in events) == 30 - 10
    assert view.peak == view.limit == 10  # one connection per environment, 10 allowed
    html = render_to_string(view.template, {"view": view, "prefix": "p"})
    assert "20 invocations failed for want of a connection" in html


def test_with_the_proxy_requests_wait_for_the_pool_instead_of_failing() -> None:
    events = run(database(True, burst=30, max_connections=10))
    view = build_database(events, None)
    assert view is not None
    assert view.proxy
    assert view.errors == 0
    assert view.waits == sum(e.kind == Kind.DB_WAIT for e in events) == 30 - 10
    assert view.peak == view.limit == 10  # the pool is MaxConnectionsPercent 100 of 10


@pytest.mark.parametrize("proxy", [False, True])
def test_database_view_at_each_step_counts_what_was_seen(proxy: bool) -> None:
    events = run(database(proxy, burst=12, max_connections=5))
    for until in range(0, len(events), 7):
        view = build_database(events, until)
        assert view is not None
        seen = events[: until + 1]
        assert view.errors == sum(e.kind == Kind.DB_ERROR for e in seen)
        assert view.waits == sum(e.kind == Kind.DB_WAIT for e in seen)
        assert 0 <= view.open_now <= 5


def test_every_view_renders_at_every_tenth_step_of_a_bisect() -> None:
    events = run(stream(batch=8, poison=6, BisectBatchOnFunctionError=True))
    for until in [None, *range(0, len(events), 10)]:
        for build in (build_stream, build_alias, build_database):
            view = build(events, until)
            if view is not None:
                render_to_string(view.template, {"view": view, "prefix": "p"})


def test_the_three_builders_are_registered() -> None:
    assert {build_stream, build_alias, build_database} <= set(BUILDERS)
