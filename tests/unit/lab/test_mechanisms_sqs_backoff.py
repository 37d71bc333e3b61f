"""The buffet's back-off chart: trays allowed at once, falling at each failure, climbing again.

Expected values come from the engine's rule (docs/scenarios.md, "Scale-down after failures"):
pollers start at 5 concurrent batches, add 300 a minute, and a thrown error halves the
allowance (never below 2); with ReportBatchItemFailures on, errors don't lower it.
"""

from __future__ import annotations

import re
from typing import Any

from django.template.loader import render_to_string

from course.lab.core.mechanisms.sqs import build_sqs
from course.sandbox import Kind, Scenario, TraceEvent, simulate

# Messages a and b throw (done at 1 s and 3 s), the third succeeds. Each failed invocation halves
# the allowance: 5 + 5 (1 s of +300/min) = 10 → 5, then 5 + 10 (2 s) = 15 → 7.
FAILING: dict[str, Any] = {
    "seed": 1,
    "Code": {"InitDurationMs": 0, "DurationMs": 1000},
    "Source": {
        "Type": "sqs",
        "Queue": {"RedrivePolicy": {"maxReceiveCount": 1}},  # no second receive to fail again
        "EventSourceMapping": {"BatchSize": 1},
    },
    "Traffic": {"Events": [{"AtMs": 0, "Id": "a"}, {"AtMs": 2000, "Id": "b"}, {"AtMs": 4000}]},
    "Faults": [{"Effect": "throw", "Match": {"EventIds": ["a", "b"]}}],
}


def events_of(data: dict[str, Any]) -> tuple[TraceEvent, ...]:
    return simulate(Scenario.from_dict(data)).events


def drops(events: tuple[TraceEvent, ...]) -> list[tuple[int, object]]:
    return [
        (e.time_ms, e.detail["batches_allowed"]) for e in events if "batches_allowed" in e.detail
    ]


def test_each_back_off_is_a_drop_with_its_number_and_cause():
    events = events_of(FAILING)
    assert drops(events) == [(1000, 5), (3000, 7)]  # the trace's own numbers
    view = build_sqs(events, None)
    assert view is not None
    assert view.allowance is not None
    allowance = view.allowance
    assert allowance.start == 5
    assert [(b.at_ms, b.allowed, b.cause) for b in allowance.backoffs] == [
        (1000, 5, "error"),
        (3000, 7, "error"),
    ]
    assert allowance.numbers == "5, 7"
    assert "backed off 2 times: 1.000 s a function error, down to 5; 3.000 s" in (
        allowance.detail.text
    )


def test_the_line_climbs_then_falls_at_each_drop_and_sits_below_the_batches():
    view = build_sqs(events_of(FAILING), None)
    assert view is not None
    assert view.allowance is not None
    allowance = view.allowance
    points = [
        tuple(map(float, pair.split())) for pair in re.findall(r"[\d.]+ [\d.]+", allowance.path)
    ]
    ys = [y for _, y in points]
    xs = [x for x, _ in points]
    assert xs == sorted(xs), "time only moves right"
    # Climb 5 → 10 (up), fall to 5 (down): SVG y grows downwards.
    assert ys[1] < ys[0]
    assert ys[2] > ys[1]
    assert allowance.backoffs[0].y == ys[2]
    assert allowance.y >= view.batch_top + 26 + len(view.batches) * 30
    assert view.height >= allowance.plot_bottom + 16
    # The scale covers every value drawn: after the last drop (7 at 3 s) the allowance climbs
    # until the queue's last event (32 s: the failed messages reach the DLQ), to 7 + 145 = 152.
    assert [tick.label for tick in allowance.ticks] == ["1", "10", "100", "1,000"]
    assert xs[-1] == 416
    assert allowance.ticks[3].y < ys[-1] < allowance.ticks[2].y


def test_stepping_shows_only_the_drops_so_far_on_the_same_scale():
    events = events_of(FAILING)
    whole = build_sqs(events, None)
    second_drop = next(i for i, e in enumerate(events) if e.detail.get("batches_allowed") == 7)
    early = build_sqs(events, second_drop - 1)
    assert whole is not None
    assert whole.allowance is not None
    assert early is not None
    assert early.allowance is not None
    assert [b.allowed for b in early.allowance.backoffs] == [5]
    assert [(t.label, t.y - early.allowance.y) for t in early.allowance.ticks] == [
        (t.label, t.y - whole.allowance.y) for t in whole.allowance.ticks
    ]
    assert early.allowance.end_label == whole.allowance.end_label
    assert early.allowance.total_backoffs == 2


