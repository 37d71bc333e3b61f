"""The sandbox timeline and event log: lanes, bars, axis, aggregation, filters, templates."""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from course.lab.core import timeline as timeline_package
from course.lab.core.event_log import build_log, is_error
from course.lab.core.timeline import (
    AGGREGATED,
    DETAILED,
    EMPTY,
    Bar,
    Lane,
    Timeline,
    build_timeline,
    nice_ticks,
)
from course.sandbox import Kind, Result, Scenario, load_scenario_file, simulate

PRESETS = Path(__file__).resolve().parents[2] / "content" / "lambda-best-practices" / "scenarios"
ALL_PRESETS = sorted(path.stem for path in PRESETS.glob("*.yaml"))
INIT_CLASSES = {"tl-init", "tl-init-re"}
ERROR_KINDS = {
    "INVOKE",
    "RESPONSE",
    "TIMEOUT",
    "INIT_TIMEOUT",
    "RESET",
    "THROTTLE",
    "DLQ",
    "DESTINATION",
    "DISCARD",
    "EXPIRE",
    "DB_ERROR",
    "CLIENT_TIMEOUT",
    "BATCH_RESULT",
    "SHUTDOWN",
}
FILTER_URLS = {"all": "?", "errors": "?log=errors"}


@cache
def run(slug: str) -> Result:
    """Simulate a preset once per test session."""
    return simulate(load_scenario_file(PRESETS / f"{slug}.yaml"))


def big_poisson_run() -> Result:
    """Simulate 2,000 Poisson requests: too many bars to draw one by one."""
    scenario = Scenario.from_dict(
        {
            "seed": 7,
            "Code": {"InitDurationMs": 300, "DurationMs": 800},
            "Function": {"ReservedConcurrentExecutions": 40},
            "Traffic": {"Rates": [{"Kind": "poisson", "PerSecond": 60, "Count": 2000}]},
            "Faults": [{"Effect": "error", "Match": {"Probability": 0.05}}],
        }
    )
    return simulate(scenario)


def lane_labels(timeline: Timeline) -> list[str]:
    return [lane.label for lane in timeline.lanes]


def env_lanes(timeline: Timeline) -> list[Lane]:
    return [lane for lane in timeline.lanes if lane.key.startswith("env-")]


def bar_classes(lane: Lane) -> set[str]:
    return {css for bar in lane.bars for css in bar.css.split()}


def detailed_presets() -> list[str]:
    return [slug for slug in ALL_PRESETS if build_timeline(run(slug)).mode == DETAILED]


# --- lanes and bars ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "source_lane"),
    [
        ("sqs-partial-batch", "Queue"),
        ("async-retries-on-failure", "Internal queue"),
        ("sync-timeout-reset", "Requests"),
        ("kinesis-bisect", "Shard 0"),
    ],
)
def test_detailed_timeline_has_a_source_lane_and_one_lane_per_environment(
    slug: str, source_lane: str
) -> None:
    result = run(slug)
    timeline = build_timeline(result)
    assert timeline.mode == DETAILED
    assert lane_labels(timeline)[0] == source_lane
    envs = sorted({event.env for event in result.events if event.env is not None})
    assert [lane.label.split(" · ")[0] for lane in env_lanes(timeline)] == [
        f"Env {env}" for env in envs
    ]


def test_environment_lanes_name_their_version_and_mark_provisioned_ones() -> None:
    timeline = build_timeline(run("provisioned-concurrency-spillover"))
    labels = [lane.label for lane in env_lanes(timeline)]
    assert labels[0] == "Env 1 · v1 · PC"
    assert "Env 15 · v1" in labels
    provisioned = [lane for lane in env_lanes(timeline) if lane.label.endswith("PC")]
    assert provisioned
    assert all("tl-init-pc" in bar_classes(lane) for lane in provisioned)
    assert timeline.start_ms < 0, "provisioned init happens before the first request"


def test_failure_destinations_get_their_own_lane() -> None:
    for slug in ("sqs-poison-message", "async-retries-on-failure", "kinesis-bisect"):
        timeline = build_timeline(run(slug))
        assert lane_labels(timeline)[-1] == "DLQ / destinations"


def test_database_events_get_a_database_lane() -> None:
    result = run("rds-proxy")
    assert any(event.kind == Kind.DB_ERROR for event in result.events)
    timeline = build_timeline(result, max_bars=10_000, max_lanes=1_000)
    assert "Database" in lane_labels(timeline)


@pytest.mark.parametrize(
    "slug", ["cold-then-warm", "sync-timeout-reset", "tmp-cache", "idle-expiry"]
)
def test_init_bars_appear_only_before_cold_invocations(slug: str) -> None:
    result = run(slug)
    timeline = build_timeline(result)
    init_bars = [
        bar for lane in timeline.lanes for bar in lane.bars if INIT_CLASSES & set(bar.css.split())
    ]
    cold_invocations = [
        event for event in result.events if event.kind == Kind.INVOKE and event.detail.get("cold")
    ]
    assert len(init_bars) == len(cold_invocations) == result.metrics.cold_starts
    for bar in init_bars:
        assert bar.index is not None
        init = result.events[bar.index]
        assert init.kind == Kind.INIT
        invoke = next(
            event
            for event in result.events[bar.index :]
            if event.kind == Kind.INVOKE and event.env == init.env
        )
        assert invoke.detail["cold"] is True


@pytest.mark.parametrize("slug", detailed_presets())
def test_bars_never_overlap_within_a_lane_and_stay_inside_the_axis(slug: str) -> None:
    timeline = build_timeline(run(slug))
    for lane in timeline.lanes:
        bars = sorted(lane.bars, key=lambda bar: bar.x)
        for before, after in zip(bars, bars[1:], strict=False):
            assert before.x + before.width <= after.x + 0.11, (lane.label, before, after)
        for bar in bars:
            assert timeline.plot_left <= bar.x
            assert bar.x + bar.width <= timeline.plot_right + 0.11
        for marker in lane.markers:
            centre = marker.x + marker.width / 2
            assert timeline.plot_left - 0.11 <= centre <= timeline.plot_right + 0.11


@pytest.mark.parametrize("slug", detailed_presets())
def test_every_drawn_element_has_a_title_a_class_and_a_source_event(slug: str) -> None:
    result = run(slug)
    timeline = build_timeline(result)
    for bar in timeline.bars():
        assert bar.title
        assert bar.css.startswith(("tl-bar ", "tl-mark "))
        if bar.index is not None:
            assert 0 <= bar.index < len(result.events)
    used = {css for bar in timeline.bars() for css in bar.css.split()[1:]}
    legend = {item.css.split()[-1] for item in timeline.legend}
    assert used == legend


def test_wide_bars_carry_a_visible_text_label() -> None:
    timeline = build_timeline(run("provisioned-concurrency-spillover"))
    labels = {bar.label for lane in env_lanes(timeline) for bar in lane.bars}
    assert {"PC INIT 800 ms", "INIT 800 ms", "INVOKE 1 s"} <= labels


def test_shutdowns_after_the_horizon_are_drawn_at_the_right_edge() -> None:
    timeline = build_timeline(run("shutdown-extension"))
    later = [bar for bar in timeline.bars() if "tl-shutdown-later" in bar.css]
    assert later
    assert "after the end of the chart" in later[0].title


def test_detailed_timeline_is_at_least_960_units_wide_and_grows_with_busy_lanes() -> None:
    small = build_timeline(run("cold-then-warm"))
    steady = {"Traffic": {"Rates": [{"Kind": "constant", "PerSecond": 1, "Count": 90}]}}
    busy = build_timeline(simulate(Scenario.from_dict(steady)))
    assert small.width >= 960
    assert busy.width > small.width
    assert busy.width <= 4000