def test_reported_failures_draw_an_allowance_that_only_climbs():
    reported = {
        **FAILING,
        "Source": {
            "Type": "sqs",
            "Queue": {"RedrivePolicy": {"maxReceiveCount": 1}},
            "EventSourceMapping": {
                "BatchSize": 1,
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
            },
        },
    }
    events = events_of(reported)
    assert any(e.kind == Kind.BATCH_RESULT and e.outcome == "failed" for e in events)
    assert not drops(events)
    view = build_sqs(events, None)
    assert view is not None
    assert view.allowance is not None
    assert view.allowance.backoffs == ()
    assert view.allowance.numbers == "none in this run"
    ys = [float(y) for y in re.findall(r"[\d.]+ ([\d.]+)", view.allowance.path)]
    assert ys == sorted(ys, reverse=True), "only climbing (SVG y grows downwards)"
    html = render_to_string(view.template, {"view": view, "prefix": "p"})
    assert "After each back-off: none in this run" in html


def test_no_chart_when_no_batch_failed():
    clean = {**FAILING, "Faults": []}
    view = build_sqs(events_of(clean), None)
    assert view is not None
    assert view.allowance is None
    html = render_to_string(view.template, {"view": view, "prefix": "p"})
    assert "Trays allowed" not in html


def test_the_picture_writes_the_numbers_and_explains_itself():
    view = build_sqs(events_of(FAILING), None)
    assert view is not None
    html = render_to_string(view.template, {"view": view, "prefix": "p"})
    assert "Trays allowed at once: 5 at first, +300 a minute" in html
    assert "After each back-off: 5, 7" in html
    assert 'class="mv-allow__line"' in html
    assert html.count("mv-allow__drop--error") == 2
    assert 'id="p-sqs-allowance-text"' in html  # its words, below the figure
    assert "style=" not in html


def test_a_batch_on_a_snapstart_restored_environment_gets_its_result():
    # The environment comes from RESTORE, not INIT: the buffet still follows the batch to it.
    snap = {
        "seed": 1,
        "Function": {
            "SnapStart": {"ApplyOn": "PublishedVersions"},
            "Versions": {"1": {}},
            "Aliases": {"live": {"FunctionVersion": "1"}},
        },
        "Source": {"Type": "sqs", "Qualifier": "live", "EventSourceMapping": {"BatchSize": 1}},
        "Traffic": {"Events": [{"AtMs": 0}, {"AtMs": 0}]},
    }
    events = events_of(snap)
    assert any(e.kind == Kind.RESTORE for e in events)
    view = build_sqs(events, None)
    assert view is not None
    assert [batch.outcome for batch in view.batches] == ["ok", "ok"]


def test_a_throttle_back_off_is_a_square_and_an_error_a_circle_not_colour_alone():
    throttled = {
        **FAILING,
        "Faults": [],
        "Function": {"ReservedConcurrentExecutions": 1},
        "Source": {"Type": "sqs", "EventSourceMapping": {"BatchSize": 1}},
        "Traffic": {"Events": [{"AtMs": 0}] * 4},
    }
    view = build_sqs(events_of(throttled), None)
    assert view is not None
    assert view.allowance is not None
    assert {b.cause for b in view.allowance.backoffs} == {"throttle"}
    html = render_to_string(view.template, {"view": view, "prefix": "p"})
    squares = re.findall(r'<rect class="mv-allow__drop mv-allow__drop--throttle"[^>]*>', html)
    assert len(squares) == len(view.allowance.backoffs)
    assert '<circle class="mv-allow__drop' not in html
    assert "a circle: a failed invocation, a square: a throttle" in html
    errors = render_to_string(
        view.template, {"view": build_sqs(events_of(FAILING), None), "prefix": "p"}
    )
    assert errors.count('<circle class="mv-allow__drop mv-allow__drop--error"') == 2