def throttled_requests(*times: int) -> Timeline:
    """Draw requests that are all throttled: each is an arrival and a 429 in the source lane."""
    events = [{"AtMs": time} for time in times]
    scenario = {"Function": {"ReservedConcurrentExecutions": 0}, "Traffic": {"Events": events}}
    return build_timeline(simulate(Scenario.from_dict(scenario)))


def source_markers(timeline: Timeline) -> list[Bar]:
    lane = next(lane for lane in timeline.lanes if lane.key.startswith("source-"))
    return list(lane.markers)


MERGE_UNITS = 5.0  # markers closer than this (SVG units) in one lane are drawn as one group


def test_markers_closer_than_the_merge_distance_are_drawn_as_one_group() -> None:
    # A request every 5 s for 80 s: no quiet gap long enough to be squeezed, so the axis is
    # linear and its scale is the plot width over the span.
    steady = range(0, 80_001, 5_000)
    reference = throttled_requests(*steady)
    assert not reference.breaks
    units_per_ms = (reference.plot_right - reference.plot_left) / (
        reference.end_ms - reference.start_ms
    )
    # The gap in ms that puts two markers exactly MERGE_UNITS units apart on this axis.
    at_distance = round(MERGE_UNITS / units_per_ms)
    first = 10_000

    apart = source_markers(throttled_requests(*steady, first + at_distance))
    assert [marker.count for marker in apart] == [2] * (len(steady) + 1)
    assert apart[3].x - apart[2].x == MERGE_UNITS, "the two requests sit exactly that far"

    inside = throttled_requests(*steady, first + at_distance - 1)
    assert (at_distance - 1) * units_per_ms < MERGE_UNITS
    markers = source_markers(inside)
    assert [marker.count for marker in markers] == [2, 2, 4] + [2] * (len(steady) - 3)
    assert "also here" in markers[2].title


def test_timeline_modules_depend_downward_only() -> None:
    """Each module of the timeline package imports only siblings listed before it."""
    package = Path(timeline_package.__file__).parent
    order = ["shapes", "axis", "style", "aggregated", "detailed", "__init__"]
    assert sorted(order) == sorted(path.stem for path in package.glob("*.py"))
    for position, name in enumerate(order):
        tree = ast.parse((package / f"{name}.py").read_text())
        siblings = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                siblings |= {node.module} if node.module else {alias.name for alias in node.names}
        assert siblings <= set(order[:position]), f"{name} imports {siblings}"


# --- the axis ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end_ms", "unit"),
    [(10, "ms"), (1_500, "ms"), (10_000, "s"), (119_000, "s"), (600_000, "min"), (86_400_000, "h")],
)
def test_ticks_increase_at_round_values_in_a_unit_that_suits_the_span(
    end_ms: int, unit: str
) -> None:
    chosen, ticks = nice_ticks(0, end_ms)
    assert chosen == unit
    times = [time for time, _ in ticks]
    assert times == sorted(set(times))
    assert 5 <= len(ticks) <= 10
    assert times[0] >= 0
    assert times[-1] <= end_ms
    assert all(label.endswith(f" {unit}") for _, label in ticks)
    steps = {round(b - a, 6) for a, b in zip(times, times[1:], strict=False)}
    assert len(steps) == 1


@pytest.mark.parametrize("slug", ["sqs-partial-batch", "provisioned-concurrency-spillover"])
def test_timeline_ticks_sit_inside_the_plot_in_order(slug: str) -> None:
    timeline = build_timeline(run(slug))
    xs = [tick.x for tick in timeline.ticks]
    assert xs == sorted(xs)
    assert timeline.plot_left <= xs[0]
    assert xs[-1] <= timeline.plot_right


# --- aggregated mode --------------------------------------------------------------------------


def test_big_poisson_run_is_aggregated_and_concurrency_never_exceeds_the_peak() -> None:
    result = big_poisson_run()
    timeline = build_timeline(result)
    assert timeline.mode == AGGREGATED
    assert not timeline.lanes
    assert "showing totals per" in timeline.note
    busy = next(s for p in timeline.panels for s in p.series if s.css == "tl-series-busy")
    assert max(busy.values) <= result.metrics.peak_concurrency
    assert max(busy.values) > 0
    cold = next(p for p in timeline.panels if p.title.startswith("Cold starts"))
    assert cold.columns


def timeout_burst(*, requests: int, timeout_s: int, init_ms: int) -> Result:
    """Simulate a burst of requests that all run past the function's timeout."""
    scenario = Scenario.from_dict(
        {
            "seed": 1,
            "Function": {"Timeout": timeout_s},
            "Code": {"InitDurationMs": init_ms, "DurationMs": 100},
            "Source": {"Type": "sync"},
            "Traffic": {"Bursts": [{"AtMs": 0, "Count": requests}]},
            "Faults": [{"Effect": "slow", "ExtraMs": 10 * timeout_s * 1000}],
        }
    )
    return simulate(scenario)


def test_aggregated_errors_are_counted_when_the_invocations_time_out() -> None:
    """Regression: 200 timeouts after 5 s were drawn at 0.2 s, when the invocations started."""
    requests, timeout_s, init_ms = 200, 5, 200
    result = timeout_burst(requests=requests, timeout_s=timeout_s, init_ms=init_ms)
    timeline = build_timeline(result)
    assert timeline.mode == AGGREGATED
    assert result.metrics.function_errors == requests
    # Each request gets its own environment: INIT, then the handler runs until the timeout.
    fails_at = init_ms + timeout_s * 1000
    errors = next(p for p in timeline.panels if p.title.startswith("Function errors"))
    assert sum(column.count for column in errors.columns) == requests
    for column in errors.columns:
        assert column.start_ms <= fails_at <= column.end_ms, column.title
    assert all(column.start_ms >= timeout_s * 1000 for column in errors.columns)
    # The invocations still start (cold) right after INIT: the cold-start panel stays early.
    cold = next(p for p in timeline.panels if p.title.startswith("Cold starts"))
    assert all(column.end_ms <= fails_at - timeout_s * 1000 + 1000 for column in cold.columns)


def test_too_many_environments_switch_to_aggregated_mode() -> None:
    result = run("scaling-rate")
    assert build_timeline(result).mode == AGGREGATED
    assert build_timeline(result, max_bars=100_000, max_lanes=5_000).mode == DETAILED


def test_metrics_only_run_gives_an_empty_timeline() -> None:
    result = simulate(load_scenario_file(PRESETS / "cold-then-warm.yaml"), metrics_only=True)
    timeline = build_timeline(result)
    assert timeline.mode == EMPTY
    assert build_log(result).lines == ()


# --- the event log ----------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["sqs-poison-message", "sync-timeout-reset", "async-throttling"])
def test_errors_only_log_keeps_only_error_lines(slug: str) -> None:
    result = run(slug)
    log = build_log(result, errors_only=True, limit=10_000)
    assert log.lines
    assert log.matched < log.total
    for line in log.lines:
        event = result.events[line.index]
        assert line.kind in ERROR_KINDS
        assert is_error(event)
        if event.kind == Kind.INVOKE:
            assert event.outcome != "ok"
    failed_invocations = [line for line in log.lines if line.kind == "INVOKE"]
    assert len(failed_invocations) == result.metrics.function_errors


def test_request_filter_keeps_only_that_request_and_batches_containing_it() -> None:
    result = run("sqs-partial-batch")
    log = build_log(result, request="msg-4")
    requests = {line.request for line in log.lines}
    assert "msg-4" in requests
    assert "msg-1…msg-10" in requests, "the batch that carried msg-4"
    assert all(request in {"msg-4", "msg-1…msg-10"} for request in requests)
    assert all(line.filter_request in {None, "msg-4"} for line in log.lines)


def test_request_filter_understands_stream_sequence_ranges() -> None:
    result = run("kinesis-bisect")
    log = build_log(result, request="6")
    assert log.lines
    for line in log.lines:
        assert line.request is not None
        first, _, last = line.request.partition("…")
        assert int(first) <= 6 <= int(last or first)


def test_log_limit_counts_what_was_cut() -> None:
    result = run("async-throttling")
    log = build_log(result, limit=20)
    assert log.shown == 20
    assert log.matched == log.total == len(result.events)
    assert log.truncated == log.total - 20


@pytest.mark.parametrize("slug", detailed_presets())
def test_bars_and_log_lines_link_one_to_one(slug: str) -> None:
    result = run(slug)
    timeline = build_timeline(result)
    log = build_log(result, timeline=timeline, limit=100_000)
    bar_ids = [bar.index for bar in timeline.bars() if bar.index is not None]
    assert len(bar_ids) == len(set(bar_ids))
    lines = {line.index: line for line in log.lines}
    for index in bar_ids:
        assert lines[index].anchor == index
    for line in log.lines:
        if line.has_bar:
            assert line.anchor in bar_ids


# --- templates --------------------------------------------------------------------------------


def render(result: Result, previous: Result | None = None, request: str | None = None) -> str:
    timeline = build_timeline(result)
    context = {
        "timeline": timeline,
        "log": build_log(result, timeline=timeline, request=request),
        "metrics": result.metrics,
        "previous_metrics": previous.metrics if previous else None,
        "log_filter_urls": FILTER_URLS,
        "request_filter_base": "?log_request=",
    }
    return "".join(
        render_to_string(f"lab/{name}.html", context)
        for name in ("_metrics", "_timeline", "_event_log")
    )


def svg_of(html: str) -> ET.Element:
    match = re.search(r"<svg xmlns=.*?</svg>", html, re.S)
    assert match is not None
    return ET.fromstring(match.group(0))


@pytest.mark.parametrize(
    "slug", ["sqs-partial-batch", "provisioned-concurrency-spillover", "sync-timeout-reset"]
)
def test_detailed_templates_render_well_formed_svg_linked_to_the_log(slug: str) -> None:
    html = render(run(slug), previous=run("cold-then-warm"))
    svg = svg_of(html)
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.get("aria-label")
    links = svg.findall(f".//{ns}a")
    assert links
    for link in links:
        index = link.get("id", "").removeprefix("tl-ev-")
        assert link.get("href") == f"#log-ev-{index}"
        assert link.find(f"{ns}title") is not None
        assert f'id="log-ev-{index}"' in html
    assert "style=" not in ET.tostring(svg, encoding="unicode")
    assert "→" in html, "the metric cards compare with the previous run"


def test_aggregated_template_renders_well_formed_svg() -> None:
    html = render(big_poisson_run())
    svg = svg_of(html)
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.get("role") == "group", "its columns are focusable, so not one image"
    assert svg.findall(f".//{ns}polyline")
    columns = svg.findall(f".//{ns}g[@class='tl-col']")
    assert columns
    for column in columns:
        title = column.find(f"{ns}title")
        assert title is not None
        assert column.get("tabindex") == "0"
        assert column.get("aria-label") == title.text
    assert "showing totals per" in html


def test_event_log_template_shows_the_request_filter_and_a_clear_link() -> None:
    html = render(run("sqs-partial-batch"), request="msg-4")
    assert "Only request <code>msg-4</code>" in html
    assert 'href="?">clear' in html
    assert "show in timeline" in html
    assert 'href="?log_request=msg-4#event-log"' not in html, "no link to the current filter"


def test_event_log_lines_link_to_a_filter_on_their_request() -> None:
    html = render(run("sync-timeout-reset"))
    assert 'href="?log_request=warm-up#event-log">only warm-up</a>' in html


def test_templates_render_a_metrics_only_run() -> None:
    result = simulate(load_scenario_file(PRESETS / "cold-then-warm.yaml"), metrics_only=True)
    html = render(result)
    assert "no timeline" in html
    assert "<svg xmlns" not in html
